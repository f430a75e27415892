//! Reference rules on a valid mesh made invalid one change at a time: each change yields its
//! rule at the exact position.

use crate::common::*;

fn edited(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let mesh = copy_fixture("valid-basic");
    let path = mesh.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    mesh
}

fn only(report: &serde_json::Value, rule: &str) -> Vec<Finding> {
    ["error", "warning", "info"]
        .iter()
        .flat_map(|s| findings(report, s))
        .filter(|f| f.rule == rule)
        .collect()
}

#[test]
fn input_port_with_an_unknown_contract_is_reported() {
    let mesh = edited(
        "content/products/order-revenue.odps.yaml",
        "contractId: sales-orders-contract",
        "contractId: sales-ordres-contract",
    );
    let (_, report) = check_json(mesh.path());
    assert_eq!(
        only(&report, "ref.contract-missing"),
        vec![finding(
            "ref.contract-missing",
            "warning",
            "content/products/order-revenue.odps.yaml",
            14,
            17
        )],
        "{report:#}"
    );
}

#[test]
fn active_product_on_a_draft_contract_is_reported() {
    let mesh = edited("content/contracts/orders.odcs.yaml", "status: active", "status: draft");
    let (_, report) = check_json(mesh.path());
    assert_eq!(
        only(&report, "ref.contract-status"),
        vec![finding(
            "ref.contract-status",
            "warning",
            "content/products/orders.odps.yaml",
            23,
            17
        )],
        "{report:#}"
    );
}

#[test]
fn output_port_with_an_unknown_contract_is_reported() {
    let mesh = edited(
        "content/products/orders.odps.yaml",
        "    contractId: sales-orders-contract",
        "    contractId: nowhere",
    );
    let (_, report) = check_json(mesh.path());
    let found = only(&report, "ref.contract-missing");
    assert!(
        found.contains(&finding(
            "ref.contract-missing",
            "warning",
            "content/products/orders.odps.yaml",
            23,
            17
        )),
        "{report:#}"
    );
}

#[test]
fn product_without_team_is_reported() {
    let mesh = edited("content/products/orders.odps.yaml", "team:\n  name: sales-team\n", "");
    let (_, report) = check_json(mesh.path());
    assert_eq!(
        only(&report, "product.owner-missing"),
        vec![finding(
            "product.owner-missing",
            "warning",
            "content/products/orders.odps.yaml",
            1,
            1
        )],
        "{report:#}"
    );
}

#[test]
fn rules_command_prints_the_committed_catalogue() {
    let r = run(&["rules"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let committed =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md")).unwrap();
    assert!(
        r.stdout == committed,
        "docs/rules.md is not what `meshport rules` prints: run `cargo run -q -- rules > docs/rules.md`"
    );
    assert!(r.stdout.contains("| `id.duplicate` | error | mesh |"), "{}", r.stdout);
}
