//! What each diagram shows, as layout-independent specs: a product's neighbourhood, a
//! domain's exchanges, the mesh map (domains, and all products when small), the ports inside
//! a product and the field-level hints inside a contract. Names and URLs are resolved here;
//! nodes and edges come out in graph (sorted) order so layouts are reproducible.

use super::graph::{domain_links, field_edges, port_edges, property_count, LineageGraph};
use super::layout::{Spec, SpecEdge, SpecNode};
use crate::model::{slugify, Contract, ContractKey, Edge, Mesh, NodeRef, Product};
use crate::render::paging::{field_url, ports_paging, PORT_SECTIONS};
use crate::render::urls::Urls;
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, BTreeSet};

/// Labels longer than this are shortened in the drawing (the tooltip keeps them whole).
const MAX_LABEL: usize = 30;
/// Colour slots of the theme (`.lin-node.dom-N` and `--lin-dom-N-*` in theme/style/).
const PALETTE: usize = 8;
/// More domain links than this many per domain draw the domain map two-sided.
const DENSE_DOMAINS: usize = 2;

/// What spec builders look up across the whole mesh, built once per build so a diagram can be
/// specified on its own while its page renders.
pub struct SpecIndex {
    /// Colour slot of each domain, in sorted order so a domain keeps its colour everywhere.
    pub colours: BTreeMap<String, usize>,
    /// Schema objects by name and by physical name: the contract versions declaring one, with
    /// the position of the object's first field (its page). Looking a source object up by
    /// scanning every contract made field-level lineage quadratic in contracts.
    objects: BTreeMap<String, BTreeMap<ContractKey, usize>>,
}

impl SpecIndex {
    pub fn build(mesh: &Mesh) -> SpecIndex {
        let mut domains: BTreeSet<&str> = mesh.domains.keys().map(String::as_str).collect();
        domains.extend(mesh.products.values().filter_map(|p| p.domain.as_deref()));
        let colours = domains
            .into_iter()
            .enumerate()
            .map(|(i, d)| (d.to_string(), i % PALETTE))
            .collect();
        SpecIndex {
            colours,
            objects: object_index(mesh),
        }
    }
}

/// Everything a spec builder reads.
pub struct SpecCtx<'a> {
    pub mesh: &'a Mesh,
    pub urls: &'a Urls,
    pub graph: &'a LineageGraph,
    index: &'a SpecIndex,
}

impl<'a> SpecCtx<'a> {
    pub fn new(mesh: &'a Mesh, urls: &'a Urls, graph: &'a LineageGraph, index: &'a SpecIndex) -> Self {
        SpecCtx {
            mesh,
            urls,
            graph,
            index,
        }
    }

    fn domain_class(&self, domain: Option<&str>) -> String {
        match domain.and_then(|d| self.index.colours.get(d)) {
            Some(i) => format!("dom-{i}"),
            None => "dom-none".to_string(),
        }
    }

    fn domain_name(&self, id: &str) -> String {
        self.mesh
            .domains
            .get(id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    fn product_node(&self, p: &Product, focus: bool) -> SpecNode {
        let domain = p.domain.as_deref().map(|d| self.domain_name(d));
        let mut sub = domain.clone().unwrap_or_else(|| "no domain".into());
        if matches!(p.status.as_str(), "deprecated" | "retired" | "draft" | "proposed") {
            let mark = if p.status == "draft" || p.status == "proposed" {
                ""
            } else {
                "⚠ "
            };
            sub = format!("{sub} · {mark}{}", p.status);
        }
        let team = p
            .team
            .as_deref()
            .and_then(|t| self.mesh.teams.get(t))
            .map(|t| t.name.as_str())
            .or(p.team.as_deref());
        let tooltip = format!(
            "{} ({}) · domain: {} · owner: {} · status: {}",
            p.name,
            p.id,
            domain.as_deref().unwrap_or("none"),
            team.unwrap_or("none declared"),
            p.status
        );
        let mut class = format!("{} st-{}", self.domain_class(p.domain.as_deref()), slugify(&p.status));
        if focus {
            class.push_str(" focus");
        }
        SpecNode {
            title: shorten(&p.name),
            subtitle: shorten(&sub),
            href: self.urls.product(&p.id).map(str::to_string),
            class,
            tooltip,
        }
    }

    fn external_node(&self, cid: &str) -> SpecNode {
        let key = self.mesh.find_contract(cid, None);
        let name = key
            .and_then(|k| self.mesh.contracts.get(k))
            .map(|c| c.name.as_str())
            .unwrap_or(cid);
        // Titled by contract id, as the edge labels are: contract names of sources tend to be
        // long ("… (source system)") and the whole name is in the tooltip.
        SpecNode {
            title: shorten(cid),
            subtitle: "external source".into(),
            href: key.and_then(|k| self.urls.contract(k)).map(str::to_string),
            class: "ext".into(),
            // Without a contract of that id the name is a source system (`sourceSystemId`).
            tooltip: match key {
                Some(_) => format!("External source {name} (contract {cid}): no product of this mesh outputs it"),
                None => format!("External source {cid}: no product or contract of this mesh has that id"),
            },
        }
    }

    fn node(&self, r: &NodeRef, focus: bool) -> SpecNode {
        match r {
            NodeRef::Product(id) => match self.mesh.products.get(id) {
                Some(p) => self.product_node(p, focus),
                None => SpecNode {
                    title: shorten(id),
                    class: "dom-none".into(),
                    tooltip: id.clone(),
                    ..SpecNode::default()
                },
            },
            NodeRef::External(cid) => self.external_node(cid),
        }
    }

    /// An edge labelled by its contract and version, linking to the contract's page.
    fn contract_edge(&self, e: &Edge, from: usize, to: usize) -> SpecEdge {
        let key = self.mesh.find_contract(&e.contract_id, e.version.as_deref());
        let label = match &e.version {
            Some(v) => format!("{} {}", e.contract_id, ver(v)),
            None => e.contract_id.clone(),
        };
        let from_name = match &e.from {
            NodeRef::Product(id) => self.mesh.products.get(id).map(|p| p.name.as_str()).unwrap_or(id),
            NodeRef::External(_) => "an external source",
        };
        let to_name = self.mesh.products.get(&e.to).map(|p| p.name.as_str()).unwrap_or(&e.to);
        SpecEdge {
            from,
            to,
            tooltip: format!("{from_name} → {to_name} through contract {label}"),
            label: shorten(&label),
            href: key.and_then(|k| self.urls.contract(k)).map(str::to_string),
            class: String::new(),
        }
    }

    /// The nodes (in index order) and the given graph edges between them.
    fn subgraph_spec(
        &self,
        nodes: &BTreeSet<NodeIndex>,
        edges: &[petgraph::graph::EdgeIndex],
        focus: Option<NodeIndex>,
    ) -> Spec {
        let order: BTreeMap<NodeIndex, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let spec_nodes = nodes
            .iter()
            .map(|n| self.node(self.graph.weight(*n), Some(*n) == focus))
            .collect();
        let spec_edges = edges
            .iter()
            .map(|e| {
                let (a, b) = self.graph.ends(*e);
                self.contract_edge(&self.mesh.edges[self.graph.mesh_edge(*e)], order[&a], order[&b])
            })
            .collect();
        Spec {
            nodes: spec_nodes,
            edges: spec_edges,
            left_to_right: false,
        }
    }

    /// A product's neighbourhood: `depth` hops up- and downstream, the product highlighted.
    pub fn product(&self, id: &str, depth: usize) -> Option<Spec> {
        let focus = self.graph.product(id)?;
        let nodes = self.graph.neighbourhood(focus, depth);
        let edges = self.graph.edges_within(&nodes);
        Some(self.subgraph_spec(&nodes, &edges, Some(focus)))
    }

    /// A domain's products and the products (or sources) they exchange data with directly;
    /// only edges touching the domain are drawn.
    pub fn domain(&self, domain: &str) -> Spec {
        let inside: BTreeSet<NodeIndex> = self
            .mesh
            .index
            .products_by_domain
            .get(domain)
            .into_iter()
            .flatten()
            .filter_map(|id| self.graph.product(id))
            .collect();
        let mut nodes = inside.clone();
        for n in &inside {
            nodes.extend(self.graph.neighbourhood(*n, 1));
        }
        let edges: Vec<_> = self
            .graph
            .edges_within(&nodes)
            .into_iter()
            .filter(|e| {
                let (a, b) = self.graph.ends(*e);
                inside.contains(&a) || inside.contains(&b)
            })
            .collect();
        self.subgraph_spec(&nodes, &edges, None)
    }

    /// Every product and external source with every edge. Edge labels stay in the tooltips:
    /// drawn, they double the boxes to place and make the whole-mesh picture too wide to read.
    pub fn all_products(&self) -> Spec {
        let nodes: BTreeSet<NodeIndex> = self.graph.graph.node_indices().collect();
        let edges = self.graph.edges_within(&nodes);
        let mut spec = self.subgraph_spec(&nodes, &edges, None);
        spec.edges.iter_mut().for_each(|e| e.label.clear());
        spec
    }

    /// Domains as nodes; an edge per ordered pair of domains weighted by product links. When
    /// most domains exchange data with most others, any graph of them is a tangle (a layered
    /// drawing needs one layer per domain); they are then drawn twice, as producers on the left
    /// and consumers on the right, and the counts stay in the tooltips and the table below.
    pub fn domains(&self) -> Spec {
        let links = domain_links(self.mesh);
        let ids: Vec<&String> = self.index.colours.keys().collect();
        if links.len() > DENSE_DOMAINS * ids.len() {
            return self.domains_two_sided(&links);
        }
        let order: BTreeMap<&str, usize> = ids.iter().enumerate().map(|(i, d)| (d.as_str(), i)).collect();
        let nodes = ids
            .iter()
            .map(|d| {
                let count = self.mesh.index.products_by_domain.get(*d).map_or(0, Vec::len);
                self.domain_node(d, format!("{count} product{}", plural(count)))
            })
            .collect();
        let edges = links
            .iter()
            .map(|((a, b), n)| SpecEdge {
                label: format!("{n} link{}", plural(*n)),
                ..self.domain_edge(a, b, *n, order[a.as_str()], order[b.as_str()])
            })
            .collect();
        Spec {
            nodes,
            edges,
            left_to_right: true,
        }
    }

    /// Producing domains on the left, consuming domains on the right, unlabelled edges.
    fn domains_two_sided(&self, links: &BTreeMap<(String, String), usize>) -> Spec {
        let mut spec = Spec {
            left_to_right: true,
            ..Spec::default()
        };
        let mut sides: BTreeMap<(bool, &str), usize> = BTreeMap::new();
        for (consumer, pick) in [(false, 0), (true, 1)] {
            let mut peers: BTreeMap<&str, usize> = BTreeMap::new();
            for pair in links.keys() {
                *peers
                    .entry(if pick == 0 { pair.0.as_str() } else { pair.1.as_str() })
                    .or_default() += 1;
            }
            for (d, n) in peers {
                let subtitle = if consumer {
                    format!("fed by {n} domain{}", plural(n))
                } else {
                    format!("feeds {n} domain{}", plural(n))
                };
                sides.insert((consumer, d), push(&mut spec, self.domain_node(d, subtitle)));
            }
        }
        spec.edges = links
            .iter()
            .map(|((a, b), n)| self.domain_edge(a, b, *n, sides[&(false, a.as_str())], sides[&(true, b.as_str())]))
            .collect();
        spec
    }

    fn domain_node(&self, d: &str, subtitle: String) -> SpecNode {
        let count = self.mesh.index.products_by_domain.get(d).map_or(0, Vec::len);
        SpecNode {
            title: shorten(&self.domain_name(d)),
            subtitle,
            href: self.urls.domain(d).map(str::to_string),
            class: self.domain_class(Some(d)),
            tooltip: format!("{} domain: {count} product{}", self.domain_name(d), plural(count)),
        }
    }

    /// An unlabelled edge between two domains, its stroke weighted by the product links.
    fn domain_edge(&self, a: &str, b: &str, n: usize, from: usize, to: usize) -> SpecEdge {
        SpecEdge {
            from,
            to,
            label: String::new(),
            href: None,
            class: format!("w-{}", weight_class(n)),
            tooltip: format!(
                "{} → {}: {n} product link{}",
                self.domain_name(a),
                self.domain_name(b),
                plural(n)
            ),
        }
    }

    /// Inside a product: input contracts feeding output ports (`inputContracts`).
    pub fn ports(&self, p: &Product) -> Option<Spec> {
        let edges = port_edges(p);
        if edges.is_empty() {
            return None;
        }
        let mut spec = Spec {
            left_to_right: true,
            ..Spec::default()
        };
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for e in &edges {
            let label = match &e.version {
                Some(v) => format!("{} {}", e.contract_id, ver(v)),
                None => e.contract_id.clone(),
            };
            let key = self.mesh.find_contract(&e.contract_id, e.version.as_deref());
            let from = *seen.entry(format!("c:{label}")).or_insert_with(|| {
                push(
                    &mut spec,
                    SpecNode {
                        subtitle: "input contract".into(),
                        href: key.and_then(|k| self.urls.contract(k)).map(str::to_string),
                        class: "port-in".into(),
                        tooltip: format!("Input contract {label}"),
                        title: shorten(&label),
                    },
                )
            });
            let href = port_href(
                self.urls.product(&p.id).unwrap_or_default(),
                p.inputs.len(),
                e.port_index,
                &e.output_port,
                self.mesh.config.pages.size,
            );
            let to = *seen.entry(format!("p:{}", e.output_port)).or_insert_with(|| {
                push(
                    &mut spec,
                    SpecNode {
                        subtitle: "output port".into(),
                        href: Some(href),
                        class: "port-out".into(),
                        tooltip: format!("Output port {} of {}", e.output_port, p.name),
                        title: shorten(&e.output_port),
                    },
                )
            });
            spec.edges.push(SpecEdge {
                from,
                to,
                tooltip: format!("{label} feeds output port {}", e.output_port),
                ..SpecEdge::default()
            });
        }
        Some(spec)
    }

    /// Inside a contract: source objects feeding fields (`transformSourceObjects`).
    pub fn fields(&self, c: &Contract) -> Option<Spec> {
        let edges = field_edges(c);
        if edges.is_empty() {
            return None;
        }
        let mut spec = Spec {
            left_to_right: true,
            ..Spec::default()
        };
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for e in &edges {
            let from = *seen.entry(format!("s:{}", e.source)).or_insert_with(|| {
                push(
                    &mut spec,
                    SpecNode {
                        title: shorten(&e.source),
                        subtitle: "source object".into(),
                        href: self.source_href(&e.source),
                        class: "field-src".into(),
                        tooltip: format!("Source object {}", e.source),
                    },
                )
            });
            let anchor = format!("field-{}", slugify(&e.field_path));
            let href = match (self.urls.contract(&c.key), page_of(e.index, self.mesh)) {
                (Some(url), page) if page > 1 => field_url(url, e.index, self.mesh.config.pages.size, &anchor),
                _ => format!("#{anchor}"),
            };
            let to = *seen.entry(format!("f:{}", e.field_path)).or_insert_with(|| {
                push(
                    &mut spec,
                    SpecNode {
                        title: shorten(&e.field_path),
                        subtitle: "field".into(),
                        href: Some(href),
                        class: "field".into(),
                        tooltip: format!("Field {} of {}", e.field_path, c.name),
                    },
                )
            });
            spec.edges.push(SpecEdge {
                from,
                to,
                tooltip: format!("{} feeds {}", e.source, e.field_path),
                ..SpecEdge::default()
            });
        }
        Some(spec)
    }

    /// A source object written as `a.b.object[.field]` links to the one contract of the mesh
    /// with a schema object of that name, if exactly one has it (at the page the object starts).
    pub fn source_href(&self, source: &str) -> Option<String> {
        let parts: Vec<&str> = source.split('.').collect();
        for name in parts.iter().rev().take(2) {
            let Some(hits) = self.index.objects.get(*name) else {
                continue;
            };
            let ids: BTreeSet<&str> = hits.keys().map(|k| k.id.as_str()).collect();
            if let [id] = ids.into_iter().collect::<Vec<_>>()[..] {
                let key = self.mesh.find_contract(id, None)?;
                let url = self.urls.contract(key)?;
                let start = hits.get(key).copied().unwrap_or(0);
                return Some(field_url(
                    url,
                    start,
                    self.mesh.config.pages.size,
                    &format!("schema-{}", slugify(name)),
                ));
            }
        }
        None
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// An output port's section on the product page, or its row on the product's ports pages
/// when the page shows only the first `PORT_SECTIONS` ports.
fn port_href(product_url: &str, inputs: usize, index: usize, name: &str, size: usize) -> String {
    let anchor = format!("out-{}", slugify(name));
    if index < PORT_SECTIONS {
        return format!("#{anchor}");
    }
    let paging = ports_paging(product_url, size);
    format!("{}#{anchor}", paging.url(paging.page_of(inputs + index)))
}

/// The page (from 1) of a contract's schema holding field number `index`.
fn page_of(index: usize, mesh: &Mesh) -> usize {
    index / mesh.config.pages.size.max(1) + 1
}

fn object_index(mesh: &Mesh) -> BTreeMap<String, BTreeMap<ContractKey, usize>> {
    let mut out: BTreeMap<String, BTreeMap<ContractKey, usize>> = BTreeMap::new();
    for c in mesh.contracts.values() {
        let mut start = 0;
        for o in &c.raw.schema {
            for name in [o.name.as_deref(), o.physical_name.as_deref()].into_iter().flatten() {
                out.entry(name.to_string())
                    .or_default()
                    .entry(c.key.clone())
                    .or_insert(start);
            }
            start += property_count(&o.properties);
        }
    }
    out
}

fn push(spec: &mut Spec, node: SpecNode) -> usize {
    spec.nodes.push(node);
    spec.nodes.len() - 1
}

/// Stroke-width bucket of a domain link: 1, 2-3, 4-7, 8+ product links.
fn weight_class(n: usize) -> usize {
    match n {
        0 | 1 => 1,
        2..=3 => 2,
        4..=7 => 3,
        _ => 4,
    }
}

/// "v1.2.0" whether or not the descriptor wrote the "v" (as the templates' `ver`).
pub fn ver(v: &str) -> String {
    if v.starts_with('v') {
        v.to_string()
    } else {
        format!("v{v}")
    }
}

pub fn shorten(s: &str) -> String {
    if s.chars().count() <= MAX_LABEL {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_LABEL - 1).collect();
    out.push('…');
    out
}
