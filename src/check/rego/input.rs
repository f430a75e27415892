//! The documents a policy sees as `input`. Descriptors are passed as written (the YAML as JSON),
//! not as meshport's typed model, so a policy reads the same keys a team edits and keeps working
//! when the model changes; paths in findings then map straight back to the file.

use crate::model::{Domain, Edge, Mesh, NodeRef, Product, Team};
use serde_json::{json, Value};

/// The `input` of `deny_product` for every product, in product-id order.
pub fn product_bundles(mesh: &Mesh) -> Vec<(&Product, Value)> {
    mesh.products.values().map(|p| (p, product_bundle(mesh, p))).collect()
}

/// The `input` of `deny_mesh`; `products` reuses the per-product bundles.
pub fn mesh_bundle(mesh: &Mesh, products: &[(&Product, Value)]) -> Value {
    let contracts: Vec<Value> = mesh.contracts.values()
        .map(|c| json!({"contract": c.origin.doc.value, "file": c.origin.file}))
        .collect();
    json!({
        "products": products.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>(),
        "contracts": contracts,
        "teams": mesh.teams.values().map(team).collect::<Vec<_>>(),
        "domains": mesh.domains.values().map(domain).collect::<Vec<_>>(),
        "edges": mesh.edges.iter().map(edge).collect::<Vec<_>>(),
    })
}

fn product_bundle(mesh: &Mesh, p: &Product) -> Value {
    let team_of = |id: &str| mesh.teams.get(id).map(team).unwrap_or_else(|| json!({"id": id, "name": id}));
    let domain_of = |id: &str| mesh.domains.get(id).map(domain).unwrap_or_else(|| json!({"id": id, "name": id}));
    json!({
        "product": p.origin.doc.value,
        "file": p.origin.file,
        "contracts": port_contracts(mesh, p),
        "team": p.team.as_deref().map(team_of),
        "domain": p.domain.as_deref().map(domain_of),
        "upstream": neighbours(mesh, mesh.index.edges_in.get(&p.id), |e| match &e.from {
            NodeRef::Product(id) => Some(id.clone()),
            NodeRef::External(_) => None,
        }),
        "downstream": neighbours(mesh, mesh.index.edges_out.get(&p.id), |e| Some(e.to.clone())),
    })
}

/// Contracts of the product's output ports, then of its input ports, each once per direction.
/// `direction` (`output`/`input`) is an addition to the documented shape that saves policies
/// from matching `contractId`s themselves.
fn port_contracts(mesh: &Mesh, p: &Product) -> Vec<Value> {
    let mut seen = std::collections::BTreeSet::new();
    let ports = p.outputs.iter().map(|port| ("output", port)).chain(p.inputs.iter().map(|port| ("input", port)));
    let mut out = Vec::new();
    for (direction, port) in ports {
        let Some(key) = &port.contract else { continue };
        let Some(c) = mesh.contracts.get(key) else { continue };
        if seen.insert((direction, key)) {
            out.push(json!({"contract": c.origin.doc.value, "file": c.origin.file, "direction": direction}));
        }
    }
    out
}

fn neighbours(mesh: &Mesh, edges: Option<&Vec<usize>>, pick: impl Fn(&Edge) -> Option<String>) -> Vec<String> {
    let mut ids: Vec<String> = edges.into_iter().flatten().filter_map(|&i| mesh.edges.get(i)).filter_map(pick).collect();
    ids.sort();
    ids.dedup();
    ids
}

fn team(t: &Team) -> Value {
    json!({"id": t.id, "name": t.name, "email": t.email, "oncall": t.oncall, "contacts": t.contacts, "members": t.members})
}

fn domain(d: &Domain) -> Value {
    json!({"id": d.id, "name": d.name, "owner": d.owner})
}

/// `from` is null for an external source (an input contract no product of the mesh outputs).
fn edge(e: &Edge) -> Value {
    let from = match &e.from {
        NodeRef::Product(id) => Value::String(id.clone()),
        NodeRef::External(_) => Value::Null,
    };
    json!({"from": from, "to": e.to, "contractId": e.contract_id, "version": e.version})
}
