//! Structural validation: the bundled ODPS/ODCS schemas (unknown keys, allowed values, types)
//! and the organisation's own JSON Schemas listed under `[schemas]` in meshport.toml.

use crate::common::*;
use serde_json::Value;

/// Every finding of `rule`, whatever its severity.
fn of_rule(report: &Value, rule: &str) -> Vec<Finding> {
    ["error", "warning", "info"]
        .iter()
        .flat_map(|s| findings(report, s))
        .filter(|f| f.rule == rule)
        .collect()
}

fn field(report: &Value, rule: &str, key: &str) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| d[key].as_str().unwrap_or_default().to_string())
        .collect()
}

/// `check --format json` on a copy of the fixture; asserts the exit code.
fn check_fixture(name: &str, code: i32) -> Value {
    let mesh = copy_fixture(name);
    let (got, report) = check_json(mesh.path());
    assert_eq!(got, code, "{report:#}");
    report
}

#[test]
fn misspelt_key_is_a_warning_at_the_key_with_a_suggestion() {
    let report = check_fixture("schema-unknown-key", 0);
    let file = "content/products/orders.odps.yaml";
    assert_eq!(
        of_rule(&report, "descriptor.unknown-key"),
        [finding("descriptor.unknown-key", "warning", file, 10, 5)]
    );
    assert_eq!(
        field(&report, "descriptor.unknown-key", "message"),
        ["unknown key `descripton` in `/outputPorts/0`"]
    );
    assert!(
        field(&report, "descriptor.unknown-key", "hint")[0].contains("did you mean `description`?"),
        "{report:#}"
    );
}

#[test]
fn value_outside_the_standard_lists_the_allowed_values() {
    let report = check_fixture("schema-bad-enum", 1);
    let file = "content/contracts/orders.odcs.yaml";
    let mut errors = findings(&report, "error");
    errors.sort();
    // `required: "yes"` is reported once, by the schema layer (no descriptor.type duplicate).
    assert_eq!(
        errors,
        [
            finding("descriptor.schema", "error", file, 12, 19),
            finding("descriptor.schema", "error", file, 16, 24),
        ]
    );
    let messages = field(&report, "descriptor.schema", "message");
    let dimension = messages
        .iter()
        .find(|m| m.starts_with("`dimension`"))
        .expect("dimension finding");
    assert!(
        dimension.contains("`validity`")
            && dimension
                .contains("allowed: accuracy, completeness, conformity, consistency, coverage, timeliness, uniqueness"),
        "{dimension}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m == "`required` must be true or false, not text (at `/schema/0/properties/0/required`)"),
        "{messages:?}"
    );
}

#[test]
fn organisation_schema_findings_point_into_each_product() {
    let report = check_fixture("schema-org", 1);
    let mut errors = findings(&report, "error");
    errors.sort();
    assert_eq!(
        errors,
        [
            finding("schema.org", "error", "content/products/untagged.odps.yaml", 1, 1),
            finding("schema.org", "error", "content/products/wrong-tags.odps.yaml", 6, 7),
        ]
    );
    for hint in field(&report, "schema.org", "hint") {
        assert!(
            hint.starts_with("Every product carries its cost centre as a tag cc-NNNN."),
            "{hint}"
        );
    }
    let messages = field(&report, "schema.org", "message");
    assert!(
        messages.iter().all(|m| m.contains("schemas/org-product.schema.json")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("`tags` is required")),
        "{messages:?}"
    );
}

#[test]
fn organisation_schema_that_is_not_json_is_reported_in_the_schema_file() {
    let report = check_fixture("schema-org-invalid", 1);
    assert_eq!(
        findings(&report, "error"),
        [finding("schema.invalid", "error", "schemas/broken.schema.json", 3, 23)]
    );
    assert!(
        field(&report, "schema.invalid", "message")[0].contains("not valid JSON"),
        "{report:#}"
    );
}

#[test]
fn schema_path_leaving_the_mesh_root_is_refused() {
    let report = check_fixture("schema-path-escape", 1);
    assert_eq!(
        findings(&report, "error"),
        [finding("config.invalid", "error", "meshport.toml", 4, 14)]
    );
    assert!(
        field(&report, "config.invalid", "message")[0].contains("leaves the mesh root"),
        "{report:#}"
    );
}

/// The human format shows the schema file's line for a broken organisation schema.
#[test]
fn human_format_shows_the_broken_schema_line() {
    let mesh = copy_fixture("schema-org-invalid");
    let r = run(&["check", "--root", mesh.path().to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        has_human_finding(&r.stderr, "schemas/broken.schema.json:3:23", "error[schema.invalid]"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("\"required\": [\"tags\",]"),
        "snippet of the schema file:\n{}",
        r.stderr
    );
}

/// An organisation schema applies on top of the standard: the valid fixture stays valid with a
/// schema every product satisfies, and the same schema file can serve contracts.
#[test]
fn organisation_schemas_apply_per_document_kind() {
    let mesh = copy_fixture("schema-org");
    for p in ["untagged", "wrong-tags"] {
        std::fs::remove_file(mesh.path().join(format!("content/products/{p}.odps.yaml"))).unwrap();
    }
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 0, "{report:#}");
    let toml = mesh.path().join("meshport.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("product = ", "contract = ");
    std::fs::write(&toml, text).unwrap();
    std::fs::create_dir_all(mesh.path().join("content/contracts")).unwrap();
    std::fs::write(
        mesh.path().join("content/contracts/c.odcs.yaml"),
        "apiVersion: v3.1.0\nkind: DataContract\nid: c\nversion: 1.0.0\nstatus: active\n",
    )
    .unwrap();
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        findings(&report, "error"),
        [finding("schema.org", "error", "content/contracts/c.odcs.yaml", 1, 1)]
    );
}
