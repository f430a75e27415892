//! Lineage diagrams, drawn once per build: the graph (`graph`), what each diagram shows
//! (`specs`), layout with a time budget (`layout`) and our SVG writer (`svg`).
//!
//! `Lineage::build` lays out every diagram of the site in parallel and keeps the finished
//! SVG markup; page views only look it up. A diagram over the node cap, or one whose layout
//! misses its time budget, is replaced by a short note: the pages always carry the
//! upstream/downstream lists, which are the diagrams' text alternative anyway.

pub mod graph;
pub mod layout;
pub mod route;
pub mod specs;
pub mod svg;
#[cfg(test)]
mod tests;

use crate::config::LineageConfig;
use crate::model::{ContractKey, Mesh};
use crate::render::urls::{root_prefix, Urls};
use graph::LineageGraph;
use layout::{Outcome, Spec};
use petgraph::Direction;
use rayon::prelude::*;
use specs::SpecCtx;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::Duration;

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
    /// Not drawn (too large, or its layout ran out of time); the note says so.
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

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Product(String),
    Ports(String),
    Domain(String),
    Contract(ContractKey),
    MapDomains,
    MapProducts,
}

/// One diagram to draw: its spec, the page it sits on and an id unique in that page.
struct Job {
    key: Key,
    spec: Spec,
    page_url: String,
    id: &'static str,
    title: String,
}

pub struct Lineage {
    pub graph: LineageGraph,
    drawings: BTreeMap<Key, Drawing>,
    impact: BTreeMap<String, Impact>,
    /// Where each `transformSourceObjects` source of the mesh links to, looked up once.
    sources: BTreeMap<String, Option<String>>,
}

impl Lineage {
    /// Builds the graph and draws every diagram of the site, in parallel.
    pub fn build(mesh: &Mesh, urls: &Urls) -> Lineage {
        let cfg = &mesh.config.lineage;
        let graph = LineageGraph::build(mesh);
        let sc = SpecCtx::new(mesh, urls, &graph);
        let jobs = jobs(&sc, cfg);
        let sources = mesh.contracts.values().flat_map(graph::field_edges).map(|e| e.source).collect::<std::collections::BTreeSet<_>>();
        let sources = sources.into_iter().map(|s| { let href = sc.source_href(&s); (s, href) }).collect();
        let drawings: BTreeMap<Key, Drawing> = jobs.into_par_iter().map(|job| (job.key.clone(), draw(&job, cfg))).collect();
        let impact = mesh.products.keys().collect::<Vec<_>>().par_iter().map(|id| ((*id).clone(), impact(mesh, &graph, id))).collect();
        Lineage { graph, drawings, impact, sources }
    }

    /// The page (and anchor) of a source object named in `transformSourceObjects`, when one
    /// contract of the mesh has it.
    pub fn source_href(&self, source: &str) -> Option<&str> {
        self.sources.get(source).and_then(Option::as_deref)
    }

    pub fn product(&self, id: &str) -> Option<&Drawing> {
        self.drawings.get(&Key::Product(id.to_string()))
    }
    pub fn ports(&self, id: &str) -> Option<&Drawing> {
        self.drawings.get(&Key::Ports(id.to_string()))
    }
    pub fn domain(&self, id: &str) -> Option<&Drawing> {
        self.drawings.get(&Key::Domain(id.to_string()))
    }
    pub fn contract(&self, key: &ContractKey) -> Option<&Drawing> {
        self.drawings.get(&Key::Contract(key.clone()))
    }
    pub fn map_domains(&self) -> Option<&Drawing> {
        self.drawings.get(&Key::MapDomains)
    }
    pub fn map_products(&self) -> Option<&Drawing> {
        self.drawings.get(&Key::MapProducts)
    }
    pub fn impact(&self, id: &str) -> Option<&Impact> {
        self.impact.get(id)
    }
}

/// Every diagram of the site, in a stable order.
fn jobs(sc: &SpecCtx, cfg: &LineageConfig) -> Vec<Job> {
    let mesh = sc.mesh;
    let mut jobs = Vec::new();
    for p in mesh.products.values() {
        let page = sc.urls.product(&p.id).unwrap_or_default().to_string();
        if let Some(spec) = sc.product(&p.id, cfg.depth) {
            let title = format!("Lineage of {}: {} hops up- and downstream", p.name, cfg.depth);
            jobs.push(Job { key: Key::Product(p.id.clone()), spec, page_url: page.clone(), id: "lin-product", title });
        }
        if let Some(spec) = sc.ports(p) {
            let title = format!("Input contracts feeding the output ports of {}", p.name);
            jobs.push(Job { key: Key::Ports(p.id.clone()), spec, page_url: page, id: "lin-ports", title });
        }
    }
    for d in mesh.domains.keys() {
        let page = sc.urls.domain(d).unwrap_or_default().to_string();
        let title = format!("Products of the {d} domain and the products they exchange data with");
        jobs.push(Job { key: Key::Domain(d.clone()), spec: sc.domain(d), page_url: page, id: "lin-domain", title });
    }
    for c in mesh.contracts.values() {
        if let Some(spec) = sc.fields(c) {
            let page = sc.urls.contract(&c.key).unwrap_or_default().to_string();
            let title = format!("Field-level lineage of {} {}", c.name, c.key.version);
            jobs.push(Job { key: Key::Contract(c.key.clone()), spec, page_url: page, id: "lin-fields", title });
        }
    }
    let map = |key, spec, id, title: &str| Job { key, spec, page_url: MAP_URL.to_string(), id, title: title.to_string() };
    jobs.push(map(Key::MapDomains, sc.domains(), "lin-map-domains", "Data flows between domains"));
    jobs.push(map(Key::MapProducts, sc.all_products(), "lin-map-products", "Every product of the mesh and its lineage"));
    jobs
}

/// Lays out and writes one diagram, or says why it is not drawn.
fn draw(job: &Job, cfg: &LineageConfig) -> Drawing {
    let nodes = job.spec.nodes.len();
    // Edges count too: each labelled edge is one more box for the layout to place.
    if nodes > cfg.max_nodes || job.spec.edges.len() > 2 * cfg.max_nodes {
        return Drawing::Note(format!(
            "This diagram would have {nodes} nodes and {} edges, more than the {} a diagram shows ([lineage] max_nodes in meshport.toml); the lists below give the same lineage.",
            job.spec.edges.len(),
            cfg.max_nodes
        ));
    }
    if nodes == 0 {
        return Drawing::Note("Nothing to draw.".into());
    }
    let budget = Duration::from_millis(cfg.timeout_ms);
    match layout::lay_out(&job.spec, budget) {
        Outcome::Laid(scene) => {
            let (spec, scene) = narrower(&job.spec, scene, budget);
            Drawing::Svg(svg::write(&spec, &scene, job.id, &root_prefix(&job.page_url), &job.title))
        }
        Outcome::TimedOut => Drawing::Note("The diagram was not drawn: its layout took longer than the build allows. The lists below give the same lineage.".into()),
        Outcome::Failed => Drawing::Note("The diagram could not be laid out. The lists below give the same lineage.".into()),
    }
}

/// Diagrams wider than this (px) are tried in the other orientation too.
const WIDE: f64 = 900.0;

/// A wide, flat drawing scrolls sideways or shrinks its text in a page column; when the other
/// orientation comes out narrower, that one is used. Only wide diagrams pay the second layout.
fn narrower(spec: &Spec, scene: layout::Scene, budget: Duration) -> (Cow<'_, Spec>, layout::Scene) {
    if scene.width <= WIDE || scene.width < 1.2 * scene.height {
        return (Cow::Borrowed(spec), scene);
    }
    let turned = Spec { left_to_right: !spec.left_to_right, ..spec.clone() };
    match layout::lay_out(&turned, budget) {
        Outcome::Laid(other) if other.width < scene.width => (Cow::Owned(turned), other),
        _ => (Cow::Borrowed(spec), scene),
    }
}

fn impact(mesh: &Mesh, graph: &LineageGraph, id: &str) -> Impact {
    let Some(start) = graph.product(id) else { return Impact::default() };
    let reached = graph.walk(start, Direction::Outgoing, usize::MAX);
    let mut teams: BTreeMap<Option<String>, usize> = BTreeMap::new();
    let mut products = Vec::new();
    let mut hops: Vec<usize> = Vec::new();
    for (n, depth) in &reached {
        let crate::model::NodeRef::Product(pid) = graph.weight(*n) else { continue };
        *teams.entry(mesh.products.get(pid).and_then(|p| p.team.clone())).or_default() += 1;
        if hops.len() < *depth {
            hops.resize(*depth, 0);
        }
        hops[depth - 1] += 1;
        if products.len() < IMPACT_SHOWN {
            products.push((pid.clone(), *depth));
        }
    }
    Impact { total: teams.values().sum(), products, teams: teams.into_iter().collect(), hops }
}
