//! Search as a reader uses it, on the bundled example mesh: the header box (results as you
//! type, keyboard navigation, `/`), the search page (facets with live counts), following
//! results to their page and anchor, and the index staying unloaded until search is used.
//! The hooks are the ones of the search UI contract (see `static/search.js`).

use crate::harness::{self, example_site, Browser, Options, Server, PREFIX};
use fantoccini::key::Key;
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::Path;

/// One rendered result, read from the DOM.
#[derive(Debug, Deserialize)]
struct Found {
    kind: String,
    title: String,
    /// Absolute URL the link resolves to.
    href: String,
    domain: String,
    owner: String,
    excerpt: String,
    marked: bool,
    selected: Option<String>,
}

/// Reads the results of `list` (a CSS selector) once it is `data-state="ready"`; `null` while
/// it is not, so `wait_js` keeps polling.
const READ_RESULTS: &str = r#"
var list = document.querySelector(arguments[0]);
if (!list || list.getAttribute('data-state') !== 'ready') return null;
var text = function (li, sel) { var e = li.querySelector(sel); return e ? e.textContent.replace(/\s+/g, ' ').trim() : ''; };
return Array.from(list.querySelectorAll('li.search-result')).map(function (li) {
  var a = li.querySelector('a.search-result-link');
  var ex = li.querySelector('.search-result-excerpt');
  return { kind: text(li, '.search-result-kind'), title: text(li, '.search-result-title'),
           href: a ? a.href : '', domain: text(li, '.search-result-domain'), owner: text(li, '.search-result-owner'),
           excerpt: text(li, '.search-result-excerpt'), marked: !!(ex && ex.querySelector('mark')),
           selected: li.getAttribute('aria-selected') };
});
"#;

/// Polls the results in `list` until `accept` holds for them; panics with the last results.
async fn results_until(b: &Browser, list: &str, what: &str, accept: impl Fn(&[Found]) -> bool) -> Vec<Found> {
    let deadline = std::time::Instant::now() + harness::browser::TIMEOUT;
    loop {
        let raw = b.js(READ_RESULTS, vec![json!(list)]).await;
        let results: Option<Vec<Found>> = serde_json::from_value(raw).ok();
        match results {
            Some(r) if accept(&r) => return r,
            last if std::time::Instant::now() >= deadline => {
                panic!("{list}: timed out waiting for {what}; last results:\n{last:#?}")
            }
            _ => tokio::time::sleep(harness::browser::POLL).await,
        }
    }
}

/// The built page of the product with this id, relative to the site root.
fn product_page(site: &Path, id: &str) -> String {
    let rel = format!("products/{id}.html");
    assert!(site.join(&rel).is_file(), "the example site has no {rel}");
    rel
}

fn is_kind(found: &Found, kind: &str) -> bool {
    found.kind.to_lowercase().contains(kind)
}

#[test]
fn header_box_shows_the_product_first_and_the_keyboard_follows_it() {
    let site = example_site();
    let want = product_page(site, "logistics-warehouse-inventory");
    harness::run("header_box_product", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        let target = server.url(&want);
        b.goto(&server.url("domains/index.html")).await;
        b.type_into("#site-search-q", "warehouse inventory").await;
        let results = results_until(b, "#site-search-results", "Warehouse Inventory first", |r| {
            r.first().is_some_and(|f| f.href == target)
        })
        .await;
        let first = &results[0];
        assert!(
            is_kind(first, "product") && first.title.contains("Warehouse Inventory"),
            "{first:#?}"
        );
        assert!(
            first.domain.to_lowercase().contains("logistics"),
            "the result names its domain: {first:#?}"
        );
        assert!(!first.owner.is_empty(), "the result names its owner team: {first:#?}");
        assert!(
            first.marked && !first.excerpt.is_empty(),
            "the excerpt highlights the query: {first:#?}"
        );
        let shown = b
            .js(
                "return document.querySelector('#site-search-results').getClientRects().length > 0",
                vec![],
            )
            .await;
        assert_eq!(shown, json!(true), "the dropdown is visible");

        b.press(&Key::Down.to_string()).await;
        results_until(b, "#site-search-results", "the first result to be active", |r| {
            r.first().is_some_and(|f| f.selected.as_deref() == Some("true"))
                && r.iter().skip(1).all(|f| f.selected.as_deref() != Some("true"))
        })
        .await;
        b.press(&Key::Enter.to_string()).await;
        b.wait_js_args(
            "the product page",
            "return location.href === arguments[0]",
            vec![json!(target)],
        )
        .await;
        let h1 = b
            .wait_js(
                "the product heading",
                "var h = document.querySelector('h1'); return h && h.textContent",
            )
            .await;
        assert!(h1.as_str().unwrap_or("").contains("Warehouse Inventory"), "{h1}");
    });
}

#[test]
fn header_box_finds_a_field_and_its_page_lists_every_contract_exposing_it() {
    let site = example_site();
    let contracts = contracts_with_field("customer_id");
    assert!(
        contracts.len() >= 3,
        "the example mesh has customer_id in several contracts: {contracts:?}"
    );
    harness::run("header_box_field", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        b.goto(&server.url("index.html")).await;
        b.type_into("#site-search-q", "customer_id").await;
        let results = results_until(b, "#site-search-results", "a field result first", |r| {
            r.first().is_some_and(|f| is_kind(f, "field"))
        })
        .await;
        assert!(results[0].title.contains("customer_id"), "{:#?}", results[0]);
        let target = results[0].href.clone();
        b.press(&format!("{}{}", Key::Down, Key::Enter)).await;
        b.wait_js_args(
            "the field page",
            "return location.href === arguments[0]",
            vec![json!(target)],
        )
        .await;
        assert_anchor_exists(b).await;
        assert_every_contract_linked(b, &contracts).await;
    });
}

/// Ids of the example contracts with a schema property named exactly `field`.
fn contracts_with_field(field: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/contracts");
    let mut ids = Vec::new();
    for entry in walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let has = text
            .lines()
            .any(|l| l.trim_start().trim_start_matches("- ") == format!("name: {field}"));
        let id = text
            .lines()
            .find_map(|l| l.strip_prefix("id: "))
            .map(|s| s.trim().to_string());
        if let (true, Some(id)) = (has, id) {
            ids.push(id);
        }
    }
    ids.sort();
    ids
}

async fn page_links(b: &Browser) -> Vec<String> {
    let raw = b
        .js(
            "return Array.from(document.querySelectorAll('main a[href]')).map(function (a) { return a.href; })",
            vec![],
        )
        .await;
    serde_json::from_value(raw).unwrap()
}

/// When the current URL has a fragment, the element it names exists on the page.
async fn assert_anchor_exists(b: &Browser) {
    let ok = b
        .js(
            "var id = decodeURIComponent(location.hash.slice(1)); return id === '' || !!document.getElementById(id);",
            vec![],
        )
        .await;
    assert_eq!(ok, json!(true), "{} points at an element of the page", b.url().await);
}

async fn facet_counts(b: &Browser, facet: &str) -> Value {
    let script = "var out = {}; document.querySelectorAll('#search-facets input[data-facet=\"' + arguments[0] + '\"]')\
        .forEach(function (box) { var c = box.closest('label').querySelector('.facet-count');\
        out[box.value] = c ? parseInt(c.textContent.replace(/[^0-9]/g, ''), 10) : null; }); return out;";
    b.js(script, vec![json!(facet)]).await
}

async fn check_facet(b: &Browser, facet: &str, value: &str) {
    let css = format!("#search-facets input[type=checkbox][data-facet=\"{facet}\"][value=\"{value}\"]");
    let el = b
        .client
        .find(fantoccini::Locator::Css(&css))
        .await
        .unwrap_or_else(|e| panic!("no facet option {css}: {e}"));
    el.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    assert!(el.is_selected().await.unwrap(), "{css} is checked after the click");
}

#[test]
fn search_page_facet_narrows_the_results_and_updates_the_counts() {
    let site = example_site();
    harness::run("search_page_facets", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        b.goto(&server.url("search.html?q=customer")).await;
        let q = b
            .js("return document.querySelector('#search-page-q').value", vec![])
            .await;
        assert_eq!(q, json!("customer"), "the page reads ?q=");
        let before = results_until(b, "#search-page-results", "mixed-domain results", |r| {
            r.iter().any(in_logistics) && r.iter().any(|f| !in_logistics(f) && !f.domain.ends_with(" domains"))
        })
        .await;
        // Until a facet is used it shows whole-portal totals (its filter chunk is not loaded).
        let domains_before = facet_counts(b, "domain").await;
        let portal_logistics = domains_before["logistics"].as_u64().expect("a logistics count");

        check_facet(b, "domain", "logistics").await;
        // Records spanning several domains (a field name used across the mesh) say "3 domains";
        // every single-domain result left must be a logistics one.
        let after = results_until(b, "#search-page-results", "only logistics results", |r| {
            r.iter().any(in_logistics) && r.iter().all(|f| in_logistics(f) || f.domain.ends_with(" domains"))
        })
        .await;
        assert!(
            after.len() < before.len(),
            "the facet narrowed {} results to {}",
            before.len(),
            after.len()
        );
        let domains_after = counts_change(b, "domain", &domains_before).await;
        let logistics = domains_after["logistics"].as_u64().unwrap_or(0);
        assert!(
            logistics as usize >= after.len() && logistics < portal_logistics,
            "the logistics count now counts the query's hits ({} shown), not the portal's {portal_logistics}: {domains_after}",
            after.len()
        );

        let first = &after[0];
        let target = first.href.clone();
        let link = b
            .client
            .find(fantoccini::Locator::Css(
                "#search-page-results li.search-result a.search-result-link",
            ))
            .await
            .unwrap();
        link.click().await.unwrap();
        b.wait_js_args(
            "the result's page",
            "return location.href === arguments[0]",
            vec![json!(target)],
        )
        .await;
        assert!(
            target.starts_with(&server.base()),
            "results stay under the sub-path: {target}"
        );
        assert_anchor_exists(b).await;
    });
}

fn in_logistics(found: &Found) -> bool {
    found.domain.to_lowercase().contains("logistics")
}

/// Waits until the counts of `facet` differ from `before` and returns them.
async fn counts_change(b: &Browser, facet: &str, before: &Value) -> Value {
    let changed = harness::browser::wait_async(|| async move {
        let now = facet_counts(b, facet).await;
        (now != *before).then_some(now)
    })
    .await;
    changed.unwrap_or_else(|| panic!("{facet} counts never changed from {before} after using the facet"))
}

#[test]
fn search_page_field_query_narrowed_to_fields_leads_to_every_contract() {
    let contracts = contracts_with_field("customer_id");
    harness::run("search_page_field", Options::default(), async |b: &Browser| {
        let server = Server::start(example_site(), PREFIX);
        b.goto(&server.url("search.html?q=customer_id")).await;
        let mixed = results_until(b, "#search-page-results", "fields and other kinds", |r| {
            r.iter().any(|f| is_kind(f, "field")) && r.iter().any(|f| !is_kind(f, "field"))
        })
        .await;
        let kinds_before = facet_counts(b, "kind").await;
        check_facet(b, "kind", "field").await;
        let fields = results_until(b, "#search-page-results", "field results only", |r| {
            !r.is_empty() && r.iter().all(|f| is_kind(f, "field"))
        })
        .await;
        assert!(
            fields.len() < mixed.len(),
            "kind=field narrowed {} results to {}",
            mixed.len(),
            fields.len()
        );
        let kinds_after = counts_change(b, "kind", &kinds_before).await;
        let n = kinds_after["field"].as_u64().unwrap_or(0);
        assert!(
            n as usize >= fields.len() && n < kinds_before["field"].as_u64().unwrap_or(0),
            "the field count now counts the query's field hits ({} shown): {kinds_after}, was {kinds_before}",
            fields.len()
        );

        // The same selection from a link: ?kind=field checks the box.
        b.goto(&server.url("search.html?q=customer_id&kind=field")).await;
        let checked = b
            .js(
                "return document.querySelector('#search-facets input[data-facet=kind][value=field]').checked",
                vec![],
            )
            .await;
        assert_eq!(checked, json!(true), "kind=field in the URL checks the facet");
        let results = results_until(b, "#search-page-results", "field results only", |r| {
            !r.is_empty() && r.iter().all(|f| is_kind(f, "field"))
        })
        .await;
        let hit = results
            .iter()
            .find(|f| f.title == "customer_id")
            .unwrap_or_else(|| panic!("no customer_id field: {results:#?}"));
        let target = hit.href.clone();
        let link = format!(
            "#search-page-results a.search-result-link[href$=\"{}\"]",
            target.rsplit('/').next().unwrap()
        );
        b.client
            .find(fantoccini::Locator::Css(&link))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait_js_args(
            "the field page",
            "return location.href === arguments[0]",
            vec![json!(target)],
        )
        .await;
        assert_every_contract_linked(b, &contracts).await;
    });
}

/// The field page links every contract in `contracts`, each at the field's row.
async fn assert_every_contract_linked(b: &Browser, contracts: &[String]) {
    let links = page_links(b).await;
    let missing: Vec<&String> = contracts
        .iter()
        .filter(|c| !links.iter().any(|l| l.contains(&format!("contracts/{c}"))))
        .collect();
    assert!(
        missing.is_empty(),
        "the field page links every contract exposing the field; missing {missing:?} in {links:#?}"
    );
    let row = links
        .iter()
        .find(|l| l.contains("contracts/") && l.contains("#field-"))
        .expect("a link to a contract's field row")
        .clone();
    b.goto(&row).await;
    assert_anchor_exists(b).await;
}

#[test]
fn slash_focuses_the_header_box_and_escape_closes_the_dropdown() {
    let site = example_site();
    let page = product_page(site, "logistics-shipments");
    harness::run("slash_shortcut", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        b.goto(&server.url(&page)).await;
        b.press("/").await;
        let focused = b
            .wait_js(
                "the header box to take focus",
                "return document.activeElement && document.activeElement.id === 'site-search-q'",
            )
            .await;
        assert_eq!(focused, json!(true));
        let value = b.js("return document.activeElement.value", vec![]).await;
        assert_eq!(value, json!(""), "the `/` itself is not typed into the box");
        b.press("shipments").await;
        results_until(b, "#site-search-results", "some results", |r| !r.is_empty()).await;
        b.press(&Key::Escape.to_string()).await;
        b.wait_js("the dropdown to close", "var l = document.querySelector('#site-search-results'); return !l || l.getClientRects().length === 0 || l.hidden").await;
    });
}

#[test]
fn pages_download_nothing_from_pagefind_until_the_box_is_used() {
    let site = example_site();
    let pages = [
        "index.html",
        "products/index.html",
        &product_page(site, "logistics-shipments"),
        "domains/index.html",
    ]
    .map(String::from);
    let bundle = format!("{PREFIX}pagefind/");
    harness::run("lazy_index", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        for page in &pages {
            let mark = server.mark();
            b.goto(&server.url(page)).await;
            harness::server_idle(&server).await;
            let loaded: Vec<String> = server
                .since(mark)
                .into_iter()
                .map(|h| h.path)
                .filter(|p| p.starts_with(&bundle))
                .collect();
            assert!(loaded.is_empty(), "{page} downloaded {loaded:?} before any search");
        }
        let mark = server.mark();
        b.type_into("#site-search-q", "shipments").await;
        results_until(b, "#site-search-results", "some results", |r| !r.is_empty()).await;
        harness::server_idle(&server).await;
        let hits = server.since(mark);
        assert!(
            hits.iter().any(|h| h.path.starts_with(&bundle)),
            "using the box loads the index: {hits:?}"
        );
        let bad: Vec<_> = hits.iter().filter(|h| h.status != 200).collect();
        assert!(
            bad.is_empty(),
            "every bundle file is served from under {PREFIX}: {bad:?}"
        );
    });
}
