//! End-to-end tests of the `meshport` binary over fixture meshes in `tests/fixtures/`.
//! Every test works on a temporary copy, so the repository is never written to.

mod access;
mod bad_input;
mod common;
mod diff;
mod files;
mod git;
mod governance;
mod init;
mod legacy;
mod lineage;
mod names;
mod observations;
mod output;
mod policy;
mod readable;
mod real_files;
mod rego;
mod rego_limits;
mod rules;
mod schema;
mod search;
mod serve;
mod sizes;
mod snapshots;
mod standards;
mod theme;
mod versions;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const PRODUCT_A: &str = "products/sales-orders.html";
const PRODUCT_B: &str = "products/finance-order-revenue.html";
const PRODUCT_C: &str = "products/finance-revenue-forecast.html";
const ORDERS_CONTRACT: &str = "contracts/sales-orders-contract-1-0-0.html";

/// valid-basic copied and built into `<root>/public`.
fn built_basic(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let mesh = copy_fixture("valid-basic");
    build_ok(mesh.path(), extra);
    let site = mesh.path().join("public");
    (mesh, site)
}

fn assert_contains_all(what: &str, text: &str, needles: &[&str]) {
    let missing: Vec<&&str> = needles.iter().filter(|n| !text.contains(**n)).collect();
    assert!(missing.is_empty(), "{what} lacks {missing:?}");
}

// ---------------------------------------------------------------------------------------
// 1. valid-basic: pages, product page content, links, catalogue
// ---------------------------------------------------------------------------------------

#[test]
fn valid_basic_builds_every_expected_page() {
    let (_mesh, site) = built_basic(&[]);
    let expected = [
        "index.html",
        "404.html",
        "sitemap.xml",
        "products/index.html",
        PRODUCT_A,
        PRODUCT_B,
        PRODUCT_C,
        "contracts/index.html",
        ORDERS_CONTRACT,
        "contracts/crm-export-1-0-0.html",
        "contracts/finance-revenue-contract-1-0-0.html",
        "contracts/finance-forecast-contract-1-0-0.html",
        "domains/index.html",
        "domains/sales.html",
        "domains/finance.html",
        "teams/index.html",
        "teams/sales-team.html",
        "teams/finance-team.html",
        "guides/index.html",
        "guides/consume-orders.html",
        "governance/index.html",
        "governance/retention-policy.html",
        "api/products.json",
        "api/products/sales-orders.json",
        "api/contracts.json",
        "api/contracts/sales-orders-contract-1-0-0.json",
        "static/style.css",
        "static/syntax.css",
    ];
    let missing: Vec<&str> = expected.iter().copied().filter(|p| !site.join(p).is_file()).collect();
    assert!(
        missing.is_empty(),
        "missing output files: {missing:?}\nwritten: {:?}",
        read_tree(&site).keys().collect::<Vec<_>>()
    );
}

#[test]
fn product_page_shows_descriptor_and_contract_detail() {
    let (_mesh, site) = built_basic(&[]);
    let text = visible_text(&read(&site, PRODUCT_A));
    assert_contains_all(
        "product page",
        &text,
        &[
            "Customer Orders",
            "Every confirmed customer order, one row per order line.",
            // schema fields of the output port's contract, the nested ones included
            "order_id",
            "customer_email",
            "shipping_address",
            "postal_code",
            "country_code",
            "PII",
            "restricted",
            // quality rules, SLA, servers
            "nullValues",
            "rowCount",
            "latency",
            "retention",
            "pg.sales.example.test",
            "kafka.sales.example.test:9092",
            // "how to consume" snippets, by server type
            "FROM sales.public.orders_v1",
            "kafka-console-consumer",
            // owner team and support
            "Sales Data Team",
            "#sales-orders-help",
        ],
    );
}

#[test]
fn product_page_shows_unknown_keys_and_custom_properties() {
    let (_mesh, site) = built_basic(&[]);
    let text = visible_text(&remove_between(
        &read(&site, PRODUCT_A),
        "<details class=\"raw\"",
        "</details>",
    ));
    assert_contains_all(
        "product page (raw YAML excluded)",
        &text,
        &["x-cost-centre", "CC-4711", "refreshCadence", "hourly"],
    );
}

#[test]
fn contract_page_shows_schema_sla_and_servers() {
    let (_mesh, site) = built_basic(&[]);
    let text = visible_text(&read(&site, ORDERS_CONTRACT));
    assert_contains_all(
        "contract page",
        &text,
        &[
            "Sales Orders",
            "1.0.0",
            "order_id",
            "postal_code",
            "restricted",
            "nullValues",
            "latency",
            "pg.sales.example.test",
            "sales.orders.v1",
        ],
    );
}

#[test]
fn lineage_links_up_and_down_the_chain() {
    let (_mesh, site) = built_basic(&[]);
    let links = |page: &str| -> Vec<String> {
        hrefs(&read(&site, page))
            .iter()
            .filter_map(|h| resolve_link(page, link_path(h)))
            .collect()
    };
    let a = links(PRODUCT_A);
    let b = links(PRODUCT_B);
    let c = links(PRODUCT_C);
    assert!(
        a.contains(&PRODUCT_B.to_string()),
        "A does not link downstream to B: {a:?}"
    );
    assert!(
        b.contains(&PRODUCT_A.to_string()),
        "B does not link upstream to A: {b:?}"
    );
    assert!(
        b.contains(&PRODUCT_C.to_string()),
        "B does not link downstream to C: {b:?}"
    );
    assert!(
        c.contains(&PRODUCT_B.to_string()),
        "C does not link upstream to B: {c:?}"
    );
    // A's external source: the CRM export contract, which no product outputs.
    assert!(
        a.contains(&"contracts/crm-export-1-0-0.html".to_string()),
        "A does not link its external source: {a:?}"
    );
}

#[test]
fn every_relative_link_resolves_to_a_file() {
    let (_mesh, site) = built_basic(&[]);
    let mut broken = Vec::new();
    for (page, html) in html_pages(&site) {
        for href in hrefs(&html) {
            let path = link_path(&href);
            if path.is_empty() || is_external(&href) || (page == "404.html" && path.starts_with('/')) {
                continue;
            }
            match resolve_link(&page, path) {
                Some(target) if site.join(&target).is_file() => {}
                _ => broken.push(format!("{page}: href=\"{href}\"")),
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links that do not resolve to a file of the site:\n{}",
        broken.join("\n")
    );
}

#[test]
fn catalogue_lists_every_product_with_domain_and_team() {
    let (_mesh, site) = built_basic(&[]);
    let html = read(&site, "products/index.html");
    let rows = [
        ("sales-orders.html", "Customer Orders", "Sales", "Sales Data Team"),
        (
            "finance-order-revenue.html",
            "Order Revenue",
            "Finance",
            "Finance Data Team",
        ),
        (
            "finance-revenue-forecast.html",
            "Revenue Forecast",
            "Finance",
            "Finance Data Team",
        ),
    ];
    for (link, name, domain, team) in rows {
        let row = catalogue_row(&html, link);
        let text = visible_text(&row);
        assert_contains_all(&format!("catalogue row of {name}"), &text, &[name, domain, team]);
    }
}

/// The `<tr>` (or, failing that, the `<li>`/`<article>`) of the catalogue holding a link to `link`.
fn catalogue_row(html: &str, link: &str) -> String {
    let at = html
        .find(&format!("{link}\""))
        .unwrap_or_else(|| panic!("catalogue has no link to {link}"));
    for (open, close) in [("<tr", "</tr>"), ("<li", "</li>"), ("<article", "</article>")] {
        if let (Some(s), Some(e)) = (html[..at].rfind(open), html[at..].find(close)) {
            let row = &html[s..at + e];
            if !row[1..].contains(open) {
                return row.to_string();
            }
        }
    }
    panic!("no row element around the catalogue link to {link}");
}

#[test]
fn guide_page_has_headings_and_highlighted_sql() {
    let (_mesh, site) = built_basic(&[]);
    let html = read(&site, "guides/consume-orders.html");
    assert!(
        html.contains("<h2") && html.contains("<h3"),
        "guide lacks h2/h3 headings"
    );
    assert!(
        html.contains("data-lang=\"sql\""),
        "guide's SQL block is not highlighted as SQL"
    );
    assert_contains_all(
        "guide page",
        &visible_text(&html),
        &["Find the table", "Example query", "SELECT order_id, amount_eur"],
    );
}

// ---------------------------------------------------------------------------------------
// 2. Sanitisation
// ---------------------------------------------------------------------------------------

#[test]
fn hostile_text_never_becomes_markup() {
    let (_mesh, site) = built_basic(&[]);
    let mut problems = Vec::new();
    for (page, html) in html_pages(&site) {
        let lower = html.to_ascii_lowercase();
        for bad in [
            "<script>alert",
            "href=\"javascript:",
            "href='javascript:",
            "src=\"javascript:",
        ] {
            if lower.contains(bad) {
                problems.push(format!("{page}: contains `{bad}`"));
            }
        }
        for tag in start_tags(&html) {
            if tag.split_whitespace().any(|attr| attr.starts_with("onerror")) {
                problems.push(format!("{page}: tag with an event handler: <{tag}>"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The hostile text is still shown (escaped or stripped), and the channel name survives.
    let text = visible_text(&read(&site, PRODUCT_A));
    assert_contains_all(
        "product page",
        &text,
        &["Join on order_id.", "Refunds arrive a day late.", "#sales-orders-help"],
    );
}

// ---------------------------------------------------------------------------------------
// 3. Determinism
// ---------------------------------------------------------------------------------------

#[test]
fn builds_are_byte_identical() {
    let mesh = copy_fixture("valid-basic");
    let (one, two) = (mesh.path().join("out-one"), mesh.path().join("out-two"));
    build_ok(mesh.path(), &["--output", one.to_str().unwrap()]);
    build_ok(mesh.path(), &["--output", two.to_str().unwrap()]);
    let (a, b) = (read_tree(&one), read_tree(&two));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the two builds wrote different file lists"
    );
    let differing: Vec<&String> = a.iter().filter(|(p, bytes)| b[*p] != **bytes).map(|(p, _)| p).collect();
    assert!(
        differing.is_empty(),
        "files differ between two builds of the same input: {differing:?}"
    );
}

// ---------------------------------------------------------------------------------------
// 4. Atomicity
// ---------------------------------------------------------------------------------------

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let (mesh, site) = built_basic(&[]);
    let before = read_tree(&site);
    assert!(!before.is_empty());
    let broken = mesh.path().join("content/products/orders.odps.yaml");
    let mut text = std::fs::read_to_string(&broken).unwrap();
    text.push_str("broken: [unclosed\n");
    std::fs::write(&broken, text).unwrap();

    let r = build(mesh.path(), &[]);
    assert_eq!(r.code, 1, "a build with errors must exit 1\nstderr:\n{}", r.stderr);
    assert!(
        r.stderr.contains("content/products/orders.odps.yaml:"),
        "stderr does not name the file:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("error[yaml.syntax]"),
        "stderr does not name the rule:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("= help:"), "stderr has no fix hint:\n{}", r.stderr);
    assert!(
        read_tree(&site) == before,
        "the failed build changed the output directory"
    );
    let leftovers: Vec<String> = std::fs::read_dir(mesh.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "temporary directories left behind: {leftovers:?}");
}

// ---------------------------------------------------------------------------------------
// 5. Base URL: only the sitemap (and 404) are absolute
// ---------------------------------------------------------------------------------------

#[test]
fn base_url_only_affects_sitemap_and_404() {
    let (_mesh, site) = built_basic(&["--base-url", "https://host/portal/"]);
    let sitemap = read(&site, "sitemap.xml");
    for page in [PRODUCT_A, PRODUCT_B, ORDERS_CONTRACT, "index.html"] {
        let loc = format!("<loc>https://host/portal/{page}</loc>");
        assert!(sitemap.contains(&loc), "sitemap lacks {loc}:\n{sitemap}");
    }
    assert!(!sitemap.contains("404.html"), "sitemap lists the 404 page");
    let mut rooted = Vec::new();
    for (page, html) in html_pages(&site) {
        if page == "404.html" {
            continue;
        }
        rooted.extend(
            hrefs(&html)
                .into_iter()
                .filter(|h| h.starts_with('/'))
                .map(|h| format!("{page}: {h}")),
        );
    }
    assert!(
        rooted.is_empty(),
        "pages with /-rooted links (break sub-paths and file://):\n{}",
        rooted.join("\n")
    );
    let not_found = read(&site, "404.html");
    assert!(
        hrefs(&not_found).iter().any(|h| h.starts_with("/portal/")),
        "404 page does not link under the base path /portal/"
    );
}

// ---------------------------------------------------------------------------------------
// 6. JSON API
// ---------------------------------------------------------------------------------------

fn read_json(site: &Path, rel: &str) -> Value {
    serde_json::from_str(&read(site, rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

fn yaml_value(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    meshport::source::yaml::parse(&text).unwrap().value
}

#[test]
fn json_api_lists_products_and_carries_descriptors() {
    let (mesh, site) = built_basic(&[]);
    let index = read_json(&site, "api/products.json");
    let products = index["products"]
        .as_array()
        .expect("api/products.json has a products array");
    let mut ids: Vec<&str> = products.iter().map(|p| p["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(
        ids,
        ["finance-order-revenue", "finance-revenue-forecast", "sales-orders"]
    );
    let files = [
        ("sales-orders", "orders.odps.yaml"),
        ("finance-order-revenue", "order-revenue.odps.yaml"),
        ("finance-revenue-forecast", "revenue-forecast.odps.yaml"),
    ];
    for (id, file) in files {
        let one = read_json(&site, &format!("api/products/{id}.json"));
        assert_eq!(one["id"], id);
        let expected = yaml_value(&mesh.path().join("content/products").join(file));
        assert_eq!(
            one["descriptor"], expected,
            "api/products/{id}.json does not carry the descriptor as written"
        );
    }
    let contracts = read_json(&site, "api/contracts.json");
    assert_eq!(
        contracts["contracts"].as_array().map(Vec::len),
        Some(4),
        "api/contracts.json: {contracts}"
    );
    let orders = read_json(&site, "api/contracts/sales-orders-contract-1-0-0.json");
    assert_eq!(
        orders["descriptor"],
        yaml_value(&mesh.path().join("content/contracts/orders.odcs.yaml"))
    );
}

// ---------------------------------------------------------------------------------------
// 7. check writes nothing
// ---------------------------------------------------------------------------------------

#[test]
fn check_writes_nothing_and_reports_clean() {
    let mesh = copy_fixture("valid-basic");
    let before = read_tree(mesh.path());
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["version"], 1);
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
    assert!(!mesh.path().join("public").exists(), "check created public/");
    assert!(read_tree(mesh.path()) == before, "check changed files in the mesh");
}

#[test]
fn human_check_of_valid_basic_exits_0() {
    let mesh = copy_fixture("valid-basic");
    let r = run(&["check", "--root", mesh.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("0 errors"), "{}", r.stderr);
}

#[test]
fn valid_legacy_builds() {
    let mesh = copy_fixture("valid-legacy");
    build_ok(mesh.path(), &[]);
    let site = mesh.path().join("public");
    assert!(site.join("products/legacy-inventory.html").is_file());
    let contract = visible_text(&read(&site, "contracts/legacy-stock-2-0-0.html"));
    assert_contains_all(
        "legacy contract page",
        &contract,
        &["olduser", "Owner", "newuser", "Data Engineer", "sku"],
    );
    let (code, report) = check_json(mesh.path());
    assert_eq!((code, &report["summary"]["errors"]), (0, &Value::from(0)), "{report:#}");
}

// ---------------------------------------------------------------------------------------
// 8. Invalid meshes: exact rule, severity, file, line and column
// ---------------------------------------------------------------------------------------

/// Runs `check --format json` on a fixture copy and compares its error-level findings.
fn assert_errors(fixture: &str, expected: &[Finding]) -> Value {
    let mesh = copy_fixture(fixture);
    assert_errors_at(mesh.path(), expected)
}

fn assert_errors_at(root: &Path, expected: &[Finding]) -> Value {
    let (code, report) = check_json(root);
    let mut got = findings(&report, "error");
    got.sort();
    let mut want = expected.to_vec();
    want.sort();
    assert_eq!(got, want, "error findings differ; full report:\n{report:#}");
    assert_eq!(code, 1, "check must exit 1 on errors");
    assert_eq!(report["summary"]["errors"], expected.len());
    report
}

fn messages(report: &Value, rule: &str) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn yaml_syntax_error() {
    // `name: Broken: product`: the second `: ` is not allowed in a plain scalar.
    assert_errors(
        "invalid-yaml-syntax",
        &[finding(
            "yaml.syntax",
            "error",
            "content/products/broken.odps.yaml",
            4,
            13,
        )],
    );
}

#[test]
fn duplicate_key() {
    assert_errors(
        "invalid-duplicate-key",
        &[finding(
            "yaml.syntax",
            "error",
            "content/products/dup-key.odps.yaml",
            6,
            1,
        )],
    );
}

#[test]
fn tab_indentation() {
    // Line 5 is `\tname: tab-team`: the tab itself, column 1, is the offending character.
    assert_errors(
        "invalid-tab-indent",
        &[finding(
            "yaml.syntax",
            "error",
            "content/products/tabbed.odps.yaml",
            5,
            1,
        )],
    );
}

#[test]
fn empty_descriptor() {
    let report = assert_errors(
        "invalid-empty-descriptor",
        &[finding(
            "descriptor.not-mapping",
            "error",
            "content/products/empty.odps.yaml",
            1,
            1,
        )],
    );
    assert!(
        messages(&report, "descriptor.not-mapping")[0].contains("empty"),
        "{report:#}"
    );
}

#[test]
fn list_instead_of_mapping() {
    let report = assert_errors(
        "invalid-list-descriptor",
        &[finding(
            "descriptor.not-mapping",
            "error",
            "content/products/list.odps.yaml",
            1,
            1,
        )],
    );
    assert!(
        messages(&report, "descriptor.not-mapping")[0].contains("list"),
        "{report:#}"
    );
}

#[test]
fn unknown_kind() {
    assert_errors(
        "invalid-unknown-kind",
        &[finding(
            "descriptor.kind",
            "error",
            "content/products/kind.odps.yaml",
            2,
            7,
        )],
    );
}

#[test]
fn missing_id_points_at_the_parent_mapping() {
    assert_errors(
        "invalid-missing-id",
        &[finding(
            "descriptor.required",
            "error",
            "content/products/no-id.odps.yaml",
            1,
            1,
        )],
    );
}

#[test]
fn wrong_type_points_at_the_value() {
    // `required: "yes"` on line 11; the value starts at column 19. The schema layer reports it
    // (descriptor.schema); the typed view's descriptor.type duplicate is dropped.
    let report = assert_errors(
        "invalid-wrong-type",
        &[finding(
            "descriptor.schema",
            "error",
            "content/contracts/typed.odcs.yaml",
            11,
            19,
        )],
    );
    assert!(
        messages(&report, "descriptor.schema")[0].contains("/schema/0/properties/0/required"),
        "{report:#}"
    );
}

#[test]
fn unsupported_api_version() {
    assert_errors(
        "invalid-api-version",
        &[finding(
            "descriptor.api-version",
            "error",
            "content/products/future.odps.yaml",
            1,
            13,
        )],
    );
}

/// Three files with one id: one finding, at the first file (the one the portal keeps), naming
/// the other two, each as a related place with the whole id's range.
#[test]
fn duplicate_product_ids_are_one_finding_naming_every_place() {
    let report = assert_errors(
        "invalid-duplicate-id",
        &[finding(
            "id.duplicate",
            "error",
            "content/products/first.odps.yaml",
            3,
            5,
        )],
    );
    let msgs = messages(&report, "id.duplicate");
    assert_eq!(
        msgs,
        ["product id `same-id` is defined 3 times: here and at content/products/second.odps.yaml:5:5, content/products/third.odps.yaml:4:5"]
    );
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "id.duplicate")
        .unwrap();
    let related: Vec<String> = d["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}:{}:{}-{}",
                r["file"].as_str().unwrap(),
                r["line"],
                r["column"],
                r["end_column"]
            )
        })
        .collect();
    assert_eq!(
        related,
        [
            "content/products/second.odps.yaml:5:5-12",
            "content/products/third.odps.yaml:4:5-12"
        ],
        "{report:#}"
    );
}

/// Two contract files with one id and version, and a third with another version: one finding
/// for the pair, none for the other version.
#[test]
fn duplicate_contract_versions_are_one_finding() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    let contract = |version: &str| {
        format!("apiVersion: v3.0.2\nkind: DataContract\nid: twin\nversion: {version}\nstatus: active\n")
    };
    for (file, version) in [("a", "1.0.0"), ("b", "1.0.0"), ("c", "2.0.0")] {
        let path = root.join(format!("content/contracts/{file}-twin.odcs.yaml"));
        std::fs::write(path, contract(version)).unwrap();
    }
    let (_, report) = check_json(root);
    let dups: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "id.duplicate")
        .collect();
    assert_eq!(dups.len(), 1, "{dups:#?}");
    assert_eq!(dups[0]["file"], "content/contracts/a-twin.odcs.yaml");
    assert_eq!(
        dups[0]["message"],
        "contract id `twin` version 1.0.0 is defined 2 times: here and at content/contracts/b-twin.odcs.yaml:3:5"
    );
}

#[test]
fn lineage_cycle() {
    // p-one reads c-two (line 7, `contractId: c-two`), which p-two outputs, which reads c-one from p-one.
    let report = assert_errors(
        "invalid-lineage-cycle",
        &[finding(
            "lineage.cycle",
            "error",
            "content/products/p-one.odps.yaml",
            7,
            17,
        )],
    );
    assert_eq!(
        messages(&report, "lineage.cycle"),
        ["lineage cycle: p-one → p-two → p-one"]
    );
}

#[test]
fn front_matter_error_has_file_line() {
    // Line 3 of the file (line 2 of the front matter): `email: team@example.test: oops`.
    assert_errors(
        "invalid-frontmatter",
        &[finding(
            "frontmatter.syntax",
            "error",
            "content/teams/broken-team.md",
            3,
            25,
        )],
    );
}

#[test]
fn non_utf8_descriptor() {
    let mesh = copy_fixture("invalid-encoding");
    let dir = mesh.path().join("content/products");
    std::fs::create_dir_all(&dir).unwrap();
    // Latin-1 `é` (0xE9) after `id: caf` on line 3.
    std::fs::write(
        dir.join("latin1.odps.yaml"),
        b"apiVersion: v1.0.0\nkind: DataProduct\nid: caf\xe9\n",
    )
    .unwrap();
    assert_errors_at(
        mesh.path(),
        &[finding(
            "source.encoding",
            "error",
            "content/products/latin1.odps.yaml",
            3,
            8,
        )],
    );
}

#[test]
fn bad_config_key() {
    let report = assert_errors(
        "invalid-config",
        &[finding("config.invalid", "error", "meshport.toml", 2, 1)],
    );
    assert!(messages(&report, "config.invalid")[0].contains("titel"), "{report:#}");
}

#[test]
fn build_of_invalid_mesh_exits_1_and_writes_nothing() {
    let mesh = copy_fixture("invalid-unknown-kind");
    let r = build(mesh.path(), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        has_human_finding(
            &r.stderr,
            "content/products/kind.odps.yaml:2:7",
            "error[descriptor.kind]: unknown kind `DataProdukt`"
        ),
        "{}",
        r.stderr
    );
    // The offending line with the whole value underlined, then the fix hint.
    assert!(
        r.stderr.contains("2 | kind: DataProdukt\n  |       ^^^^^^^^^^^\n"),
        "no snippet with a caret:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("  = help: "), "no fix hint:\n{}", r.stderr);
    assert!(
        !mesh.path().join("public").exists(),
        "a failed first build created public/"
    );
}

// ---------------------------------------------------------------------------------------
// 9. Usage failures
// ---------------------------------------------------------------------------------------

#[test]
fn root_without_content_exits_2() {
    let empty = tempfile::tempdir().unwrap();
    for cmd in ["check", "build"] {
        let r = run(&[cmd, "--root", empty.path().to_str().unwrap()]);
        assert_eq!(r.code, 2, "{cmd}: {}", r.stderr);
        assert!(
            r.stderr.contains("content/"),
            "{cmd} does not say what is missing: {}",
            r.stderr
        );
    }
    assert!(!empty.path().join("public").exists());
}
