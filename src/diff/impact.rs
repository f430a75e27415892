//! Downstream of a breaking change: the products that read what changed, and the products
//! that read theirs, transitively. The head mesh is used for what still exists, the base mesh
//! for what was removed (a removed port's consumers are found by the base's lineage edges).

use super::{Affected, Change, Pair, Side, Subject};
use crate::model::{ContractKey, Mesh};
use std::collections::{BTreeMap, VecDeque};

/// The products affected by `change`, each once, sorted by id.
pub fn downstream(pair: Pair<'_>, change: &Change) -> Vec<Affected> {
    let direct = direct_consumers(pair, change);
    let mut seen: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    for p in direct {
        if seen.insert(p.clone(), None).is_none() {
            queue.push_back(p);
        }
    }
    let origin = match &change.subject {
        Subject::Product { id } => Some(id.clone()),
        Subject::Contract { .. } => None,
    };
    while let Some(p) = queue.pop_front() {
        for next in consumers_of_product(pair, &p) {
            if Some(&next) != origin.as_ref() && !seen.contains_key(&next) {
                seen.insert(next.clone(), Some(p.clone()));
                queue.push_back(next);
            }
        }
    }
    seen.into_iter()
        .map(|(product, via)| Affected { product, via })
        .collect()
}

/// Products reading `product`'s outputs: by the head's edges when it still exists there,
/// else by the base's.
fn consumers_of_product(pair: Pair<'_>, product: &str) -> Vec<String> {
    let mesh = if pair.head.products.contains_key(product) {
        pair.head
    } else {
        pair.base
    };
    let mut out: Vec<String> = mesh.downstream_of(product).map(|e| e.to.clone()).collect();
    out.sort();
    out.dedup();
    out
}

/// The first hop: who reads the thing that changed.
fn direct_consumers(pair: Pair<'_>, change: &Change) -> Vec<String> {
    match &change.subject {
        Subject::Contract { id, version } => {
            let key = ContractKey {
                id: id.clone(),
                version: version.clone(),
            };
            let mut out = readers(pair.head, &key);
            if change.at.side == Side::Base || out.is_empty() {
                out.extend(readers(pair.base, &key));
            }
            out.sort();
            out.dedup();
            out
        }
        Subject::Product { id } => {
            // A port change concerns one contract; product-wide changes (retired, removed)
            // reach every consumer.
            let contract = change.port_contract.as_deref();
            let mut out: Vec<String> = [pair.head, pair.base]
                .iter()
                .flat_map(|m| m.downstream_of(id))
                .filter(|e| contract.is_none_or(|c| e.contract_id == c))
                .map(|e| e.to.clone())
                .filter(|p| p != id)
                .collect();
            out.sort();
            out.dedup();
            out
        }
    }
}

/// Products with an input port reading this contract version (resolved, or left dangling by
/// the version's removal).
fn readers(mesh: &Mesh, key: &ContractKey) -> Vec<String> {
    mesh.products
        .values()
        .filter(|p| {
            p.inputs.iter().any(|i| {
                i.contract.as_ref() == Some(key)
                    || (i.contract.is_none()
                        && i.contract_id.as_deref() == Some(&key.id)
                        && i.version.as_deref().is_none_or(|v| v == key.version))
            })
        })
        .map(|p| p.id.clone())
        .collect()
}
