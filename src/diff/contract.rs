//! Contract changes: versions added and removed, status, metadata, schema objects and fields
//! (matched by name, nested through `properties` and `items`), allowed values and SLA.

use super::kinds::{self as k};
use super::values::{changed_keys, flag, items, keys_sentence, show, text};
use super::{push, sla, Change, Found, Location, Pair, Side, Subject};
use crate::model::{Contract, ContractKey, Mesh, Origin};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Keys compared on their own; the rest of the contract is "metadata".
const OWN_KEYS: &[&str] = &["schema", "slaProperties", "status", "version", "id"];
/// Keys of a field compared on their own; the rest is `field.changed`.
const FIELD_KEYS: &[&str] = &[
    "properties",
    "items",
    "logicalType",
    "physicalType",
    "required",
    "primaryKey",
    "primaryKeyPosition",
    "enum",
];

pub fn compare_all(pair: Pair<'_>, out: &mut Vec<Change>) {
    for (key, base) in &pair.base.contracts {
        let subject = Subject::contract(key);
        match pair.head.contracts.get(key) {
            Some(head) => push(out, &subject, compare(pair, base, head)),
            None => {
                let used = referenced(pair.base, key) || referenced(pair.head, key);
                let kind = if used {
                    k::CONTRACT_REMOVED
                } else {
                    k::CONTRACT_REMOVED_UNUSED
                };
                let msg = if used {
                    "removed, while input ports read it"
                } else {
                    "removed"
                };
                push(
                    out,
                    &subject,
                    vec![Found::new(kind, msg, Location::of(&base.origin, "", Side::Base))],
                );
            }
        }
    }
    for (key, head) in pair
        .head
        .contracts
        .iter()
        .filter(|(key, _)| !pair.base.contracts.contains_key(*key))
    {
        let msg = "added";
        push(
            out,
            &Subject::contract(key),
            vec![Found::new(
                k::CONTRACT_ADDED,
                msg,
                Location::of(&head.origin, "", Side::Head),
            )],
        );
        if let Some(previous) = replaced(pair, key) {
            let found = compare(pair, previous, head).into_iter().map(|mut f| {
                f.message = format!("{} (since {})", f.message, previous.key.version);
                f
            });
            push(out, &Subject::contract(key), found.collect());
        }
    }
}

/// The base version a new contract version replaces: the newest base version of the same id
/// that is gone from the head. Comparing the two shows what moving to the new version means.
fn replaced<'m>(pair: Pair<'m>, new: &ContractKey) -> Option<&'m Contract> {
    let versions = pair.base.index.contract_versions.get(&new.id)?;
    let gone = versions.iter().rev().find(|k| !pair.head.contracts.contains_key(*k))?;
    pair.base.contracts.get(gone)
}

/// Whether an input port of any product in `mesh` reads this contract version (also through an
/// unversioned reference that resolves to it, or one left dangling by its removal).
pub fn referenced(mesh: &Mesh, key: &ContractKey) -> bool {
    mesh.products.values().flat_map(|p| &p.inputs).any(|i| {
        i.contract.as_ref() == Some(key)
            || (i.contract.is_none()
                && i.contract_id.as_deref() == Some(&key.id)
                && i.version.as_deref() == Some(&key.version))
    })
}

fn compare(pair: Pair<'_>, base: &Contract, head: &Contract) -> Vec<Found> {
    let mut found = Vec::new();
    let here = |ptr: &str| Location::of(&head.origin, ptr, Side::Head);
    if base.status != head.status {
        let retired = head.status == "retired" && referenced(pair.head, &head.key);
        let kind = if retired {
            k::CONTRACT_RETIRED
        } else {
            k::CONTRACT_STATUS_CHANGED
        };
        found.push(Found::new(
            kind,
            format!("status `{}` → `{}`", base.status, head.status),
            here("/status"),
        ));
    }
    let meta = changed_keys(&base.origin.doc.value, &head.origin.doc.value, OWN_KEYS);
    if let Some(first) = meta.first() {
        found.push(Found::new(
            k::CONTRACT_CHANGED,
            keys_sentence(&meta),
            here(&format!("/{first}")),
        ));
    }
    schema(base, head, &mut found);
    sla_properties(base, head, &mut found);
    found
}

/// A schema object or field as written, with where it is.
struct Node<'a> {
    value: &'a Value,
    pointer: String,
}

/// Name of a schema object or property: `name`, else `id`, else its position.
fn name_of(v: &Value, index: usize) -> String {
    text(v.get("name"))
        .or_else(|| text(v.get("id")))
        .unwrap_or_else(|| format!("#{index}"))
}

fn objects(doc: &Value) -> BTreeMap<String, Node<'_>> {
    let mut out = BTreeMap::new();
    for (i, o) in items(doc.get("schema")).iter().enumerate() {
        out.entry(name_of(o, i)).or_insert(Node {
            value: o,
            pointer: format!("/schema/{i}"),
        });
    }
    out
}

/// Every field of an object by dotted path (`items` of an array field as `field[]`).
fn fields<'a>(object: &Node<'a>, prefix: &str, out: &mut BTreeMap<String, Node<'a>>) {
    for (i, p) in items(object.value.get("properties")).iter().enumerate() {
        let path = format!("{prefix}{}", name_of(p, i));
        let node = Node {
            value: p,
            pointer: format!("{}/properties/{i}", object.pointer),
        };
        fields(&node, &format!("{path}."), out);
        if let Some(inner) = p.get("items").filter(|v| v.is_object()) {
            let node_items = Node {
                value: inner,
                pointer: format!("{}/items", node.pointer),
            };
            out.entry(format!("{path}[]")).or_insert(Node {
                value: inner,
                pointer: node_items.pointer.clone(),
            });
            fields(&node_items, &format!("{path}[]."), out);
        }
        out.entry(path).or_insert(node);
    }
}

fn schema(base: &Contract, head: &Contract, found: &mut Vec<Found>) {
    let (b, h) = (objects(&base.origin.doc.value), objects(&head.origin.doc.value));
    for (name, bo) in &b {
        let Some(ho) = h.get(name) else {
            let at = Location::of(&base.origin, &bo.pointer, Side::Base);
            found.push(Found::new(
                k::SCHEMA_OBJECT_REMOVED,
                format!("schema object `{name}` removed"),
                at,
            ));
            continue;
        };
        let (mut bf, mut hf) = (BTreeMap::new(), BTreeMap::new());
        fields(bo, &format!("{name}."), &mut bf);
        fields(ho, &format!("{name}."), &mut hf);
        compare_fields(&base.origin, &head.origin, &bf, &hf, found);
    }
    for (name, ho) in h.iter().filter(|(n, _)| !b.contains_key(*n)) {
        let at = Location::of(&head.origin, &ho.pointer, Side::Head);
        found.push(Found::new(
            k::SCHEMA_OBJECT_ADDED,
            format!("schema object `{name}` added"),
            at,
        ));
    }
}

/// Whether a parent path of `path` is in `set` (a removed or added parent covers its children).
fn under_any(path: &str, set: &BTreeSet<&String>) -> bool {
    set.iter().any(|p| {
        path.len() > p.len() && path.starts_with(p.as_str()) && matches!(&path[p.len()..p.len() + 1], "." | "[")
    })
}

fn compare_fields(
    bo: &Origin,
    ho: &Origin,
    b: &BTreeMap<String, Node<'_>>,
    h: &BTreeMap<String, Node<'_>>,
    found: &mut Vec<Found>,
) {
    let removed: BTreeSet<&String> = b.keys().filter(|p| !h.contains_key(*p)).collect();
    let added: BTreeSet<&String> = h.keys().filter(|p| !b.contains_key(*p)).collect();
    for path in removed.iter().filter(|p| !under_any(p, &removed)) {
        let at = Location::of(bo, &b[*path].pointer, Side::Base);
        found.push(Found::new(k::FIELD_REMOVED, format!("field `{path}` removed"), at));
    }
    for path in added.iter().filter(|p| !under_any(p, &added)) {
        let node = &h[*path];
        let (kind, what) = if flag(node.value, "required") {
            (k::FIELD_ADDED_REQUIRED, "required")
        } else {
            (k::FIELD_ADDED, "optional")
        };
        found.push(Found::new(
            kind,
            format!("{what} field `{path}` added"),
            Location::of(ho, &node.pointer, Side::Head),
        ));
    }
    for (path, bn) in b {
        if let Some(hn) = h.get(path) {
            field(path, bn, hn, ho, found);
        }
    }
}

fn field(path: &str, b: &Node<'_>, h: &Node<'_>, ho: &Origin, found: &mut Vec<Found>) {
    let at = |key: &str| Location::of(ho, &format!("{}/{key}", h.pointer), Side::Head);
    for key in ["logicalType", "physicalType"] {
        let (was, now) = (text(b.value.get(key)), text(h.value.get(key)));
        if let Some(was) = was.filter(|w| Some(w.to_lowercase()) != now.as_ref().map(|n| n.to_lowercase())) {
            let now = now.map(|n| format!("`{n}`")).unwrap_or_else(|| "(none)".into());
            found.push(Found::new(
                k::FIELD_TYPE_CHANGED,
                format!("field `{path}`: {key} `{was}` → {now}"),
                at(key),
            ));
        }
    }
    match (flag(b.value, "required"), flag(h.value, "required")) {
        (false, true) => found.push(Found::new(
            k::FIELD_MADE_REQUIRED,
            format!("field `{path}` is now required"),
            at("required"),
        )),
        (true, false) => found.push(Found::new(
            k::FIELD_MADE_OPTIONAL,
            format!("field `{path}` is no longer required"),
            at("required"),
        )),
        _ => {}
    }
    let key_of = |v: &Value| (flag(v, "primaryKey"), v.get("primaryKeyPosition").cloned());
    if key_of(b.value) != key_of(h.value) {
        let key = if h.value.get("primaryKeyPosition") != b.value.get("primaryKeyPosition") {
            "primaryKeyPosition"
        } else {
            "primaryKey"
        };
        let (was, now) = (describe_key(b.value), describe_key(h.value));
        found.push(Found::new(
            k::FIELD_PRIMARY_KEY_CHANGED,
            format!("field `{path}`: primary key {was} → {now}"),
            at(key),
        ));
    }
    allowed_values(path, b, h, ho, found);
    let other = changed_keys(&without_allowed(b.value), &without_allowed(h.value), FIELD_KEYS);
    if let Some(first) = other.first() {
        found.push(Found::new(
            k::FIELD_CHANGED,
            format!("field `{path}`: {}", keys_sentence(&other)),
            at(first),
        ));
    }
}

fn describe_key(v: &Value) -> String {
    match (flag(v, "primaryKey"), v.get("primaryKeyPosition")) {
        (false, _) => "no".to_string(),
        (true, Some(pos)) => format!("yes (position {pos})"),
        (true, None) => "yes".to_string(),
    }
}

/// Allowed values of a field, as ODCS writes them: `enum` (v3.2, `{value}` items or scalars)
/// and `validValues` of quality rules (v3.0 on the rule, v3.1 under `arguments`). Each with
/// the pointer (relative to the field) where it is written.
fn allowed(field: &Value) -> (BTreeSet<String>, Option<String>) {
    let mut values = BTreeSet::new();
    let mut at = None;
    let mut add = |list: &[Value], ptr: String| {
        for v in list {
            values.insert(show(v.get("value").unwrap_or(v)));
        }
        if !list.is_empty() && at.is_none() {
            at = Some(ptr);
        }
    };
    add(items(field.get("enum")), "/enum".into());
    for (i, rule) in items(field.get("quality")).iter().enumerate() {
        add(items(rule.get("validValues")), format!("/quality/{i}/validValues"));
        add(
            items(rule.get("arguments").and_then(|a| a.get("validValues"))),
            format!("/quality/{i}/arguments/validValues"),
        );
    }
    (values, at)
}

/// A field without its allowed values, so a changed list is reported once (as an enum change)
/// and not again as a changed quality rule.
fn without_allowed(field: &Value) -> Value {
    let mut v = field.clone();
    if let Some(rules) = v.get_mut("quality").and_then(Value::as_array_mut) {
        for rule in rules.iter_mut().filter_map(Value::as_object_mut) {
            rule.remove("validValues");
            if let Some(args) = rule.get_mut("arguments").and_then(Value::as_object_mut) {
                args.remove("validValues");
            }
        }
    }
    v
}

fn allowed_values(path: &str, b: &Node<'_>, h: &Node<'_>, ho: &Origin, found: &mut Vec<Found>) {
    let ((was, _), (now, now_at)) = (allowed(b.value), allowed(h.value));
    if was.is_empty() || was == now {
        return;
    }
    let at = Location::of(
        ho,
        &format!("{}{}", h.pointer, now_at.as_deref().unwrap_or("")),
        Side::Head,
    );
    if now.is_empty() {
        found.push(Found::new(
            k::FIELD_ENUM_DROPPED,
            format!("field `{path}`: allowed values no longer listed"),
            at,
        ));
        return;
    }
    let removed: Vec<&str> = was.difference(&now).map(String::as_str).collect();
    let added: Vec<&str> = now.difference(&was).map(String::as_str).collect();
    let what = |list: &[&str]| {
        format!(
            "allowed {} {}",
            if list.len() == 1 { "value" } else { "values" },
            list.join(", ")
        )
    };
    if !removed.is_empty() {
        found.push(Found::new(
            k::FIELD_ENUM_VALUE_REMOVED,
            format!("field `{path}`: {} removed", what(&removed)),
            at.clone(),
        ));
    }
    if !added.is_empty() {
        found.push(Found::new(
            k::FIELD_ENUM_VALUE_ADDED,
            format!("field `{path}`: {} added", what(&added)),
            at,
        ));
    }
}

/// SLA items keyed by property and element (lower-cased), with their index.
fn sla_items(doc: &Value) -> BTreeMap<(String, String), (usize, &Value)> {
    let mut out = BTreeMap::new();
    for (i, item) in items(doc.get("slaProperties")).iter().enumerate() {
        let property = text(item.get("property")).unwrap_or_default().to_lowercase();
        let element = text(item.get("element")).unwrap_or_default().to_lowercase();
        out.entry((property, element)).or_insert((i, item));
    }
    out
}

fn sla_properties(base: &Contract, head: &Contract, found: &mut Vec<Found>) {
    let (b, h) = (sla_items(&base.origin.doc.value), sla_items(&head.origin.doc.value));
    let label = |item: &Value| {
        let p = text(item.get("property")).unwrap_or_default();
        match text(item.get("element")) {
            Some(e) => format!("`{p}` of `{e}`"),
            None => format!("`{p}`"),
        }
    };
    for (key, (i, bi)) in &b {
        match h.get(key) {
            None => {
                let at = Location::of(&base.origin, &format!("/slaProperties/{i}"), Side::Base);
                found.push(Found::new(
                    k::SLA_REMOVED,
                    format!("SLA {} ({}) removed", label(bi), sla::describe(bi)),
                    at,
                ));
            }
            Some((j, hi))
                if changed_keys(bi, hi, &[])
                    .iter()
                    .any(|k| k == "value" || k == "unit" || k == "valueExt") =>
            {
                let kind = sla::classify(&key.0, bi, hi);
                let msg = format!("SLA {}: {} → {}", label(hi), sla::describe(bi), sla::describe(hi));
                found.push(Found::new(
                    kind,
                    msg,
                    Location::of(&head.origin, &format!("/slaProperties/{j}/value"), Side::Head),
                ));
            }
            _ => {}
        }
    }
    for (_, (j, hi)) in h.iter().filter(|(key, _)| !b.contains_key(*key)) {
        let at = Location::of(&head.origin, &format!("/slaProperties/{j}"), Side::Head);
        found.push(Found::new(
            k::SLA_ADDED,
            format!("SLA {} ({}) added", label(hi), sla::describe(hi)),
            at,
        ));
    }
}

#[cfg(test)]
mod tests;
