//! Lineage diagrams: the graph (`graph`), what each diagram shows (`specs`), a deterministic
//! layered layout (`layout`, with `layers`, `place` and `route`), layouts kept by shape
//! (`cache`) and our SVG writer (`svg`).
//!
//! `Lineage::build` makes the graph and the mesh-wide lookups; each page view draws its own
//! diagram as it renders (`Lineage::drawing`), each distinct shape laid out once while the
//! layout cache keeps it. A diagram over the node cap is
//! replaced by a short note: the pages always carry the upstream/downstream lists, which are
//! the diagrams' text alternative anyway.

pub mod cache;
pub mod graph;
mod layers;
pub mod layout;
mod place;
mod route;
pub mod specs;
pub mod svg;
#[cfg(test)]
mod tests;

use crate::config::LineageConfig;
use crate::model::{ContractKey, Mesh};
use crate::render::urls::{root_prefix, Urls};
pub use cache::LayoutCache;
use graph::LineageGraph;
use layout::{Shape, Spec};
use petgraph::Direction;
use specs::SpecCtx;
use std::collections::BTreeMap;

/// The mesh map page.
pub const MAP_URL: &str = "lineage/index.html";
/// At most this many impacted products are listed by name; teams are always all listed, and
/// the products counted per hop. A hub's page listed 200 (55 KB of a 125 KB page at 10,000
/// products) where the teams to tell and the counts are what a reader acts on.
pub const IMPACT_SHOWN: usize = 50;

/// A finished diagram, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Drawing {
    Svg(String),
    /// Not drawn (more nodes than `[lineage] max_nodes`, or none); the note says so.
    Note(String),
}

impl Drawing {
    pub fn svg(&self) -> Option<&str> {
        match self {
            Drawing::Svg(s) => Some(s),
            Drawing::Note(_) => None,
        }
    }
    pub fn note(&self) -> Option<&str> {
        match self {
            Drawing::Note(s) => Some(s),
            Drawing::Svg(_) => None,
        }
    }
}

/// Everything downstream of a product, transitively: who to tell before changing it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Impact {
    pub total: usize,
    /// The nearest `IMPACT_SHOWN` products with their distance in hops.
    pub products: Vec<(String, usize)>,
    /// Owner teams of all impacted products (`None`: no owner declared) with their counts.
    pub teams: Vec<(Option<String>, usize)>,
    /// Impacted products by distance: `hops[0]` read it directly, `hops[1]` are two hops away…
    pub hops: Vec<usize>,
}

/// A diagram of the site, named by what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diagram<'k> {
    /// A product's neighbourhood, `[lineage] depth` hops up- and downstream.
    Product(&'k str),
    /// The input contracts feeding a product's output ports.
    Ports(&'k str),
    /// A domain's products and whom they exchange data with.
    Domain(&'k str),
    /// Field-level lineage inside a contract version.
    Contract(&'k ContractKey),
    MapDomains,
    MapProducts,
}

/// One diagram to draw: its spec, the page it sits on and an id unique in that page.
struct Job {
    spec: Spec,
    page_url: String,
    id: &'static str,
    title: String,
}

/// The lineage of a build: the graph, and what drawing any one diagram needs. Diagrams are
/// specified, laid out (once per shape, through `layouts`) and written as their pages render,
/// so a build never holds more than the pages in flight.
pub struct Lineage {
    pub graph: LineageGraph,
    index: specs::SpecIndex,
    /// Where each `transformSourceObjects` source of the mesh links to, looked up once.
    sources: BTreeMap<String, Option<String>>,
    layouts: LayoutCache,
}

impl Lineage {
    /// Builds the graph and the lookups diagrams need. `layouts` is shared with the caller:
    /// `serve` keeps it across rebuilds, so an edit lays out only the shapes it changed.
    pub fn build(mesh: &Mesh, urls: &Urls, layouts: &LayoutCache) -> Lineage {
        let graph = LineageGraph::build(mesh);
        let index = specs::SpecIndex::build(mesh);
        let sc = SpecCtx::new(mesh, urls, &graph, &index);
        let sources = mesh
            .contracts
            .values()
            .flat_map(graph::field_edges)
            .map(|e| e.source)
            .collect::<std::collections::BTreeSet<_>>();
        let sources = sources
            .into_iter()
            .map(|s| {
                let href = sc.source_href(&s);
                (s, href)
            })
            .collect();
        Lineage {
            graph,
            index,
            sources,
            layouts: layouts.clone(),
        }
    }

    /// The page (and anchor) of a source object named in `transformSourceObjects`, when one
    /// contract of the mesh has it.
    pub fn source_href(&self, source: &str) -> Option<&str> {
        self.sources.get(source).and_then(Option::as_deref)
    }

    /// `of`, drawn now; `None` when the mesh has nothing of that name (or a product draws no
    /// ports diagram). `mesh` and `urls` are the ones this lineage was built from.
    pub fn drawing(&self, mesh: &Mesh, urls: &Urls, of: Diagram) -> Option<Drawing> {
        let sc = SpecCtx::new(mesh, urls, &self.graph, &self.index);
        let job = job(&sc, &mesh.config.lineage, of)?;
        Some(draw(&job, &mesh.config.lineage, &self.layouts))
    }

    /// Everything downstream of product `id`, transitively (walked when asked: only its page
    /// needs it).
    pub fn impact(&self, mesh: &Mesh, id: &str) -> Option<Impact> {
        self.graph.product(id).map(|_| impact(mesh, &self.graph, id))
    }
}

/// Every diagram of the site that is laid out (within the node cap), named by what it shows,
/// in a stable order: the input of the layout benchmark (`examples/lineage_layout.rs`).
pub fn diagram_specs(mesh: &Mesh, urls: &Urls) -> Vec<(String, Spec)> {
    let cfg = &mesh.config.lineage;
    let graph = LineageGraph::build(mesh);
    let index = specs::SpecIndex::build(mesh);
    let sc = SpecCtx::new(mesh, urls, &graph, &index);
    all_diagrams(mesh)
        .into_iter()
        .filter_map(|of| job(&sc, cfg, of).map(|j| (format!("{of:?}"), j.spec)))
        .filter(|(_, spec)| !over_cap(spec, cfg) && !spec.nodes.is_empty())
        .collect()
}

fn over_cap(spec: &Spec, cfg: &LineageConfig) -> bool {
    // Edges count too: each labelled edge is one more box for the layout to place.
    spec.nodes.len() > cfg.max_nodes || spec.edges.len() > 2 * cfg.max_nodes
}

/// Every diagram of the site, in a stable order.
pub fn all_diagrams(mesh: &Mesh) -> Vec<Diagram<'_>> {
    let mut all = Vec::new();
    for id in mesh.products.keys() {
        all.extend([Diagram::Product(id), Diagram::Ports(id)]);
    }
    all.extend(mesh.domains.keys().map(|d| Diagram::Domain(d)));
    all.extend(mesh.contracts.keys().map(Diagram::Contract));
    all.extend([Diagram::MapDomains, Diagram::MapProducts]);
    all
}

/// What diagram `of` shows and where it sits.
fn job(sc: &SpecCtx, cfg: &LineageConfig, of: Diagram) -> Option<Job> {
    let mesh = sc.mesh;
    let job = |spec, page_url: Option<&str>, id, title| Job {
        spec,
        page_url: page_url.unwrap_or_default().to_string(),
        id,
        title,
    };
    Some(match of {
        Diagram::Product(pid) => {
            let p = mesh.products.get(pid)?;
            let title = format!("Lineage of {}: {} hops up- and downstream", p.name, cfg.depth);
            job(sc.product(pid, cfg.depth)?, sc.urls.product(pid), "lin-product", title)
        }
        Diagram::Ports(pid) => {
            let p = mesh.products.get(pid)?;
            let title = format!("Input contracts feeding the output ports of {}", p.name);
            job(sc.ports(p)?, sc.urls.product(pid), "lin-ports", title)
        }
        Diagram::Domain(d) => {
            mesh.domains.get(d)?;
            let title = format!("Products of the {d} domain and the products they exchange data with");
            job(sc.domain(d), sc.urls.domain(d), "lin-domain", title)
        }
        Diagram::Contract(key) => {
            let c = mesh.contracts.get(key)?;
            let title = format!("Field-level lineage of {} {}", c.name, c.key.version);
            job(sc.fields(c)?, sc.urls.contract(key), "lin-fields", title)
        }
        Diagram::MapDomains => job(
            sc.domains(),
            Some(MAP_URL),
            "lin-map-domains",
            "Data flows between domains".into(),
        ),
        Diagram::MapProducts => job(
            sc.all_products(),
            Some(MAP_URL),
            "lin-map-products",
            "Every product of the mesh and its lineage".into(),
        ),
    })
}

/// The diagram of `job`, laid out through `layouts` (once per shape while the cache keeps it).
fn draw(job: &Job, cfg: &LineageConfig, layouts: &LayoutCache) -> Drawing {
    if over_cap(&job.spec, cfg) || job.spec.nodes.is_empty() {
        return note(&job.spec, cfg);
    }
    let scene = layouts.scenes(&[&Shape::of(&job.spec)]).remove(0);
    Drawing::Svg(svg::write(
        &job.spec,
        &scene,
        job.id,
        &root_prefix(&job.page_url),
        &job.title,
    ))
}

/// Why a diagram is not drawn.
fn note(spec: &Spec, cfg: &LineageConfig) -> Drawing {
    if spec.nodes.is_empty() {
        return Drawing::Note("Nothing to draw.".into());
    }
    Drawing::Note(format!(
        "This diagram would have {} nodes and {} edges, more than the {} a diagram shows ([lineage] max_nodes in meshport.toml); the lists below give the same lineage.",
        spec.nodes.len(),
        spec.edges.len(),
        cfg.max_nodes
    ))
}

fn impact(mesh: &Mesh, graph: &LineageGraph, id: &str) -> Impact {
    let Some(start) = graph.product(id) else {
        return Impact::default();
    };
    let reached = graph.walk(start, Direction::Outgoing, usize::MAX);
    let mut teams: BTreeMap<Option<String>, usize> = BTreeMap::new();
    let mut products = Vec::new();
    let mut hops: Vec<usize> = Vec::new();
    for (n, depth) in &reached {
        let crate::model::NodeRef::Product(pid) = graph.weight(*n) else {
            continue;
        };
        *teams
            .entry(mesh.products.get(pid).and_then(|p| p.team.clone()))
            .or_default() += 1;
        if hops.len() < *depth {
            hops.resize(*depth, 0);
        }
        hops[depth - 1] += 1;
        if products.len() < IMPACT_SHOWN {
            products.push((pid.clone(), *depth));
        }
    }
    Impact {
        total: teams.values().sum(),
        products,
        teams: teams.into_iter().collect(),
        hops,
    }
}
