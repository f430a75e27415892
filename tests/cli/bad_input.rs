//! Hostile and broken input: each case is a clear finding with its position, never a panic,
//! never a hang, never a silently dropped file, never a file written outside the output.

use crate::common::*;
use std::path::Path;

fn products(mesh: &Path) -> std::path::PathBuf {
    mesh.join("content/products")
}

fn all_findings(report: &serde_json::Value) -> Vec<Finding> {
    ["error", "warning", "info"]
        .iter()
        .flat_map(|s| findings(report, s))
        .collect()
}

#[test]
fn json_descriptor_is_read_like_yaml() {
    let mesh = copy_fixture("valid-legacy");
    let json = r#"{"apiVersion": "v1.0.0", "kind": "DataProduct", "id": "json-product", "name": "From JSON", "domain": "operations", "team": {"name": "legacy-team"}}"#;
    std::fs::write(products(mesh.path()).join("json.odps.json"), json).unwrap();
    build_ok(mesh.path(), &[]);
    let page = std::fs::read_to_string(mesh.path().join("public/products/json-product.html")).unwrap();
    assert!(page.contains("From JSON"));
}

#[test]
fn broken_json_descriptor_points_at_the_error() {
    let mesh = copy_fixture("valid-legacy");
    std::fs::write(
        products(mesh.path()).join("broken.odps.json"),
        "{\"apiVersion\": \"v1.0.0\",\n \"kind\": \"DataProduct\",\n \"id\": [1, }\n",
    )
    .unwrap();
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1);
    let f = all_findings(&report);
    assert!(
        f.iter()
            .any(|f| f.rule == "yaml.syntax" && f.file == "content/products/broken.odps.json" && f.line == 3),
        "{report:#}"
    );
}

#[test]
fn deep_nesting_and_alias_bombs_are_bounded() {
    let mesh = copy_fixture("valid-legacy");
    std::fs::write(
        products(mesh.path()).join("deep.odps.yaml"),
        "- ".repeat(20_000) + "x\n",
    )
    .unwrap();
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    std::fs::write(products(mesh.path()).join("bomb.odps.yaml"), bomb).unwrap();
    let started = std::time::Instant::now();
    let (code, report) = check_json(mesh.path());
    assert!(started.elapsed().as_secs() < 20, "bounded time");
    assert_eq!(code, 1);
    let f = all_findings(&report);
    assert!(
        f.contains(&finding(
            "yaml.syntax",
            "error",
            "content/products/deep.odps.yaml",
            1,
            129
        )),
        "{report:#}"
    );
    assert!(
        f.iter()
            .any(|f| f.rule == "yaml.syntax" && f.file == "content/products/bomb.odps.yaml"),
        "{report:#}"
    );
}

#[test]
fn oversized_file_is_refused_with_a_finding() {
    let mesh = copy_fixture("valid-legacy");
    let mut big = String::from("apiVersion: v1.0.0\nkind: DataProduct\nid: big\ncustomProperties:\n");
    while big.len() < 9 * 1024 * 1024 {
        big.push_str("  - {property: padding, value: \"0123456789012345678901234567890123456789\"}\n");
    }
    std::fs::write(products(mesh.path()).join("big.odps.yaml"), big).unwrap();
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1);
    assert!(
        all_findings(&report).contains(&finding(
            "source.too-large",
            "error",
            "content/products/big.odps.yaml",
            1,
            1
        )),
        "{report:#}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_reported_and_never_followed() {
    let mesh = copy_fixture("valid-legacy");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.odps.yaml"),
        "apiVersion: v1.0.0\nkind: DataProduct\nid: secret-product\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.odps.yaml"),
        products(mesh.path()).join("leak.odps.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(mesh.path().join("content"), products(mesh.path()).join("loop")).unwrap();
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 0, "symlinks are warnings: {report:#}");
    let f = all_findings(&report);
    assert!(
        f.contains(&finding(
            "source.symlink",
            "warning",
            "content/products/leak.odps.yaml",
            1,
            1
        )),
        "{report:#}"
    );
    assert!(
        f.contains(&finding("source.symlink", "warning", "content/products/loop", 1, 1)),
        "{report:#}"
    );
    build_ok(mesh.path(), &[]);
    assert!(
        !mesh.path().join("public/products/secret-product.html").exists(),
        "the link was not followed"
    );
}

#[test]
fn ids_with_path_segments_stay_inside_the_output() {
    let mesh = copy_fixture("valid-legacy");
    let yaml = "apiVersion: v1.0.0\nkind: DataProduct\nid: \"../../escaped/x?y#z\"\nname: Sneaky\ndomain: \"../ops\"\nteam:\n  name: \"../../team\"\n";
    std::fs::write(products(mesh.path()).join("sneaky.odps.yaml"), yaml).unwrap();
    build_ok(mesh.path(), &[]);
    let root = mesh.path();
    assert!(
        !root.join("escaped").exists() && !root.join("x").exists(),
        "nothing written outside public/"
    );
    let tree = read_tree(&root.join("public"));
    let page = tree
        .keys()
        .find(|k| k.starts_with("products/escaped"))
        .expect("a slugged page for the id");
    assert!(page.ends_with(".html") && !page.contains(".."), "{page}");
    for path in tree.keys() {
        assert!(
            !path.contains("..") && !path.contains('?') && !path.contains('#'),
            "unsafe output path {path}"
        );
    }
}
