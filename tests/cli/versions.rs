//! Each file is checked against the version it declares (issue 14, item 4): features of later
//! versions in a file declaring an older one, as found in public repositories, and type errors
//! every version rejects.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

const FILE: &str = "content/contracts/declared.odcs.yaml";

/// A contract declaring `api` whose body (schema, servers, team …) starts at line 6.
fn contract(api: &str, body: &str) -> String {
    format!("apiVersion: {api}\nkind: DataContract\nid: declared\nversion: 1.0.0\nstatus: active\n{body}")
}

/// (rule, severity, line, column, message) of the findings in the contract file.
fn findings_of(root: &Path, rule: &str) -> Vec<(String, u64, u64, String)> {
    let (_, report) = check_json(root);
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == FILE && d["rule"] == rule)
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_string();
            (
                s("severity"),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                s("message"),
            )
        })
        .collect()
}

fn mesh_with(api: &str, body: &str) -> tempfile::TempDir {
    let mesh = copy_fixture("valid-basic");
    std::fs::write(mesh.path().join(FILE), contract(api, body)).unwrap();
    mesh
}

/// The one version-feature finding of `body` in a file declaring `api`, as (line, column,
/// message); and none when the file declares the version that introduced it.
fn one_feature(api: &str, body: &str, since: &str) -> (u64, u64, String) {
    let found = findings_of(mesh_with(api, body).path(), "descriptor.version-feature");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        findings_of(mesh_with(since, body).path(), "descriptor.version-feature").is_empty(),
        "a file declaring {since} may use it"
    );
    let (severity, line, column, message) = found.into_iter().next().unwrap();
    assert_eq!(severity, "warning");
    (line, column, message)
}

const SCHEMA: &str = "schema:\n  - name: orders\n    properties:\n      - name: placed_at\n";

#[test]
fn logical_type_timestamp_and_time_came_in_3_1_0() {
    for ty in ["timestamp", "time"] {
        let body = format!("{SCHEMA}        logicalType: {ty}\n");
        let (line, column, message) = one_feature("v3.0.2", &body, "v3.1.0");
        assert_eq!((line, column), (10, 22));
        assert_eq!(
            message,
            format!("logicalType `{ty}` was introduced in v3.1.0, but the file declares apiVersion v3.0.2")
        );
    }
}

#[test]
fn team_as_an_object_came_in_3_1_0() {
    let body = "team:\n  name: sales-team\n  members:\n    - username: ada\n";
    let (line, column, message) = one_feature("v3.0.1", body, "v3.1.0");
    assert_eq!((line, column), (6, 1));
    assert!(
        message.starts_with("`team` as an object (with `members`) was introduced in v3.1.0"),
        "{message}"
    );
}

#[test]
fn physical_name_on_properties_came_in_3_0_2() {
    let body = format!("{SCHEMA}        physicalName: placed_at_ts\n");
    let (line, column, message) = one_feature("v3.0.0", &body, "v3.0.2");
    assert_eq!((line, column), (10, 23));
    assert!(
        message.starts_with("`physicalName` on a property was introduced in v3.0.2"),
        "{message}"
    );
}

#[test]
fn numeric_exclusive_minimum_came_in_3_1_0() {
    let body =
        format!("{SCHEMA}        logicalType: integer\n        logicalTypeOptions:\n          exclusiveMinimum: 0\n");
    let (line, column, message) = one_feature("v3.0.2", &body, "v3.1.0");
    assert_eq!((line, column), (12, 29));
    assert!(message.starts_with("a numeric `exclusiveMinimum`"), "{message}");
}

#[test]
fn quality_without_rule_came_in_3_1_0() {
    let body = "schema:\n  - name: orders\n    quality:\n      - metric: rowCount\n        mustBeGreaterThan: 0\n";
    let (line, column, message) = one_feature("v3.0.2", body, "v3.1.0");
    assert_eq!((line, column), (9, 9));
    assert!(message.starts_with("a quality check without `rule`"), "{message}");
    // A 3.0.x library check with its `rule`, and sql checks, are fine.
    let fine = "schema:\n  - name: orders\n    quality:\n      - rule: rowCount\n        mustBeGreaterThan: 0\n      - type: sql\n        query: select 1\n        mustBe: 1\n";
    assert!(findings_of(mesh_with("v3.0.2", fine).path(), "descriptor.version-feature").is_empty());
}

#[test]
fn server_types_added_later() {
    let body = "servers:\n  - server: warehouse\n    type: hive\n    host: hive.example.com\n    port: 10000\n    database: sales\n";
    let (line, column, message) = one_feature("v3.0.2", body, "v3.1.0");
    assert_eq!((line, column), (8, 11));
    assert_eq!(
        message,
        "server type `hive` was introduced in v3.1.0, but the file declares apiVersion v3.0.2"
    );
}

/// `descriptor.version-feature` is a warning by default; policies.yaml raises it like any rule.
#[test]
fn version_features_can_be_raised_to_errors() {
    let mesh = mesh_with("v3.0.2", &format!("{SCHEMA}        logicalType: timestamp\n"));
    let policies = mesh.path().join("content/governance/policies.yaml");
    std::fs::write(policies, "rules:\n  descriptor.version-feature: error\n").unwrap();
    let found = findings_of(mesh.path(), "descriptor.version-feature");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "error");
    let (code, _) = check_json(mesh.path());
    assert_eq!(code, 1);
}

/// Every v3 schema wants an integer port: a placeholder is an error in any version.
#[test]
fn a_port_placeholder_is_an_error() {
    let body = "servers:\n  - server: db\n    type: postgres\n    host: db.example.com\n    port: '__PORT__'\n    database: sales\n    schema: public\n";
    for api in ["v3.0.0", "v3.1.0", "v3.2.0"] {
        let found = findings_of(mesh_with(api, body).path(), "descriptor.schema");
        assert!(
            found
                .iter()
                .any(|f| f.0 == "error" && (f.1, f.2) == (10, 11) && f.3.contains("must be a whole number")),
            "{api}: {found:#?}"
        );
    }
}

/// A server key only other server types define is an error, naming the types that have it.
#[test]
fn a_key_of_another_server_type_is_an_error() {
    let body = "servers:\n  - server: db\n    type: postgres\n    host: db.example.com\n    port: 5432\n    database: sales\n    schema: public\n    stagingDir: s3://bucket/tmp\n";
    let found = findings_of(mesh_with("v3.1.0", body).path(), "descriptor.schema");
    assert_eq!(
        found,
        [(
            "error".to_string(),
            13,
            5,
            "`stagingDir` is not a key of `postgres` servers (only of athena, custom)".to_string()
        )]
    );
}

/// Athena's `stagingDir` is what every version defines; 3.0.0 and 3.0.1 also list a
/// `staging_dir` as required, a slip meshport does not follow.
#[test]
fn athena_needs_no_staging_dir_in_3_0_0() {
    let body = "servers:\n  - server: lake\n    type: athena\n    schema: sales\n    stagingDir: s3://bucket/results\n";
    let mesh = mesh_with("v3.0.0", body);
    let (_, report) = check_json(mesh.path());
    let errors: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == FILE && d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let slip = mesh_with("v3.0.0", &body.replace("stagingDir", "staging_dir"));
    let unknown = findings_of(slip.path(), "descriptor.unknown-key");
    assert_eq!(unknown.len(), 1, "{unknown:#?}");
    assert_eq!((unknown[0].0.as_str(), unknown[0].1), ("warning", 10));
}
