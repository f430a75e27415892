//! Lineage diagrams on fixture meshes: a chain across domains with an external source, a
//! diamond, a product reading two versions of one contract, a cycle, and a generated
//! 300-product mesh.

use crate::common::*;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

fn built(fixture: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let mesh = copy_fixture(fixture);
    build_ok(mesh.path(), &[]);
    let site = mesh.path().join("public");
    (mesh, site)
}

/// The inline SVG of the first lineage diagram of a page.
fn diagram(html: &str) -> &str {
    let start = html
        .find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lineage-svg\"")
        .expect("a lineage diagram");
    let end = start + html[start..].find("</svg>").expect("closed svg") + 6;
    &html[start..end]
}

/// Every link of the page's diagrams points at a file of the site (or a fragment of the page).
fn assert_links_resolve(site: &Path, page: &str, svg: &str) {
    for href in hrefs(svg) {
        if href.starts_with('#') {
            continue;
        }
        assert!(
            !href.starts_with('/') && !is_external(&href),
            "{page}: link not relative: {href}"
        );
        let target =
            resolve_link(page, link_path(&href)).unwrap_or_else(|| panic!("{page}: {href} climbs above the site"));
        assert!(site.join(&target).is_file(), "{page}: {href} → {target} does not exist");
    }
}

#[test]
fn chain_across_domains_draws_neighbourhoods_impact_and_map() {
    let (_mesh, site) = built("lineage-chain");
    let page = read(&site, "products/revenue.html");
    let svg = diagram(&page);
    for target in [
        "../products/orders.html",
        "../products/campaign-roi.html",
        "../contracts/crm-export-1-0-0.html",
    ] {
        assert!(
            svg.contains(&format!("href=\"{target}\"")),
            "revenue diagram links {target}:\n{svg}"
        );
    }
    assert!(
        svg.contains("class=\"lin-node dom-") && svg.contains(" focus\""),
        "nodes coloured by domain, focus marked:\n{svg}"
    );
    assert!(svg.contains("class=\"lin-node ext\""), "external source drawn:\n{svg}");
    assert!(
        svg.contains(">orders v1.0.0</text>"),
        "edges labelled by contract:\n{svg}"
    );
    assert_links_resolve(&site, "products/revenue.html", svg);
    // The text alternative sits next to the diagram.
    assert!(page.contains("class=\"lineage-list\""), "upstream/downstream lists");

    let orders = visible_text(&read(&site, "products/orders.html"));
    assert!(orders.contains("2 products depend on this one"), "{orders}");
    for who in [
        "Finance Team",
        "finance-team@example.com",
        "Marketing Team",
        "marketing-team@example.com",
        "Campaign ROI",
    ] {
        assert!(orders.contains(who), "impact lists {who}");
    }

    let map = read(&site, "lineage/index.html");
    let map_svg = diagram(&map);
    assert!(map_svg.contains(">1 link</text>"), "domain edges weighted:\n{map_svg}");
    assert!(
        map.matches("class=\"lineage-svg\"").count() == 2,
        "domain map and the full product graph"
    );
    assert!(
        read(&site, "index.html").contains("href=\"lineage/index.html\""),
        "the map is in the navigation"
    );

    let contract = read(&site, "contracts/revenue-1-0-0.html");
    assert!(contract.contains("id=\"field-lineage\""), "field-level lineage section");
    assert!(
        contract.contains("href=\"../contracts/orders-1-0-0.html#schema-orders\""),
        "source object resolved to its contract"
    );
}

#[test]
fn lineage_json_has_every_node_and_edge() {
    let (_mesh, site) = built("lineage-chain");
    let v: Value = serde_json::from_str(&read(&site, "api/lineage.json")).unwrap();
    assert_eq!(v["version"], 1);
    let nodes: Vec<(&str, &str)> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        nodes,
        [
            ("campaign-roi", "product"),
            ("orders", "product"),
            ("revenue", "product"),
            ("external:crm-export", "external")
        ]
    );
    let orders = &v["nodes"][1];
    assert_eq!(
        (
            orders["domain"].as_str(),
            orders["status"].as_str(),
            orders["url"].as_str()
        ),
        (Some("sales"), Some("active"), Some("products/orders.html"))
    );
    let edges: Vec<(&str, &str, &str)> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap(),
                e["to"].as_str().unwrap(),
                e["contractId"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        edges,
        [
            ("orders", "revenue", "orders"),
            ("revenue", "campaign-roi", "revenue"),
            ("external:crm-export", "orders", "crm-export")
        ]
    );
}

#[test]
fn diamond_draws_four_edges_and_impact_counts_each_product_once() {
    let (_mesh, site) = built("lineage-diamond");
    let svg = diagram(&read(&site, "products/bottom.html")).to_string();
    assert_eq!(svg.matches("<path class=\"lin-edge").count(), 4, "{svg}");
    let top = visible_text(&read(&site, "products/top.html"));
    assert!(top.contains("3 products depend on this one"), "{top}");
    assert!(top.contains("2 hops away"), "bottom is two hops from top: {top}");
}

#[test]
fn two_versions_of_one_contract_are_two_edges() {
    let (_mesh, site) = built("lineage-two-versions");
    let svg = diagram(&read(&site, "products/reconciliation.html")).to_string();
    assert_eq!(svg.matches("<path class=\"lin-edge").count(), 2, "{svg}");
    assert!(
        svg.contains(">orders v1.0.0</text>") && svg.contains(">orders v2.0.0</text>"),
        "{svg}"
    );
    let v: Value = serde_json::from_str(&read(&site, "api/lineage.json")).unwrap();
    let versions: Vec<&str> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["version"].as_str())
        .collect();
    assert_eq!(versions, ["1.0.0", "2.0.0"]);
}

/// A cycle is an error that stops the build by default.
#[test]
fn a_cycle_is_an_error_by_default() {
    let mesh = copy_fixture("lineage-cycle");
    let r = build(mesh.path(), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("lineage.cycle"), "{}", r.stderr);
    assert!(!mesh.path().join("public").exists(), "nothing written");
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1);
    assert!(
        findings(&report, "error").iter().any(|f| f.rule == "lineage.cycle"),
        "{report:#}"
    );
}

/// With `lineage.cycle` lowered to a warning in the policies, the build publishes, finishes
/// promptly and the diagrams draw both edges of the cycle.
#[test]
fn a_cycle_lowered_to_a_warning_is_drawn() {
    let mesh = copy_fixture("lineage-cycle");
    let policies = mesh.path().join("content/governance/policies.yaml");
    std::fs::create_dir_all(policies.parent().unwrap()).unwrap();
    std::fs::write(&policies, "rules:\n  lineage.cycle: warning\n").unwrap();
    let started = std::time::Instant::now();
    let r = build(mesh.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(started.elapsed().as_secs() < 60, "the build does not hang on a cycle");
    assert!(r.stderr.contains("warning[lineage.cycle]"), "{}", r.stderr);
    let site = mesh.path().join("public");
    for product in ["budget", "forecast"] {
        let page = read(&site, &format!("products/{product}.html"));
        let svg = diagram(&page);
        assert_eq!(
            svg.matches("<path class=\"lin-edge").count(),
            2,
            "both edges of the cycle on {product}:\n{svg}"
        );
    }
}

/// `[lineage] timeout_ms` no longer does anything: it is still accepted, with a warning where
/// it is written, and every diagram is drawn whatever it says.
#[test]
fn timeout_ms_is_deprecated_and_diagrams_are_drawn_regardless() {
    let mesh = copy_fixture("lineage-chain");
    std::fs::write(
        mesh.path().join("meshport.toml"),
        "title = \"Chain\"\n\n[lineage]\ntimeout_ms = 1\n",
    )
    .unwrap();
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        findings(&report, "warning")
            .into_iter()
            .filter(|f| f.rule == "config.deprecated")
            .collect::<Vec<_>>(),
        [finding("config.deprecated", "warning", "meshport.toml", 4, 1)]
    );
    let r = build(mesh.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning[config.deprecated]") && r.stderr.contains("no longer has an effect"),
        "{}",
        r.stderr
    );
    let site = mesh.path().join("public");
    for product in ["orders", "revenue", "campaign-roi"] {
        assert!(
            read(&site, &format!("products/{product}.html")).contains("class=\"lineage-svg\""),
            "{product} has its diagram"
        );
    }
}

#[test]
fn builds_are_byte_identical() {
    let (mesh, site) = built("lineage-chain");
    let first = read_tree(&site);
    build_ok(mesh.path(), &[]);
    assert!(first == read_tree(&site), "a second build differs");
}

const DOMAINS: &[&str] = &["sales", "marketing", "finance", "logistics", "customer", "product"];

/// A synthetic mesh: product i reads 0-3 earlier products (a fixed pseudo-random choice).
fn synthetic(root: &Path, n: usize) {
    std::fs::create_dir_all(root.join("content/products")).unwrap();
    std::fs::write(root.join("meshport.toml"), "title = \"Synthetic\"\n").unwrap();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |below: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % below.max(1) as u64) as usize
    };
    for i in 0..n {
        let domain = DOMAINS[i % DOMAINS.len()];
        let mut y = format!("apiVersion: v1.0.0\nkind: DataProduct\nid: p{i:04}\nname: Product {i}\nstatus: active\ndomain: {domain}\nteam:\n  name: team-{domain}\n");
        let k = if i == 0 { 0 } else { next(4) };
        if k > 0 {
            y.push_str("inputPorts:\n");
            for j in 0..k {
                let _ = write!(y, "  - name: in-{j}\n    contractId: c{:04}\n", next(i));
            }
        }
        let _ = write!(y, "outputPorts:\n  - name: out\n    contractId: c{i:04}\n");
        std::fs::write(root.join(format!("content/products/p{i:04}.odps.yaml")), y).unwrap();
    }
}

#[test]
fn a_300_product_mesh_builds_with_a_diagram_or_the_lists_on_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    synthetic(tmp.path(), 300);
    let started = std::time::Instant::now();
    build_ok(tmp.path(), &[]);
    let took = started.elapsed();
    assert!(took.as_secs() < 60, "300 products took {took:?}");
    let site = tmp.path().join("public");
    let (mut drawn, mut listed) = (0, 0);
    for i in 0..300 {
        let page = read(&site, &format!("products/p{i:04}.html"));
        if page.contains("class=\"lineage-svg\"") {
            drawn += 1;
        } else {
            assert!(
                page.contains("class=\"diagram-note"),
                "p{i:04} has neither a diagram nor the note"
            );
            listed += 1;
        }
        assert!(page.contains("id=\"impact\""), "p{i:04} has an impact section");
    }
    assert!(drawn > 250, "{drawn} drawn, {listed} over the cap");
    let map = read(&site, "lineage/index.html");
    assert!(
        map.contains("more than the 150 a diagram shows"),
        "the full product graph falls back to lists"
    );
}
