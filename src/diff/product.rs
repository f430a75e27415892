//! Product changes: products added and removed, status (retirement while consumed), output
//! and input ports (matched by name), other metadata.

use super::kinds::{self as k};
use super::values::{changed_keys, keys_sentence};
use super::{push, Change, Found, Location, Pair, Side, Subject};
use crate::model::{Mesh, Port, Product};
use std::cmp::Ordering;

const OWN_KEYS: &[&str] = &["inputPorts", "outputPorts", "status", "id"];
const PORT_KEYS: &[&str] = &["contractId", "version", "name"];

pub fn compare_all(pair: Pair<'_>, out: &mut Vec<Change>) {
    for (id, base) in &pair.base.products {
        let subject = Subject::Product { id: id.clone() };
        match pair.head.products.get(id) {
            Some(head) => push(out, &subject, compare(pair, base, head)),
            None => {
                let kind = if has_consumers(pair.base, id, None) {
                    k::PRODUCT_REMOVED
                } else {
                    k::PRODUCT_REMOVED_UNUSED
                };
                let at = Location::of(&base.origin, "", Side::Base);
                push(out, &subject, vec![Found::new(kind, "removed", at)]);
            }
        }
    }
    for (id, head) in pair
        .head
        .products
        .iter()
        .filter(|(id, _)| !pair.base.products.contains_key(*id))
    {
        let at = Location::of(&head.origin, "", Side::Head);
        push(
            out,
            &Subject::Product { id: id.clone() },
            vec![Found::new(k::PRODUCT_ADDED, "added", at)],
        );
    }
}

/// Whether another product reads an output of `product` (of contract `contract` when given).
pub fn has_consumers(mesh: &Mesh, product: &str, contract: Option<&str>) -> bool {
    mesh.downstream_of(product)
        .any(|e| contract.is_none_or(|c| e.contract_id == c))
}

fn compare(pair: Pair<'_>, base: &Product, head: &Product) -> Vec<Found> {
    let mut found = Vec::new();
    let here = |ptr: &str| Location::of(&head.origin, ptr, Side::Head);
    if base.status != head.status {
        let retired = head.status == "retired" && has_consumers(pair.head, &head.id, None);
        let kind = if retired {
            k::PRODUCT_RETIRED
        } else {
            k::PRODUCT_STATUS_CHANGED
        };
        found.push(Found::new(
            kind,
            format!("status `{}` → `{}`", base.status, head.status),
            here("/status"),
        ));
    }
    let meta = changed_keys(&base.origin.doc.value, &head.origin.doc.value, OWN_KEYS);
    if let Some(first) = meta.first() {
        found.push(Found::new(
            k::PRODUCT_CHANGED,
            keys_sentence(&meta),
            here(&format!("/{first}")),
        ));
    }
    outputs(pair, base, head, &mut found);
    inputs(base, head, &mut found);
    found
}

fn find<'a>(ports: &'a [Port], name: &str) -> Option<&'a Port> {
    ports.iter().find(|p| p.name == name)
}

fn outputs(pair: Pair<'_>, base: &Product, head: &Product, found: &mut Vec<Found>) {
    for bp in &base.outputs {
        let cid = bp.contract_id.as_deref().unwrap_or("?");
        let Some(hp) = find(&head.outputs, &bp.name) else {
            let at = Location::of(&base.origin, &bp.pointer, Side::Base);
            found.push(
                Found::new(
                    k::PORT_OUTPUT_REMOVED,
                    format!("output port `{}` (contract `{cid}`) removed", bp.name),
                    at,
                )
                .port(bp.contract_id.as_deref()),
            );
            continue;
        };
        let at = |key: &str| Location::of(&head.origin, &format!("{}/{key}", hp.pointer), Side::Head);
        if hp.contract_id != bp.contract_id {
            let now = hp.contract_id.as_deref().unwrap_or("(none)");
            let msg = format!(
                "output port `{}` no longer delivers contract `{cid}` (now `{now}`)",
                bp.name
            );
            found.push(Found::new(k::PORT_OUTPUT_REMOVED, msg, at("contractId")).port(bp.contract_id.as_deref()));
        } else if let Some((was, now)) = bound_versions(bp, hp) {
            // What consumers read is the bound contract version (`Mesh::find_contract`), not
            // the port's own version, which `port_meta` reports as an edit.
            let down = crate::model::compare_versions(now, was) == Ordering::Less;
            let kind = if down && has_consumers(pair.base, &base.id, Some(cid)) {
                k::PORT_VERSION_DOWNGRADED
            } else {
                k::PORT_OUTPUT_CHANGED
            };
            let msg = format!("output port `{}`: contract `{cid}` version {was} → {now}", bp.name);
            found.push(Found::new(kind, msg, at("version")).port(bp.contract_id.as_deref()));
        } else if hp.version != bp.version {
            let msg = format!(
                "output port `{}`: port version {} → {} (the contract version it binds to is unchanged)",
                bp.name,
                bp.version.as_deref().unwrap_or("(none)"),
                hp.version.as_deref().unwrap_or("(none)")
            );
            found.push(Found::new(k::PORT_OUTPUT_CHANGED, msg, at("version")).port(bp.contract_id.as_deref()));
        }
        port_meta(base, head, bp, hp, k::PORT_OUTPUT_CHANGED, "output", found);
    }
    for hp in head.outputs.iter().filter(|p| find(&base.outputs, &p.name).is_none()) {
        let cid = hp.contract_id.as_deref().unwrap_or("?");
        let at = Location::of(&head.origin, &hp.pointer, Side::Head);
        found.push(Found::new(
            k::PORT_OUTPUT_ADDED,
            format!("output port `{}` (contract `{cid}`) added", hp.name),
            at,
        ));
    }
}

fn inputs(base: &Product, head: &Product, found: &mut Vec<Found>) {
    for bp in &base.inputs {
        let cid = bp.contract_id.as_deref().unwrap_or("?");
        let Some(hp) = find(&head.inputs, &bp.name) else {
            let at = Location::of(&base.origin, &bp.pointer, Side::Base);
            found.push(Found::new(
                k::PORT_INPUT_REMOVED,
                format!("input port `{}` (contract `{cid}`) removed", bp.name),
                at,
            ));
            continue;
        };
        if hp.contract_id != bp.contract_id || hp.version != bp.version || bound_versions(bp, hp).is_some() {
            let show = |p: &Port| {
                format!(
                    "`{}` {} (port version {})",
                    p.contract_id.as_deref().unwrap_or("?"),
                    p.contract.as_ref().map_or("(no contract file)", |k| k.version.as_str()),
                    p.version.as_deref().unwrap_or("none")
                )
            };
            let at = Location::of(&head.origin, &format!("{}/contractId", hp.pointer), Side::Head);
            found.push(Found::new(
                k::PORT_INPUT_CHANGED,
                format!("input port `{}`: {} → {}", bp.name, show(bp), show(hp)),
                at,
            ));
        }
        port_meta(base, head, bp, hp, k::PORT_INPUT_CHANGED, "input", found);
    }
    for hp in head.inputs.iter().filter(|p| find(&base.inputs, &p.name).is_none()) {
        let cid = hp.contract_id.as_deref().unwrap_or("?");
        let at = Location::of(&head.origin, &hp.pointer, Side::Head);
        found.push(Found::new(
            k::PORT_INPUT_ADDED,
            format!("input port `{}` (contract `{cid}`) added", hp.name),
            at,
        ));
    }
}

/// Keys of a port other than its contract reference (description, type, …).
/// The contract versions a port bound to before and after, when they differ.
fn bound_versions<'a>(bp: &'a Port, hp: &'a Port) -> Option<(&'a str, &'a str)> {
    match (&bp.contract, &hp.contract) {
        (Some(b), Some(h)) if b.version != h.version => Some((b.version.as_str(), h.version.as_str())),
        _ => None,
    }
}

fn port_meta(
    base: &Product,
    head: &Product,
    bp: &Port,
    hp: &Port,
    kind: &'static super::Kind,
    what: &str,
    found: &mut Vec<Found>,
) {
    let value = |p: &Product, port: &Port| p.origin.doc.value.pointer(&port.pointer).cloned().unwrap_or_default();
    let keys = changed_keys(&value(base, bp), &value(head, hp), PORT_KEYS);
    if let Some(first) = keys.first() {
        let at = Location::of(&head.origin, &format!("{}/{first}", hp.pointer), Side::Head);
        found.push(Found::new(
            kind,
            format!("{what} port `{}`: {}", hp.name, keys_sentence(&keys)),
            at,
        ));
    }
}

#[cfg(test)]
mod tests;
