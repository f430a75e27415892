//! Screenshots for `docs/screenshots/`, taken from the built example mesh in both colour
//! schemes. Ignored by default; run `cargo test --test browser screenshots -- --ignored` and
//! copy the files it names (it writes under cargo's target directory, never into the tree).

use crate::harness::{self, example_site, Browser, Options, Server, PREFIX};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Where the screenshots go: under cargo's target directory, never into the tree.
fn screenshot_dir() -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&out).unwrap();
    out
}

/// Saves the window as `<name>.png`, or `<name>-dark.png` in the dark scheme.
async fn save(b: &Browser, out: &Path, name: &str, scheme: &str) {
    let png = b.client.screenshot().await.expect("screenshot");
    let file = out.join(match scheme {
        "dark" => format!("{name}-dark.png"),
        _ => format!("{name}.png"),
    });
    std::fs::write(&file, png).unwrap();
    eprintln!("wrote {}", file.display());
}

#[test]
#[ignore = "writes screenshots for the docs; run by hand"]
fn screenshots_of_a_contracts_service_levels_and_quality_rules() {
    let site = example_site();
    let out = screenshot_dir();
    harness::run("screenshots", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        b.client.set_window_size(1100, 1000).await.expect("resize");
        for scheme in ["light", "dark"] {
            b.emulate_color_scheme(scheme).await;
            b.goto(&server.url("contracts/shipments-2-0-0.html")).await;
            // The last object's rules sit just above the service levels: both in one view.
            let found = b
                .js(
                    "var rules = document.querySelectorAll('.schema-object > .quality-rules');\
                     var last = rules[rules.length - 1]; if (!last) return false;\
                     var top = last.previousElementSibling || last;\
                     window.scrollTo(0, top.getBoundingClientRect().top + window.scrollY - 16); return true;",
                    vec![],
                )
                .await;
            assert_eq!(found, json!(true), "the contract has object-level quality rules");
            save(b, &out, "contract-sla", scheme).await;
        }
    });
}

#[test]
#[ignore = "writes screenshots for the docs; run by hand"]
fn screenshot_of_a_schema_table_on_a_phone() {
    let site = example_site();
    let out = screenshot_dir();
    harness::run("phone_screenshot", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        b.client.set_window_size(390, 844).await.expect("resize");
        b.goto(&server.url("contracts/shipments-2-0-0.html")).await;
        let found = b
            .js(
                "var t = document.querySelector('.schema-object .table-wrap'); if (!t) return false;\
                 window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY - 60); return true;",
                vec![],
            )
            .await;
        assert_eq!(found, json!(true), "the contract has a schema table");
        save(b, &out, "phone-schema", "light").await;
    });
}

/// Scrolls `selector`'s first match to the top of the window (16 px margin); false when absent.
async fn scroll_to(b: &Browser, selector: &str) -> bool {
    let script = format!(
        "var e = document.querySelector({selector:?}); if (!e) return false;\
         window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 16); return true;"
    );
    b.js(&script, vec![]).await == json!(true)
}

#[test]
#[ignore = "writes screenshots for the docs; run by hand"]
fn screenshots_of_the_access_panel_and_a_product_header_with_personal_data() {
    let site = example_site();
    let out = screenshot_dir();
    harness::run("access_screenshots", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        // (file, window width, height, page, element at the top)
        let shots = [
            (
                "access-panel",
                1100,
                1000,
                "contracts/customer-master-2-1-0.html",
                "#access",
            ),
            (
                "product-personal-data",
                1100,
                700,
                "products/marketing-customer-master.html",
                "body",
            ),
            (
                "access-panel-phone",
                390,
                844,
                "contracts/customer-master-2-1-0.html",
                "#access",
            ),
            (
                "product-personal-data-phone",
                390,
                844,
                "products/marketing-customer-master.html",
                "body",
            ),
        ];
        for (name, width, height, page, at) in shots {
            b.client.set_window_size(width, height).await.expect("resize");
            for scheme in ["light", "dark"] {
                b.emulate_color_scheme(scheme).await;
                b.goto(&server.url(page)).await;
                assert!(scroll_to(b, at).await, "{page} has {at}");
                save(b, &out, name, scheme).await;
            }
        }
    });
}

#[test]
#[ignore = "writes screenshots for the docs; run by hand"]
fn screenshot_of_a_product_with_a_failing_check_and_stale_data() {
    let site = example_site();
    let out = screenshot_dir();
    harness::run("screenshots", Options::default(), async |b: &Browser| {
        let server = Server::start(site, PREFIX);
        b.client.set_window_size(1100, 1000).await.expect("resize");
        for scheme in ["light", "dark"] {
            b.emulate_color_scheme(scheme).await;
            b.goto(&server.url("products/logistics-shipments.html")).await;
            // The example's results/ fail one dbt test and find the shipments table stale.
            let found = b
                .js(
                    "var s = document.getElementById('observed'); if (!s) return false;\
                     window.scrollTo(0, s.getBoundingClientRect().top + window.scrollY - 16);\
                     return !!s.querySelector('.obs-status-stale') && !!s.querySelector('.obs-check.obs-fail');",
                    vec![],
                )
                .await;
            assert_eq!(found, json!(true), "a failing check and a stale badge");
            save(b, &out, "observed", scheme).await;
        }
    });
}
