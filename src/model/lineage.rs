//! Lineage by the contract rule: product B feeds product A when an output port of B and an
//! input port of A carry the same `contractId`, preferring the producers whose port binds to
//! the same contract version (`Mesh::find_contract`). An input whose contract no product
//! outputs comes from an external source.

use super::Mesh;
use serde::Serialize;

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
    for consumer in mesh.products.values() {
        for input in &consumer.inputs {
            let Some(cid) = &input.contract_id else { continue };
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
