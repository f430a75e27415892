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

/// (severity, line, column, message) of the findings of `rule` in the contract file.
fn findings_of(root: &Path, rule: &str) -> Vec<(String, u64, u64, String)> {
    findings_in(root, FILE, rule)
}

fn findings_in(root: &Path, file: &str, rule: &str) -> Vec<(String, u64, u64, String)> {
    let (_, report) = check_json(root);
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file && d["rule"] == rule)
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

const DCS_FILE: &str = "content/contracts/declared/datacontract.yaml";

/// A mesh with a Data Contract Specification file declaring `spec` whose body starts at line 6.
fn dcs_mesh(spec: &str, body: &str) -> tempfile::TempDir {
    let mesh = copy_fixture("valid-basic");
    let text = format!(
        "dataContractSpecification: {spec}\nid: dcs-declared\ninfo:\n  title: Declared\n  version: 1.0.0\n{body}"
    );
    let path = mesh.path().join(DCS_FILE);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    mesh
}

/// The version-feature findings of a DCS file declaring `spec`, as (line, column, message),
/// each a warning; and none when the file declares `since`, the version that introduced them.
fn dcs_features(spec: &str, body: &str, since: &str) -> Vec<(u64, u64, String)> {
    let found = findings_in(dcs_mesh(spec, body).path(), DCS_FILE, "descriptor.version-feature");
    let later = findings_in(dcs_mesh(since, body).path(), DCS_FILE, "descriptor.version-feature");
    assert!(later.is_empty(), "a file declaring {since} may use it: {later:#?}");
    assert!(found.iter().all(|f| f.0 == "warning"), "{found:#?}");
    found
        .into_iter()
        .map(|(_, line, column, message)| (line, column, message))
        .collect()
}

const DCS_MODEL: &str = "models:\n  orders:\n    fields:\n      order_id:\n        type: string\n";

#[test]
fn dcs_models_came_in_0_9_1() {
    let found = dcs_features("0.9.0", DCS_MODEL, "0.9.1");
    assert_eq!(
        found,
        [(
            6,
            1,
            "`models` was introduced in 0.9.1, but the file declares dataContractSpecification 0.9.0".to_string()
        )]
    );
}

/// Field constraints and the postgres server came in 0.9.2; a field *named* `required` is no
/// constraint.
#[test]
fn dcs_field_constraints_and_postgres_came_in_0_9_2() {
    let body = format!(
        "servers:\n  db:\n    type: postgres\n    host: db.example.com\n    port: 5432\n    database: sales\n    schema: public\n{DCS_MODEL}        required: true\n      required:\n        type: boolean\n"
    );
    let found = dcs_features("0.9.1", &body, "0.9.2");
    let at: Vec<(u64, u64)> = found.iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(at, [(8, 11), (10, 11), (18, 19)], "{found:#?}");
    assert!(
        found[0].2.starts_with("server type `postgres` was introduced in 0.9.2"),
        "{found:#?}"
    );
    assert!(
        found[1].2.starts_with("the server key `port` was introduced in 0.9.2"),
        "{found:#?}"
    );
    assert!(
        found[2].2.starts_with("`required` on a field was introduced in 0.9.2"),
        "{found:#?}"
    );
}

/// Service levels and map fields came in 0.9.3; so did a server's `environment`, which the
/// 0.9.3 schema misplaces on the `servers` map (see docs/standards.md).
#[test]
fn dcs_servicelevels_maps_and_server_environment_came_in_0_9_3() {
    let body = format!(
        "servers:\n  prod:\n    type: s3\n    location: s3://bucket/orders\n    environment: prod\n{DCS_MODEL}      tags:\n        type: map\n        keys:\n          type: string\n        values:\n          type: string\nservicelevels:\n  retention:\n    period: P1Y\n"
    );
    let found = dcs_features("0.9.2", &body, "0.9.3");
    let got: Vec<(u64, u64, &str)> = found
        .iter()
        .map(|(l, c, m)| (*l, *c, m.split(" was introduced").next().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (10, 18, "the server key `environment`"),
            (17, 15, "field type `map`"),
            (18, 9, "`keys` on a field"),
            (20, 9, "`values` on a field"),
            (22, 1, "`servicelevels`"),
        ],
        "{found:#?}"
    );
    assert!(found.iter().all(|f| f
        .2
        .contains("in 0.9.3, but the file declares dataContractSpecification 0.9.2")));
}

#[test]
fn dcs_model_quality_came_in_1_1_0() {
    let body = format!("{DCS_MODEL}    quality:\n      - type: sql\n        query: select count(*) from orders\n        mustBeGreaterThan: 0\n");
    let found = dcs_features("0.9.3", &body, "1.1.0");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].0, found[0].1), (11, 5));
    assert_eq!(
        found[0].2,
        "`quality` on a model was introduced in 1.1.0, but the file declares dataContractSpecification 0.9.3"
    );
}

#[test]
fn dcs_time_fields_came_in_1_2_0_and_metric_in_1_2_1() {
    let body = format!("{DCS_MODEL}      picked_at:\n        type: time\n");
    let found = dcs_features("1.1.0", &body, "1.2.0");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].0, found[0].1), (12, 15));
    assert!(
        found[0].2.starts_with("field type `time` was introduced in 1.2.0"),
        "{found:#?}"
    );

    let body = format!(
        "{DCS_MODEL}    quality:\n      - type: library\n        metric: rowCount\n        mustBeGreaterThan: 0\n"
    );
    let found = dcs_features("1.2.0", &body, "1.2.1");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].0, found[0].1), (13, 17));
    assert!(
        found[0]
            .2
            .starts_with("`metric` in a quality check was introduced in 1.2.1"),
        "{found:#?}"
    );
}

/// Raised in policies.yaml, a DCS file's later feature fails `check`.
#[test]
fn dcs_version_features_can_be_raised_to_errors() {
    let mesh = dcs_mesh("0.9.0", DCS_MODEL);
    let policies = mesh.path().join("content/governance/policies.yaml");
    std::fs::write(policies, "rules:\n  descriptor.version-feature: error\n").unwrap();
    let found = findings_in(mesh.path(), DCS_FILE, "descriptor.version-feature");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "error");
    let (code, _) = check_json(mesh.path());
    assert_eq!(code, 1);
}

/// A DCS version meshport does not know gets one error naming it, not also the schema's list.
#[test]
fn an_unknown_dcs_version_is_one_finding() {
    for (spec, message) in [
        (
            "0.8.0",
            "Data Contract Specification `0.8.0` is older than 0.9.0, the oldest version meshport reads",
        ),
        ("2.0.0", "unsupported Data Contract Specification version `2.0.0`"),
    ] {
        let mesh = dcs_mesh(spec, DCS_MODEL);
        let (code, report) = check_json(mesh.path());
        assert_eq!(code, 1, "{spec}");
        let on_line_1: Vec<&Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == DCS_FILE && d["line"] == 1)
            .collect();
        assert_eq!(on_line_1.len(), 1, "{spec}: {on_line_1:#?}");
        let d = on_line_1[0];
        assert_eq!(
            (d["rule"].as_str(), d["severity"].as_str()),
            (Some("descriptor.api-version"), Some("error"))
        );
        assert_eq!((d["column"].as_u64(), d["message"].as_str()), (Some(28), Some(message)));
        assert!(findings_in(mesh.path(), DCS_FILE, "descriptor.version-feature").is_empty());
    }
}
