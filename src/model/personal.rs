//! Which fields hold personal data. A field does when any of these holds:
//! - it is tagged `pii` (any case);
//! - it is marked `pii: true` (Data Contract Specification);
//! - it lies on an output port marked `containsPii: true` (Data Product Specification: see
//!   [`port_contains_pii`]; a DPS file's translation keeps it as a custom property);
//! - its `classification` is one `content/governance/policies.yaml` lists under
//!   `personalClassifications` (none by default: `confidential` also covers trade secrets).

use super::raw::{OutputPort, Property};
use super::{Contract, Mesh};
use serde_json::Value;

/// The classifications the mesh's policies name as personal, lower-cased.
pub fn classes(mesh: &Mesh) -> Vec<String> {
    let Some(list) = mesh
        .policies
        .as_ref()
        .and_then(|o| o.doc.value.get("personalClassifications"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    list.iter()
        .filter_map(Value::as_str)
        .map(|s| s.trim().to_lowercase())
        .collect()
}

/// Whether the field itself says it holds personal data (tag, flag or classification).
pub fn is_personal(p: &Property, classes: &[String]) -> bool {
    p.tags.iter().any(|t| t.trim().eq_ignore_ascii_case("pii"))
        || flag(&p.extra, "pii")
        || p.classification
            .as_deref()
            .is_some_and(|c| classes.iter().any(|k| k.eq_ignore_ascii_case(c.trim())))
}

/// `key: true` on an element, or as its custom property: a Data Contract or Data Product
/// Specification file's `pii` / `containsPii` reads so once translated to ODCS / ODPS.
fn flag(extra: &super::raw::Extra, key: &str) -> bool {
    let custom = extra.get("customProperties").and_then(Value::as_array);
    extra.get(key).and_then(Value::as_bool) == Some(true)
        || custom.into_iter().flatten().any(|c| {
            c.get("property").and_then(Value::as_str) == Some(key) && c.get("value") == Some(&Value::Bool(true))
        })
}

/// DPS `containsPii: true` on an output port: every field it delivers counts as personal.
pub fn port_contains_pii(port: &OutputPort) -> bool {
    flag(&port.extra, "containsPii")
}

/// A personal field of a contract: its path (`object.field`), name and classification.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PersonalField {
    pub path: String,
    pub name: String,
    pub classification: Option<String>,
}

/// The contract's personal fields in page order; with `all`, every field (the port that
/// delivers it is marked `containsPii`).
pub fn fields(c: &Contract, classes: &[String], all: bool) -> Vec<PersonalField> {
    let mut out = Vec::new();
    for (i, o) in c.raw.schema.iter().enumerate() {
        let object = o.label(i);
        for p in &o.properties {
            walk(p, &object, classes, all, &mut out);
        }
    }
    out
}

fn walk(p: &Property, parent: &str, classes: &[String], all: bool, out: &mut Vec<PersonalField>) {
    let name = p.label();
    let path = format!("{parent}.{name}");
    if all || is_personal(p, classes) {
        out.push(PersonalField {
            path: path.clone(),
            name: name.clone(),
            classification: p.classification.clone(),
        });
    }
    for child in &p.properties {
        walk(child, &path, classes, all, out);
    }
    if let Some(items) = &p.items {
        walk(items, &format!("{path}[]"), classes, all, out);
    }
}

/// The personal fields of everything a product outputs: each output port's contract once, every
/// field of a port marked `containsPii`.
pub fn of_product(mesh: &Mesh, p: &super::Product) -> Vec<PersonalField> {
    let classes = classes(mesh);
    let mut seen = std::collections::BTreeSet::new();
    let mut out: Vec<PersonalField> = Vec::new();
    for (port, raw) in p.outputs.iter().zip(&p.raw.output_ports) {
        let Some(c) = port.contract.as_ref().and_then(|k| mesh.contracts.get(k)) else {
            continue;
        };
        let all = port_contains_pii(raw);
        if !seen.insert((&c.key, all)) {
            continue;
        }
        out.extend(fields(c, &classes, all));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prop(yaml: &str) -> Property {
        serde_json::from_value(crate::source::yaml::parse(yaml).unwrap().value).unwrap()
    }

    #[test]
    fn tag_flag_or_listed_classification() {
        let none: Vec<String> = Vec::new();
        assert!(is_personal(&prop("name: e\ntags: [PII]\n"), &none));
        assert!(is_personal(&prop("name: e\npii: true\n"), &none));
        assert!(!is_personal(&prop("name: e\npii: false\n"), &none));
        let c = prop("name: e\nclassification: Restricted\n");
        assert!(!is_personal(&c, &none), "no classification is personal by default");
        assert!(is_personal(&c, &["restricted".to_string()]));
    }
}
