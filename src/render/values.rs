//! Generic rendering of descriptor values the portal has no dedicated view for (custom
//! properties, unknown keys, quality rules, servers): every key and value stays visible,
//! escaped, and only safe URLs become links.

use super::views::{KeyValue, KeyValues};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub use crate::highlight::escape_html as esc;

/// The URL if it is safe to link to: http(s), mailto, or relative without a scheme.
/// `javascript:`, `data:`, `vbscript:` and every other scheme are refused.
pub fn safe_url(url: &str) -> Option<String> {
    let trimmed = url.trim();
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    let lower = cleaned.to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let first_sep = lower.find(['/', '?', '#']);
    let has_scheme =
        matches!((scheme_end, first_sep), (Some(c), Some(s)) if c < s) || (scheme_end.is_some() && first_sep.is_none());
    if !has_scheme {
        return (!trimmed.is_empty()).then(|| trimmed.to_string());
    }
    let ok = lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:");
    ok.then(|| trimmed.to_string())
}

/// A scalar as display text.
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// Text that looks like a URL becomes a link when its scheme is safe.
fn text_html(s: &str) -> String {
    let looks_like_url = s.starts_with("http://") || s.starts_with("https://") || s.starts_with("mailto:");
    match safe_url(s).filter(|_| looks_like_url) {
        Some(u) => format!("<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>", esc(&u), esc(s)),
        None => esc(s),
    }
}

/// Any value as HTML: scalars as text, lists as `<ul>`, mappings as `<dl>`, and the common
/// ODPS/ODCS shapes (`{property, value}` custom properties, `{type, url}` definitions) compactly.
pub fn value_html(v: &Value) -> String {
    match v {
        Value::String(s) => text_html(s),
        Value::Array(items) if items.is_empty() => "<span class=\"empty\">(none)</span>".to_string(),
        Value::Array(items) if items.iter().all(is_property_pair) => property_table(items),
        Value::Array(items) => {
            let mut out = String::from("<ul class=\"values\">");
            for i in items {
                let _ = write!(out, "<li>{}</li>", value_html(i));
            }
            out.push_str("</ul>");
            out
        }
        Value::Object(map) if map.is_empty() => "<span class=\"empty\">(empty)</span>".to_string(),
        Value::Object(map) => {
            let mut out = String::from("<dl class=\"values\">");
            for (k, v) in map {
                let _ = write!(
                    out,
                    "<dt title=\"{}\">{}</dt><dd>{}</dd>",
                    esc(k),
                    esc(&key_label(k)),
                    value_html(v)
                );
            }
            out.push_str("</dl>");
            out
        }
        other => esc(&scalar_text(other)),
    }
}

fn is_property_pair(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.contains_key("property") && m.keys().all(|k| k == "property" || k == "value" || k == "description")
    })
}

fn property_table(items: &[Value]) -> String {
    let mut out = String::from("<table class=\"props\"><thead><tr><th>Property</th><th>Value</th></tr></thead><tbody>");
    for i in items {
        let prop = i.get("property").map(scalar_text).unwrap_or_default();
        let value = i.get("value").map(value_html).unwrap_or_else(|| "—".into());
        let desc = i
            .get("description")
            .map(|d| format!("<div class=\"muted\">{}</div>", value_html(d)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td><code>{}</code>{desc}</td><td>{value}</td></tr>",
            esc(&prop)
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// Keys not given a dedicated place on the page, as a definition list (empty when none).
pub fn extra_html(extra: &BTreeMap<String, Value>) -> String {
    if extra.is_empty() {
        return String::new();
    }
    let mut out = String::from("<dl class=\"extra\">");
    for (k, v) in extra {
        let _ = write!(
            out,
            "<dt title=\"{}\">{}</dt><dd>{}</dd>",
            esc(k),
            esc(&key_label(k)),
            value_html(v)
        );
    }
    out.push_str("</dl>");
    out
}

/// A spec key as a label in words ("dataGranularityDescription" → "Data granularity
/// description"); the key as written stays in the element's `title` and the raw YAML view.
pub fn key_label(key: &str) -> String {
    let words = super::readable::words(key);
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A record (quality rule, SLA entry, role, server) as labelled values in file order, titled by
/// the first of `title_keys` present.
pub fn key_values(v: &Value, title_keys: &[&str], fallback: &str) -> KeyValues {
    let title = title_keys
        .iter()
        .find_map(|k| v.get(*k).filter(|x| !x.is_null()).map(scalar_text))
        .unwrap_or_else(|| fallback.to_string());
    let items = match v {
        Value::Object(map) => map
            .iter()
            .map(|(k, val)| KeyValue {
                key: k.clone(),
                value_html: value_html(val),
            })
            .collect(),
        other => vec![KeyValue {
            key: "value".into(),
            value_html: value_html(other),
        }],
    };
    KeyValues { title, items }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unsafe_urls_refused() {
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url(" JaVaScRiPt:alert(1)"), None);
        assert_eq!(safe_url("java\tscript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,x"), None);
        assert_eq!(safe_url("jdbc:postgresql://h/db"), None);
        assert_eq!(safe_url("https://x.example/a").as_deref(), Some("https://x.example/a"));
        assert_eq!(safe_url("mailto:a@b").as_deref(), Some("mailto:a@b"));
        assert_eq!(safe_url("../guides/a.html").as_deref(), Some("../guides/a.html"));
    }

    #[test]
    fn values_are_escaped_and_complete() {
        let html = value_html(&json!({"a<b": ["<script>", 1, true], "u": "javascript:x", "w": "https://w.example"}));
        assert!(html.contains("a&lt;b"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("href=\"javascript"));
        assert!(html.contains("href=\"https://w.example\""));
        assert!(html.contains(">1<") && html.contains(">true<"));
    }

    #[test]
    fn keys_read_as_words_with_the_key_kept_in_the_title() {
        assert_eq!(key_label("dataGranularityDescription"), "Data granularity description");
        let html = extra_html(&[("logicalTypeOptions".to_string(), json!({"maxLength": 3}))].into());
        assert!(
            html.contains("<dt title=\"logicalTypeOptions\">Logical type options</dt>"),
            "{html}"
        );
        assert!(
            html.contains("<dt title=\"maxLength\">Max length</dt><dd>3</dd>"),
            "{html}"
        );
    }

    #[test]
    fn custom_properties_as_table() {
        let html = value_html(&json!([{"property": "p1", "value": "v1"}, {"property": "p2", "value": [1, 2]}]));
        assert!(html.starts_with("<table class=\"props\">"));
        assert!(html.contains("<code>p2</code>"));
    }

    #[test]
    fn key_values_title() {
        let kv = key_values(
            &json!({"metric": "nullValues", "mustBe": 0}),
            &["name", "metric"],
            "rule",
        );
        assert_eq!(kv.title, "nullValues");
        assert_eq!(kv.items.len(), 2);
    }
}
