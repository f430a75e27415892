//! Lineage by the contract rule: product B feeds product A when an output port of B and an
//! input port of A carry the same `contractId`, preferring the producers whose port binds to
//! the same contract version (`Mesh::find_contract`). An input whose contract no product
//! outputs comes from an external source. An input port without a contract that names a source
//! system (`sourceSystemId`, from the Data Product Specification) comes from the product or
//! output port of that id, else from an external source of that name.

use super::Mesh;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum NodeRef {
    Product(String),
    /// A source outside the mesh, named by the contract id it delivers.
    External(String),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Edge {
    pub from: NodeRef,
    /// The consuming product.
    pub to: String,
    pub contract_id: String,
    /// The version of the contract the input port binds to; the port's own version when the
    /// mesh has no such contract.
    pub version: Option<String>,
}

/// All product-level edges, sorted.
pub fn edges(mesh: &Mesh) -> Vec<Edge> {
    let mut out = Vec::new();
    let ports = output_ports_by_id(mesh);
    for consumer in mesh.products.values() {
        for input in &consumer.inputs {
            let Some(cid) = &input.contract_id else {
                if let Some(system) = &input.source_system {
                    out.push(source_system_edge(mesh, &ports, consumer, system));
                }
                continue;
            };
            let producers: Vec<&str> = mesh
                .index
                .producers
                .get(cid)
                .map(|v| v.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let matching: Vec<&str> = producers
                .iter()
                .copied()
                .filter(|p| *p != consumer.id && produces_bound(mesh, p, cid, input.contract.as_ref()))
                .collect();
            let chosen = if matching.is_empty() {
                producers.into_iter().filter(|p| *p != consumer.id).collect()
            } else {
                matching
            };
            // Without a contract file the port's own version is all there is to label the edge with.
            let version = input
                .contract
                .as_ref()
                .map(|k| k.version.clone())
                .or_else(|| input.version.clone());
            if chosen.is_empty() {
                out.push(edge(NodeRef::External(cid.clone()), consumer, cid, &version));
            }
            for p in chosen {
                out.push(edge(NodeRef::Product(p.to_string()), consumer, cid, &version));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Output port ids (`outputPorts[].id`) → the product and the contract id of the port.
fn output_ports_by_id(mesh: &Mesh) -> HashMap<&str, (&str, Option<&str>)> {
    let mut out = HashMap::new();
    for p in mesh.products.values() {
        for port in &p.raw.output_ports {
            if let Some(id) = &port.id {
                out.entry(id.as_str())
                    .or_insert((p.id.as_str(), port.contract_id.as_deref()));
            }
        }
    }
    out
}

/// An input port that names a source system instead of a contract (Data Product
/// Specification): the product of that id, else the product with an output port of that id
/// (through the port's contract when it has one), else an external source of that name.
fn source_system_edge(
    mesh: &Mesh,
    ports: &HashMap<&str, (&str, Option<&str>)>,
    consumer: &super::Product,
    system: &str,
) -> Edge {
    if mesh.products.contains_key(system) && system != consumer.id {
        return edge(NodeRef::Product(system.to_string()), consumer, system, &None);
    }
    match ports.get(system).filter(|(p, _)| *p != consumer.id) {
        Some((p, contract)) => edge(
            NodeRef::Product(p.to_string()),
            consumer,
            contract.unwrap_or(system),
            &None,
        ),
        None => edge(NodeRef::External(system.to_string()), consumer, system, &None),
    }
}

fn edge(from: NodeRef, consumer: &super::Product, cid: &str, version: &Option<String>) -> Edge {
    Edge {
        from,
        to: consumer.id.clone(),
        contract_id: cid.to_string(),
        version: version.clone(),
    }
}

/// Whether product `p` outputs contract `cid` bound to the same version as `bound` (any
/// version when either side binds to none).
fn produces_bound(mesh: &Mesh, p: &str, cid: &str, bound: Option<&super::ContractKey>) -> bool {
    mesh.products[p].outputs.iter().any(|o| {
        o.contract_id.as_deref() == Some(cid)
            && (bound.is_none() || o.contract.is_none() || o.contract.as_ref() == bound)
    })
}

/// Edge indexes by consuming and producing product, so lookups never scan every edge.
pub fn index_edges(mesh: &mut Mesh) {
    for (i, e) in mesh.edges.iter().enumerate() {
        mesh.index.edges_in.entry(e.to.clone()).or_default().push(i);
        if let NodeRef::Product(p) = &e.from {
            mesh.index.edges_out.entry(p.clone()).or_default().push(i);
        }
    }
}

impl Mesh {
    pub fn upstream_of<'a>(&'a self, product: &str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.index
            .edges_in
            .get(product)
            .into_iter()
            .flatten()
            .map(|i| &self.edges[*i])
    }

    pub fn downstream_of<'a>(&'a self, product: &str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.index
            .edges_out
            .get(product)
            .into_iter()
            .flatten()
            .map(|i| &self.edges[*i])
    }
}
