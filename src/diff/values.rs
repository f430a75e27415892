//! Small helpers over descriptor values as written (JSON values of the YAML documents).

use serde_json::Value;
use std::collections::BTreeSet;

/// Keys of two mappings whose values differ, ignoring `skip`, sorted.
pub fn changed_keys(base: &Value, head: &Value, skip: &[&str]) -> Vec<String> {
    let empty = serde_json::Map::new();
    let (b, h) = (base.as_object().unwrap_or(&empty), head.as_object().unwrap_or(&empty));
    let keys: BTreeSet<&String> = b.keys().chain(h.keys()).collect();
    keys.into_iter()
        .filter(|k| !skip.contains(&k.as_str()) && b.get(*k) != h.get(*k))
        .cloned()
        .collect()
}

/// "`a`, `b` changed" for a list of keys.
pub fn keys_sentence(keys: &[String]) -> String {
    let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    format!("{} changed", list.join(", "))
}

/// A scalar as text (strings as they are, numbers and booleans printed), `None` otherwise.
pub fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The items of a list value (nothing when it is not a list).
pub fn items(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// `yes`/`no`-style boolean of a key, `false` when absent or not a boolean.
pub fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A scalar shown in a message: strings quoted with backticks, the rest as JSON.
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changed_keys_lists_differences_and_skips() {
        let a = json!({"name": "x", "description": "old", "tags": ["a"], "schema": 1});
        let b = json!({"name": "x", "description": "new", "owner": "o", "schema": 2});
        assert_eq!(changed_keys(&a, &b, &["schema"]), ["description", "owner", "tags"]);
        assert_eq!(keys_sentence(&["a".into(), "b".into()]), "`a`, `b` changed");
    }
}
