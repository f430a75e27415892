//! Governance policies (`content/governance/policies.yaml`): global levels, stricter domains,
//! refused loosening, required tags, allowed values and naming patterns.

use crate::common::*;
use std::path::Path;

const POLICIES: &str = "content/governance/policies.yaml";

fn with_policies(fixture: &str, policies: &str) -> tempfile::TempDir {
    let mesh = copy_fixture(fixture);
    let path = mesh.path().join(POLICIES);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, policies).unwrap();
    mesh
}

fn rules_of(report: &serde_json::Value, rule: &str) -> Vec<Finding> {
    ["error", "warning", "info"]
        .iter()
        .flat_map(|s| findings(report, s))
        .filter(|f| f.rule == rule)
        .collect()
}

#[test]
fn domain_requires_extra_tags_only_for_its_products() {
    let mesh = with_policies("valid-basic", "domains:\n  sales:\n    requiredTags: [certified]\n");
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1);
    let found = rules_of(&report, "policy.required-tag");
    assert_eq!(
        found,
        vec![finding(
            "policy.required-tag",
            "error",
            "content/products/orders.odps.yaml",
            9,
            7
        )],
        "{report:#}"
    );
}

#[test]
fn a_domain_cannot_loosen_a_global_rule() {
    let policies =
        "rules:\n  team.contact-missing: error\ndomains:\n  sales:\n    rules:\n      team.contact-missing: warning\n";
    let mesh = with_policies("valid-basic", policies);
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&report, "policy.loosen"),
        vec![finding("policy.loosen", "error", POLICIES, 6, 29)],
        "{report:#}"
    );
}

#[test]
fn global_naming_pattern_and_allowed_status() {
    let policies = "naming:\n  productId: \"^sales-\"\nallowedValues:\n  productStatus: [active]\n";
    let mesh = with_policies("valid-basic", policies);
    let (_, report) = check_json(mesh.path());
    let naming = rules_of(&report, "policy.naming");
    assert_eq!(
        naming,
        vec![
            finding(
                "policy.naming",
                "error",
                "content/products/order-revenue.odps.yaml",
                3,
                5
            ),
            finding(
                "policy.naming",
                "error",
                "content/products/revenue-forecast.odps.yaml",
                3,
                5
            ),
        ],
        "{report:#}"
    );
    let status = rules_of(&report, "policy.allowed-value");
    assert_eq!(
        status,
        vec![finding(
            "policy.allowed-value",
            "error",
            "content/products/revenue-forecast.odps.yaml",
            6,
            9
        )],
        "{report:#}"
    );
}

#[test]
fn unknown_rule_and_bad_pattern_are_reported_in_the_policies_file() {
    let mesh = with_policies(
        "valid-basic",
        "rules:\n  no.such-rule: error\nnaming:\n  contractId: \"[unclosed\"\n",
    );
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&report, "policy.unknown-rule"),
        vec![finding("policy.unknown-rule", "warning", POLICIES, 2, 3)]
    );
    assert_eq!(
        rules_of(&report, "policy.invalid"),
        vec![finding("policy.invalid", "error", POLICIES, 4, 15)]
    );
}

#[test]
fn a_rule_turned_off_globally_disappears() {
    let mesh = copy_fixture("valid-basic");
    let (_, before) = check_json(mesh.path());
    assert!(before["summary"]["errors"] == 0);
    let mesh = with_policies("invalid-lineage-cycle", "rules:\n  lineage.cycle: off\n");
    let (_, report) = check_json(mesh.path());
    assert!(rules_of(&report, "lineage.cycle").is_empty(), "{report:#}");
}

#[test]
fn a_cycle_lowered_to_a_warning_still_builds() {
    let mesh = with_policies("invalid-lineage-cycle", "rules:\n  lineage.cycle: warning\n");
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(rules_of(&report, "lineage.cycle").len(), 1);
    build_ok(mesh.path(), &[]);
    let site = mesh.path().join("public");
    assert!(Path::new(&site.join("products/p-one.html")).exists());
    let page = std::fs::read_to_string(site.join("products/p-one.html")).unwrap();
    assert!(page.contains("lineage.cycle"), "the product page lists its finding");
}

#[test]
fn a_misspelt_policies_key_is_a_policy_finding() {
    let mesh = with_policies(
        "valid-basic",
        "rules:\n  team.contact-missing: error\nrequiredTag: [x]\n",
    );
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1);
    let found = rules_of(&report, "policy.invalid");
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0].file, POLICIES);
}

/// The related places of the first finding of `rule` in a JSON report, as `file:line:column`.
fn related_of(report: &serde_json::Value, rule: &str) -> Vec<String> {
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == rule)
        .unwrap_or_else(|| panic!("no `{rule}` finding: {report:#}"));
    let related = d["related"].as_array().cloned().unwrap_or_default();
    related
        .iter()
        .map(|r| format!("{}:{}:{}", r["file"].as_str().unwrap(), r["line"], r["column"]))
        .collect()
}

#[test]
fn policy_findings_point_at_the_setting_that_judged_them() {
    // The domain's tag list judges its products; the global level is what a looser domain
    // setting cannot lower.
    let policies = "rules:\n  team.contact-missing: error\ndomains:\n  sales:\n    requiredTags: [certified]\n    rules:\n      team.contact-missing: warning\n";
    let mesh = with_policies("valid-basic", policies);
    let (_, report) = check_json(mesh.path());
    assert_eq!(
        related_of(&report, "policy.required-tag"),
        [format!("{POLICIES}:5:5")],
        "{report:#}"
    );
    assert_eq!(
        related_of(&report, "policy.loosen"),
        [format!("{POLICIES}:2:3")],
        "{report:#}"
    );
}
