//! Accessibility as axe-core sees it: one page of every kind (plus the search page with
//! results) in the light and the dark scheme on a desktop window, and again on a phone-sized
//! one (where wide tables scroll), failing on any critical or serious violation.
//!
//! axe-core is vendored in `tests/browser/vendor/axe.min.js` (MPL-2.0, its notice kept in the
//! file and `vendor/LICENSE`), so the test runs offline with no install step; to update it,
//! copy `node_modules/axe-core/axe.min.js` from `npm install axe-core@4` over it.

use crate::harness::{self, example_site, Browser, Options, Server, PREFIX};
use crate::pages::sample_pages;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;

const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);

const AXE: &str = include_str!("vendor/axe.min.js");

/// Runs axe on the document once the page has settled and hands back its violations, each
/// with up to five offending nodes.
const RUN_AXE: &str = r#"
var done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then(function (r) {
  done(r.violations.map(function (v) {
    return { id: v.id, impact: v.impact || '', help: v.help,
             nodes: v.nodes.slice(0, 5).map(function (n) {
               return n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' ');
             }), count: v.nodes.length };
  }));
}, function (e) { done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [], count: 1 }]); });
"#;

#[derive(Debug, Deserialize)]
struct Violation {
    id: String,
    impact: String,
    help: String,
    nodes: Vec<String>,
    count: usize,
}

impl Violation {
    fn blocks(&self) -> bool {
        self.impact == "critical" || self.impact == "serious"
    }
}

#[test]
fn no_page_has_a_critical_or_serious_axe_violation_in_either_scheme() {
    let site = example_site();
    let mut pages = sample_pages(site);
    pages.push("search.html?q=customer".to_string());
    // Shell commands: their option flags were once 1.03:1 in the dark scheme.
    pages.push("guides/publish-a-data-product.html".to_string());
    harness::run("axe", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        let mut blocking = Vec::new();
        let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
        for (scheme, (width, height)) in [("light", DESKTOP), ("dark", DESKTOP), ("light", PHONE)] {
            b.emulate_color_scheme(scheme).await;
            b.client
                .set_window_size(width, height)
                .await
                .expect("resize the window");
            let pass = format!("{scheme}, {width}px");
            for page in &pages {
                for v in audit(b, &server, page, scheme).await {
                    *by_rule.entry(format!("{} ({})", v.id, v.impact)).or_default() += 1;
                    if v.blocks() {
                        blocking.push(describe(page, &pass, &v));
                    }
                }
            }
        }
        eprintln!(
            "axe: {} pages x 3 passes; pages with a violation, by rule: {by_rule:#?}",
            pages.len()
        );
        assert!(
            blocking.is_empty(),
            "{} critical or serious axe violations:\n{}",
            blocking.len(),
            blocking.join("\n")
        );
    });
}

async fn audit(b: &Browser, server: &Server, page: &str, scheme: &str) -> Vec<Violation> {
    b.goto(&server.url(page)).await;
    harness::server_idle(server).await;
    let dark = b
        .js("return matchMedia('(prefers-color-scheme: dark)').matches", vec![])
        .await;
    assert_eq!(dark, json!(scheme == "dark"), "{page}: the {scheme} scheme is emulated");
    // Collapsed parts (the raw YAML view, SQL of quality rules) are audited too.
    b.js(
        "document.querySelectorAll('details').forEach(function (d) { d.open = true; })",
        vec![],
    )
    .await;
    b.js(&format!("if (!window.axe) {{ {AXE} }}; return !!window.axe"), vec![])
        .await;
    let found = b.js_async(RUN_AXE, vec![]).await;
    serde_json::from_value(found).unwrap_or_else(|e| panic!("{page}: axe results: {e}"))
}

fn describe(page: &str, scheme: &str, v: &Violation) -> String {
    format!(
        "{page} [{scheme}] {} ({}, {} nodes): {}\n    {}",
        v.id,
        v.impact,
        v.count,
        v.help,
        v.nodes.join("\n    ")
    )
}

/// On a phone a schema is a list of field cards: no schema table is wider than its box (other
/// wide tables scroll, focusable and with a shadow at the hidden edge, which the audit checks).
#[test]
fn schema_tables_fit_a_phone_as_cards() {
    let site = example_site();
    harness::run("schema_cards", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        b.client
            .set_window_size(PHONE.0, PHONE.1)
            .await
            .expect("resize the window");
        b.goto(&server.url("contracts/shipments-2-0-0.html")).await;
        let widths = b
            .js(
                "return Array.from(document.querySelectorAll('.schema-object .table-wrap'))\
                   .map(function (w) { return [w.scrollWidth, w.clientWidth]; });",
                vec![],
            )
            .await;
        let widths: Vec<(u64, u64)> = serde_json::from_value(widths).unwrap();
        assert!(!widths.is_empty(), "the contract page has schema tables");
        for (scroll, client) in &widths {
            assert!(
                scroll <= &(client + 1),
                "a schema table overflows its box on a phone: {widths:?}"
            );
        }
        // The column names still label each value.
        let label = b
            .js(
                "var td = document.querySelector('.data-table.schema td.field-type');\
                 return getComputedStyle(td, '::before').content;",
                vec![],
            )
            .await;
        assert_eq!(label, json!("\"Type\""), "each value is labelled with its column");
    });
}
