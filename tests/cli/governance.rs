//! Scorecards in the portal, the rules page, `api/governance.json`, and the machine formats of
//! `check` (GitHub workflow commands, SARIF).

use crate::common::*;
use serde_json::Value;

#[test]
fn github_format_prints_workflow_commands() {
    let mesh = copy_fixture("invalid-yaml-syntax");
    let r = run(&["check", "--root", mesh.path().to_str().unwrap(), "--format", "github"]);
    assert_eq!(r.code, 1);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no ::error line:\n{}", r.stdout));
    assert!(line.contains("line=4,col=13,title=yaml.syntax::"), "{line}");
    assert!(line.contains("file=content/products/"), "{line}");
}

#[test]
fn sarif_format_is_sarif_2_1_0_with_locations() {
    let mesh = copy_fixture("invalid-duplicate-id");
    let r = run(&["check", "--root", mesh.path().to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "meshport");
    let results: Vec<&Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "id.duplicate")
        .collect();
    assert_eq!(results.len(), 1, "one finding for the group of three files: {v:#}");
    for res in results {
        assert_eq!(res["level"], "error");
        let rule = &run["tool"]["driver"]["rules"][res["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], "id.duplicate");
        assert!(
            res["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
                >= 1
        );
    }
}

/// A warning lowers the product's score, shows on its page as a failed rule, and reaches the
/// governance page and API; the build still publishes.
#[test]
fn warnings_publish_and_lower_the_score() {
    let mesh = copy_fixture("valid-basic");
    let contract = mesh.path().join("content/contracts/orders.odcs.yaml");
    let text = std::fs::read_to_string(&contract).unwrap();
    let unclassified = text.replacen("        classification: internal\n", "", 1);
    assert_ne!(text, unclassified, "fixture has a classified field to remove");
    std::fs::write(&contract, unclassified).unwrap();
    build_ok(mesh.path(), &[]);
    let site = mesh.path().join("public");
    let api: Value = serde_json::from_str(&std::fs::read_to_string(site.join("api/governance.json")).unwrap()).unwrap();
    let products = api["products"].as_array().unwrap();
    let orders = products
        .iter()
        .find(|p| p["product"] == "sales-orders")
        .expect("sales-orders scored");
    assert!(orders["score"].as_u64().unwrap() < 100, "{orders:#}");
    // Not necessarily the first entry: the fixture's `x-cost-centre` is also a descriptor.unknown-key warning.
    assert!(
        orders["failed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "field.classification-missing"),
        "{orders:#}"
    );
    let others: Vec<&Value> = products.iter().filter(|p| p["product"] != "sales-orders").collect();
    assert!(others.iter().all(|p| p["score"] == 100), "{api:#}");
    let page = std::fs::read_to_string(site.join("products/sales-orders.html")).unwrap();
    assert!(page.contains("Governance scorecard") && page.contains("field.classification-missing"));
    let gov = std::fs::read_to_string(site.join("scorecard.html")).unwrap();
    assert!(gov.contains("field.classification-missing") && gov.contains("Domains, ranked"));
}

#[test]
fn rules_page_lists_the_catalogue() {
    let mesh = copy_fixture("valid-basic");
    build_ok(mesh.path(), &[]);
    let page = std::fs::read_to_string(mesh.path().join("public/rules.html")).unwrap();
    for id in [
        "yaml.syntax",
        "id.duplicate",
        "lineage.cycle",
        "policy.loosen",
        "field.classification-missing",
    ] {
        assert!(
            page.contains(&format!("id=\"rule-{}\"", id.replace('.', "-"))),
            "rules page lacks {id}"
        );
    }
}

#[test]
fn domain_page_shows_its_roll_up() {
    let mesh = copy_fixture("valid-basic");
    build_ok(mesh.path(), &[]);
    let page = std::fs::read_to_string(mesh.path().join("public/domains/sales.html")).unwrap();
    assert!(page.contains("Domain governance score"), "domain page has the roll-up");
}
