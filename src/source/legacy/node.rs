//! The translated document while it is built: every value carries the JSON Pointer, in the
//! file as written, of the value it came from, so the finished document keeps the positions.

use crate::source::yaml::escape_token;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// A value of the translated document and where (in the original) it came from.
#[derive(Debug, Clone)]
pub struct Node {
    from: String,
    shape: Shape,
}

#[derive(Debug, Clone)]
enum Shape {
    Leaf(Value),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

/// `pointer` extended by one mapping key or list index.
pub fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape_token(key))
}

impl Node {
    pub fn leaf(value: impl Into<Value>, from: &str) -> Node {
        Node {
            from: from.to_string(),
            shape: Shape::Leaf(value.into()),
        }
    }

    /// `value` as it is, each part keeping its own place (`value` sits at `from`).
    pub fn copy(value: &Value, from: &str) -> Node {
        let shape = match value {
            Value::Array(items) => Shape::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Node::copy(v, &child(from, &i.to_string())))
                    .collect(),
            ),
            Value::Object(map) => Shape::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Node::copy(v, &child(from, k))))
                    .collect(),
            ),
            other => Shape::Leaf(other.clone()),
        };
        Node {
            from: from.to_string(),
            shape,
        }
    }

    pub fn map(from: &str) -> Node {
        Node {
            from: from.to_string(),
            shape: Shape::Map(Vec::new()),
        }
    }

    pub fn list(items: Vec<Node>, from: &str) -> Node {
        Node {
            from: from.to_string(),
            shape: Shape::List(items),
        }
    }

    /// Sets `key` of a mapping (replacing an earlier value); no effect on other shapes.
    pub fn set(&mut self, key: &str, node: Node) {
        if let Shape::Map(entries) = &mut self.shape {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = node,
                None => entries.push((key.to_string(), node)),
            }
        }
    }

    /// Sets `key` when `node` is there.
    pub fn set_some(&mut self, key: &str, node: Option<Node>) {
        if let Some(n) = node {
            self.set(key, n);
        }
    }

    /// Sets `key` to `node` unless it is an empty mapping or list.
    pub fn set_unless_empty(&mut self, key: &str, node: Node) {
        if !node.is_empty() {
            self.set(key, node);
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.shape {
            Shape::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, n)| n),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.shape {
            Shape::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, n)| n),
            _ => None,
        }
    }

    /// Appends to a list; no effect on other shapes.
    pub fn push(&mut self, node: Node) {
        if let Shape::List(items) = &mut self.shape {
            items.push(node);
        }
    }

    pub fn items_mut(&mut self) -> &mut [Node] {
        match &mut self.shape {
            Shape::List(items) => items,
            _ => &mut [],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.shape {
            Shape::Leaf(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        match &self.shape {
            Shape::Leaf(_) => false,
            Shape::List(items) => items.is_empty(),
            Shape::Map(entries) => entries.is_empty(),
        }
    }

    /// The value, and for each of its pointers the pointer it came from.
    pub fn finish(self) -> (Value, Vec<(String, String)>) {
        let mut origins = Vec::new();
        let value = self.emit("", &mut origins);
        (value, origins)
    }

    fn emit(self, pointer: &str, origins: &mut Vec<(String, String)>) -> Value {
        origins.push((pointer.to_string(), self.from));
        match self.shape {
            Shape::Leaf(v) => v,
            Shape::List(items) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, n)| n.emit(&child(pointer, &i.to_string()), origins))
                    .collect(),
            ),
            Shape::Map(entries) => {
                let mut map = Map::new();
                for (k, n) in entries {
                    let v = n.emit(&child(pointer, &k), origins);
                    map.insert(k, v);
                }
                Value::Object(map)
            }
        }
    }
}

/// A mapping of the original being translated: values are taken by key, and what no key of the
/// target takes is left for `customProperties`, so no value is dropped.
pub struct Fields<'a> {
    entries: Vec<(String, &'a Value, String)>,
    used: HashSet<String>,
}

impl<'a> Fields<'a> {
    /// The keys of `value` (at `pointer`); nothing when it is not a mapping.
    pub fn new(value: &'a Value, pointer: &str) -> Fields<'a> {
        let mut f = Fields {
            entries: Vec::new(),
            used: HashSet::new(),
        };
        f.overlay(value, pointer);
        f
    }

    /// Adds the keys of `value`, replacing keys already there (a field over its definition).
    pub fn overlay(&mut self, value: &'a Value, pointer: &str) {
        let Some(map) = value.as_object() else { return };
        for (k, v) in map {
            let entry = (k.clone(), v, child(pointer, k));
            match self.entries.iter_mut().find(|(key, _, _)| key == k) {
                Some(old) => *old = entry,
                None => self.entries.push(entry),
            }
        }
    }

    /// The value of `key` and its pointer, marking it taken.
    pub fn take(&mut self, key: &str) -> Option<(&'a Value, String)> {
        let (_, v, p) = self.entries.iter().find(|(k, _, _)| k == key)?;
        self.used.insert(key.to_string());
        Some((*v, p.clone()))
    }

    /// The value of `key` without taking it.
    pub fn peek(&self, key: &str) -> Option<(&'a Value, &str)> {
        self.entries
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, p)| (*v, p.as_str()))
    }

    /// Takes `key` when its value passes `fits`; otherwise it stays for `customProperties`.
    pub fn take_if(&mut self, key: &str, fits: impl Fn(&Value) -> bool) -> Option<(&'a Value, String)> {
        let (v, _) = self.peek(key)?;
        if fits(v) {
            self.take(key)
        } else {
            None
        }
    }

    /// Takes a text value (numbers and booleans written as text, e.g. `version: 1.0`).
    pub fn text(&mut self, key: &str) -> Option<Node> {
        let (v, p) = self.take_if(key, |v| as_text(v).is_some())?;
        Some(Node::leaf(as_text(v).unwrap_or_default(), &p))
    }

    /// Takes a value of the given shape as it is.
    pub fn copy_if(&mut self, key: &str, fits: impl Fn(&Value) -> bool) -> Option<Node> {
        self.take_if(key, fits).map(|(v, p)| Node::copy(v, &p))
    }

    /// The keys not taken, in the order written.
    pub fn rest(&self) -> impl Iterator<Item = (&str, &'a Value, &str)> + '_ {
        self.entries
            .iter()
            .filter(|(k, _, _)| !self.used.contains(k))
            .map(|(k, v, p)| (k.as_str(), *v, p.as_str()))
    }
}

/// A scalar as text: strings as they are, numbers and booleans as YAML wrote them.
pub fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn is_text_list(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
}

/// ODCS/ODPS `customProperties`: one `{property, value}` entry per value without another place.
#[derive(Default)]
pub struct Custom(Vec<Node>);

impl Custom {
    /// An entry for `value` (at `from`) under the name `property`.
    pub fn add(&mut self, property: &str, value: &Value, from: &str) {
        self.add_node(property, Node::copy(value, from), from);
    }

    pub fn add_node(&mut self, property: &str, value: Node, from: &str) {
        let mut entry = Node::map(from);
        entry.set("property", Node::leaf(property, from));
        entry.set("value", value);
        self.0.push(entry);
    }

    /// Every key `fields` left, under its own name.
    pub fn add_rest(&mut self, fields: &Fields) {
        for (k, v, p) in fields.rest() {
            self.add(k, v, p);
        }
    }

    /// Sets `customProperties` of `target` when there is any entry.
    pub fn put_into(self, target: &mut Node, from: &str) {
        if !self.0.is_empty() {
            target.set("customProperties", Node::list(self.0, from));
        }
    }
}

/// A `links` mapping (name → URL) as `authoritativeDefinitions` (`type` is the name); `None`
/// when a value is not text, so the mapping stays whole for `customProperties`.
pub fn links(fields: &mut Fields) -> Option<Node> {
    let (v, p) = fields.take_if("links", |v| {
        v.as_object().is_some_and(|m| m.values().all(Value::is_string))
    })?;
    let items = v
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, url)| {
            let at = child(&p, name);
            let mut d = Node::map(&at);
            d.set("type", Node::leaf(name.as_str(), &at));
            d.set("url", Node::copy(url, &at));
            d
        })
        .collect();
    Some(Node::list(items, &p))
}

/// `info.description` and `info.owner`, as both older formats write them: the description is
/// the ODCS/ODPS `description.purpose`, the owner names the `team`.
pub fn purpose_and_owner(f: &mut Fields, p: &str, out: &mut Node) {
    if let Some(purpose) = f.text("description") {
        let mut d = Node::map(p);
        d.set("purpose", purpose);
        out.set("description", d);
    }
    if let Some(owner) = f.text("owner") {
        let mut team = Node::map(&child(p, "owner"));
        team.set("name", owner);
        out.set("team", team);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finished_value_maps_each_pointer_to_its_origin() {
        let original = json!({"info": {"title": "T", "tags": ["a"]}});
        let mut out = Node::map("");
        let mut f = Fields::new(&original["info"], "/info");
        out.set_some("name", f.text("title"));
        let mut custom = Custom::default();
        custom.add_rest(&f);
        custom.put_into(&mut out, "/info");
        let (value, origins) = out.finish();
        assert_eq!(
            value,
            json!({"name": "T", "customProperties": [{"property": "tags", "value": ["a"]}]})
        );
        let from = |p: &str| origins.iter().find(|(to, _)| to == p).map(|(_, f)| f.as_str());
        assert_eq!(from("/name"), Some("/info/title"));
        assert_eq!(from("/customProperties/0/value/0"), Some("/info/tags/0"));
    }

    #[test]
    fn values_of_the_wrong_shape_are_left_for_custom_properties() {
        let original = json!({"title": {"nested": 1}, "links": {"a": "https://x", "b": 2}});
        let mut f = Fields::new(&original, "");
        assert!(f.text("title").is_none());
        assert!(links(&mut f).is_none());
        let rest: Vec<&str> = f.rest().map(|(k, _, _)| k).collect();
        assert_eq!(rest, ["title", "links"]);
    }

    #[test]
    fn overlay_replaces_keys_of_a_definition() {
        let def = json!({"type": "string", "description": "from the definition"});
        let field = json!({"description": "own"});
        let mut f = Fields::new(&def, "/definitions/d");
        f.overlay(&field, "/models/m/fields/x");
        assert_eq!(
            f.peek("description").map(|(_, p)| p),
            Some("/models/m/fields/x/description")
        );
        assert_eq!(f.peek("type").map(|(_, p)| p), Some("/definitions/d/type"));
    }
}
