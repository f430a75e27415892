//! Turning what a `deny_*` rule produced into diagnostics, and regorus errors into positions.

use crate::diag::{Diagnostic, Pos, Severity, Span};
use crate::model::Mesh;
use crate::source::yaml::escape_token;
use crate::source::YamlDoc;
use serde_json::Value;
use std::collections::HashMap;

/// Where a finding lands when it names no `file`: the product's descriptor for `deny_product`,
/// the rule in the policy file for `deny_mesh`.
pub struct Anchor<'a> {
    pub file: &'a str,
    pub doc: Option<&'a YamlDoc>,
    pub pos: Pos,
}

/// Position lookup for any file a finding may name.
pub struct Locator<'a> {
    docs: HashMap<&'a str, &'a YamlDoc>,
    mesh: &'a Mesh,
}

impl<'a> Locator<'a> {
    pub fn new(mesh: &'a Mesh) -> Self {
        let mut docs: HashMap<&str, &YamlDoc> = HashMap::new();
        for o in mesh
            .products
            .values()
            .map(|p| &p.origin)
            .chain(mesh.contracts.values().map(|c| &c.origin))
        {
            docs.insert(&o.file, &o.doc);
        }
        let pages = mesh
            .domains
            .values()
            .filter_map(|d| d.page.as_ref())
            .chain(mesh.teams.values().filter_map(|t| t.page.as_ref()))
            .chain(mesh.guides.iter())
            .chain(mesh.governance.iter())
            .chain(mesh.home.iter());
        for page in pages {
            docs.insert(&page.file, &page.front_doc);
        }
        Locator { docs, mesh }
    }

    /// The anchor for a finding that names `file`: its YAML positions when it has any, else
    /// 1:1 of any other file of the mesh.
    fn anchor(&self, file: &str) -> Option<Anchor<'a>> {
        if let Some((&file, &doc)) = self.docs.get_key_value(file) {
            return Some(Anchor {
                file,
                doc: Some(doc),
                pos: Pos::new(1, 1),
            });
        }
        let (file, _) = self.mesh.texts.get_key_value(file)?;
        Some(Anchor {
            file,
            doc: None,
            pos: Pos::new(1, 1),
        })
    }
}

/// Every finding of one rule result: a set or an array of finding objects (a bare string is
/// short for `{"msg": …}`, as in classic OPA `deny` rules). Malformed findings come back as
/// errors so they are reported, never dropped.
pub fn findings(result: &Value, rule_id: &str, anchor: &Anchor, loc: &Locator) -> Vec<Result<Diagnostic, String>> {
    match result {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().map(|f| finding(f, rule_id, anchor, loc)).collect(),
        other => vec![Err(format!(
            "the rule must be a set or array of findings, it is {}",
            kind(other)
        ))],
    }
}

fn finding(f: &Value, rule_id: &str, anchor: &Anchor, loc: &Locator) -> Result<Diagnostic, String> {
    let obj = match f {
        Value::String(msg) => {
            return Ok(Diagnostic::custom(
                Severity::Error,
                rule_id,
                anchor.file,
                anchor.pos,
                msg.clone(),
            ))
        }
        Value::Object(o) => o,
        other => return Err(format!("a finding must be an object with `msg`, got {}", kind(other))),
    };
    let msg = match obj.get("msg") {
        Some(Value::String(m)) if !m.trim().is_empty() => m.clone(),
        _ => return Err(format!("a finding has no `msg` text: {}", compact(f))),
    };
    let bad = |key: &str, why: &str| format!("finding `{msg}`: `{key}` {why}");
    let id = match obj.get("rule") {
        None | Some(Value::Null) => rule_id.to_string(),
        Some(Value::String(r)) if !r.is_empty() && !r.contains(char::is_whitespace) => format!("{rule_id}.{r}"),
        Some(_) => return Err(bad("rule", "must be a word without spaces")),
    };
    let severity = match obj.get("severity").map(|s| s.as_str().map(str::to_ascii_lowercase)) {
        None => Severity::Error,
        Some(Some(s)) if s == "error" => Severity::Error,
        Some(Some(s)) if s == "warning" => Severity::Warning,
        Some(Some(s)) if s == "info" => Severity::Info,
        Some(_) => return Err(bad("severity", "must be `error`, `warning` or `info`")),
    };
    let hint = match obj.get("hint") {
        None | Some(Value::Null) => None,
        Some(Value::String(h)) => Some(h.clone()),
        Some(_) => return Err(bad("hint", "must be text")),
    };
    let (file, pos) = locate(obj, anchor, loc).map_err(|(key, why)| bad(key, &why))?;
    let mut d = Diagnostic::custom(severity, &id, file, pos, msg);
    d.hint = hint;
    Ok(d)
}

/// The file and position of a finding: `file` picks the document (default: the anchor's),
/// `path` the value in it, falling back to the nearest ancestor that exists, then 1:1.
fn locate<'a>(
    obj: &serde_json::Map<String, Value>,
    anchor: &Anchor<'a>,
    loc: &Locator<'a>,
) -> Result<(&'a str, Span), (&'static str, String)> {
    let target = match obj.get("file") {
        None | Some(Value::Null) => None,
        Some(Value::String(f)) if f == anchor.file => None,
        Some(Value::String(f)) => match loc.anchor(f) {
            Some(a) => Some(a),
            None => return Err(("file", format!("names `{f}`, which is not a file of the mesh"))),
        },
        Some(_) => return Err(("file", "must be a path relative to the mesh root".to_string())),
    };
    let anchor = target.as_ref().unwrap_or(anchor);
    let pointer = match obj.get("path") {
        None | Some(Value::Null) => return Ok((anchor.file, anchor.pos.into())),
        Some(p) => pointer(p).ok_or((
            "path",
            "must be a JSON Pointer or an array of keys and indexes".to_string(),
        ))?,
    };
    Ok((
        anchor.file,
        anchor.doc.map(|d| d.span(&pointer)).unwrap_or(anchor.pos.into()),
    ))
}

/// A JSON Pointer from `"/a/0/b"`, `"a/0/b"` or `["a", 0, "b"]`.
pub fn pointer(path: &Value) -> Option<String> {
    match path {
        Value::String(s) if s.is_empty() || s.starts_with('/') => Some(s.clone()),
        Value::String(s) => Some(format!("/{s}")),
        Value::Array(segments) => segments
            .iter()
            .map(|s| match s {
                Value::String(k) => Some(format!("/{}", escape_token(k))),
                Value::Number(n) if n.is_u64() => Some(format!("/{n}")),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A finding as short JSON for an error message.
fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}…", s.chars().take(120).collect::<String>())
    } else {
        s
    }
}

/// A regorus error split into the policy position it names and its message. regorus formats
/// errors as `\n--> file:line:col\n<snippet>\nerror: message`; anything else is kept whole.
pub fn parse_error(text: &str) -> (Option<(String, Pos)>, String) {
    let at = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .and_then(|loc| {
            let mut parts = loc.rsplitn(3, ':');
            let col = parts.next()?.trim().parse().ok()?;
            let line = parts.next()?.trim().parse().ok()?;
            Some((parts.next()?.to_string(), Pos::new(line, col)))
        });
    let message = match text.lines().rev().find_map(|l| l.strip_prefix("error: ")) {
        Some(m) if at.is_some() => m.trim().to_string(),
        _ => text.trim().to_string(),
    };
    (at, message)
}
