//! Files in the formats that came before ODCS and ODPS (Data Contract Specification 0.9–1.2,
//! Data Product Specification 0.0.1) are read natively, and `meshport convert` moves them.
//!
//! Fixtures: `tests/fixtures/legacy-formats`, written for these tests (DCS 0.9.2, 0.9.3, 1.1.0,
//! 1.2.1 and two DPS 0.0.1 products, across the keys of their specifications).

use super::read_json;
use super::standards::{assert_every_value_shown, files_ending};
use crate::common::*;
use std::path::PathBuf;

const FIXTURE: &str = "legacy-formats";

/// Every file of the fixture with the site section its page is in.
fn legacy_files() -> Vec<(PathBuf, &'static str)> {
    let root = fixture_dir(FIXTURE).join("content");
    let mut files: Vec<(PathBuf, &str)> = files_ending(&root.join("contracts"), "datacontract.yaml")
        .into_iter()
        .map(|f| (f, "contracts"))
        .collect();
    files.extend(
        files_ending(&root.join("products"), "dataproduct.yaml")
            .into_iter()
            .map(|f| (f, "products")),
    );
    files
}

#[test]
fn every_value_of_every_older_format_file_is_on_its_page() {
    let files = legacy_files();
    assert_eq!(files.len(), 6, "{files:?}");
    assert_every_value_shown(&files, &fixture_dir(FIXTURE).join("content"));
}

#[test]
fn older_format_pages_name_their_format_and_how_to_upgrade() {
    let mesh = copy_fixture(FIXTURE);
    build_ok(mesh.path(), &[]);
    let site = mesh.path().join("public");
    let contract = visible_text(&read(&site, "contracts/parcel-scans-2-1-0.html"));
    for needle in [
        "DCS 1.1.0",
        "Data Contract Specification 1.1.0 read as ODCS v3.1.0",
        "meshport convert content/contracts/parcel-scans/datacontract.yaml --in-place",
    ] {
        assert!(contract.contains(needle), "contract page lacks {needle:?}");
    }
    let html = read(&site, "contracts/parcel-scans-2-1-0.html");
    let operator = html.split("id=\"field-scans-scanner_operator\"").nth(1).unwrap_or("");
    let row = operator.split("</tr>").next().unwrap_or("");
    assert!(
        row.contains("badge pii"),
        "a DCS `pii: true` field gets the PII badge: {row}"
    );
    let product = visible_text(&read(&site, "products/parcel-tracking.html"));
    assert!(product.contains("DPS 0.0.1"), "product page lacks its format badge");
    assert!(
        product.contains("source-aligned"),
        "the archetype is the product's type"
    );
    let raw = read(&site, "products/parcel-tracking.html");
    assert!(
        raw.contains("dataProductSpecification"),
        "the raw view shows the file as written"
    );
}

/// A DPS output port names a DCS contract by `dataContractId`; a DPS input port names the
/// product, or an output port, it reads by `sourceSystemId`, or a system outside the mesh.
#[test]
fn data_product_specification_ports_draw_lineage_to_contracts_and_sources() {
    let mesh = copy_fixture(FIXTURE);
    build_ok(mesh.path(), &[]);
    let site = mesh.path().join("public");
    let insights = read_json(&site, "api/products/delivery-insights.json");
    let upstream: Vec<(String, String, String)> = insights["upstream"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from"]["kind"].as_str().unwrap().to_string(),
                e["from"]["id"].as_str().unwrap().to_string(),
                e["contractId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        upstream,
        [
            ("product".into(), "parcel-tracking".into(), "parcel-scans".into()),
            ("product".into(), "parcel-tracking".into(), "parcel-tracking".into()),
        ],
        "through the output port `parcel-scans-kafka` (its DCS contract) and the product id"
    );
    let tracking = read_json(&site, "api/products/parcel-tracking.json");
    assert_eq!(
        tracking["upstream"][0]["from"],
        serde_json::json!({"kind": "external", "id": "scanner-fleet"})
    );
    let contract = read(&site, "contracts/parcel-scans-2-1-0.html");
    let produced_by = contract.split("Produced by").nth(1).unwrap_or("");
    assert!(
        produced_by.contains("parcel-tracking.html"),
        "the DCS contract names the DPS product that outputs it"
    );
    let product = read(&site, "products/parcel-tracking.html");
    assert!(
        product.contains("contracts/parcel-scans-2-1-0.html"),
        "the DPS product links its port's DCS contract"
    );
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 0, "{report:#}");
    assert!(
        findings(&report, "warning")
            .iter()
            .all(|f| f.rule != "port.contract-missing"),
        "a port naming its source system has known lineage"
    );
}

/// The page of the only descriptor in `mesh` (a temp mesh), without the raw-YAML block.
fn only_page_text(mesh: &std::path::Path, section: &str) -> String {
    build_ok(mesh, &[]);
    let site = mesh.join("public");
    let pages: Vec<String> = html_pages(&site)
        .into_keys()
        .filter(|p| p.starts_with(&format!("{section}/")) && !p.ends_with("/index.html"))
        .collect();
    let [page] = pages.as_slice() else {
        panic!("expected one {section} page, found {pages:?}")
    };
    visible_text(&remove_between(
        &read(&site, page),
        "<details class=\"raw\"",
        "</details>",
    ))
}

/// `meshport convert` of every fixture: the ODCS/ODPS file checks clean, and its page shows
/// every value of the file it came from.
#[test]
fn converted_files_check_clean_and_show_the_same_values() {
    let all = tempfile::tempdir().unwrap();
    for (file, section) in legacy_files() {
        let out = meshport().arg("convert").arg(&file).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("YAML comments are not kept"), "{stderr}");
        let mut converted = String::from_utf8(out.stdout).unwrap();
        let name = file
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        // DCS before 0.9.3 has no `info.status`, which ODCS requires: convert says to add it.
        let no_status = stderr.contains("the converted file has no `status`");
        assert_eq!(no_status, name == "fleet-telemetry", "{name}: {stderr}");
        if no_status {
            converted.push_str("status: draft\n");
        }
        let suffix = if section == "contracts" { "odcs" } else { "odps" };
        let dir = all.path().join("content").join(section);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.{suffix}.yaml")), &converted).unwrap();
        let single = tempfile::tempdir().unwrap();
        let dir = single.path().join("content").join(section);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.{suffix}.yaml")), &converted).unwrap();
        let text = only_page_text(single.path(), section);
        let mut values = Vec::new();
        super::standards::leaves(&super::yaml_value(&file), &mut values);
        let missing: Vec<&String> = values.iter().filter(|v| !super::standards::shown(&text, v)).collect();
        assert!(missing.is_empty(), "{name}: converted page lacks {missing:?}");
    }
    let (code, report) = check_json(all.path());
    assert_eq!(code, 0, "{report:#}");
    let errors = findings(&report, "error");
    assert!(errors.is_empty(), "{errors:?}");
    let warnings = findings(&report, "warning");
    assert!(
        warnings
            .iter()
            .all(|f| f.rule != "descriptor.unknown-key" && f.rule != "descriptor.schema"),
        "{warnings:?}"
    );
}

/// Each fixture file uses only what the DCS version it declares defines (fleet-telemetry,
/// 0.9.2, once had an `info.status`, which came in 0.9.3).
#[test]
fn older_format_fixtures_use_only_their_declared_versions() {
    let mesh = copy_fixture(FIXTURE);
    let (_, report) = check_json(mesh.path());
    let all: Vec<Finding> = ["error", "warning", "info"]
        .iter()
        .flat_map(|s| findings(&report, s))
        .collect();
    let version: Vec<&Finding> = all
        .iter()
        .filter(|f| f.rule == "descriptor.version-feature" || f.rule == "descriptor.api-version")
        .collect();
    assert!(version.is_empty(), "{version:?}");
    assert!(
        !all.is_empty(),
        "the check ran and reported (e.g. undocumented domains)"
    );
}

fn write_file(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const SMALL_DCS: &str =
    "dataContractSpecification: 1.1.0\nid: small\ninfo:\n  title: Small\n  version: 1.0.0\n  status: active\n";

#[test]
fn convert_output_never_overwrites_and_in_place_replaces_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("datacontract.yaml");
    std::fs::write(&source, format!("# a comment\n{SMALL_DCS}")).unwrap();
    let taken = dir.path().join("taken.odcs.yaml");
    std::fs::write(&taken, "keep me\n").unwrap();
    let out = meshport()
        .arg("convert")
        .arg(&source)
        .arg("--output")
        .arg(&taken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "keep me\n");

    let fresh = dir.path().join("small.odcs.yaml");
    let out = meshport()
        .arg("convert")
        .arg(&source)
        .arg("--output")
        .arg(&fresh)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&fresh)
        .unwrap()
        .starts_with("apiVersion: v3.1.0\nkind: DataContract\nid: small\n"));
    assert!(source.exists(), "--output leaves the source alone");

    let out = meshport()
        .arg("convert")
        .arg(&source)
        .arg("--in-place")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!source.exists(), "the mesh never holds both files with one id");
    let replaced = std::fs::read_to_string(dir.path().join("datacontract.odcs.yaml")).unwrap();
    assert!(replaced.contains("name: Small") && !replaced.contains("# a comment"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YAML comments are not kept"));

    let out = meshport().arg("convert").arg(&fresh).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an ODCS file has nothing to convert");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to convert"));
}

/// The structure is checked as written, at the positions of the file as written; a remote
/// `$ref` is reported (meshport never reads the network) and a local one resolved.
#[test]
fn older_format_findings_point_into_the_file_as_written() {
    let mesh = tempfile::tempdir().unwrap();
    let text = "dataContractSpecification: 1.2.1\nid: refs\ninfo:\n  title: Refs\n  version: 1.0.0\n  owner: a-team\n  colour: blue\nmodels:\n  m:\n    fields:\n      a:\n        $ref: https://example.org/defs.yaml#/a\n      b:\n        $ref: '#/definitions/b'\n      c:\n        type: 5\ndefinitions:\n  b:\n    type: string\n    description: From the definition.\n";
    write_file(&mesh.path().join("content/contracts/datacontract.yaml"), text);
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    let file = "content/contracts/datacontract.yaml";
    let all: Vec<Finding> = ["error", "warning"].iter().flat_map(|s| findings(&report, s)).collect();
    for expected in [
        finding("descriptor.unknown-key", "warning", file, 7, 3),
        finding("descriptor.ref-remote", "warning", file, 12, 15),
        finding("descriptor.schema", "error", file, 16, 15),
    ] {
        assert!(all.contains(&expected), "{expected:?} not in {all:?}");
    }
    let hint = report.to_string();
    assert!(
        hint.contains("x-colour"),
        "unknown keys are pointed to the `x-` form: {hint}"
    );
    let product_page = {
        let fixed = text.replace("        type: 5\n", "        type: string\n");
        write_file(&mesh.path().join("content/contracts/datacontract.yaml"), &fixed);
        build_ok(mesh.path(), &[]);
        visible_text(&read(&mesh.path().join("public"), "contracts/refs-1-0-0.html"))
    };
    assert!(
        product_page.contains("From the definition."),
        "the local $ref is resolved into the field"
    );
}

/// What `convert` writes is valid against the official JSON Schemas of ODCS v3.1.0 and ODPS
/// v1.1.0, when `../shared/standards` (or `$MESHPORT_STANDARDS_DIR`) holds them.
#[test]
fn converted_files_are_valid_against_the_official_schemas_when_present() {
    let Some(standards) = super::standards::standards_dir() else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "NOT RUN converted_files_are_valid_against_the_official_schemas_when_present: no ../shared/standards"
        );
        return;
    };
    let schema = |rel: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(standards.join(rel)).unwrap()).unwrap()
    };
    let odcs = jsonschema::validator_for(&schema("bitol-odcs/schema/odcs-json-schema-v3.1.0.json")).unwrap();
    let odps = jsonschema::validator_for(&schema("bitol-odps/schema/odps-json-schema-v1.1.0.json")).unwrap();
    let mut failures = Vec::new();
    for (file, section) in legacy_files() {
        let out = meshport().arg("convert").arg(&file).output().unwrap();
        let mut text = String::from_utf8(out.stdout).unwrap();
        // What convert asks the user to add (a DCS file before 0.9.3 has no status).
        if String::from_utf8_lossy(&out.stderr).contains("the converted file has no `status`") {
            text.push_str("status: draft\n");
        }
        let value = meshport::source::yaml::parse(&text).unwrap().value;
        let validator = if section == "contracts" { &odcs } else { &odps };
        for e in validator.iter_errors(&value) {
            failures.push(format!("{}: {} at {}", file.display(), e, e.instance_path()));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn data_product_specification_structure_is_checked_as_written() {
    let mesh = tempfile::tempdir().unwrap();
    let text = "dataProductSpecification: 0.0.1\nid: p\ninfo:\n  title: P\noutputPorts:\n  - id: o\n    name: O\n    containsPii: maybe\n    colour: red\n";
    write_file(&mesh.path().join("content/products/dataproduct.yaml"), text);
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    let file = "content/products/dataproduct.yaml";
    let all: Vec<Finding> = ["error", "warning"].iter().flat_map(|s| findings(&report, s)).collect();
    for expected in [
        finding("descriptor.schema", "error", file, 4, 3),
        finding("descriptor.schema", "error", file, 8, 18),
        finding("descriptor.unknown-key", "warning", file, 9, 5),
    ] {
        assert!(all.contains(&expected), "{expected:?} not in {all:?}");
    }
    assert!(report.to_string().contains("`owner` is required"), "{report:#}");
}

/// The official examples of both specifications (read, never copied), when `../shared/standards`
/// (or `$MESHPORT_STANDARDS_DIR`) holds them: every value on the page.
#[test]
fn official_dcs_and_dps_examples_show_every_value_when_present() {
    let Some(standards) = super::standards::standards_dir() else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "NOT RUN official_dcs_and_dps_examples_show_every_value_when_present: no ../shared/standards"
        );
        return;
    };
    let mut files: Vec<(PathBuf, &str)> = files_ending(&standards.join("datacontract-spec/examples"), ".yaml")
        .into_iter()
        .map(|f| (f, "contracts"))
        .collect();
    files.extend(
        files_ending(&standards.join("dataproduct-spec/examples"), ".yaml")
            .into_iter()
            .map(|f| (f, "products")),
    );
    assert_every_value_shown(&files, &standards);
}
