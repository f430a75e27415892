//! Lineage diagrams, drawn once per build: the graph (`graph`), what each diagram shows
//! (`specs`), a deterministic layered layout (`layout`, with `layers`, `place` and `route`),
//! layouts kept by shape (`cache`) and our SVG writer (`svg`).
//!
//! `Lineage::build` lays out every distinct diagram shape of the site once, in parallel, and
//! keeps the finished SVG markup; page views only look it up. A diagram over the node cap is
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
use rayon::prelude::*;
use specs::SpecCtx;
use std::collections::{BTreeMap, HashMap};

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
    /// Builds the graph and draws every diagram of the site, in parallel. `layouts` holds the
    /// layouts of earlier builds a caller kept (`serve`); identical diagram shapes are laid
    /// out once either way.
    pub fn build(mesh: &Mesh, urls: &Urls, layouts: &LayoutCache) -> Lineage {
        let cfg = &mesh.config.lineage;
        let graph = LineageGraph::build(mesh);
        let sc = SpecCtx::new(mesh, urls, &graph);
        let jobs = jobs(&sc, cfg);
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
        let drawings = draw_all(jobs, cfg, layouts);
        let impact = mesh
            .products
            .keys()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|id| ((*id).clone(), impact(mesh, &graph, id)))
            .collect();
        Lineage {
            graph,
            drawings,
            impact,
            sources,
        }
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

/// Every diagram of the site that is laid out (within the node cap), named by what it shows,
/// in a stable order: the input of the layout benchmark (`examples/lineage_layout.rs`).
pub fn diagram_specs(mesh: &Mesh, urls: &Urls) -> Vec<(String, Spec)> {
    let cfg = &mesh.config.lineage;
    let graph = LineageGraph::build(mesh);
    let jobs = jobs(&SpecCtx::new(mesh, urls, &graph), cfg);
    jobs.into_iter()
        .filter(|j| !over_cap(&j.spec, cfg) && !j.spec.nodes.is_empty())
        .map(|j| (format!("{:?}", j.key), j.spec))
        .collect()
}

fn over_cap(spec: &Spec, cfg: &LineageConfig) -> bool {
    // Edges count too: each labelled edge is one more box for the layout to place.
    spec.nodes.len() > cfg.max_nodes || spec.edges.len() > 2 * cfg.max_nodes
}

/// Every diagram of the site, in a stable order.
fn jobs(sc: &SpecCtx, cfg: &LineageConfig) -> Vec<Job> {
    let mesh = sc.mesh;
    let mut jobs = Vec::new();
    for p in mesh.products.values() {
        let page = sc.urls.product(&p.id).unwrap_or_default().to_string();
        if let Some(spec) = sc.product(&p.id, cfg.depth) {
            let title = format!("Lineage of {}: {} hops up- and downstream", p.name, cfg.depth);
            jobs.push(Job {
                key: Key::Product(p.id.clone()),
                spec,
                page_url: page.clone(),
                id: "lin-product",
                title,
            });
        }
        if let Some(spec) = sc.ports(p) {
            let title = format!("Input contracts feeding the output ports of {}", p.name);
            jobs.push(Job {
                key: Key::Ports(p.id.clone()),
                spec,
                page_url: page,
                id: "lin-ports",
                title,
            });
        }
    }
    for d in mesh.domains.keys() {
        let page = sc.urls.domain(d).unwrap_or_default().to_string();
        let title = format!("Products of the {d} domain and the products they exchange data with");
        jobs.push(Job {
            key: Key::Domain(d.clone()),
            spec: sc.domain(d),
            page_url: page,
            id: "lin-domain",
            title,
        });
    }
    for c in mesh.contracts.values() {
        if let Some(spec) = sc.fields(c) {
            let page = sc.urls.contract(&c.key).unwrap_or_default().to_string();
            let title = format!("Field-level lineage of {} {}", c.name, c.key.version);
            jobs.push(Job {
                key: Key::Contract(c.key.clone()),
                spec,
                page_url: page,
                id: "lin-fields",
                title,
            });
        }
    }
    let map = |key, spec, id, title: &str| Job {
        key,
        spec,
        page_url: MAP_URL.to_string(),
        id,
        title: title.to_string(),
    };
    jobs.push(map(
        Key::MapDomains,
        sc.domains(),
        "lin-map-domains",
        "Data flows between domains",
    ));
    jobs.push(map(
        Key::MapProducts,
        sc.all_products(),
        "lin-map-products",
        "Every product of the mesh and its lineage",
    ));
    jobs
}

/// Lays out each distinct shape once (or takes it from `layouts`), then writes every diagram.
fn draw_all(jobs: Vec<Job>, cfg: &LineageConfig, layouts: &LayoutCache) -> BTreeMap<Key, Drawing> {
    let mut distinct: HashMap<Shape, usize> = HashMap::new();
    let slots: Vec<Option<usize>> = jobs
        .iter()
        .map(|job| {
            let drawn = !over_cap(&job.spec, cfg) && !job.spec.nodes.is_empty();
            let next = distinct.len();
            drawn.then(|| *distinct.entry(Shape::of(&job.spec)).or_insert(next))
        })
        .collect();
    let mut shapes: Vec<(&Shape, usize)> = distinct.iter().map(|(s, i)| (s, *i)).collect();
    shapes.sort_by_key(|(_, i)| *i);
    let scenes = layouts.scenes(&shapes.into_iter().map(|(s, _)| s).collect::<Vec<_>>());
    jobs.into_par_iter()
        .zip(slots)
        .map(|(job, slot)| {
            let drawing = match slot {
                Some(i) => Drawing::Svg(svg::write(
                    &job.spec,
                    &scenes[i],
                    job.id,
                    &root_prefix(&job.page_url),
                    &job.title,
                )),
                None => note(&job.spec, cfg),
            };
            (job.key, drawing)
        })
        .collect()
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
