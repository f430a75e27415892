//! `[observations]`: CI artifacts (dbt, JUnit, meshport JSON) read, matched to contracts and
//! products, shown on pages and in `api/observations.json`, and every bad artifact a finding.
//! Each test writes its artifacts into a temporary copy of `observations-mesh`.

use super::*;
use std::fs;

const PRODUCT: &str = "products/sales-orders.html";
const CONTRACT_V1: &str = "contracts/sales-orders-contract-1-0-0.html";
const CONTRACT_V2: &str = "contracts/sales-orders-contract-2-0-0.html";

fn mesh_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let mesh = copy_fixture("observations-mesh");
    for (rel, text) in files {
        let path = mesh.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    mesh
}

fn built(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let mesh = mesh_with(files);
    build_ok(mesh.path(), &[]);
    let site = mesh.path().join("public");
    (mesh, site)
}

fn observations(site: &Path) -> Value {
    serde_json::from_str(&read(site, "api/observations.json")).unwrap()
}

fn rules_of(report: &Value, rule: &str) -> Vec<Finding> {
    let mut all = findings(report, "warning");
    all.extend(findings(report, "error"));
    all.into_iter().filter(|f| f.rule == rule).collect()
}

const MANIFEST: &str = r#"{
  "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "generated_at": "2026-12-01T05:59:00Z"},
  "nodes": {
    "model.sales.orders": {"resource_type": "model", "name": "orders", "alias": "orders_v1", "raw_code": "select 1", "columns": {}},
    "test.sales.not_null_orders_amount_eur.1": {"resource_type": "test", "name": "amount_present", "column_name": "amount_eur",
      "attached_node": "model.sales.orders", "test_metadata": {"name": "not_null", "kwargs": {"column_name": "amount_eur"}}},
    "test.sales.unique_orders_order_id.2": {"resource_type": "test", "name": "unique_orders_order_id", "column_name": "order_id",
      "attached_node": "model.sales.orders", "test_metadata": {"name": "unique", "kwargs": {"column_name": "order_id"}}},
    "test.sales.orders_row_count.3": {"resource_type": "test", "name": "orders_row_count", "attached_node": "model.sales.orders"}
  },
  "sources": {"source.sales.raw.orders": {"name": "orders", "identifier": "orders_v1"}}
}"#;

const RUN_RESULTS: &str = r#"{
  "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json", "generated_at": "2026-12-01T06:00:00Z"},
  "results": [
    {"unique_id": "test.sales.not_null_orders_amount_eur.1", "status": "fail", "message": "Got 3 results, configured to fail if != 0", "failures": 3},
    {"unique_id": "test.sales.unique_orders_order_id.2", "status": "pass", "failures": 0},
    {"unique_id": "test.sales.orders_row_count.3", "status": "pass", "failures": 0},
    {"unique_id": "model.sales.orders", "status": "success"}
  ]
}"#;

fn sources(loaded: &str, snapshotted: &str) -> String {
    format!(
        r#"{{"metadata": {{"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json", "generated_at": "{snapshotted}"}},
  "results": [{{"unique_id": "source.sales.raw.orders", "max_loaded_at": "{loaded}", "snapshotted_at": "{snapshotted}", "status": "pass"}}]}}"#
    )
}

#[test]
fn dbt_tests_land_on_their_property_and_quality_rule() {
    let (_mesh, site) = built(&[
        ("results/dbt/manifest.json", MANIFEST),
        ("results/dbt/run_results.json", RUN_RESULTS),
    ]);
    let page = collapse_ws(&visible_text(&read(&site, CONTRACT_V1)));
    assert_contains_all(
        "contract page",
        &page,
        &[
            "Last run 1 Dec 2026 06:00 UTC: 2 of 3 checks passed",
            "amount_present on orders.amount_eur",
            "Tests quality rule amount_present",
            "Got 3 results, configured to fail if != 0",
        ],
    );
    let api = observations(&site);
    let contract = &api["contracts"][0];
    assert_eq!(
        (contract["id"].as_str(), contract["version"].as_str()),
        (Some("sales-orders-contract"), Some("1.0.0"))
    );
    let row_count = contract["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "orders_row_count")
        .unwrap();
    assert_eq!(row_count["qualityRule"], "orders_row_count", "matched by the rule's id");
    assert_eq!(row_count["object"], "orders", "model alias orders_v1 = physicalName");
    let unique = contract["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "unique_orders_order_id")
        .unwrap();
    assert_eq!(
        (unique["property"].as_str(), unique["qualityRule"].as_str()),
        (Some("order_id"), None)
    );
    // The product shows its output contract's results.
    let product = collapse_ws(&visible_text(&read(&site, PRODUCT)));
    assert!(product.contains("2 of 3 checks passed"), "{product}");
    assert!(
        !read(&site, CONTRACT_V2).contains("id=\"observed\""),
        "draft 2.0.0 gets nothing"
    );
}

#[test]
fn freshness_is_stale_against_the_latency_promise_by_the_artifacts_clock() {
    // 6 h old against a 1 h latency promise; the build runs years later and changes nothing.
    let stale = sources("2026-12-01T00:00:00+00:00", "2026-12-01T06:00:00Z");
    let (_mesh, site) = built(&[("results/sources.json", &stale)]);
    let page = collapse_ws(&visible_text(&read(&site, PRODUCT)));
    assert_contains_all(
        "product page",
        &page,
        &[
            "stale",
            "1 Dec 2026 00:00 UTC",
            "1 Dec 2026 06:00 UTC",
            "6 h",
            "latency 1 h",
        ],
    );
    let api = observations(&site);
    assert_eq!(api["products"][0]["stale"], true);
    assert_eq!(api["contracts"][0]["freshness"][0]["ageSeconds"], 6 * 3600);

    let fresh = sources("2026-12-01T05:30:00+00:00", "2026-12-01T06:00:00Z");
    let (_mesh, site) = built(&[("results/sources.json", &fresh)]);
    let api = observations(&site);
    assert_eq!(api["contracts"][0]["freshness"][0]["stale"], false);
    assert!(read(&site, PRODUCT).contains(">fresh<"));
}

#[test]
fn junit_suites_and_classnames_name_contracts_and_products() {
    let junit = r#"<?xml version="1.0"?>
<testsuites>
  <testsuite name="sales-orders-contract" timestamp="2026-12-01T06:00:00">
    <testcase classname="checks" name="orders_row_count"/>
    <testcase classname="checks" name="freshness"><failure message="data is 7 hours old"/></testcase>
  </testsuite>
  <testsuite name="pytest" timestamp="2026-12-01T07:00:00">
    <testcase classname="tests.finance-order-revenue" name="smoke"/>
  </testsuite>
</testsuites>"#;
    let (_mesh, site) = built(&[("results/junit.xml", junit)]);
    let api = observations(&site);
    let contract = &api["contracts"][0];
    assert_eq!(contract["id"], "sales-orders-contract");
    assert_eq!(contract["failing"], 1);
    let products: Vec<&str> = api["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(products, ["finance-order-revenue", "sales-orders"]);
    let page = collapse_ws(&visible_text(&read(&site, PRODUCT)));
    assert!(page.contains("data is 7 hours old"), "{page}");
}

#[test]
fn meshport_json_names_a_version_and_the_newest_report_wins() {
    let older = r#"{"format": "meshport-observations/1", "generatedAt": "2026-12-01T05:00:00Z",
      "checks": [{"contract": "sales-orders-contract", "check": "row count", "status": "fail", "message": "old"}]}"#;
    let newer = r#"{"format": "meshport-observations/1", "generatedAt": "2026-12-01T06:00:00Z",
      "checks": [{"contract": "sales-orders-contract", "check": "row count", "status": "pass", "value": 1200},
                 {"contract": "sales-orders-contract", "version": "2.0.0", "check": "v2 check", "status": "pass"}]}"#;
    // "a-" sorts first, so file order does not decide: the timestamp does.
    let (_mesh, site) = built(&[("results/b-old.json", older), ("results/a-new.json", newer)]);
    let api = observations(&site);
    let by_version = |v: &str| {
        api["contracts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["version"] == v)
            .cloned()
            .unwrap()
    };
    let v1 = by_version("1.0.0");
    assert_eq!(v1["checks"].as_array().unwrap().len(), 1);
    assert_eq!(
        (v1["checks"][0]["status"].as_str(), v1["checks"][0]["value"].as_str()),
        (Some("pass"), Some("1200"))
    );
    assert_eq!(by_version("2.0.0")["checks"][0]["name"], "v2 check");
    assert!(read(&site, CONTRACT_V2).contains("1 of 1 check passed"));
}

#[test]
fn the_catalogue_filters_failing_or_stale_and_scorecards_count_apart() {
    let (_mesh, site) = built(&[
        ("results/dbt/manifest.json", MANIFEST),
        ("results/dbt/run_results.json", RUN_RESULTS),
    ]);
    let catalogue = read(&site, "products/index.html");
    assert!(
        catalogue.contains(r#"<option value="failing or stale">failing or stale</option>"#),
        "filter"
    );
    assert!(catalogue.contains(r#"data-observed="failing or stale""#), "row state");
    let scorecard = collapse_ws(&visible_text(&read(&site, "scorecard.html")));
    assert!(
        scorecard.contains("Observed in CI: 2 of 3 checks passed"),
        "{scorecard}"
    );
}

#[test]
fn the_same_artifacts_give_the_same_bytes() {
    let files = [
        ("results/dbt/manifest.json", MANIFEST),
        ("results/dbt/run_results.json", RUN_RESULTS),
    ];
    let (_a, first) = built(&files);
    let (_b, second) = built(&files);
    for rel in [PRODUCT, CONTRACT_V1, "api/observations.json"] {
        assert_eq!(read(&first, rel), read(&second, rel), "{rel}");
    }
}

#[test]
fn bad_artifacts_are_warnings_with_file_and_line_and_the_site_is_built() {
    let big_pad = " ".repeat(10);
    let broken_json = format!("{{\n  \"metadata\": {{\n    \"generated_at\": {big_pad}\n}}");
    let broken_xml = "<testsuite name=\"sales-orders-contract\" timestamp=\"2026-12-01T06:00:00\">\n<testcase name=\"a\">\n</testsuite>\n";
    let unknown_target = r#"{"format": "meshport-observations/1", "generatedAt": "2026-12-01T06:00:00Z",
  "checks": [
    {"contract": "no-such-contract", "check": "x", "status": "pass"}
  ]}"#;
    let mesh = mesh_with(&[
        ("results/broken.json", &broken_json),
        ("results/broken.xml", broken_xml),
        ("results/notes.txt", "just some notes"),
        ("results/package.json", r#"{"name": "x"}"#),
        ("results/unknown.json", unknown_target),
        (
            "results/old.json",
            r#"{"format": "meshport-observations/1", "generatedAt": "2025-01-01T00:00:00Z", "checks": [{"product": "sales-orders", "check": "c", "status": "pass"}]}"#,
        ),
    ]);
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 0, "warnings only: {report}");
    assert_eq!(
        rules_of(&report, "observations.invalid"),
        [
            finding("observations.invalid", "warning", "results/broken.json", 4, 1),
            finding("observations.invalid", "warning", "results/broken.xml", 3, 1),
        ]
    );
    assert_eq!(
        rules_of(&report, "observations.unknown-format"),
        [
            finding("observations.unknown-format", "warning", "results/notes.txt", 1, 1),
            finding("observations.unknown-format", "warning", "results/package.json", 1, 1),
        ]
    );
    assert_eq!(
        rules_of(&report, "observations.unknown-target"),
        [finding(
            "observations.unknown-target",
            "warning",
            "results/unknown.json",
            3,
            1
        )]
    );
    assert_eq!(
        rules_of(&report, "observations.outdated"),
        [finding("observations.outdated", "warning", "results/old.json", 1, 1)]
    );
    build_ok(mesh.path(), &[]);
    assert!(mesh.path().join("public").join(PRODUCT).is_file());
}

#[test]
fn run_results_without_a_manifest_are_reported_once() {
    let mesh = mesh_with(&[("results/run_results.json", RUN_RESULTS)]);
    let (_, report) = check_json(mesh.path());
    let found = rules_of(&report, "observations.unknown-target");
    assert_eq!(
        found,
        [finding(
            "observations.unknown-target",
            "warning",
            "results/run_results.json",
            4,
            1
        )]
    );
}

#[test]
fn the_size_limit_and_the_age_are_configurable() {
    let mesh = mesh_with(&[
        ("results/run_results.json", RUN_RESULTS),
        ("results/dbt/manifest.json", MANIFEST),
    ]);
    let toml = fs::read_to_string(mesh.path().join("meshport.toml")).unwrap();
    fs::write(
        mesh.path().join("meshport.toml"),
        toml.replace("[observations]\n", "[observations]\nmax_mib = 0\n"),
    )
    .unwrap();
    let (_, report) = check_json(mesh.path());
    assert_eq!(
        rules_of(&report, "observations.invalid").len(),
        2,
        "both over 0 MiB: {report}"
    );

    // "now" is SOURCE_DATE_EPOCH when set: 2026-12-20 makes a 1 Dec run outdated (default 30
    // days: no; policies' maxAgeDays 7: yes), and the active products lack recent results.
    let mesh = mesh_with(&[
        ("results/dbt/manifest.json", MANIFEST),
        ("results/run_results.json", RUN_RESULTS),
    ]);
    fs::write(
        mesh.path().join("content/governance/policies.yaml"),
        "rules:\n  observations.missing: error\nobservations:\n  maxAgeDays: 7\n",
    )
    .unwrap();
    let out = meshport()
        .args(["check", "--root", mesh.path().to_str().unwrap(), "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "1797724800")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "observations.missing at error");
    assert_eq!(rules_of(&report, "observations.outdated").len(), 1);
    let missing: Vec<String> = rules_of(&report, "observations.missing")
        .into_iter()
        .map(|f| f.file)
        .collect();
    assert_eq!(
        missing,
        [
            "content/products/order-revenue.odps.yaml",
            "content/products/orders.odps.yaml"
        ]
    );
}

#[test]
fn observation_globs_stay_inside_the_mesh() {
    let mesh = mesh_with(&[]);
    let toml = fs::read_to_string(mesh.path().join("meshport.toml")).unwrap();
    fs::write(
        mesh.path().join("meshport.toml"),
        toml.replace("\"results/**/*\"", "\"../**/*\", \"/etc/*\""),
    )
    .unwrap();
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1);
    assert_eq!(rules_of(&report, "config.invalid").len(), 2, "{report}");
}
