//! Search: the Pagefind bundle written under `pagefind/`, the records in it (read back from
//! the gzipped fragments), the search page's facet panel, the header box on every page with
//! its no-JavaScript fallback, and field pages.
// Without the `search` feature the index readers below have nothing to read.
#![cfg_attr(not(feature = "search"), allow(dead_code, unused_imports))]

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

const ORDERS_CONTRACT: &str = "contracts/sales-orders-contract-1-0-0.html";

fn built() -> (tempfile::TempDir, PathBuf) {
    let mesh = copy_fixture("valid-basic");
    build_ok(mesh.path(), &[]);
    let site = mesh.path().join("public");
    (mesh, site)
}

/// Every record of the index: Pagefind fragments are gzip (or stored raw) behind a
/// `pagefind_dcd` signature, one JSON object per record or a group of them by hash.
fn fragments(site: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    for (path, bytes) in read_tree(&site.join("pagefind")) {
        if !path.starts_with("fragment/") {
            continue;
        }
        let json = decompress(&bytes);
        let v: Value =
            serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{path} is not JSON after decompression: {e}"));
        if v.get("url").is_some() {
            out.push(v);
        } else {
            out.extend(v.as_object().expect("a fragment group is an object").values().cloned());
        }
    }
    out.sort_by_key(|f| f["url"].as_str().unwrap_or("").to_string());
    out
}

fn decompress(bytes: &[u8]) -> Vec<u8> {
    const SIG: &[u8] = b"pagefind_dcd";
    let raw = if bytes.starts_with(SIG) {
        bytes.to_vec()
    } else {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .expect("fragment is gzip");
        out
    };
    assert!(raw.starts_with(SIG), "missing the pagefind_dcd signature");
    raw[SIG.len()..].to_vec()
}

fn by_url(records: &[Value]) -> BTreeMap<String, Value> {
    records
        .iter()
        .map(|r| (r["url"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

/// Index chunks written when building the bundled example mesh, with `chunk_size` in the
/// environment or, when `None`, meshport's own default.
#[cfg(feature = "search")]
fn index_chunks(chunk_size: Option<&str>) -> usize {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = meshport();
    cmd.env_remove("PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE");
    if let Some(size) = chunk_size {
        cmd.env("PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE", size);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    cmd.args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out.path())
        .assert()
        .success();
    std::fs::read_dir(out.path().join("pagefind/index")).unwrap().count()
}

/// Later queries fetch one index chunk per word: meshport asks Pagefind for chunks smaller
/// than its default so a two-word query stays under 50 KB at 10,000 products.
#[test]
#[cfg(feature = "search")]
fn index_is_split_into_smaller_chunks_than_pagefinds_default() {
    let ours = index_chunks(None);
    let pagefind_default = index_chunks(Some("20000"));
    assert!(
        ours > pagefind_default,
        "{ours} chunks with meshport's size, {pagefind_default} with Pagefind's"
    );
    assert_eq!(
        index_chunks(Some("1000000000")),
        1,
        "the environment still overrides the size"
    );
}

#[test]
#[cfg(feature = "search")]
fn bundle_is_written_under_pagefind_and_only_what_the_page_loads() {
    let (_mesh, site) = built();
    let files: Vec<String> = read_tree(&site.join("pagefind")).into_keys().collect();
    for wanted in ["pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"] {
        assert!(
            files.contains(&wanted.to_string()),
            "pagefind/{wanted} missing: {files:?}"
        );
    }
    for dir in ["index/", "fragment/", "filter/"] {
        assert!(
            files.iter().any(|f| f.starts_with(dir)),
            "no pagefind/{dir} files: {files:?}"
        );
    }
    assert!(
        files.iter().any(|f| f.ends_with(".pf_meta")),
        "no metadata file: {files:?}"
    );
    let unused: Vec<&String> = files
        .iter()
        .filter(|f| f.contains("-ui") || f.starts_with("playground") || f.contains("worker"))
        .collect();
    assert!(unused.is_empty(), "unused Pagefind files were written: {unused:?}");
    let entry: Value = serde_json::from_str(&read(&site, "pagefind/pagefind-entry.json")).unwrap();
    assert!(entry["languages"]["en"]["page_count"].as_u64().unwrap() > 20, "{entry}");
}

#[test]
#[cfg(feature = "search")]
fn records_cover_products_contracts_fields_teams_people_and_doc_headings() {
    let (_mesh, site) = built();
    let records = fragments(&site);
    let urls = by_url(&records);
    let kind = |url: &str| {
        urls.get(url)
            .map(|r| r["meta"]["kind"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(
        kind("products/sales-orders.html").as_deref(),
        Some("product"),
        "{:?}",
        urls.keys()
    );
    // A contract with no producer has its own record; one its only producer outputs is
    // folded into that product's record.
    assert_eq!(kind("contracts/crm-export-1-0-0.html").as_deref(), Some("contract"));
    assert_eq!(kind(ORDERS_CONTRACT), None);
    assert_eq!(kind("fields/customer_email.html").as_deref(), Some("field"));
    assert_eq!(kind("teams/sales-team.html").as_deref(), Some("team"));
    assert_eq!(kind("domains/sales.html").as_deref(), Some("domain"));
    assert_eq!(
        kind("guides/consume-orders.html#find-the-table").as_deref(),
        Some("guide")
    );
    assert_eq!(
        kind("guides/consume-orders.html#ask-for-access").as_deref(),
        Some("guide")
    );
    assert!(
        records
            .iter()
            .any(|r| r["meta"]["kind"] == "person" && r["url"].as_str().unwrap().ends_with("#members")),
        "no person record"
    );
    assert!(
        records.iter().any(|r| r["meta"]["kind"] == "governance"),
        "no governance record"
    );

    let product = &urls["products/sales-orders.html"];
    assert_eq!(product["meta"]["title"], "Customer Orders");
    assert_eq!(product["meta"]["domain"], "Sales");
    assert_eq!(product["meta"]["owner"], "Sales Data Team");
    let content = product["content"].as_str().unwrap();
    for word in ["sales-orders", "sales-orders-contract"] {
        assert!(content.contains(word), "product record lacks {word}: {content}");
    }
    // Field names have their own records (whose pages list the products), not a place in
    // every product's text: that keeps the index chunks of common words small.
    for field in ["customer_email", "amount_eur"] {
        assert!(
            !content.contains(field),
            "product record repeats field {field}: {content}"
        );
        assert!(
            urls.values()
                .any(|r| r["meta"]["kind"] == "field" && r["meta"]["title"] == field),
            "no record for field {field}"
        );
    }
    let guide = &urls["guides/consume-orders.html#find-the-table"];
    assert!(guide["content"].as_str().unwrap().contains("orders_v1"), "{guide}");
    assert!(
        guide["meta"]["title"].as_str().unwrap().contains("Find the table"),
        "{guide}"
    );
}

#[test]
#[cfg(feature = "search")]
fn record_urls_point_at_pages_and_anchors_that_exist() {
    let (_mesh, site) = built();
    let mut missing = Vec::new();
    for r in fragments(&site) {
        let url = r["url"].as_str().unwrap();
        let (path, anchor) = url.split_once('#').unwrap_or((url, ""));
        let Ok(html) = std::fs::read_to_string(site.join(path)) else {
            missing.push(format!("{url}: no page"));
            continue;
        };
        if !anchor.is_empty() && !html.contains(&format!("id=\"{anchor}\"")) {
            missing.push(format!("{url}: no element with id {anchor}"));
        }
    }
    assert!(missing.is_empty(), "records that lead nowhere:\n{}", missing.join("\n"));
}

#[test]
#[cfg(feature = "search")]
fn filters_carry_every_facet() {
    let (_mesh, site) = built();
    let records = fragments(&site);
    let urls = by_url(&records);
    let filters = &urls["products/sales-orders.html"]["filters"];
    assert_eq!(filters["kind"], serde_json::json!(["contract", "product"]));
    assert_eq!(filters["domain"], serde_json::json!(["sales"]));
    assert_eq!(filters["team"], serde_json::json!(["sales-team"]));
    assert_eq!(filters["status"], serde_json::json!(["active"]));
    assert!(
        filters.get("classification").is_none(),
        "classification narrows field records only: {filters}"
    );
    let field = &urls["fields/customer_email.html"]["filters"];
    assert_eq!(field["classification"], serde_json::json!(["restricted"]));
    // A decision record's status is a facet of its own, not mixed with product statuses.
    let policy = &urls
        .iter()
        .find(|(url, _)| url.starts_with("governance/retention-policy"))
        .expect("a record of the retention policy")
        .1["filters"];
    assert_eq!(policy["doc_status"], serde_json::json!(["accepted"]));
    assert!(policy.get("status").is_none(), "{policy}");
    let page = read(&site, "search.html");
    assert!(page.contains(r#"<fieldset class="facet" data-facet="doc_status">"#));
}

#[test]
fn search_page_has_query_box_facets_with_counts_and_results_list() {
    let (_mesh, site) = built();
    let html = read(&site, "search.html");
    assert_contains(
        &html,
        &[
            r#"id="search-page-q""#,
            r#"name="q""#,
            r#"id="search-facets""#,
            r#"id="search-page-results""#,
            r#"data-state="idle""#,
        ],
    );
    assert!(
        html.contains(&format!(r#"data-compiled="{}""#, cfg!(feature = "search"))),
        "data-compiled does not match the build"
    );
    for facet in ["kind", "domain", "team", "status", "tag", "classification"] {
        assert!(
            html.contains(&format!(r#"<fieldset class="facet" data-facet="{facet}">"#)),
            "no {facet} facet"
        );
    }
    // One checkbox per value, its label and its whole-index count.
    let option = facet_option(&html, "classification", "restricted");
    assert!(option.contains(r#"<span class="facet-count">"#), "{option}");
    let kinds = facet_option(&html, "kind", "product");
    assert!(
        kinds.contains(r#"<span class="facet-label">Product</span> <span class="facet-count">3</span>"#),
        "three products: {kinds}"
    );
    let domain = facet_option(&html, "domain", "sales");
    assert!(domain.contains(">Sales</span>"), "domain labelled by name: {domain}");
    // Without JavaScript the page points at the index pages.
    let noscript = html.split("<noscript>").nth(1).expect("noscript fallback");
    assert!(
        noscript.contains(r#"href="domains/index.html""#) && noscript.contains(r#"href="products/index.html""#),
        "{noscript}"
    );
}

/// The `<label>` around the checkbox for `facet` = `value`.
fn facet_option(html: &str, facet: &str, value: &str) -> String {
    let needle = format!(r#"data-facet="{facet}" value="{value}""#);
    let at = html.find(&needle).unwrap_or_else(|| panic!("no checkbox {needle}"));
    let start = html[..at].rfind("<label").unwrap();
    let end = at + html[at..].find("</label>").unwrap();
    assert!(html[start..at].contains(r#"type="checkbox""#));
    html[start..end].to_string()
}

fn assert_contains(html: &str, needles: &[&str]) {
    let missing: Vec<&&str> = needles.iter().filter(|n| !html.contains(**n)).collect();
    assert!(missing.is_empty(), "page lacks {missing:?}");
}

#[test]
fn every_page_header_has_the_search_box_with_a_sub_path_safe_fallback() {
    let (_mesh, site) = built();
    for (page, html) in html_pages(&site) {
        if page == "404.html" {
            continue; // its root is an absolute path by design (served at any depth)
        }
        let root = "../".repeat(page.matches('/').count());
        let form = header_form(&html).unwrap_or_else(|| panic!("{page}: no header search form"));
        assert_contains(
            &form,
            &[
                &format!(r#"action="{root}products/index.html""#),
                &format!(r#"data-root="{root}""#),
                r#"id="site-search-q""#,
                r#"name="q""#,
                r#"id="site-search-results""#,
                r#"role="listbox""#,
                &format!(r#"href="{root}domains/index.html""#),
                &format!(r#"href="{root}products/index.html""#),
                &format!(r#"href="{root}search.html""#),
            ],
        );
        assert!(
            html.contains(&format!(r#"<script src="{root}static/search.js" defer></script>"#)),
            "{page}: no search script"
        );
        assert!(
            !html.contains("pagefind/pagefind.js"),
            "{page}: the index must load lazily, not from the markup"
        );
        assert!(
            html.contains(&format!(r#"href="{root}search.html""#)),
            "{page}: no link to the search page"
        );
    }
    assert!(site.join("static/search.js").is_file());
}

fn header_form(html: &str) -> Option<String> {
    let start = html.find(r#"<form class="site-search""#)?;
    let end = start + html[start..].find("</form>")?;
    Some(html[start..end].to_string())
}

#[test]
fn search_script_resolves_the_bundle_from_the_root_prefix() {
    let (_mesh, site) = built();
    let js = read(&site, "static/search.js");
    // Under a sub-path the bundle is found relative to the page, never at `/pagefind/`.
    assert!(
        js.contains(r#"root + "pagefind/" + file"#),
        "bundle path not built from the root prefix"
    );
    assert!(!js.contains(r#""/pagefind/"#), "absolute bundle path");
    assert!(js.contains("import("), "the bundle must be imported lazily");
    assert!(
        js.contains("noWorker"),
        "pagefind-worker.js is not shipped, so the worker must be off"
    );
}

#[test]
fn field_pages_list_every_contract_and_product_exposing_the_field() {
    let (_mesh, site) = built();
    let html = read(&site, "fields/customer_email.html");
    let links = hrefs(&html);
    let row = format!("../{ORDERS_CONTRACT}#field-orders-customer_email");
    assert!(links.contains(&row), "no link to the field's row: {links:?}");
    assert!(
        links.contains(&"../products/sales-orders.html".to_string()),
        "no link to the producing product: {links:?}"
    );
    assert!(
        read(&site, ORDERS_CONTRACT).contains(r#"id="field-orders-customer_email""#),
        "the contract page lacks the anchor"
    );
    let nested = read(&site, "fields/postal_code.html");
    assert!(
        hrefs(&nested)
            .iter()
            .any(|h| h.ends_with("#field-orders-shipping_address-postal_code")),
        "nested field path"
    );
}

#[test]
#[cfg(not(feature = "search"))]
fn without_the_search_feature_the_site_builds_and_says_so() {
    let (_mesh, site) = built();
    assert!(!site.join("pagefind").exists(), "no index without the feature");
    let html = read(&site, "search.html");
    assert!(
        html.contains("Search is not compiled into this build"),
        "no notice on the search page"
    );
    assert!(
        header_form(&read(&site, "index.html")).is_some(),
        "the header box stays"
    );
}
