//! Custom governance rules in Rego (`content/governance/rules/**/*.rego`): product- and
//! mesh-level findings at exact positions, warning-only findings that keep the build green, and
//! policies that do not parse.

use crate::common::*;

const RULES: &str = "content/governance/rules";

fn rego_findings(report: &serde_json::Value) -> Vec<Finding> {
    let mut all: Vec<Finding> = ["error", "warning", "info"]
        .iter()
        .flat_map(|s| findings(report, s))
        .filter(|f| f.rule.starts_with("rego."))
        .collect();
    all.sort();
    all
}

fn diagnostic<'a>(report: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {report:#}"))
}

#[test]
fn product_and_mesh_denies_point_at_the_descriptor() {
    let mesh = copy_fixture("rego-deny");
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        rego_findings(&report),
        vec![
            finding("rego.orphans", "error", "content/contracts/legacy.odcs.yaml", 3, 5),
            finding("rego.ports.type", "error", "content/products/orders.odps.yaml", 11, 11),
        ],
        "{report:#}"
    );
    let port = diagnostic(&report, "rego.ports.type");
    assert_eq!(port["message"], "output port `orders` has type `spreadsheet`");
    assert_eq!(port["hint"], "use tables, stream, files or api");
    assert_eq!(
        diagnostic(&report, "rego.orphans")["message"],
        "contract `legacy-orders` is not published by any product"
    );
}

#[test]
fn deny_rule_sees_the_lineage_and_team_of_a_product() {
    let mesh = copy_fixture("rego-deny");
    let policy = r#"package meshport.bundle

deny_product contains {"msg": sprintf("%s <- %v, -> %v, team %s <%s>, %d contracts", [input.product.id, input.upstream, input.downstream, input.team.name, input.team.email, count(input.contracts)])} if true
"#;
    std::fs::write(mesh.path().join(RULES).join("bundle.rego"), policy).unwrap();
    let (_, report) = check_json(mesh.path());
    let mut messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "rego.bundle")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    messages.sort();
    assert_eq!(
        messages,
        vec![
            "finance-revenue <- [\"sales-orders\"], -> [], team Sales Team <sales-data@example.com>, 1 contracts",
            "sales-orders <- [], -> [\"finance-revenue\"], team Sales Team <sales-data@example.com>, 1 contracts",
        ],
        "{report:#}"
    );
}

#[test]
fn warning_severity_keeps_check_and_build_green() {
    let mesh = copy_fixture("rego-warning");
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        rego_findings(&report),
        vec![finding(
            "rego.ports.type",
            "warning",
            "content/products/orders.odps.yaml",
            11,
            11
        )]
    );
    let r = build(mesh.path(), &[]);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(mesh.path().join("public/products/sales-orders.html").is_file());
}

#[test]
fn policy_that_does_not_parse_fails_the_check() {
    let mesh = copy_fixture("rego-broken");
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        rego_findings(&report),
        vec![finding(
            "rego.syntax",
            "error",
            "content/governance/rules/ports.rego",
            4,
            52
        )]
    );
    assert!(diagnostic(&report, "rego.syntax")["message"]
        .as_str()
        .unwrap()
        .contains("`if` keyword is required"));
    let r = build(mesh.path(), &[]);
    assert_eq!(r.code, 1);
    assert!(
        !mesh.path().join("public").join("index.html").exists(),
        "a failed build publishes nothing"
    );
}

#[test]
fn human_report_shows_the_policy_line() {
    let mesh = copy_fixture("rego-broken");
    let r = meshport()
        .args(["check", "--root", mesh.path().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&r.stdout).into_owned() + &String::from_utf8_lossy(&r.stderr);
    assert!(
        has_human_finding(&text, "content/governance/rules/ports.rego:4:52", "error[rego.syntax]"),
        "{text}"
    );
    assert!(
        text.contains(r#"deny_product contains {"msg": "port without type"} {"#),
        "{text}"
    );
}

#[test]
fn print_output_reaches_the_terminal_in_product_order() {
    let mesh = copy_fixture("rego-deny");
    let policy = "package meshport.debug\n\ndeny_product contains \"never\" if {\n\tprint(\"checking\", input.product.id)\n\tfalse\n}\n";
    std::fs::write(mesh.path().join(RULES).join("debug.rego"), policy).unwrap();
    let r = run(&["check", "--root", mesh.path().to_str().unwrap(), "--format", "json"]);
    let file = "content/governance/rules/debug.rego:4";
    assert!(
        r.stderr.contains(&format!(
            "{file}: checking finance-revenue\n{file}: checking sales-orders\n"
        )),
        "{}",
        r.stderr
    );
    // stdout stays the JSON report.
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.stdout).is_ok(),
        "{}",
        r.stdout
    );
}
