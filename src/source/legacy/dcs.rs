//! Data Contract Specification (`dataContractSpecification: 0.9.0` … `1.2.1`) to ODCS v3.1.0.
//!
//! Where each part goes: `info` → name, version, status, description.purpose, team, support;
//! `terms` → description (usage, limitations; the rest in its customProperties); `servers`
//! (a mapping) → `servers` (a list, keys a server type does not have in ODCS go to its
//! customProperties); `models` → `schema`, fields → properties (local `$ref`s to `definitions`
//! resolved); `servicelevels` → `slaProperties`; the 0.9 `quality` block → a custom quality
//! rule of the first object; `links` → authoritativeDefinitions. Everything else (`x-` keys,
//! `definitions`, `examples`, `pii`, `enum`, `config`, …) goes to the `customProperties` of the
//! nearest object, under its own name, so every value stays visible; the version line itself
//! stays as the `dataContractSpecification` custom property, saying where the file came from.

use super::node::{child, is_text_list, links, Custom, Fields, Node};
use super::ODCS_TARGET;
use crate::check::rules::RuleId;
use crate::diag::Diagnostic;
use crate::source::YamlDoc;
use crate::standards::ODCS_SERVER_KEYS;
use serde_json::Value;

/// What the translation of one file needs besides the value: where findings go.
pub struct Cx<'a> {
    pub rel: &'a str,
    pub doc: &'a YamlDoc,
    pub findings: Vec<Diagnostic>,
    /// The `$ref`s being followed, innermost last: a definition that refers to itself is
    /// reported instead of followed forever.
    pub following: Vec<String>,
}

/// The ODCS equivalent of a DCS document.
pub fn contract(cx: &mut Cx) -> Node {
    let root = &cx.doc.value;
    let mut f = Fields::new(root, "");
    let mut out = Node::map("");
    let spec = "/dataContractSpecification";

    out.set("apiVersion", Node::leaf(ODCS_TARGET, spec));
    out.set("kind", Node::leaf("DataContract", spec));
    out.set_some("id", f.text("id"));
    let mut custom = Custom::default();
    if let Some((info, p)) = f.take_if("info", Value::is_object) {
        info_block(info, &p, &mut out, &mut custom);
    }
    if let Some((terms, p)) = f.take_if("terms", Value::is_object) {
        terms_block(terms, &p, &mut out);
    }
    if let Some((servers, p)) = f.take_if("servers", Value::is_object) {
        out.set_unless_empty("servers", servers_list(servers, &p));
    }
    if let Some((models, p)) = f.take_if("models", Value::is_object) {
        out.set_unless_empty("schema", schema(cx, models, &p));
    }
    if let Some((quality, p)) = f.take_if("quality", Value::is_object) {
        contract_quality(quality, &p, &mut out, &mut custom);
    }
    if let Some((levels, p)) = f.take_if("servicelevels", Value::is_object) {
        out.set_unless_empty("slaProperties", service_levels(levels, &p, &mut custom));
    }
    out.set_some("tags", f.copy_if("tags", is_text_list));
    out.set_some("authoritativeDefinitions", links(&mut f));
    custom.add_rest(&f);
    custom.put_into(&mut out, "");
    out
}

fn info_block(info: &Value, p: &str, out: &mut Node, custom: &mut Custom) {
    let mut f = Fields::new(info, p);
    out.set_some("name", f.text("title"));
    out.set_some("version", f.text("version"));
    out.set_some("status", f.text("status"));
    super::node::purpose_and_owner(&mut f, p, out);
    if let Some((contact, cp)) = f.take_if("contact", Value::is_object) {
        out.set_unless_empty("support", support(contact, &cp));
    }
    custom.add_rest(&f);
}

/// `info.contact` (name, url, email) as support channels: one for the URL, one for the email.
fn support(contact: &Value, p: &str) -> Node {
    let mut f = Fields::new(contact, p);
    let name = f.text("name");
    let mut channels = Node::list(Vec::new(), p);
    let channel = |name: &Option<Node>, fallback: Node| name.clone().unwrap_or(fallback);
    if let Some(url) = f.text("url") {
        let mut c = Node::map(p);
        c.set("channel", channel(&name, Node::leaf("contact", p)));
        c.set("url", url);
        channels.push(c);
    }
    if let Some(email) = f.text("email") {
        let address = email.as_str().unwrap_or_default().to_string();
        let at = child(p, "email");
        let mut c = Node::map(&at);
        c.set("channel", channel(&name, Node::leaf(address.as_str(), &at)));
        c.set("url", Node::leaf(format!("mailto:{address}"), &at));
        c.set("tool", Node::leaf("email", &at));
        channels.push(c);
    }
    if channels.is_empty() {
        let mut c = Node::map(p);
        c.set("channel", channel(&name, Node::leaf("contact", p)));
        channels.push(c);
    }
    let mut custom = Custom::default();
    custom.add_rest(&f);
    if let Some(first) = channels.items_mut().first_mut() {
        custom.put_into(first, p);
    }
    channels
}

fn terms_block(terms: &Value, p: &str, out: &mut Node) {
    let mut f = Fields::new(terms, p);
    if out.get("description").is_none() {
        out.set("description", Node::map(p));
    }
    let Some(d) = out.get_mut("description") else { return };
    d.set_some("usage", f.text("usage"));
    d.set_some("limitations", f.text("limitations"));
    let mut custom = Custom::default();
    custom.add_rest(&f);
    custom.put_into(d, p);
}

// ---------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------

/// The keys of ODCS's `custom` server type: where a server of a type ODCS does not know goes.
fn custom_server_keys() -> &'static [&'static str] {
    ODCS_SERVER_KEYS
        .iter()
        .find(|(t, _)| *t == "custom")
        .map_or(&[], |(_, keys)| *keys)
}

fn servers_list(servers: &Value, p: &str) -> Node {
    let items = servers
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, s)| s.is_object())
        .map(|(name, s)| server(name, s, &child(p, name)))
        .collect();
    Node::list(items, p)
}

fn server(name: &str, s: &Value, p: &str) -> Node {
    let mut f = Fields::new(s, p);
    let mut out = Node::map(p);
    out.set("server", Node::leaf(name, p));
    let written = f.peek("type").and_then(|(v, _)| v.as_str()).map(str::to_lowercase);
    let known = written
        .as_deref()
        .and_then(|t| ODCS_SERVER_KEYS.iter().find(|(k, _)| *k == t && *k != "custom"));
    let (server_type, keys) = match known {
        Some((t, keys)) => {
            let (_, tp) = f.take("type").unwrap_or((&Value::Null, p.to_string()));
            (Node::leaf(*t, &tp), *keys)
        }
        // An unknown type stays under customProperties `type`, as written.
        None => (Node::leaf("custom", p), custom_server_keys()),
    };
    out.set("type", server_type);
    out.set_some("description", f.text("description"));
    out.set_some("environment", f.text("environment"));
    for key in keys {
        if *key == "port" {
            out.set_some("port", f.copy_if("port", |v| v.is_u64()));
        } else {
            out.set_some(key, f.text(key));
        }
    }
    if let Some((roles, rp)) = f.take_if("roles", |v| {
        v.as_array()
            .is_some_and(|a| a.iter().all(|r| r.get("name").is_some_and(Value::is_string)))
    }) {
        out.set_unless_empty("roles", server_roles(roles, &rp));
    }
    let mut custom = Custom::default();
    custom.add_rest(&f);
    custom.put_into(&mut out, p);
    out
}

fn server_roles(roles: &Value, p: &str) -> Node {
    let items = roles
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, r)| {
            let rp = child(p, &i.to_string());
            let mut f = Fields::new(r, &rp);
            let mut role = Node::map(&rp);
            role.set_some("role", f.text("name"));
            role.set_some("description", f.text("description"));
            let mut custom = Custom::default();
            custom.add_rest(&f);
            custom.put_into(&mut role, &rp);
            role
        })
        .collect();
    Node::list(items, p)
}

// ---------------------------------------------------------------------------------------
// Service levels and the 0.9 quality block
// ---------------------------------------------------------------------------------------

/// Each service level: the key that holds its value, the key naming the field it applies to,
/// and the key holding a cron schedule.
const LEVELS: &[(&str, &str, &str, &str)] = &[
    ("availability", "percentage", "", ""),
    ("retention", "period", "timestampField", ""),
    ("latency", "threshold", "", ""),
    ("freshness", "threshold", "timestampField", ""),
    ("frequency", "interval", "", "cron"),
    ("support", "time", "", ""),
    ("backup", "interval", "", "cron"),
];

fn is_scalar(v: &Value) -> bool {
    !v.is_object() && !v.is_array()
}

/// One SLA property per service level; the level's other keys (ODCS v3.1.0 gives an SLA
/// property no customProperties) as SLA properties named `<level>.<key>`, or, when not a
/// single value, as contract custom properties of that name.
fn service_levels(levels: &Value, p: &str, custom: &mut Custom) -> Node {
    let mut items = Vec::new();
    for (name, level) in levels.as_object().into_iter().flatten() {
        let lp = child(p, name);
        let (_, value_key, element_key, cron_key) = LEVELS
            .iter()
            .find(|(n, ..)| *n == name)
            .copied()
            .unwrap_or(("", "", "", ""));
        let mut f = Fields::new(level, &lp);
        let mut out = Node::map(&lp);
        out.set("property", Node::leaf(name.as_str(), &lp));
        let value = match level {
            Value::Object(_) => f.copy_if(value_key, is_scalar),
            scalar if is_scalar(scalar) => Some(Node::copy(scalar, &lp)),
            other => {
                custom.add(&format!("servicelevels.{name}"), other, &lp);
                continue;
            }
        };
        out.set("value", value.unwrap_or_else(|| Node::leaf(Value::Null, &lp)));
        out.set_some("element", f.text(element_key));
        out.set_some("schedule", f.text(cron_key));
        out.set_some("description", f.text("description"));
        items.push(out);
        for (key, v, kp) in f.rest() {
            let property = format!("{name}.{key}");
            if !is_scalar(v) {
                custom.add(&format!("servicelevels.{property}"), v, kp);
                continue;
            }
            let mut extra = Node::map(kp);
            extra.set("property", Node::leaf(property, kp));
            extra.set("value", Node::copy(v, kp));
            items.push(extra);
        }
    }
    Node::list(items, p)
}

/// The 0.9 contract-wide `quality` block (SodaCL, Monte Carlo, Great Expectations, custom) as a
/// custom rule of the first schema object (ODCS keeps quality per object); without objects it
/// stays under customProperties.
fn contract_quality(quality: &Value, p: &str, out: &mut Node, custom: &mut Custom) {
    let fits = quality.get("type").is_some_and(Value::is_string)
        && quality
            .get("specification")
            .is_some_and(|s| s.is_string() || s.is_object());
    let first = out.get_mut("schema").and_then(|s| s.items_mut().first_mut());
    let Some(object) = first.filter(|_| fits) else {
        custom.add("quality", quality, p);
        return;
    };
    let mut f = Fields::new(quality, p);
    let mut rule = Node::map(p);
    rule.set("type", Node::leaf("custom", p));
    // The engine as the 0.9 `type` names it (SodaCL, montecarlo, great-expectations, custom).
    rule.set_some("engine", f.text("type"));
    rule.set_some("implementation", f.copy_if("specification", |_| true));
    let mut rest = Custom::default();
    rest.add_rest(&f);
    rest.put_into(&mut rule, p);
    if object.get("quality").is_none() {
        object.set("quality", Node::list(Vec::new(), p));
    }
    if let Some(list) = object.get_mut("quality") {
        list.push(rule);
    }
}

// ---------------------------------------------------------------------------------------
// Models and fields
// ---------------------------------------------------------------------------------------

fn schema(cx: &mut Cx, models: &Value, p: &str) -> Node {
    let items = models
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, m)| m.is_object())
        .map(|(name, m)| model(cx, name, m, &child(p, name)))
        .collect();
    Node::list(items, p)
}

fn model(cx: &mut Cx, name: &str, m: &Value, p: &str) -> Node {
    let mut f = Fields::new(m, p);
    let mut out = Node::map(p);
    out.set("name", Node::leaf(name, p));
    out.set("logicalType", Node::leaf("object", p));
    out.set_some("physicalType", f.text("type"));
    out.set_some("businessName", f.text("title"));
    out.set_some("description", f.text("description"));
    if let Some((fields, fp)) = f.take_if("fields", Value::is_object) {
        let mut props = properties(cx, fields, &fp);
        if let Some((keys, kp)) = f.take_if("primaryKey", is_text_list) {
            mark_primary_keys(&mut props, keys, &kp);
        }
        out.set_unless_empty("properties", props);
    }
    if let Some((rules, qp)) = f.take_if("quality", Value::is_array) {
        out.set_unless_empty("quality", quality_rules(rules, &qp));
    }
    out.set_some("tags", f.copy_if("tags", is_text_list));
    out.set_some("authoritativeDefinitions", links(&mut f));
    let mut custom = Custom::default();
    custom.add_rest(&f);
    custom.put_into(&mut out, p);
    out
}

/// A model's `primaryKey: [a, b]` as `primaryKey` and `primaryKeyPosition` on its properties.
fn mark_primary_keys(props: &mut Node, keys: &Value, p: &str) {
    for (i, key) in keys.as_array().into_iter().flatten().enumerate() {
        let kp = child(p, &i.to_string());
        let found = props
            .items_mut()
            .iter_mut()
            .find(|prop| prop.get("name").and_then(Node::as_str) == key.as_str());
        if let Some(prop) = found {
            prop.set("primaryKey", Node::leaf(true, &kp));
            prop.set("primaryKeyPosition", Node::leaf(i as u64 + 1, &kp));
        }
    }
}

fn properties(cx: &mut Cx, fields: &Value, p: &str) -> Node {
    let items = fields
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| v.is_object())
        .map(|(name, v)| property(cx, Some(name), v, &child(p, name)))
        .collect();
    Node::list(items, p)
}

/// ODCS logical type of a DCS field type; `None` for types ODCS has no logical type for
/// (bytes, variant, json, null), which keep their `physicalType` only.
fn logical_type(dcs: &str) -> Option<&'static str> {
    Some(match dcs.to_ascii_lowercase().as_str() {
        "number" | "decimal" | "numeric" | "float" | "double" => "number",
        "int" | "integer" | "long" | "bigint" => "integer",
        "string" | "text" | "varchar" => "string",
        "boolean" => "boolean",
        "timestamp" | "timestamp_tz" | "timestamp_ntz" => "timestamp",
        "date" => "date",
        "time" => "time",
        "array" => "array",
        "object" | "record" | "struct" | "map" => "object",
        _ => return None,
    })
}

/// A field (or `items`, which has no name) with its local `$ref` resolved.
fn property(cx: &mut Cx, name: Option<&str>, v: &Value, p: &str) -> Node {
    let mut f = Fields::new(v, p);
    let mut followed = false;
    if let Some((target, tp)) = f.peek("$ref").map(|(t, tp)| (t.clone(), tp.to_string())) {
        if let Some((definition, dp)) = definition(cx, &target, &tp) {
            f = Fields::new(definition, &dp);
            f.overlay(v, p);
            cx.following.push(dp);
            followed = true;
        }
    }
    let out = property_of(cx, name, &mut f, p);
    if followed {
        cx.following.pop();
    }
    out
}

fn property_of(cx: &mut Cx, name: Option<&str>, f: &mut Fields, p: &str) -> Node {
    let mut out = Node::map(p);
    if let Some(name) = name {
        out.set("name", Node::leaf(name, p));
    }
    let logical = f.peek("type").and_then(|(t, _)| t.as_str()).and_then(logical_type);
    out.set_some("physicalType", f.text("type"));
    out.set_some("logicalType", logical.map(|l| Node::leaf(l, p)));
    out.set_some("businessName", f.text("title"));
    out.set_some("description", f.text("description"));
    for key in ["required", "unique", "primaryKey"] {
        out.set_some(key, f.copy_if(key, Value::is_boolean));
    }
    if out.get("primaryKey").is_none() {
        out.set_some("primaryKey", f.copy_if("primary", Value::is_boolean));
    }
    out.set_some("classification", f.text("classification"));
    out.set_some("tags", f.copy_if("tags", is_text_list));
    out.set_some("logicalTypeOptions", type_options(f, logical, p));
    examples(f, &mut out);
    nested(cx, f, &mut out);
    if let Some((target, rp)) = f.take_if("references", |r| r.as_str().is_some_and(is_reference)) {
        let mut rel = Node::map(&rp);
        rel.set("to", Node::copy(target, &rp));
        out.set("relationships", Node::list(vec![rel], &rp));
    }
    out.set_some("authoritativeDefinitions", links(f));
    let mut custom = Custom::default();
    custom.add_rest(f);
    custom.put_into(&mut out, p);
    out
}

/// Nested `fields`, array `items` and field-level `quality`.
fn nested(cx: &mut Cx, f: &mut Fields, out: &mut Node) {
    if let Some((fields, fp)) = f.take_if("fields", Value::is_object) {
        out.set_unless_empty("properties", properties(cx, fields, &fp));
    }
    if let Some((items, ip)) = f.take_if("items", Value::is_object) {
        out.set("items", property(cx, None, items, &ip));
    }
    if let Some((rules, qp)) = f.take_if("quality", Value::is_array) {
        out.set_unless_empty("quality", quality_rules(rules, &qp));
    }
}

/// `example: x` and `examples: [..]` as ODCS `examples`.
fn examples(f: &mut Fields, out: &mut Node) {
    if let Some(list) = f.copy_if("examples", Value::is_array) {
        out.set("examples", list);
    } else if let Some((one, ep)) = f.take_if("example", |e| !e.is_array() && !e.is_object()) {
        out.set("examples", Node::list(vec![Node::copy(one, &ep)], &ep));
    }
}

/// The ODCS reference form `object.property` (a DCS `references` such as `orders.order_id`).
fn is_reference(r: &str) -> bool {
    let ident = |s: &str| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let parts: Vec<&str> = r.split('.').collect();
    parts.len() >= 2 && parts.iter().all(|p| ident(p))
}

/// The value keys of `logicalTypeOptions` for a logical type, and whether each takes a number.
fn option_keys(logical: &str) -> &'static [(&'static str, bool)] {
    match logical {
        "string" => &[
            ("minLength", true),
            ("maxLength", true),
            ("pattern", false),
            ("format", false),
        ],
        "date" | "timestamp" | "time" => &[
            ("format", false),
            ("minimum", false),
            ("maximum", false),
            ("exclusiveMinimum", false),
            ("exclusiveMaximum", false),
        ],
        "integer" | "number" => &[
            ("minimum", true),
            ("maximum", true),
            ("exclusiveMinimum", true),
            ("exclusiveMaximum", true),
        ],
        _ => &[],
    }
}

fn type_options(f: &mut Fields, logical: Option<&str>, p: &str) -> Option<Node> {
    let mut options = Node::map(p);
    for (key, number) in option_keys(logical.unwrap_or("")) {
        let fits = |v: &Value| match (number, key) {
            (true, k) if k.ends_with("Length") => v.is_u64(),
            (true, _) => v.is_number(),
            (false, _) => v.is_string(),
        };
        options.set_some(key, f.copy_if(key, fits));
    }
    (!options.is_empty()).then_some(options)
}

/// Follows a `$ref`: `#/definitions/<name>` in the same file is resolved; a remote URL or
/// another file is reported and kept (under customProperties `$ref`).
fn definition<'v>(cx: &mut Cx<'v>, target: &Value, at: &str) -> Option<(&'v Value, String)> {
    let text = target.as_str()?;
    let doc = cx.doc;
    let remote = text.starts_with("http://") || text.starts_with("https://");
    if let Some(pointer) = text.strip_prefix('#') {
        if cx.following.iter().any(|f| f == pointer) {
            cx.findings.push(
                RuleId::DescriptorRefUnresolved
                    .at(
                        cx.rel,
                        doc.span(at),
                        format!("`$ref: {text}` refers back to a definition it is part of"),
                    )
                    .with_hint("a definition cannot contain itself: remove this `$ref` or point it elsewhere"),
            );
            return None;
        }
        if let Some(found) = doc.value.pointer(pointer).filter(|d| d.is_object()) {
            return Some((found, pointer.to_string()));
        }
        cx.findings.push(
            RuleId::DescriptorRefUnresolved
                .at(
                    cx.rel,
                    doc.span(at),
                    format!("`$ref: {text}` names nothing in this file"),
                )
                .with_hint("point `$ref` at an entry of `definitions`, e.g. '#/definitions/order_id'"),
        );
        return None;
    }
    let (rule, message, hint) = if remote {
        (
            RuleId::DescriptorRefRemote,
            format!("`$ref: {text}` is a remote URL; meshport never reads the network, so the field shows only what it says itself"),
            "copy the definition into `definitions` of this file and refer to it as '#/definitions/<name>'",
        )
    } else {
        (
            RuleId::DescriptorRefUnresolved,
            format!("`$ref: {text}` names another file; only references into this file's `definitions` are resolved"),
            "copy the definition into `definitions` of this file and refer to it as '#/definitions/<name>'",
        )
    };
    cx.findings.push(rule.at(cx.rel, doc.span(at), message).with_hint(hint));
    None
}

// ---------------------------------------------------------------------------------------
// Quality rules (1.x, per model and field)
// ---------------------------------------------------------------------------------------

/// DCS quality keys ODCS has under the same name.
const RULE_KEYS: &[&str] = &[
    "name",
    "description",
    "metric",
    "rule",
    "query",
    "engine",
    "unit",
    "method",
    "severity",
    "businessImpact",
    "schedule",
    "scheduler",
];

const OPERATORS: &[(&str, &str)] = &[
    ("mustBe", "mustBe"),
    ("mustNotBe", "mustNotBe"),
    ("mustBeGreaterThan", "mustBeGreaterThan"),
    ("mustBeGreaterOrEqualTo", "mustBeGreaterOrEqualTo"),
    ("mustBeGreaterThanOrEqualTo", "mustBeGreaterOrEqualTo"),
    ("mustBeLessThan", "mustBeLessThan"),
    ("mustBeLessOrEqualTo", "mustBeLessOrEqualTo"),
    ("mustBeLessThanOrEqualTo", "mustBeLessOrEqualTo"),
    ("mustBeBetween", "mustBeBetween"),
    ("mustNotBeBetween", "mustNotBeBetween"),
];

const DIMENSIONS: &[&str] = &[
    "accuracy",
    "completeness",
    "conformity",
    "consistency",
    "coverage",
    "timeliness",
    "uniqueness",
];

fn quality_rules(rules: &Value, p: &str) -> Node {
    let items = rules
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, r)| quality_rule(r, &child(p, &i.to_string())))
        .collect();
    Node::list(items, p)
}

fn quality_rule(r: &Value, p: &str) -> Node {
    let mut f = Fields::new(r, p);
    let mut out = Node::map(p);
    out.set_some(
        "type",
        f.copy_if("type", |t| {
            t.as_str()
                .is_some_and(|t| ["text", "library", "sql", "custom"].contains(&t))
        }),
    );
    for key in RULE_KEYS {
        out.set_some(key, f.text(key));
    }
    out.set_some(
        "dimension",
        f.copy_if("dimension", |d| d.as_str().is_some_and(|d| DIMENSIONS.contains(&d))),
    );
    out.set_some("arguments", f.copy_if("arguments", Value::is_object));
    out.set_some(
        "implementation",
        f.copy_if("implementation", |i| i.is_string() || i.is_object()),
    );
    out.set_some("tags", f.copy_if("tags", is_text_list));
    for (dcs, odcs) in OPERATORS {
        let pair = |v: &Value| {
            v.as_array()
                .is_some_and(|a| a.len() == 2 && a.iter().all(Value::is_number))
        };
        let fits = |v: &Value| match *odcs {
            "mustBe" | "mustNotBe" => !v.is_object() && !v.is_array(),
            "mustBeBetween" | "mustNotBeBetween" => pair(v),
            _ => v.is_number(),
        };
        if out.get(odcs).is_none() {
            out.set_some(odcs, f.copy_if(dcs, fits));
        }
    }
    let mut custom = Custom::default();
    custom.add_rest(&f);
    custom.put_into(&mut out, p);
    out
}
