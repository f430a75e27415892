//! Unit tests of the lineage graph, layout and SVG on small meshes written to a tempdir.

use super::graph::LineageGraph;
use super::layout::{lay_out, lay_out_now, Outcome, Spec, SpecEdge, SpecNode};
use super::specs::SpecCtx;
use super::{Drawing, Lineage};
use crate::model::{Mesh, NodeRef};
use crate::render::urls::Urls;
use std::fmt::Write as _;
use std::time::Duration;

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
        std::fs::write(dir.join(format!("{id}.odps.yaml")), product_yaml(id, name, domain, inputs, outputs)).unwrap();
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
    let urls = Urls::build(&mesh);
    let lin = Lineage::build(&mesh, &urls);
    let imp = lin.impact("a").unwrap();
    assert_eq!(imp.total, 3);
    assert_eq!(imp.products, [("b".to_string(), 1), ("c".to_string(), 1), ("d".to_string(), 2)]);
    assert_eq!(imp.teams, [(Some("team-d1".to_string()), 1), (Some("team-d2".to_string()), 2)]);
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
    let spec = SpecCtx::new(&mesh, &urls, &g).product("a", 2).unwrap();
    let node = spec.nodes.iter().find(|n| n.class == "ext").unwrap();
    assert_eq!((node.title.as_str(), node.subtitle.as_str()), ("crm", "external source"));
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
    let urls = Urls::build(&mesh);
    let lin = Lineage::build(&mesh, &urls);
    let svg = lin.product("q").unwrap().svg().unwrap().to_string();
    assert!(svg.contains(">orders v1.0.0</text>") && svg.contains(">orders v2.0.0</text>"), "{svg}");
}

#[test]
fn a_cycle_lays_out_without_hanging() {
    let (_t, mesh) = load(
        &[("a", "d1", &[("cb", "1.0.0")], &[("ca", "1.0.0")]), ("b", "d2", &[("ca", "1.0.0")], &[("cb", "1.0.0")])],
        &[],
    );
    let g = LineageGraph::build(&mesh);
    assert!(g.is_cyclic());
    let urls = Urls::build(&mesh);
    let spec = SpecCtx::new(&mesh, &urls, &g).product("a", 2).unwrap();
    let Outcome::Laid(scene) = lay_out(&spec, Duration::from_secs(20)) else { panic!("cycle did not lay out") };
    assert!(scene.edges.iter().all(Option::is_some));
    // Routes run from producer to consumer, so on a cycle one of them runs against the flow.
    let u = |p: &super::layout::Point2| if spec.left_to_right { p.x } else { p.y };
    let backwards = scene.edges.iter().flatten().filter(|r| u(r.first().unwrap()) > u(r.last().unwrap())).count();
    assert_eq!(backwards, 1, "{scene:?}");
    // The walks terminate on the cycle too.
    assert_eq!(Lineage::build(&mesh, &urls).impact("a").unwrap().total, 1);
}

#[test]
fn diagrams_over_the_node_cap_fall_back_to_a_note() {
    let (_t, mut mesh) = chain();
    mesh.config.lineage.max_nodes = 3;
    let urls = Urls::build(&mesh);
    let lin = Lineage::build(&mesh, &urls);
    assert!(lin.product("a").unwrap().svg().is_some(), "3 nodes fit");
    let note = lin.product("c").unwrap().note().expect("5 nodes do not");
    assert!(note.contains("max_nodes"), "{note}");
}

#[test]
fn svg_escapes_labels_and_links_relative_to_the_page() {
    let (_t, mesh) = load(
        &[("a", "d1", &[], &[("ca", "1.0.0")]), ("b", "d2", &[("ca", "1.0.0")], &[])],
        &[("a", "<script>alert(\"x\")</script> & co")],
    );
    let urls = Urls::build(&mesh);
    let svg = Lineage::build(&mesh, &urls).product("b").unwrap().svg().unwrap().to_string();
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)"), "{svg}");
    assert!(svg.contains("href=\"../products/a.html\""), "{svg}");
    assert!(!svg.contains("href=\"/"), "no absolute links: {svg}");
}

#[test]
fn output_is_deterministic() {
    let (_t, mesh) = chain();
    let urls = Urls::build(&mesh);
    let first = Lineage::build(&mesh, &urls);
    let (_t2, mesh2) = chain();
    let second = Lineage::build(&mesh2, &Urls::build(&mesh2));
    for id in mesh.products.keys() {
        assert_eq!(first.product(id), second.product(id));
    }
    assert_eq!(first.map_products(), second.map_products());
    assert!(matches!(first.map_domains(), Some(Drawing::Svg(_))));
}

#[test]
fn a_layout_over_budget_is_abandoned() {
    // A layout of this size takes far longer than a millisecond: the caller gets the
    // fallback once the budget is spent, while the layout thread finishes on its own.
    let mut spec = Spec::default();
    for i in 0..120 {
        spec.nodes.push(SpecNode { title: format!("node {i}"), ..SpecNode::default() });
        for j in [i / 2, i / 3] {
            if j < i {
                spec.edges.push(SpecEdge { from: j, to: i, label: format!("c{j}-{i}"), ..SpecEdge::default() });
            }
        }
    }
    assert!(matches!(lay_out(&spec, Duration::from_millis(1)), Outcome::TimedOut));
    let small = Spec { nodes: spec.nodes[..3].to_vec(), edges: spec.edges[..1].to_vec(), left_to_right: false };
    assert_eq!(lay_out_now(&small).nodes.len(), 3);
}

#[test]
fn text_width_grows_with_wide_letters() {
    use super::layout::text_width;
    assert!(text_width("WWWW", 13.0, false) > text_width("iiii", 13.0, false) * 2.0);
    assert!(text_width("abc", 13.0, true) > text_width("abc", 13.0, false));
}
