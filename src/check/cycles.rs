//! Lineage cycles: data that feeds itself has no well-defined freshness or owner of truth.

use crate::check::rules::RuleId;
use crate::diag::Diagnostics;
use crate::model::{Mesh, NodeRef};
use std::collections::BTreeMap;

/// Reports each cycle once, at the product where it is first reached, with its whole path.
pub fn check(mesh: &Mesh, diags: &mut Diagnostics) {
    let mut state: BTreeMap<&str, u8> = BTreeMap::new(); // 1 = on stack, 2 = done
    for start in mesh.products.keys() {
        if state.contains_key(start.as_str()) {
            continue;
        }
        visit(mesh, start, &mut state, diags);
    }
}

/// Iterative depth-first search (a deep chain must not overflow the stack).
fn visit<'a>(mesh: &'a Mesh, start: &'a str, state: &mut BTreeMap<&'a str, u8>, diags: &mut Diagnostics) {
    let mut stack: Vec<(&'a str, Vec<&'a str>)> = vec![(start, next(mesh, start))];
    state.insert(start, 1);
    while let Some((node, children)) = stack.last_mut() {
        let node = *node;
        match children.pop() {
            Some(child) => match state.get(child) {
                None => {
                    state.insert(child, 1);
                    let grand = next(mesh, child);
                    stack.push((child, grand));
                }
                Some(1) => report(mesh, &stack, child, diags),
                _ => {}
            },
            None => {
                state.insert(node, 2);
                stack.pop();
            }
        }
    }
}

fn next<'a>(mesh: &'a Mesh, product: &str) -> Vec<&'a str> {
    let mut out: Vec<&str> = mesh.downstream_of(product).map(|e| e.to.as_str()).collect();
    out.sort();
    out.dedup();
    out.reverse();
    out
}

fn report(mesh: &Mesh, stack: &[(&str, Vec<&str>)], back_to: &str, diags: &mut Diagnostics) {
    let from = stack.iter().position(|(n, _)| *n == back_to).unwrap_or(0);
    let mut path: Vec<&str> = stack[from..].iter().map(|(n, _)| *n).collect();
    path.push(back_to);
    let p = &mesh.products[back_to];
    let via = mesh
        .upstream_of(back_to)
        .find(|e| e.from == NodeRef::Product(stack.last().map(|s| s.0).unwrap_or("").to_string()));
    let pointer = via
        .and_then(|e| {
            p.inputs
                .iter()
                .find(|i| i.contract_id.as_deref() == Some(e.contract_id.as_str()))
        })
        .map(|i| format!("{}/contractId", i.pointer))
        .unwrap_or_default();
    diags.push(RuleId::LineageCycle.at(
        &p.origin.file,
        p.origin.doc.span(&pointer),
        format!("lineage cycle: {}", path.join(" → ")),
    ));
}
