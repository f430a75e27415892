//! Long lists split into pages: a generated mesh of a few hundred products, one product with
//! 120 output ports on one contract and one contract with 1,200 fields, built with
//! `[pages] size = 20`. Every product, contract, schema field and finding stays reachable by
//! plain links from the catalogue (no JavaScript), and no page passes 1 MB.

use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::Path;

const PRODUCTS: usize = 300;
const PAGE_SIZE: usize = 20;
const WIDE_PORTS: usize = 120;
const WIDE_FIELDS: usize = 1_200;
const DOMAINS: [&str; 3] = ["sales", "finance", "logistics"];
/// The largest HTML page the portal may write, at any size.
const PAGE_LIMIT: usize = 1024 * 1024;

fn contract(id: &str, table: &str, domain: &str, fields: usize, every_unclassified: usize) -> String {
    let mut y = format!("apiVersion: v3.1.0\nkind: DataContract\nid: {id}\nname: {table}\nversion: 1.0.0\nstatus: active\ndomain: {domain}\nschema:\n  - name: {table}\n    properties:\n");
    for k in 0..fields {
        let _ = write!(y, "      - name: f_{k:04}\n        businessName: Field {k} of {table}\n        logicalType: string\n        description: Value {k}.\n");
        if every_unclassified == 0 || k % every_unclassified != 0 {
            y.push_str("        classification: internal\n");
        }
        if every_unclassified > 0 && k % 10 == 1 {
            y.push_str("        transformSourceObjects: [t0000.f_0000]\n");
        }
    }
    y
}

fn product(id: &str, domain: &str, inputs: &[String], outputs: &[(String, String)]) -> String {
    let mut y = format!("apiVersion: v1.0.0\nkind: DataProduct\nid: {id}\nname: Product {id}\nversion: 1.0.0\nstatus: active\ndomain: {domain}\ndescription:\n  purpose: Generated product {id}.\nteam:\n  name: team-{domain}\n");
    if !inputs.is_empty() {
        y.push_str("inputPorts:\n");
        for c in inputs {
            let _ = write!(y, "  - name: in-{c}\n    version: 1.0.0\n    contractId: {c}\n");
        }
    }
    y.push_str("outputPorts:\n");
    for (port, c) in outputs {
        let _ = write!(y, "  - name: {port}\n    version: 1.0.0\n    contractId: {c}\n");
    }
    y
}

/// `PRODUCTS` products (every third reads the first, so it has many consumers), plus the
/// product with `WIDE_PORTS` ports and the contract with `WIDE_FIELDS` fields, a tenth of
/// them unclassified (warnings) and a tenth with field-level lineage.
fn generate(root: &Path) {
    for dir in [
        "content/products",
        "content/contracts",
        "content/teams",
        "content/domains",
    ] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::fs::write(
        root.join("meshport.toml"),
        format!("title = \"Sizes\"\nbase_url = \"https://mesh.example.test/\"\n[pages]\nsize = {PAGE_SIZE}\n"),
    )
    .unwrap();
    for d in DOMAINS {
        std::fs::write(
            root.join(format!("content/domains/{d}.md")),
            format!("---\nname: {d}\nowner: team-{d}\n---\n"),
        )
        .unwrap();
        std::fs::write(
            root.join(format!("content/teams/team-{d}.md")),
            format!("---\nname: Team {d}\ndomain: {d}\nemail: {d}@example.test\n---\n"),
        )
        .unwrap();
    }
    for i in 0..PRODUCTS {
        let domain = DOMAINS[i % DOMAINS.len()];
        let inputs: Vec<String> = match i {
            0 => vec![],
            _ if i % 3 == 0 => vec!["c0000".into()],
            _ => vec![format!("c{:04}", i - 1)],
        };
        let out = vec![("out".to_string(), format!("c{i:04}"))];
        std::fs::write(
            root.join(format!("content/products/p{i:04}.odps.yaml")),
            product(&format!("p{i:04}"), domain, &inputs, &out),
        )
        .unwrap();
        std::fs::write(
            root.join(format!("content/contracts/c{i:04}.odcs.yaml")),
            contract(&format!("c{i:04}"), &format!("t{i:04}"), domain, 3, 0),
        )
        .unwrap();
    }
    let ports: Vec<(String, String)> = (0..WIDE_PORTS)
        .map(|k| (format!("port-{k:03}"), "c-wide-ports".to_string()))
        .collect();
    std::fs::write(
        root.join("content/products/wide-ports.odps.yaml"),
        product("wide-ports", "sales", &[], &ports),
    )
    .unwrap();
    std::fs::write(
        root.join("content/contracts/c-wide-ports.odcs.yaml"),
        contract("c-wide-ports", "ports_table", "sales", 3, 0),
    )
    .unwrap();
    let out = vec![("out".to_string(), "c-wide-schema".to_string())];
    std::fs::write(
        root.join("content/products/wide-schema.odps.yaml"),
        product("wide-schema", "finance", &["c0000".into()], &out),
    )
    .unwrap();
    std::fs::write(
        root.join("content/contracts/c-wide-schema.odcs.yaml"),
        contract("c-wide-schema", "wide_table", "finance", WIDE_FIELDS, 10),
    )
    .unwrap();
}

/// Every HTML page reachable from `start` by following `href`s inside the site.
fn reachable(pages: &BTreeMap<String, String>, start: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::from([start.to_string()]);
    let mut queue = VecDeque::from([start.to_string()]);
    while let Some(page) = queue.pop_front() {
        for href in hrefs(&pages[&page]) {
            if is_external(&href) || href.starts_with('#') {
                continue;
            }
            let Some(target) = resolve_link(&page, link_path(&href)) else {
                continue;
            };
            if target.ends_with(".html") && pages.contains_key(&target) && seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    seen
}

#[test]
fn every_list_is_paged_and_every_page_reachable_without_javascript() {
    let tmp = tempfile::tempdir().unwrap();
    generate(tmp.path());
    build_ok(tmp.path(), &[]);
    let site = tmp.path().join("public");
    let pages = html_pages(&site);

    for (path, html) in &pages {
        assert!(html.len() <= PAGE_LIMIT, "{path} is {} bytes", html.len());
    }
    let catalogue: Vec<&String> = pages
        .keys()
        .filter(|p| *p == "products/index.html" || p.starts_with("products/page/"))
        .collect();
    let products = PRODUCTS + 2;
    assert_eq!(
        catalogue.len(),
        products.div_ceil(PAGE_SIZE),
        "catalogue pages: {catalogue:?}"
    );
    for page in &catalogue {
        let rows = pages[*page].matches("<tr data-status=").count();
        assert!(rows > 0 && rows <= PAGE_SIZE, "{page} has {rows} rows");
    }
    let last = format!("products/page/{}.html", products.div_ceil(PAGE_SIZE));
    assert!(
        pages["products/index.html"].contains(&format!("href=\"../{last}\"")),
        "page 1 links the last page directly"
    );

    let seen = reachable(&pages, "products/index.html");
    let api: Value = serde_json::from_str(&read(&site, "api/products.json")).unwrap();
    for p in api["products"].as_array().unwrap() {
        let url = p["url"].as_str().unwrap();
        assert!(
            seen.contains(url),
            "{url} cannot be reached from the catalogue by links"
        );
    }
    let contracts: Value = serde_json::from_str(&read(&site, "api/contracts.json")).unwrap();
    for c in contracts["contracts"].as_array().unwrap() {
        let url = c["url"].as_str().unwrap();
        assert!(
            seen.contains(url),
            "{url} cannot be reached from the catalogue by links"
        );
    }

    // The wide contract: every field on one of its schema pages, each page reachable.
    let schema_pages: Vec<&String> = pages
        .keys()
        .filter(|p| p.starts_with("contracts/c-wide-schema-1-0-0/page/"))
        .collect();
    assert_eq!(schema_pages.len(), WIDE_FIELDS / PAGE_SIZE - 1, "{schema_pages:?}");
    let mut rows = 0;
    for page in schema_pages
        .iter()
        .map(|p| p.as_str())
        .chain(["contracts/c-wide-schema-1-0-0.html"])
    {
        assert!(seen.contains(page), "{page} cannot be reached by links");
        rows += pages[page].matches("<tr id=\"field-wide_table-f_").count();
    }
    assert_eq!(rows, WIDE_FIELDS, "every field of the wide contract has its row once");
    let wide = visible_text(&pages["contracts/c-wide-schema-1-0-0.html"]);
    assert!(
        wide.contains(&format!("first 100 of {} findings", WIDE_FIELDS / 10)),
        "findings on the page are capped and counted"
    );

    // The product with many ports: ten sections, every port on its ports pages, once.
    let ports = &pages["products/wide-ports.html"];
    assert_eq!(ports.matches("<section class=\"port\"").count(), 10);
    assert_eq!(
        ports.matches("class=\"contract-detail\"").count(),
        1,
        "one contract, its detail shown once"
    );
    let port_rows: usize = pages
        .iter()
        .filter(|(p, _)| p.starts_with("products/wide-ports/ports"))
        .map(|(_, h)| h.matches("<tr id=\"out-port-").count())
        .sum();
    assert_eq!(port_rows, WIDE_PORTS);

    // Every finding is listed on the scorecard's pages.
    let (_, report) = check_json(tmp.path());
    let findings = report["diagnostics"].as_array().unwrap().len();
    let listed: usize = pages
        .iter()
        .filter(|(p, _)| *p == "scorecard.html" || p.starts_with("scorecard/findings/"))
        .map(|(_, h)| h.matches("<li class=\"finding sev-").count())
        .sum();
    // The build adds one note that `check` never makes: no git history outside a repository.
    assert!(pages["scorecard.html"].contains("git.unavailable"));
    assert_eq!(listed, findings + 1, "the scorecard's pages list every finding");
    let from_scorecard = reachable(&pages, "scorecard.html");
    assert!(pages
        .keys()
        .filter(|p| p.starts_with("scorecard/findings/"))
        .all(|p| from_scorecard.contains(p)));

    // The sitemap names every page but 404.
    let sitemap = read(&site, "sitemap.xml");
    assert_eq!(sitemap.matches("<loc>").count(), pages.len() - 1);
}
