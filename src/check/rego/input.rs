//! The documents a policy sees as `input`. Descriptors are passed as written (the YAML as JSON),
//! not as meshport's typed model, so a policy reads the same keys a team edits and keeps working
//! when the model changes; paths in findings then map straight back to the file.
//!
//! Inputs are built as regorus values directly: their arrays and objects are reference-counted,
//! so each descriptor is converted once and shared by every bundle (and the mesh document) that
//! holds it, instead of deep-copying a contract into each product that reads it.

use crate::model::{Domain, Edge, Mesh, NodeRef, Product, Team};
use regorus::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Converted descriptors, teams and domains, shared by every bundle.
pub struct Inputs<'m> {
    mesh: &'m Mesh,
    contracts: BTreeMap<&'m str, Value>,
    teams: BTreeMap<&'m str, Value>,
    domains: BTreeMap<&'m str, Value>,
}

impl<'m> Inputs<'m> {
    pub fn new(mesh: &'m Mesh) -> Self {
        let contracts = mesh.contracts.values()
            .map(|c| (c.origin.file.as_str(), object([("contract", json(&c.origin.doc.value)), ("file", c.origin.file.as_str().into())])))
            .collect();
        let teams = mesh.teams.values().map(|t| (t.id.as_str(), team(t))).collect();
        let domains = mesh.domains.values().map(|d| (d.id.as_str(), domain(d))).collect();
        Inputs { mesh, contracts, teams, domains }
    }

    /// The `input` of `deny_product` for every product, in product-id order.
    pub fn products(&self) -> Vec<(&'m Product, Value)> {
        self.mesh.products.values().map(|p| (p, self.product(p))).collect()
    }

    /// The `input` of `deny_mesh`; `products` are the per-product bundles.
    pub fn mesh(&self, products: &[(&Product, Value)]) -> Value {
        let all = |m: &BTreeMap<&str, Value>| Value::from(m.values().cloned().collect::<Vec<_>>());
        object([
            ("products", Value::from(products.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>())),
            ("contracts", all(&self.contracts)),
            ("teams", all(&self.teams)),
            ("domains", all(&self.domains)),
            ("edges", Value::from(self.mesh.edges.iter().map(edge).collect::<Vec<_>>())),
        ])
    }

    fn product(&self, p: &Product) -> Value {
        let mesh = self.mesh;
        let named = |m: &BTreeMap<&str, Value>, id: &str| m.get(id).cloned().unwrap_or_else(|| object([("id", id.into()), ("name", id.into())]));
        let upstream = neighbours(mesh, mesh.index.edges_in.get(&p.id), |e| match &e.from {
            NodeRef::Product(id) => Some(id.clone()),
            NodeRef::External(_) => None,
        });
        object([
            ("product", json(&p.origin.doc.value)),
            ("file", p.origin.file.as_str().into()),
            ("contracts", self.port_contracts(p)),
            ("team", p.team.as_deref().map_or(Value::Null, |t| named(&self.teams, t))),
            ("domain", p.domain.as_deref().map_or(Value::Null, |d| named(&self.domains, d))),
            ("upstream", upstream),
            ("downstream", neighbours(mesh, mesh.index.edges_out.get(&p.id), |e| Some(e.to.clone()))),
        ])
    }

    /// Contracts of the product's output ports, then of its input ports, each once per direction.
    /// `direction` (`output`/`input`) is an addition to the documented shape that saves policies
    /// from matching `contractId`s themselves.
    fn port_contracts(&self, p: &Product) -> Value {
        let mut seen = BTreeSet::new();
        let ports = p.outputs.iter().map(|port| ("output", port)).chain(p.inputs.iter().map(|port| ("input", port)));
        let mut out = Vec::new();
        for (direction, port) in ports {
            let Some(c) = port.contract.as_ref().and_then(|key| self.mesh.contracts.get(key)) else { continue };
            let Some(base) = self.contracts.get(c.origin.file.as_str()) else { continue };
            if seen.insert((direction, &c.key)) {
                let mut entry = base.clone();
                if let Ok(map) = entry.as_object_mut() {
                    map.insert(Value::from("direction"), Value::from(direction));
                }
                out.push(entry);
            }
        }
        Value::from(out)
    }
}

fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::from(pairs.into_iter().map(|(k, v)| (Value::from(k), v)).collect::<BTreeMap<_, _>>())
}

fn json(v: &serde_json::Value) -> Value {
    Value::from(v.clone())
}

fn neighbours(mesh: &Mesh, edges: Option<&Vec<usize>>, pick: impl Fn(&Edge) -> Option<String>) -> Value {
    let ids: BTreeSet<String> = edges.into_iter().flatten().filter_map(|&i| mesh.edges.get(i)).filter_map(pick).collect();
    Value::from(ids.into_iter().map(Value::from).collect::<Vec<_>>())
}

fn team(t: &Team) -> Value {
    json(&serde_json::json!({"id": t.id, "name": t.name, "email": t.email, "oncall": t.oncall, "contacts": t.contacts, "members": t.members}))
}

fn domain(d: &Domain) -> Value {
    json(&serde_json::json!({"id": d.id, "name": d.name, "owner": d.owner}))
}

/// `from` is null for an external source (an input contract no product of the mesh outputs).
fn edge(e: &Edge) -> Value {
    let from = match &e.from {
        NodeRef::Product(id) => Value::from(id.as_str()),
        NodeRef::External(_) => Value::Null,
    };
    let version = e.version.as_deref().map_or(Value::Null, Value::from);
    object([("from", from), ("to", e.to.as_str().into()), ("contractId", e.contract_id.as_str().into()), ("version", version)])
}
