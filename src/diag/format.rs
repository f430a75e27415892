//! Rendering findings for people (terminal, grouped by file, with the offending line) and for
//! machines (a stable JSON document).

use super::{Diagnostic, Diagnostics, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Human format: grouped by file, each finding as `file:line:col: severity[rule]: message`,
/// followed by the source line with a caret under the column and the fix hint.
///
/// `source_of` returns a file's text when it is available, for the snippet.
pub fn render_human(diags: &Diagnostics, source_of: &dyn Fn(&str) -> Option<String>) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diags.iter() {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
    let mut out = String::new();
    for (file, items) in by_file {
        let text = source_of(file);
        for d in items {
            write_one(&mut out, d, text.as_deref());
        }
    }
    out
}

fn write_one(out: &mut String, d: &Diagnostic, text: Option<&str>) {
    let _ = writeln!(
        out,
        "{}:{}:{}: {}[{}]: {}",
        d.file, d.line, d.column, d.severity, d.rule, d.message
    );
    if let Some(line) = text.and_then(|t| t.lines().nth(d.line.saturating_sub(1) as usize)) {
        let gutter = d.line.to_string();
        let shown: String = line.chars().take(160).collect();
        let _ = writeln!(out, "  {gutter} | {shown}");
        let pad = " ".repeat(d.column.saturating_sub(1) as usize);
        let _ = writeln!(out, "  {} | {pad}^", " ".repeat(gutter.len()));
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(out, "  = help: {hint}");
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    summary: JsonSummary,
    diagnostics: Vec<&'a Diagnostic>,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// JSON format (schema version 1): `{version, summary{errors,warnings,infos}, diagnostics[]}`,
/// each diagnostic `{severity, rule, file, line, column, message, hint?}`.
pub fn render_json(diags: &Diagnostics) -> String {
    let report = JsonReport {
        version: 1,
        summary: JsonSummary {
            errors: diags.count(Severity::Error),
            warnings: diags.count(Severity::Warning),
            infos: diags.count(Severity::Info),
        },
        diagnostics: diags.iter().collect(),
    };
    let mut s = serde_json::to_string_pretty(&report).expect("diagnostics always serialise");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Pos;

    #[test]
    fn human_shows_caret_under_column() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error("yaml.syntax", "a.yaml", Pos::new(2, 3), "bad").with_hint("fix it"));
        let out = render_human(&d, &|_| Some("one\ntwo: x\n".to_string()));
        assert!(out.contains("a.yaml:2:3: error[yaml.syntax]: bad"), "{out}");
        assert!(out.contains("  2 | two: x\n    |   ^\n"), "{out}");
        assert!(out.contains("= help: fix it"));
    }

    #[test]
    fn json_has_summary() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::warning("w", "f", Pos::new(1, 1), "m"));
        let v: serde_json::Value = serde_json::from_str(&render_json(&d)).unwrap();
        assert_eq!(v["summary"]["warnings"], 1);
        assert_eq!(v["diagnostics"][0]["rule"], "w");
    }
}
