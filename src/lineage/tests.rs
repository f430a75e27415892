//! Unit tests of the lineage graph, layout and SVG on small meshes written to a tempdir.

use super::graph::LineageGraph;
use super::layout::{box_size, label_size, lay_out, Point2, Scene, Shape, Spec, SpecEdge, SpecNode};
use super::specs::SpecCtx;
use super::specs::SpecIndex;
use super::{Diagram, Drawing, Impact, LayoutCache, Lineage};
use crate::model::{Mesh, NodeRef};
use crate::render::urls::Urls;
use std::fmt::Write as _;

/// A mesh's lineage with what drawing needs, so tests ask for diagrams by name.
struct Built<'m> {
    lin: Lineage,
    mesh: &'m Mesh,
    urls: Urls,
}

fn built<'m>(mesh: &'m Mesh, cache: &LayoutCache) -> Built<'m> {
    let urls = Urls::build(mesh);
    Built {
        lin: Lineage::build(mesh, &urls, cache),
        mesh,
        urls,
    }
}

impl Built<'_> {
    fn draw(&self, of: Diagram) -> Option<Drawing> {
        self.lin.drawing(self.mesh, &self.urls, of)
    }
    fn product(&self, id: &str) -> Option<Drawing> {
        self.draw(Diagram::Product(id))
    }
    fn map_domains(&self) -> Option<Drawing> {
        self.draw(Diagram::MapDomains)
    }
    fn map_products(&self) -> Option<Drawing> {
        self.draw(Diagram::MapProducts)
    }
    fn impact(&self, id: &str) -> Option<Impact> {
        self.lin.impact(self.mesh, id)
    }
    /// Every diagram of the mesh, drawn.
    fn all(&self) -> Vec<Option<Drawing>> {
        super::all_diagrams(self.mesh)
            .into_iter()
            .map(|of| self.draw(of))
            .collect()
    }
}

fn spec_ctx<'a>(mesh: &'a Mesh, urls: &'a Urls, g: &'a LineageGraph, index: &'a SpecIndex) -> SpecCtx<'a> {
    SpecCtx::new(mesh, urls, g, index)
}

/// A product: id, domain, inputs (contract id, version), outputs (contract id, version).
type P<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a [(&'a str, &'a str)]);

fn product_yaml(id: &str, name: &str, domain: &str, inputs: &[(&str, &str)], outputs: &[(&str, &str)]) -> String {
    let mut y = format!("apiVersion: v1.0.0\nkind: DataProduct\nid: {id}\nname: {name:?}\nstatus: active\ndomain: {domain}\nteam:\n  name: team-{domain}\n");
    if !inputs.is_empty() {
        y.push_str("inputPorts:\n");
        for (c, v) in inputs {
            let _ = write!(y, "  - name: in-{c}-{v}\n    contractId: {c}\n    version: {v}\n");
        }
    }
    if !outputs.is_empty() {
        y.push_str("outputPorts:\n");
        for (c, v) in outputs {
            let _ = write!(y, "  - name: out-{c}-{v}\n    contractId: {c}\n    version: {v}\n");
        }
    }
    y
}

fn load(products: &[P], names: &[(&str, &str)]) -> (tempfile::TempDir, Mesh) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("content/products");
    std::fs::create_dir_all(&dir).unwrap();
    for (id, domain, inputs, outputs) in products {
        let name = names.iter().find(|(i, _)| i == id).map(|(_, n)| *n).unwrap_or(id);
        std::fs::write(
            dir.join(format!("{id}.odps.yaml")),
            product_yaml(id, name, domain, inputs, outputs),
        )
        .unwrap();
    }
    let loaded = crate::cmd::load(tmp.path(), None).unwrap();
    (tmp, loaded.mesh)
}

/// a → b → c → d → e through contracts ca … cd, alternating two domains.
fn chain() -> (tempfile::TempDir, Mesh) {
    load(
        &[
            ("a", "d1", &[], &[("ca", "1.0.0")]),
            ("b", "d2", &[("ca", "1.0.0")], &[("cb", "1.0.0")]),
            ("c", "d1", &[("cb", "1.0.0")], &[("cc", "1.0.0")]),
            ("d", "d2", &[("cc", "1.0.0")], &[("cd", "1.0.0")]),
            ("e", "d1", &[("cd", "1.0.0")], &[]),
        ],
        &[],
    )
}

fn ids(g: &LineageGraph, set: impl IntoIterator<Item = petgraph::graph::NodeIndex>) -> Vec<String> {
    set.into_iter()
        .map(|n| match g.weight(n) {
            NodeRef::Product(id) => id.clone(),
            NodeRef::External(c) => format!("ext:{c}"),
        })
        .collect()
}

#[test]
fn neighbourhood_follows_depth_in_both_directions() {
    let (_t, mesh) = chain();
    let g = LineageGraph::build(&mesh);
    let c = g.product("c").unwrap();
    assert_eq!(ids(&g, g.neighbourhood(c, 1)), ["b", "c", "d"]);
    assert_eq!(ids(&g, g.neighbourhood(c, 2)), ["a", "b", "c", "d", "e"]);
    assert_eq!(ids(&g, g.neighbourhood(g.product("a").unwrap(), 2)), ["a", "b", "c"]);
}

#[test]
fn diamond_has_four_edges_and_an_impact_of_three() {
    let (_t, mesh) = load(
        &[
            ("a", "d1", &[], &[("ca", "1.0.0")]),
            ("b", "d1", &[("ca", "1.0.0")], &[("cb", "1.0.0")]),
            ("c", "d2", &[("ca", "1.0.0")], &[("cc", "1.0.0")]),
            ("d", "d2", &[("cb", "1.0.0"), ("cc", "1.0.0")], &[]),
        ],
        &[],
    );
    let g = LineageGraph::build(&mesh);
    let all = g.neighbourhood(g.product("a").unwrap(), 2);
    assert_eq!(g.edges_within(&all).len(), 4);
    let lin = built(&mesh, &LayoutCache::default());
    let imp = lin.impact("a").unwrap();
    assert_eq!(imp.total, 3);
    assert_eq!(
        imp.products,
        [("b".to_string(), 1), ("c".to_string(), 1), ("d".to_string(), 2)]
    );
    assert_eq!(
        imp.teams,
        [(Some("team-d1".to_string()), 1), (Some("team-d2".to_string()), 2)]
    );
    assert_eq!(imp.hops, [2, 1], "two products read it directly, one through them");
    assert!(lin.product("d").unwrap().svg().is_some());
}

#[test]
fn unmatched_input_is_an_external_source() {
    let (_t, mesh) = load(&[("a", "d1", &[("crm", "1.0.0")], &[])], &[]);
    let g = LineageGraph::build(&mesh);
    let ext = g.node(&NodeRef::External("crm".into())).expect("external node");
    assert_eq!(g.graph.neighbors(ext).count(), 1);
    let urls = Urls::build(&mesh);
    let spec = spec_ctx(&mesh, &urls, &g, &SpecIndex::build(&mesh))
        .product("a", 2)
        .unwrap();
    let node = spec.nodes.iter().find(|n| n.class == "ext").unwrap();
    assert_eq!(
        (node.title.as_str(), node.subtitle.as_str()),
        ("crm", "external source")
    );
}

#[test]
fn two_versions_of_one_contract_give_two_labelled_edges() {
    let (_t, mesh) = load(
        &[
            ("p", "d1", &[], &[("orders", "1.0.0"), ("orders", "2.0.0")]),
            ("q", "d2", &[("orders", "1.0.0"), ("orders", "2.0.0")], &[]),
        ],
        &[],
    );
    let g = LineageGraph::build(&mesh);
    assert_eq!(g.graph.edge_count(), 2);
    let lin = built(&mesh, &LayoutCache::default());
    let svg = lin.product("q").unwrap().svg().unwrap().to_string();
    assert!(
        svg.contains(">orders v1.0.0</text>") && svg.contains(">orders v2.0.0</text>"),
        "{svg}"
    );
}

#[test]
fn a_cycle_lays_out_without_hanging() {
    let (_t, mesh) = load(
        &[
            ("a", "d1", &[("cb", "1.0.0")], &[("ca", "1.0.0")]),
            ("b", "d2", &[("ca", "1.0.0")], &[("cb", "1.0.0")]),
        ],
        &[],
    );
    let g = LineageGraph::build(&mesh);
    assert!(g.is_cyclic());
    let urls = Urls::build(&mesh);
    let spec = spec_ctx(&mesh, &urls, &g, &SpecIndex::build(&mesh))
        .product("a", 2)
        .unwrap();
    let scene = lay_out(&Shape::of(&spec));
    assert!(scene.edges.iter().all(Option::is_some));
    // Routes run from producer to consumer, so on a cycle one of them runs against the flow.
    let u = |p: &Point2| if scene.left_to_right { p.x } else { p.y };
    let backwards = scene
        .edges
        .iter()
        .flatten()
        .filter(|r| u(r.first().unwrap()) > u(r.last().unwrap()))
        .count();
    assert_eq!(backwards, 1, "{scene:?}");
    // The walks terminate on the cycle too.
    assert_eq!(built(&mesh, &LayoutCache::default()).impact("a").unwrap().total, 1);
}

#[test]
fn diagrams_over_the_node_cap_fall_back_to_a_note() {
    let (_t, mut mesh) = chain();
    mesh.config.lineage.max_nodes = 3;
    let lin = built(&mesh, &LayoutCache::default());
    assert!(lin.product("a").unwrap().svg().is_some(), "3 nodes fit");
    let note = lin.product("c").unwrap().note().expect("5 nodes do not").to_string();
    assert!(note.contains("max_nodes"), "{note}");
}

#[test]
fn svg_escapes_labels_and_links_relative_to_the_page() {
    let (_t, mesh) = load(
        &[
            ("a", "d1", &[], &[("ca", "1.0.0")]),
            ("b", "d2", &[("ca", "1.0.0")], &[]),
        ],
        &[("a", "<script>alert(\"x\")</script> & co")],
    );
    let svg = built(&mesh, &LayoutCache::default())
        .product("b")
        .unwrap()
        .svg()
        .unwrap()
        .to_string();
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)"), "{svg}");
    assert!(svg.contains("href=\"../products/a.html\""), "{svg}");
    assert!(!svg.contains("href=\"/"), "no absolute links: {svg}");
}

#[test]
fn output_is_deterministic() {
    let (_t, mesh) = chain();
    let first = built(&mesh, &LayoutCache::default());
    let (_t2, mesh2) = chain();
    let second = built(&mesh2, &LayoutCache::default());
    for id in mesh.products.keys() {
        assert_eq!(first.product(id), second.product(id));
    }
    assert_eq!(first.map_products(), second.map_products());
    assert!(matches!(first.map_domains(), Some(Drawing::Svg(_))));
}

#[test]
fn text_width_grows_with_wide_letters() {
    use super::layout::text_width;
    assert!(text_width("WWWW", 13.0, false) > text_width("iiii", 13.0, false) * 2.0);
    assert!(text_width("abc", 13.0, true) > text_width("abc", 13.0, false));
}

/// A pseudo-random spec of `n` boxes: each reads 0-3 earlier boxes through labelled edges
/// (some labels repeat, as one contract read by several consumers), plus a few edges back
/// up the flow that close cycles.
fn random_spec(n: usize, seed: u64, left_to_right: bool) -> Spec {
    let mut state = seed;
    let mut next = |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below.max(1) as u64) as usize
    };
    let mut spec = Spec {
        left_to_right,
        ..Spec::default()
    };
    for i in 0..n {
        let sub = if i % 3 == 0 {
            String::new()
        } else {
            format!("domain {}", i % 7)
        };
        spec.nodes.push(SpecNode {
            title: format!("product number {i}"),
            subtitle: sub,
            ..SpecNode::default()
        });
        let k = if i == 0 { 0 } else { next(4) };
        for _ in 0..k {
            let from = next(i);
            spec.edges.push(SpecEdge {
                from,
                to: i,
                label: format!("contract-{from} v1.0.0"),
                ..SpecEdge::default()
            });
        }
    }
    for _ in 0..n / 40 {
        let (a, b) = (next(n), next(n));
        if a == b {
            continue;
        }
        spec.edges.push(SpecEdge {
            from: a.max(b),
            to: a.min(b),
            label: "feedback".into(),
            ..SpecEdge::default()
        });
    }
    spec
}

/// Points along one step of a drawn route, following `svg::path_data`: straight where level
/// with the flow, otherwise a cubic whose control points sit halfway along the flow (so the
/// curve stays within the rectangle of its two ends).
fn samples(a: Point2, b: Point2, ltr: bool) -> Vec<Point2> {
    let (c1, c2) = if ltr {
        let mx = (a.x + b.x) / 2.0;
        (Point2 { x: mx, y: a.y }, Point2 { x: mx, y: b.y })
    } else {
        let my = (a.y + b.y) / 2.0;
        (Point2 { x: a.x, y: my }, Point2 { x: b.x, y: my })
    };
    (0..=40)
        .map(|k| {
            let t = k as f64 / 40.0;
            let m = 1.0 - t;
            let bez = |p0: f64, p1: f64, p2: f64, p3: f64| {
                m * m * m * p0 + 3.0 * m * m * t * p1 + 3.0 * m * t * t * p2 + t * t * t * p3
            };
            Point2 {
                x: bez(a.x, c1.x, c2.x, b.x),
                y: bez(a.y, c1.y, c2.y, b.y),
            }
        })
        .collect()
}

/// (x0, y0, x1, y1) of a box as drawn.
type Rect = (f64, f64, f64, f64);

fn drawn_boxes(spec: &Spec, scene: &Scene) -> Vec<Rect> {
    spec.nodes
        .iter()
        .zip(&scene.nodes)
        .map(|(n, (xy, size))| {
            let (w, h) = box_size(&n.title, &n.subtitle);
            let (cx, cy) = (xy.x + size.x / 2.0, xy.y + size.y / 2.0);
            (cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0)
        })
        .collect()
}

fn drawn_labels(spec: &Spec, scene: &Scene) -> Vec<(usize, (f64, f64, f64, f64))> {
    scene
        .labels
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let c = (*c)?;
            let (w, h) = label_size(&spec.edges[i].label);
            Some((i, (c.x - w / 2.0, c.y - h / 2.0, c.x + w / 2.0, c.y + h / 2.0)))
        })
        .collect()
}

fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// What a reader would see as a broken drawing: an edge through a box, labels on top of each
/// other or of a box, an edge not drawn, or a drawing outside its own canvas.
fn assert_readable(spec: &Spec, scene: &Scene) {
    let boxes = drawn_boxes(spec, scene);
    let labels = drawn_labels(spec, scene);
    for (i, route) in scene.edges.iter().enumerate() {
        let route = route.as_ref().unwrap_or_else(|| panic!("edge {i} not routed"));
        for w in route.windows(2) {
            let reach = (
                w[0].x.min(w[1].x),
                w[0].y.min(w[1].y),
                w[0].x.max(w[1].x),
                w[0].y.max(w[1].y),
            );
            let near: Vec<(usize, &Rect)> = boxes
                .iter()
                .enumerate()
                .filter(|(_, b)| b.0 <= reach.2 && reach.0 <= b.2 && b.1 <= reach.3 && reach.1 <= b.3)
                .collect();
            for p in samples(w[0], w[1], scene.left_to_right) {
                assert!(
                    p.x >= 0.0 && p.y >= 0.0 && p.x <= scene.width && p.y <= scene.height,
                    "edge {i} leaves the canvas at {p:?}"
                );
                for (j, b) in &near {
                    // Half a pixel inside: a route starts and ends on its boxes' borders.
                    let inside = p.x > b.0 + 0.5 && p.x < b.2 - 0.5 && p.y > b.1 + 0.5 && p.y < b.3 - 0.5;
                    assert!(
                        !inside,
                        "edge {i} ({} → {}) passes through box {j} at {p:?}",
                        spec.edges[i].from, spec.edges[i].to
                    );
                }
            }
        }
    }
    for (n, (i, a)) in labels.iter().enumerate() {
        for (j, b) in &labels[n + 1..] {
            assert!(!overlap(*a, *b), "labels of edges {i} and {j} overlap: {a:?} {b:?}");
        }
        for (k, b) in boxes.iter().enumerate() {
            assert!(!overlap(*a, *b), "label of edge {i} overlaps box {k}");
        }
    }
    for (a, b) in boxes
        .iter()
        .enumerate()
        .flat_map(|(i, a)| boxes[i + 1..].iter().map(move |b| (a, b)))
    {
        assert!(!overlap(*a, *b), "boxes overlap: {a:?} {b:?}");
    }
}

#[test]
fn edges_never_cross_boxes_and_labels_never_overlap() {
    for (n, seed, ltr) in [
        (12, 7, false),
        (40, 11, false),
        (40, 13, true),
        (90, 17, false),
        (150, 19, false),
        (150, 23, true),
    ] {
        let spec = random_spec(n, seed, ltr);
        let scene = lay_out(&Shape::of(&spec));
        assert_readable(&spec, &scene);
    }
}

#[test]
fn every_diagram_of_a_mesh_is_readable() {
    let (_t, mesh) = load(
        &[
            ("a", "d1", &[("crm", "1.0.0")], &[("ca", "1.0.0")]),
            ("b", "d2", &[("ca", "1.0.0")], &[("cb", "1.0.0")]),
            (
                "c",
                "d1",
                &[("ca", "1.0.0"), ("cb", "1.0.0")],
                &[("cc", "1.0.0"), ("cd", "1.0.0")],
            ),
            ("d", "d3", &[("cc", "1.0.0"), ("ca", "1.0.0")], &[]),
            ("e", "d2", &[("cd", "1.0.0"), ("crm", "1.0.0")], &[]),
        ],
        &[],
    );
    let urls = Urls::build(&mesh);
    for (name, spec) in super::diagram_specs(&mesh, &urls) {
        let scene = lay_out(&Shape::of(&spec));
        assert_eq!(scene.nodes.len(), spec.nodes.len(), "{name}");
        assert_readable(&spec, &scene);
    }
}

#[test]
fn a_150_node_diagram_lays_out_every_edge() {
    let spec = random_spec(150, 29, false);
    let scene = lay_out(&Shape::of(&spec));
    assert_eq!(scene.edges.iter().flatten().count(), spec.edges.len());
    // Each distinct (producer, label) is drawn once.
    let drawn = scene.labels.iter().flatten().count();
    let distinct: std::collections::BTreeSet<(usize, &str)> =
        spec.edges.iter().map(|e| (e.from, e.label.as_str())).collect();
    assert!(
        drawn <= distinct.len() && drawn >= distinct.len() / 2,
        "{drawn} labels for {} distinct",
        distinct.len()
    );
}

/// The most virtual nodes the caps allow: a 150-box chain (150 layers) plus an edge from its
/// head to every other box, each bending through every layer it spans (~22,000 bend points).
#[test]
fn the_deepest_diagram_under_the_caps_lays_out() {
    let mut spec = Spec::default();
    for i in 0..150 {
        spec.nodes.push(SpecNode {
            title: format!("p{i}"),
            ..SpecNode::default()
        });
        if i > 0 {
            spec.edges.push(SpecEdge {
                from: i - 1,
                to: i,
                label: format!("c{i}"),
                ..SpecEdge::default()
            });
        }
        if i > 1 {
            spec.edges.push(SpecEdge {
                from: 0,
                to: i,
                ..SpecEdge::default()
            });
        }
    }
    let started = std::time::Instant::now();
    let scene = lay_out(&Shape::of(&spec));
    eprintln!("deep diagram: {:?} (debug build)", started.elapsed());
    assert_readable(&spec, &scene);
}

#[test]
fn layout_is_the_same_across_runs_and_thread_counts() {
    let (_t, mesh) = chain();
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| built(&mesh, &LayoutCache::with_limit(0)).all())
    };
    let (one, four) = (on(1), on(4));
    assert!(one.iter().flatten().any(|d| d.svg().is_some()));
    assert_eq!(one, four);
    let spec = random_spec(150, 31, false);
    let shape = Shape::of(&spec);
    let first = lay_out(&shape);
    let again = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap()
        .install(|| lay_out(&shape));
    assert_eq!(first, again);
}

#[test]
fn a_kept_cache_gives_the_same_diagrams_without_laying_out_again() {
    let (_t, mesh) = chain();
    let cache = LayoutCache::default();
    let first = built(&mesh, &cache).all();
    let kept = cache.size();
    assert!(kept.0 > 0);
    let second = built(&mesh, &cache).all();
    assert_eq!(cache.size(), kept, "nothing new laid out");
    assert_eq!(first, second);
}

#[test]
fn the_focus_is_highlighted_but_shares_the_layout() {
    // a → b → c with depth 2: all three neighbourhoods hold the same boxes and edges.
    let (_t, mesh) = load(
        &[
            ("a", "d1", &[], &[("ca", "1.0.0")]),
            ("b", "d1", &[("ca", "1.0.0")], &[("cb", "1.0.0")]),
            ("c", "d1", &[("cb", "1.0.0")], &[]),
        ],
        &[],
    );
    let urls = Urls::build(&mesh);
    let cache = LayoutCache::default();
    let lin = built(&mesh, &cache);
    let (a, b) = (lin.product("a").unwrap(), lin.product("b").unwrap());
    let (a, b) = (a.svg().unwrap(), b.svg().unwrap());
    assert_ne!(a, b, "each page highlights its own product");
    assert_eq!(a.matches(" focus\"").count(), 1);
    // Product diagrams of a, b, c share one layout; ports, domain and map diagrams add theirs.
    let products: Vec<_> = super::diagram_specs(&mesh, &urls)
        .into_iter()
        .filter(|(n, _)| n.starts_with("Product"))
        .map(|(_, s)| Shape::of(&s))
        .collect();
    assert_eq!(products.len(), 3);
    assert!(products.iter().all(|s| *s == products[0]));
    let specs = super::diagram_specs(&mesh, &urls);
    let distinct: std::collections::BTreeSet<Shape> = specs.iter().map(|(_, s)| Shape::of(s)).collect();
    assert!(distinct.len() < specs.len());
    lin.all();
    assert_eq!(
        cache.size().0,
        distinct.len(),
        "one layout per distinct shape, not per diagram"
    );
}

#[test]
fn a_dense_domain_map_is_drawn_two_sided() {
    // Four domains, each product reading the other three: every domain feeds every other.
    let names = ["a", "b", "c", "d"];
    let outputs: Vec<[(&str, &str); 1]> = names.iter().map(|n| [(*n, "1.0.0")]).collect();
    let inputs: Vec<Vec<(&str, &str)>> = names
        .iter()
        .map(|me| names.iter().filter(|n| *n != me).map(|n| (*n, "1.0.0")).collect())
        .collect();
    let domains = ["d1", "d2", "d3", "d4"];
    let products: Vec<P> = (0..4)
        .map(|i| (names[i], domains[i], inputs[i].as_slice(), outputs[i].as_slice()))
        .collect();
    let (_t, mesh) = load(&products, &[]);
    let urls = Urls::build(&mesh);
    let g = LineageGraph::build(&mesh);
    let spec = spec_ctx(&mesh, &urls, &g, &SpecIndex::build(&mesh)).domains();
    assert_eq!(
        (spec.nodes.len(), spec.edges.len()),
        (8, 12),
        "each domain on both sides"
    );
    assert!(spec
        .edges
        .iter()
        .all(|e| e.label.is_empty() && e.tooltip.contains("1 product link")));
    let svg = built(&mesh, &LayoutCache::default())
        .map_domains()
        .unwrap()
        .svg()
        .unwrap()
        .to_string();
    assert_eq!(svg.matches(">feeds 3 domains</text>").count(), 4, "{svg}");
    assert_eq!(svg.matches(">fed by 3 domains</text>").count(), 4, "{svg}");
    let scene = lay_out(&Shape::of(&spec));
    assert_readable(&spec, &scene);
    // Producers in one column, consumers in the next.
    let (producers, consumers) = scene.nodes.split_at(4);
    assert!(
        producers.iter().all(|(p, _)| consumers.iter().all(|(c, _)| p.x < c.x)),
        "{scene:?}"
    );
}
