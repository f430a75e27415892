//! Building small meshes from YAML text for the classification tests, through the same
//! pipeline `meshport diff` uses for a git revision (an in-memory source tree).

use crate::model::Mesh;
use crate::source::MemTree;

/// A mesh from `(path under content/, text)` pairs.
pub fn mesh(files: &[(&str, &str)]) -> Mesh {
    let mut tree = MemTree::default();
    for (rel, text) in files {
        tree.files.insert(format!("content/{rel}"), text.as_bytes().to_vec());
    }
    let loaded = crate::cmd::load_from(&tree, None, None).expect("load from memory");
    // Rule findings (a consumer of a retired product …) are the point of some tests; a file
    // that does not even parse or match the standard is a broken test.
    let broken: Vec<String> = loaded
        .diags
        .iter()
        .filter(|d| {
            d.severity == crate::diag::Severity::Error
                && ["yaml.", "descriptor.", "source."]
                    .iter()
                    .any(|p| d.rule.starts_with(p))
        })
        .map(|d| format!("{d:?}"))
        .collect();
    assert!(broken.is_empty(), "test mesh does not load: {broken:#?}");
    loaded.mesh
}

/// A contract file with the given schema properties (YAML lines under `properties:`,
/// indented by six spaces) and SLA lines (under `slaProperties:`, indented by two).
pub fn contract(version: &str, properties: &str, sla: &str) -> String {
    format!(
        "apiVersion: v3.1.0\nkind: DataContract\nid: orders\nversion: {version}\nstatus: active\nname: Orders\nschema:\n  - name: orders\n    properties:\n{properties}slaProperties:\n{sla}"
    )
}

/// A product outputting `orders` (1.0.0) and, optionally, reading another contract.
pub fn product(id: &str, team: &str, input: Option<&str>, output: Option<&str>) -> String {
    let mut s =
        format!("apiVersion: v1.0.0\nkind: DataProduct\nid: {id}\nname: {id}\nstatus: active\nteam:\n  name: {team}\n");
    if let Some(cid) = input {
        s.push_str(&format!(
            "inputPorts:\n  - name: in\n    version: 1.0.0\n    contractId: {cid}\n"
        ));
    }
    if let Some(cid) = output {
        s.push_str(&format!(
            "outputPorts:\n  - name: out\n    version: 1.0.0\n    contractId: {cid}\n"
        ));
    }
    s
}
