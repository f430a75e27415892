//! Problems found by running meshport on descriptors from public repositories (issue 14): each
//! test writes the shape of file that went wrong into a copy of a valid mesh.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// (rule, line, column, message) of every finding in `file`, in report order.
fn in_file(report: &Value, file: &str) -> Vec<(String, u64, u64, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file)
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn rules_in(report: &Value, file: &str) -> Vec<String> {
    in_file(report, file).into_iter().map(|f| f.0).collect()
}

/// `schema` and `servers` of the wrong shape no longer hide a missing id and an unsupported
/// apiVersion in the same file: all four are reported.
#[test]
fn a_wrong_shape_does_not_hide_other_problems() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    let file = "content/contracts/shapes.odcs.yaml";
    write(
        root,
        file,
        "apiVersion: v9.9.9\nkind: DataContract\nversion: 1.0.0\nstatus: active\nschema: orders\nservers:\n  name: prod\n",
    );
    let (code, report) = check_json(root);
    assert_eq!(code, 1);
    let found = in_file(&report, file);
    let has = |rule: &str, line: u64| found.iter().any(|f| f.0 == rule && f.1 == line);
    assert!(has("descriptor.api-version", 1), "{found:#?}");
    assert!(
        found
            .iter()
            .any(|f| f.0 == "descriptor.required" && f.3 == "`id` is required"),
        "{found:#?}"
    );
    assert!(has("descriptor.schema", 5), "schema is a list: {found:#?}");
    assert!(has("descriptor.schema", 7), "servers is a list: {found:#?}");
}

/// `id: ""` is empty, not missing, and the finding says so at the value.
#[test]
fn an_empty_id_is_called_empty() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    let file = "content/products/empty.odps.yaml";
    write(
        root,
        file,
        "apiVersion: v1.0.0\nkind: DataProduct\nid: \"\"\nname: Empty\n",
    );
    let (code, report) = check_json(root);
    assert_eq!(code, 1);
    let found = in_file(&report, file);
    assert!(
        found
            .iter()
            .any(|f| f.0 == "descriptor.required" && (f.1, f.2) == (3, 5) && f.3 == "`id` is empty"),
        "{found:#?}"
    );
    assert!(!found.iter().any(|f| f.3.contains("is required")), "{found:#?}");
}

/// An ODCS v2 file gets one finding naming its version and what to do, not the cascade of
/// unknown keys and missing v3 keys it used to get.
#[test]
fn an_odcs_v2_file_gets_one_clear_finding() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    let file = "content/contracts/legacy.odcs.yaml";
    write(
        root,
        file,
        "datasetDomain: sales\nquantumName: orders\nuserConsumptionMode: Analytical\nversion: 1.0.0\nstatus: current\nuuid: 53581432-6c55-4ba2-a65f-72344a91553a\nkind: DataContract\napiVersion: 2.2.2\ntype: tables\ndataset:\n  - table: orders\n    columns:\n      - column: id\n        logicalType: string\n",
    );
    let (code, report) = check_json(root);
    assert_eq!(code, 1);
    let found = in_file(&report, file);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (rule, line, column, message) = &found[0];
    assert_eq!((rule.as_str(), *line, *column), ("descriptor.api-version", 8, 13));
    assert!(message.contains("ODCS `2.2.2` is older than v3.0.0"), "{message}");
    let hint = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == file)
        .unwrap()["hint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(hint.contains("upgrade it to ODCS v3"), "{hint}");
}

/// An ODPS file older than v0.9.0 likewise.
#[test]
fn an_odps_file_older_than_supported_gets_one_finding() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    let file = "content/products/old.odps.yaml";
    write(
        root,
        file,
        "apiVersion: v0.5.0\nkind: DataProduct\nproduct:\n  en:\n    name: Old\n",
    );
    let (_, report) = check_json(root);
    assert_eq!(rules_in(&report, file), ["descriptor.api-version"], "{report:#}");
}

fn bind_contract(version: &str, status: &str) -> String {
    format!("apiVersion: v3.0.2\nkind: DataContract\nid: bind\nversion: {version}\nstatus: {status}\nschema:\n  - name: t\n    properties:\n      - name: a\n        classification: internal\n")
}

fn bind_product(id: &str, ports: &str) -> String {
    format!("apiVersion: v1.0.0\nkind: DataProduct\nid: {id}\nname: {id}\nstatus: active\ndomain: sales\nteam:\n  name: sales-team\n{ports}")
}

/// A port's `version` is the port's own (ODPS): it picks the contract version equal to it, else
/// the newest active one. A mismatch is an info, and lineage follows the bound versions.
#[test]
fn a_port_binds_to_the_equal_contract_version_else_the_newest_active() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    for (v, status) in [("1.0.0", "active"), ("2.0.0", "active"), ("3.0.0", "draft")] {
        write(
            root,
            &format!("content/contracts/bind-{v}.odcs.yaml"),
            &bind_contract(v, status),
        );
    }
    let out = "outputPorts:\n  - name: out\n    version: '1'\n    contractId: bind\n";
    write(root, "content/products/binder.odps.yaml", &bind_product("binder", out));
    let reads = |v: &str| format!("inputPorts:\n  - name: in\n    version: {v}\n    contractId: bind\n");
    write(
        root,
        "content/products/reader-new.odps.yaml",
        &bind_product("reader-new", &reads("'1'")),
    );
    write(
        root,
        "content/products/reader-old.odps.yaml",
        &bind_product("reader-old", &reads("1.0.0")),
    );
    let (_, report) = check_json(root);
    let notes: Vec<(String, String, u64, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "ref.contract-version")
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_string();
            (s("file"), s("severity"), d["line"].as_u64().unwrap(), s("message"))
        })
        .collect();
    assert_eq!(
        notes,
        [
            (
                "content/products/binder.odps.yaml".to_string(),
                "info".to_string(),
                11,
                "port `out` has version 1, which no version of contract `bind` has; it binds to `bind` 2.0.0, the newest active version".to_string()
            ),
            (
                "content/products/reader-new.odps.yaml".to_string(),
                "info".to_string(),
                11,
                "port `in` has version 1, which no version of contract `bind` has; it binds to `bind` 2.0.0, the newest active version".to_string()
            ),
        ]
    );
    let site = tempfile::tempdir().unwrap();
    let r = build(root, &["--output", site.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lineage: Value = serde_json::from_str(&read(site.path(), "api/lineage.json")).unwrap();
    let mut edges: Vec<(String, String, String)> = lineage["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["contractId"] == "bind")
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or("-").to_string();
            (s("from"), s("to"), s("version"))
        })
        .collect();
    edges.sort();
    assert_eq!(
        edges,
        [
            ("binder".into(), "reader-new".into(), "2.0.0".into()),
            ("binder".into(), "reader-old".into(), "1.0.0".into()),
        ]
    );
}

/// A file of several YAML documents: each is read as a descriptor of its own, findings name
/// the document by the file's line numbers, and ids stay unique across documents and files.
#[test]
fn each_yaml_document_of_a_file_is_a_descriptor() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    let file = "content/products/bundle.odps.yaml";
    let text = [
        "---",
        "apiVersion: v1.0.0",
        "kind: DataProduct",
        "id: bundle-one",
        "name: Bundle one",
        "status: active",
        "domain: sales",
        "team:",
        "  name: sales-team",
        "---",
        "apiVersion: v3.0.2",
        "kind: DataContract",
        "id: bundle-contract",
        "version: 1.0.0",
        "status: active",
        "---",
        "apiVersion: v1.0.0",
        "kind: DataProduct",
        "id: bundle-one",
        "---",
        "kind: Unknown",
        "---",
        "apiVersion: v1.0.0",
        "kind: DataProduct",
        "id: \"\"",
        "",
    ]
    .join("\n");
    write(root, file, &text);
    let (code, report) = check_json(root);
    assert_eq!(code, 1);
    let found: Vec<(String, u64, u64)> = in_file(&report, file)
        .into_iter()
        .filter(|f| f.0 != "product.owner-missing")
        .map(|f| (f.0, f.1, f.2))
        .collect();
    assert_eq!(
        found,
        [
            ("id.duplicate".to_string(), 4, 5),
            ("descriptor.kind".to_string(), 21, 7),
            ("descriptor.required".to_string(), 25, 5),
        ],
        "{report:#}"
    );
    let dup = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "id.duplicate")
        .unwrap();
    assert_eq!(dup["related"][0]["line"], 19, "{dup:#}");
    // Without the broken documents (from the third on), the file renders a product page and
    // a contract page.
    let first_two: Vec<&str> = text.lines().take(15).collect();
    write(root, file, &(first_two.join("\n") + "\n"));
    let site = tempfile::tempdir().unwrap();
    let r = build(root, &["--output", site.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site.path().join("products/bundle-one.html").is_file());
    let contracts: Vec<String> = std::fs::read_dir(site.path().join("contracts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        contracts.iter().any(|n| n.starts_with("bundle-contract")),
        "{contracts:?}"
    );
}

/// The build's last lines say how many files were not rendered, and why (by rule).
#[test]
fn the_build_summary_counts_files_not_rendered() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    write(root, "content/guides/setup.markdown", "# Setup\n");
    write(root, "content/products/notes.yaml", "owner: someone\n");
    write(root, "content/products/old.odps.yaml.orig", "kind: DataProduct\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        root.join("content/products/orders.odps.yaml"),
        root.join("content/products/link.odps.yaml"),
    )
    .unwrap();
    let site = tempfile::tempdir().unwrap();
    let out = site.path().to_str().unwrap();
    let loud = |root: &Path| run(&["build", "--root", root.to_str().unwrap(), "--output", out]);
    let r = loud(root);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let expected = if cfg!(unix) {
        "4 files were not rendered (3 source.unrecognised, 1 source.symlink): see the findings above"
    } else {
        "3 files were not rendered (3 source.unrecognised): see the findings above"
    };
    assert!(r.stderr.contains(expected), "{}", r.stderr);

    let clean = copy_fixture("valid-basic");
    let r = loud(clean.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("built "), "{}", r.stderr);
    assert!(!r.stderr.contains("not rendered"), "{}", r.stderr);
}
