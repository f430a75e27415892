//! The documents a policy sees as `input`. Descriptors are passed as written (the YAML as JSON),
//! not as meshport's typed model, so a policy reads the same keys a team edits and keeps working
//! when the model changes; paths in findings then map straight back to the file.
//!
//! meshport sends the worker each descriptor once ([`Wire`], borrowed from the mesh on the
//! way out); the worker builds the bundles as regorus values, whose arrays and objects are
//! reference-counted, so a contract read by many products is converted once and shared by every
//! bundle (and the mesh document) that holds it.

use crate::model::{ContractKey, Domain, Edge, Mesh, NodeRef, Team};
use regorus::Value;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// The mesh as the worker needs it: every document once, products by index in id order.
#[derive(Serialize, Deserialize, Default)]
pub struct Wire<'m> {
    contracts: Vec<ContractDoc<'m>>,
    teams: BTreeMap<String, Json>,
    domains: BTreeMap<String, Json>,
    products: Vec<ProductDoc<'m>>,
    edges: Vec<Json>,
}

#[derive(Serialize, Deserialize)]
struct ContractDoc<'m> {
    file: Cow<'m, str>,
    contract: Cow<'m, Json>,
}

#[derive(Serialize, Deserialize)]
struct ProductDoc<'m> {
    file: Cow<'m, str>,
    product: Cow<'m, Json>,
    /// Contracts of its output ports, then of its input ports: (index, `output`|`input`).
    ports: Vec<(usize, Cow<'m, str>)>,
    team: Option<Cow<'m, str>>,
    domain: Option<Cow<'m, str>>,
    upstream: BTreeSet<String>,
    downstream: BTreeSet<String>,
}

impl<'m> Wire<'m> {
    pub fn new(mesh: &'m Mesh) -> Self {
        // In file order, as policies have always seen `input.contracts`.
        let mut contracts: Vec<_> = mesh.contracts.iter().collect();
        contracts.sort_by(|a, b| a.1.origin.file.cmp(&b.1.origin.file));
        let slot: BTreeMap<&ContractKey, usize> = contracts.iter().enumerate().map(|(i, (key, _))| (*key, i)).collect();
        let products = mesh
            .products
            .values()
            .map(|p| {
                let mut seen = BTreeSet::new();
                let all = p
                    .outputs
                    .iter()
                    .map(|port| ("output", port))
                    .chain(p.inputs.iter().map(|port| ("input", port)));
                let ports = all
                    .filter_map(|(direction, port)| Some((slot.get(port.contract.as_ref()?)?, direction)))
                    .filter(|&(&i, direction)| seen.insert((i, direction)))
                    .map(|(&i, direction)| (i, Cow::Borrowed(direction)))
                    .collect();
                let upstream = neighbours(mesh, mesh.index.edges_in.get(&p.id), |e| match &e.from {
                    NodeRef::Product(id) => Some(id.clone()),
                    NodeRef::External(_) => None,
                });
                ProductDoc {
                    file: Cow::Borrowed(&p.origin.file),
                    product: Cow::Borrowed(&p.origin.doc.value),
                    ports,
                    team: p.team.as_deref().map(Cow::Borrowed),
                    domain: p.domain.as_deref().map(Cow::Borrowed),
                    upstream,
                    downstream: neighbours(mesh, mesh.index.edges_out.get(&p.id), |e| Some(e.to.clone())),
                }
            })
            .collect();
        Wire {
            contracts: contracts
                .iter()
                .map(|(_, c)| ContractDoc {
                    file: Cow::Borrowed(&c.origin.file),
                    contract: Cow::Borrowed(&c.origin.doc.value),
                })
                .collect(),
            teams: mesh.teams.values().map(|t| (t.id.clone(), team(t))).collect(),
            domains: mesh.domains.values().map(|d| (d.id.clone(), domain(d))).collect(),
            products,
            edges: mesh.edges.iter().map(edge).collect(),
        }
    }
}

/// The inputs as regorus values, built once in the worker.
pub struct Inputs {
    /// The `input` of `deny_product`, per product in id order.
    pub products: Vec<Value>,
    contracts: Vec<Value>,
    teams: Vec<Value>,
    domains: Vec<Value>,
    edges: Vec<Value>,
}

impl Inputs {
    pub fn new(wire: Wire<'_>) -> Self {
        let contracts: Vec<Value> = wire
            .contracts
            .into_iter()
            .map(|c| {
                object([
                    ("contract", Value::from(c.contract.into_owned())),
                    ("file", Value::from(c.file.as_ref())),
                ])
            })
            .collect();
        let teams: BTreeMap<String, Value> = wire.teams.into_iter().map(|(id, t)| (id, Value::from(t))).collect();
        let domains: BTreeMap<String, Value> = wire.domains.into_iter().map(|(id, d)| (id, Value::from(d))).collect();
        let named = |m: &BTreeMap<String, Value>, id: Option<Cow<str>>| match id {
            None => Value::Null,
            Some(id) => m
                .get(id.as_ref())
                .cloned()
                .unwrap_or_else(|| object([("id", Value::from(id.as_ref())), ("name", Value::from(id.as_ref()))])),
        };
        let products = wire
            .products
            .into_iter()
            .map(|p| {
                let ports = p
                    .ports
                    .iter()
                    .filter_map(|(i, direction)| {
                        let mut entry = contracts.get(*i)?.clone();
                        if let Ok(map) = entry.as_object_mut() {
                            map.insert(Value::from("direction"), Value::from(direction.as_ref()));
                        }
                        Some(entry)
                    })
                    .collect::<Vec<_>>();
                object([
                    ("product", Value::from(p.product.into_owned())),
                    ("file", Value::from(p.file.as_ref())),
                    ("contracts", Value::from(ports)),
                    ("team", named(&teams, p.team)),
                    ("domain", named(&domains, p.domain)),
                    (
                        "upstream",
                        Value::from(p.upstream.into_iter().map(Value::from).collect::<Vec<_>>()),
                    ),
                    (
                        "downstream",
                        Value::from(p.downstream.into_iter().map(Value::from).collect::<Vec<_>>()),
                    ),
                ])
            })
            .collect();
        Inputs {
            products,
            contracts,
            teams: teams.into_values().collect(),
            domains: domains.into_values().collect(),
            edges: wire.edges.into_iter().map(Value::from).collect(),
        }
    }

    /// The `input` of `deny_mesh`: every product bundle, contract, team, domain and edge.
    pub fn mesh(&self) -> Value {
        object([
            ("products", Value::from(self.products.clone())),
            ("contracts", Value::from(self.contracts.clone())),
            ("teams", Value::from(self.teams.clone())),
            ("domains", Value::from(self.domains.clone())),
            ("edges", Value::from(self.edges.clone())),
        ])
    }
}

fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::from(
        pairs
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn neighbours(mesh: &Mesh, edges: Option<&Vec<usize>>, pick: impl Fn(&Edge) -> Option<String>) -> BTreeSet<String> {
    edges
        .into_iter()
        .flatten()
        .filter_map(|&i| mesh.edges.get(i))
        .filter_map(pick)
        .collect()
}

fn team(t: &Team) -> Json {
    serde_json::json!({"id": t.id, "name": t.name, "email": t.email, "oncall": t.oncall, "contacts": t.contacts, "members": t.members})
}

fn domain(d: &Domain) -> Json {
    serde_json::json!({"id": d.id, "name": d.name, "owner": d.owner})
}

/// `from` is null for an external source (an input contract no product of the mesh outputs).
fn edge(e: &Edge) -> Json {
    let from = match &e.from {
        NodeRef::Product(id) => Json::from(id.as_str()),
        NodeRef::External(_) => Json::Null,
    };
    serde_json::json!({"from": from, "to": e.to, "contractId": e.contract_id, "version": e.version})
}
