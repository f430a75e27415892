//! Every field of a Bitol ODPS/ODCS file is visible on its page.
//!
//! Always on our own fixtures (`tests/fixtures/bitol-coverage`, written for this test), which
//! use every key of the bundled schemas; then, as an extra, on the official Bitol examples when
//! `../shared/standards` (or `$MESHPORT_STANDARDS_DIR`) is there. They are not part of this
//! repository, so without them that test says on the terminal that it did not run.

use super::yaml_value;
use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

const COVERAGE_FIXTURE: &str = "bitol-coverage";

pub(crate) fn standards_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("MESHPORT_STANDARDS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/standards"));
    dir.is_dir().then_some(dir)
}

/// Files under `dir` (recursively) whose names end with `suffix`, sorted.
pub(crate) fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = read_tree(dir)
        .keys()
        .filter(|p| p.ends_with(suffix))
        .map(|p| dir.join(p))
        .collect();
    out.sort();
    out
}

/// The `*.odps.yaml` files under `products` and the `*.odcs.yaml` under `contracts`, each with
/// the site section its page goes to.
fn bitol_files(products: &Path, contracts: &Path) -> Vec<(PathBuf, &'static str)> {
    let mut files: Vec<(PathBuf, &str)> = files_ending(products, ".odps.yaml")
        .into_iter()
        .map(|f| (f, "products"))
        .collect();
    files.extend(
        files_ending(contracts, ".odcs.yaml")
            .into_iter()
            .map(|f| (f, "contracts")),
    );
    files
}

/// Every non-empty string leaf (trimmed, whitespace collapsed) and number leaf, as text.
pub(crate) fn leaves(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            let s = collapse_ws(s);
            if !s.is_empty() {
                out.push(s);
            }
        }
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|i| leaves(i, out)),
        Value::Object(map) => map.values().for_each(|i| leaves(i, out)),
        Value::Null | Value::Bool(_) => {}
    }
}

/// Whether `value` is in the page text as written or as its Markdown rendering (description
/// fields are Markdown, so `` `type` `` shows as `type`).
pub(crate) fn shown(text: &str, value: &str) -> bool {
    text.contains(value) || text.contains(&visible_text(&meshport::markdown::render_inline(value)))
}

/// Builds a mesh holding only `file` (in `content/<section>/`) and returns the page text
/// without the raw-YAML block, or a description of what went wrong.
fn page_text_of_single_file(file: &Path, section: &str) -> Result<String, String> {
    let mesh = tempfile::tempdir().unwrap();
    let dir = mesh.path().join("content").join(section);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(file, dir.join(file.file_name().unwrap())).unwrap();
    let r = build(mesh.path(), &[]);
    if r.code != 0 {
        return Err(format!("build exited {}:\n{}", r.code, r.stderr));
    }
    let pages: Vec<String> = html_pages(&mesh.path().join("public"))
        .into_keys()
        .filter(|p| p.starts_with(&format!("{section}/")) && !p.ends_with("/index.html"))
        .collect();
    let [page] = pages.as_slice() else {
        return Err(format!("expected one {section} page, found {pages:?}"));
    };
    let html = read(&mesh.path().join("public"), page);
    Ok(visible_text(&remove_between(
        &html,
        "<details class=\"raw\"",
        "</details>",
    )))
}

/// Fails with every value of every file that its page does not show.
pub(crate) fn assert_every_value_shown(files: &[(PathBuf, &str)], base: &Path) {
    assert!(!files.is_empty(), "no Bitol files under {}", base.display());
    let mut failures = Vec::new();
    for (file, section) in files {
        let name = file.strip_prefix(base).unwrap_or(file).display().to_string();
        let text = match page_text_of_single_file(file, section) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut values = Vec::new();
        leaves(&yaml_value(file), &mut values);
        let mut missing: Vec<String> = values.into_iter().filter(|v| !shown(&text, v)).collect();
        let mut seen = std::collections::HashSet::new();
        missing.retain(|v| seen.insert(v.clone()));
        if !missing.is_empty() {
            failures.push(format!("{name}: {} values not on the page: {missing:?}", missing.len()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} Bitol files are not fully shown:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

/// Every property name a JSON Schema defines, at any depth (`$defs` included).
fn schema_keys(schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                out.extend(props.keys().cloned());
            }
            map.values().for_each(|v| schema_keys(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| schema_keys(v, out)),
        _ => {}
    }
}

/// Every mapping key of a document, at any depth.
fn document_keys(doc: &Value, out: &mut BTreeSet<String>) {
    match doc {
        Value::Object(map) => {
            out.extend(map.keys().cloned());
            map.values().for_each(|v| document_keys(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| document_keys(v, out)),
        _ => {}
    }
}

#[test]
fn own_bitol_fixtures_use_every_key_of_the_bundled_schemas() {
    let root = fixture_dir(COVERAGE_FIXTURE).join("content");
    for (schema_file, folder, suffix) in [
        ("odps.schema.json", "products", ".odps.yaml"),
        ("odcs.schema.json", "contracts", ".odcs.yaml"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas").join(schema_file);
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut wanted = BTreeSet::new();
        schema_keys(&schema, &mut wanted);
        let mut used = BTreeSet::new();
        for file in files_ending(&root.join(folder), suffix) {
            document_keys(&yaml_value(&file), &mut used);
        }
        let unused: Vec<&String> = wanted.difference(&used).collect();
        assert!(
            unused.is_empty(),
            "no file under tests/fixtures/{COVERAGE_FIXTURE}/content/{folder} uses these keys of {schema_file}: {unused:?}"
        );
    }
}

#[test]
fn own_bitol_fixtures_show_every_field() {
    let root = fixture_dir(COVERAGE_FIXTURE).join("content");
    let files = bitol_files(&root.join("products"), &root.join("contracts"));
    assert_every_value_shown(&files, &root);
}

#[test]
fn official_bitol_examples_show_every_field_when_present() {
    let Some(standards) = standards_dir() else {
        // Straight to the terminal: `println!` would be captured and the test shows only `ok`.
        let _ = writeln!(
            std::io::stderr(),
            "NOT RUN official_bitol_examples_show_every_field_when_present: no ../shared/standards \
             (set MESHPORT_STANDARDS_DIR); field coverage ran on tests/fixtures/{COVERAGE_FIXTURE} only"
        );
        return;
    };
    let files = bitol_files(
        &standards.join("bitol-odps/examples"),
        &standards.join("bitol-odcs/examples"),
    );
    assert_every_value_shown(&files, &standards);
}
