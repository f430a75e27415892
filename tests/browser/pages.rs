//! The site as a reader meets it, independent of search: every kind of page loads under a
//! sub-path with no console error and no failed request, the catalogue filters from `?q=`,
//! and without JavaScript the header box still leads to the catalogue.

use crate::harness::{self, example_site, Browser, Options, Server, PREFIX};
use fantoccini::key::Key;
use serde_json::json;
use std::path::Path;

/// One page of every kind: the home page, each top-level page, and for each section its index
/// and its first page in name order (so new sections are covered without editing this list).
pub fn sample_pages(site: &Path) -> Vec<String> {
    let mut pages = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(site).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut html: Vec<String> = std::fs::read_dir(&path)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|f| f.ends_with(".html"))
                .collect();
            html.sort();
            let first_other = html.iter().find(|f| *f != "index.html");
            for file in html.iter().filter(|f| *f == "index.html").chain(first_other) {
                pages.push(format!("{name}/{file}"));
            }
        } else if name.ends_with(".html") {
            pages.push(name);
        }
    }
    pages
}

#[test]
fn every_kind_of_page_loads_under_a_sub_path_without_errors() {
    let site = example_site();
    let pages = sample_pages(site);
    assert!(pages.len() >= 15, "expected a page of every kind, found {pages:?}");
    harness::run("every_kind_of_page_loads", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        let mut problems = Vec::new();
        for page in &pages {
            let mark = server.mark();
            b.goto(&server.url(page)).await;
            harness::server_idle(&server).await;
            for error in b.console_errors().await {
                problems.push(format!("{page}: console: {error}"));
            }
            for hit in server.since(mark) {
                if hit.status != 200 || !hit.path.starts_with(PREFIX) {
                    problems.push(format!("{page}: {} answered {}", hit.path, hit.status));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "pages under {PREFIX} with problems:\n{}",
            problems.join("\n")
        );
        // The checks above can see a problem: a missing page is both logged and reported.
        let mark = server.mark();
        b.goto(&server.url("no-such-page.html")).await;
        assert!(
            !b.console_errors().await.is_empty(),
            "a 404 shows up as a console error"
        );
        let missing = format!("{PREFIX}no-such-page.html");
        assert!(
            server.since(mark).iter().any(|h| h.path == missing && h.status == 404),
            "the server logs the 404"
        );
    });
}

#[test]
fn catalogue_filters_from_the_query_string_the_header_form_sends() {
    let site = example_site();
    harness::run("catalogue_filters", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        b.goto(&server.url("products/index.html?q=inventory")).await;
        let count = b
            .wait_js(
                "the filter count",
                "var c = document.querySelector('[data-filter-count]'); return c && c.textContent",
            )
            .await;
        let total = std::fs::read_dir(site.join("products")).unwrap().count() - 1;
        assert_eq!(
            count,
            json!(format!("1 of {total} products")),
            "?q=inventory keeps one product"
        );
        let shown = visible_rows(b).await;
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(shown[0].contains("Warehouse Inventory"), "{shown:?}");
        // Typing more in the catalogue box narrows to nothing and says so.
        b.type_into("#catalogue-q", " zzzz").await;
        b.wait_js(
            "the empty note",
            "return !document.querySelector('[data-filter-empty]').hidden",
        )
        .await;
        assert!(visible_rows(b).await.is_empty());
        let url = b.url().await;
        assert!(
            url.contains("q=inventory+zzzz") || url.contains("q=inventory%20zzzz"),
            "filter kept in the URL: {url}"
        );
    });
}

async fn visible_rows(b: &Browser) -> Vec<String> {
    let rows = b
        .js(
            "return Array.from(document.querySelectorAll('#catalogue tbody tr'))\
               .filter(function (r) { return !r.hidden; })\
               .map(function (r) { return r.textContent.replace(/\\s+/g, ' ').trim(); });",
            vec![],
        )
        .await;
    serde_json::from_value(rows).unwrap()
}

#[test]
fn without_javascript_the_header_box_falls_back_to_the_index_pages() {
    let site = example_site();
    let options = Options { javascript: false };
    harness::run("without_javascript", options, async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        b.goto(&server.url("domains/index.html")).await;
        // The header offers the index pages as plain links.
        for index in ["products/index.html", "domains/index.html"] {
            let href = format!("{}{index}", server.base());
            let found = b
                .js("var want = arguments[0]; return Array.from(document.querySelectorAll('header a')).some(function (a) { return a.href === want; })", vec![json!(href)])
                .await;
            assert_eq!(found, json!(true), "the header links to {href}");
        }
        b.type_into("#site-search-q", &format!("warehouse{}", Key::Enter)).await;
        let want = format!("{}products/index.html?q=warehouse", server.base());
        b.wait_js_args(
            "the catalogue to open",
            "return location.href === arguments[0]",
            vec![json!(want)],
        )
        .await;
        let rows = b
            .js("return document.querySelectorAll('#catalogue tbody tr').length", vec![])
            .await;
        assert!(
            rows.as_u64().unwrap_or(0) >= 12,
            "without JS the catalogue lists every product, got {rows}"
        );
        // catalogue.js un-hides its filter controls; still hidden proves page scripts were off.
        let hidden = b
            .js(
                "return document.querySelector('[data-controls-for=catalogue]').hidden",
                vec![],
            )
            .await;
        assert_eq!(
            hidden,
            json!(true),
            "page JavaScript should be disabled in this session"
        );
    });
}
