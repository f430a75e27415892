//! Lineage views: diagrams drawn by `crate::lineage` (looked up, never laid out here), the
//! impact list of a product, field-level rows of a contract, the mesh map page and
//! `api/lineage.json`.

use super::paging::field_url;
use super::views::*;
use super::{Ctx, PageJob};
use crate::lineage::graph::{domain_links, field_edges};
use crate::lineage::{Diagram, Drawing, MAP_URL};
use crate::model::{slugify, Contract, NodeRef};
use crate::output::Sink;
use serde_json::json;

/// Diagram `of`, drawn for the page rendering now, as (SVG markup, or why there is none).
pub fn drawing(ctx: &Ctx, of: Diagram) -> (Option<String>, Option<String>) {
    match ctx.lineage.drawing(ctx.mesh, ctx.urls, of) {
        Some(Drawing::Svg(svg)) => (Some(svg), None),
        Some(Drawing::Note(note)) => (None, Some(note)),
        None => (None, None),
    }
}

/// Transitively downstream products: the nearest `IMPACT_SHOWN`, the owner teams of all of
/// them and how many there are per hop.
pub fn impact(ctx: &Ctx, id: &str) -> ImpactSummary {
    let Some(imp) = ctx.lineage.impact(ctx.mesh, id) else {
        return ImpactSummary::default();
    };
    let products = imp
        .products
        .iter()
        .filter_map(|(pid, depth)| ctx.mesh.products.get(pid).map(|p| (p, depth)))
        .map(|(p, depth)| ImpactView {
            product: ctx.product_link(&p.id),
            depth: *depth,
            status: p.status.clone(),
            domain: p.domain.as_deref().map(|d| ctx.domain_link(d)),
            team: p.team.as_deref().map(|t| ctx.team_link(t)),
        })
        .collect();
    let teams = imp
        .teams
        .iter()
        .map(|(team, n)| ImpactTeamView {
            team: team.as_deref().map(|t| ctx.team_summary(t)),
            products: *n,
        })
        .collect();
    let hops = imp
        .hops
        .iter()
        .enumerate()
        .map(|(i, n)| HopCount {
            hops: i + 1,
            products: *n,
        })
        .collect();
    ImpactSummary {
        products,
        total: imp.total,
        teams,
        hops,
    }
}

/// What a product page shows of its impact.
#[derive(Default)]
pub struct ImpactSummary {
    pub products: Vec<ImpactView>,
    pub total: usize,
    pub teams: Vec<ImpactTeamView>,
    pub hops: Vec<HopCount>,
}

/// Field-level lineage rows of a contract, the text alternative of its diagram: the first
/// `shown`, and how many there are.
pub fn field_rows(ctx: &Ctx, c: &Contract, shown: usize) -> (Vec<FieldLineageView>, usize) {
    let edges = field_edges(c);
    let total = edges.len();
    let url = ctx.urls.contract(&c.key).unwrap_or_default();
    let size = ctx.mesh.config.pages.size;
    let rows = edges
        .into_iter()
        .take(shown)
        .map(|e| {
            let anchor = format!("field-{}", slugify(&e.field_path));
            FieldLineageView {
                source_url: ctx.lineage.source_href(&e.source).map(str::to_string),
                source: e.source,
                field_url: field_url(url, e.index, size, &anchor),
                anchor,
                field: e.field_path,
            }
        })
        .collect();
    (rows, total)
}

/// The mesh map page: domain-level flows, the full product graph when small enough, and
/// the same as lists.
pub fn map_job<'a>(ctx: &'a Ctx) -> PageJob<'a> {
    PageJob::new(MAP_URL, "map.html", "lineage").with_lazy("map", move || map_view(ctx))
}

fn map_view(ctx: &Ctx) -> MapView {
    let mesh = ctx.mesh;
    let domain_links = domain_links(mesh)
        .into_iter()
        .map(|((a, b), links)| DomainLinkView {
            from: ctx.domain_link(&a),
            to: ctx.domain_link(&b),
            links,
        })
        .collect();
    let externals: Vec<_> = mesh
        .edges
        .iter()
        .filter_map(|e| match &e.from {
            NodeRef::External(cid) => Some((cid, e)),
            NodeRef::Product(_) => None,
        })
        .collect();
    let external = externals
        .iter()
        .take(mesh.config.pages.size)
        .map(|(cid, e)| external_link(ctx, cid, e))
        .collect();
    let (domains_svg, domains_note) = drawing(ctx, Diagram::MapDomains);
    let (products_svg, products_note) = drawing(ctx, Diagram::MapProducts);
    MapView {
        domains_svg,
        domains_note,
        products_svg,
        products_note,
        domain_links,
        external,
        external_total: externals.len(),
        products: mesh.products.len(),
        edges: mesh.edges.len(),
        max_nodes: mesh.config.lineage.max_nodes,
    }
}

/// An external source as a lineage row: the source (its contract) read by a product.
fn external_link(ctx: &Ctx, cid: &str, e: &crate::model::Edge) -> LineageLink {
    let contract = match ctx.mesh.find_contract(cid, e.version.as_deref()) {
        Some(k) => ctx.contract_link(k),
        None => Link {
            title: cid.to_string(),
            url: None,
        },
    };
    let owner = ctx
        .mesh
        .products
        .get(&e.to)
        .and_then(|p| p.team.as_deref())
        .map(|t| ctx.team_link(t));
    LineageLink {
        node: ctx.product_link(&e.to),
        kind: "product".into(),
        contract,
        version: e.version.clone(),
        owner,
    }
}

/// `api/lineage.json`: every node and edge of the mesh's lineage graph.
pub fn api(ctx: &Ctx, site: &dyn Sink) {
    let graph = &ctx.lineage.graph;
    let nodes: Vec<_> = graph
        .graph
        .node_weights()
        .map(|n| match n {
            NodeRef::Product(id) => {
                let p = ctx.mesh.products.get(id);
                json!({
                    "id": id, "kind": "product", "name": p.map(|p| p.name.as_str()).unwrap_or(id),
                    "domain": p.and_then(|p| p.domain.as_deref()), "status": p.map(|p| p.status.as_str()),
                    "url": ctx.urls.product(id),
                })
            }
            NodeRef::External(cid) => {
                let key = ctx.mesh.find_contract(cid, None);
                json!({
                    "id": external_id(cid), "kind": "external", "name": cid, "domain": null, "status": null,
                    "url": key.and_then(|k| ctx.urls.contract(k)),
                })
            }
        })
        .collect();
    let edges: Vec<_> = ctx
        .mesh
        .edges
        .iter()
        .map(|e| {
            let from = match &e.from {
                NodeRef::Product(id) => id.clone(),
                NodeRef::External(cid) => external_id(cid),
            };
            json!({"from": from, "to": e.to, "contractId": e.contract_id, "version": e.version})
        })
        .collect();
    let doc = json!({"version": 1, "nodes": nodes, "edges": edges});
    site.add("api/lineage.json".into(), super::api::to_bytes(&doc));
}

/// External sources are named by their contract id, which may equal a product id: the prefix
/// keeps node ids unique.
fn external_id(cid: &str) -> String {
    format!("external:{cid}")
}
