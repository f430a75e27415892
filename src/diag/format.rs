//! Rendering findings for people (terminal, grouped by file, with the offending line) and for
//! machines (a stable JSON document).
//!
//! Messages, file names and source lines carry text from the mesh, which may hold terminal
//! escape sequences or bidi controls; every format shows those as visible `\u{1b}` escapes, so
//! a descriptor can neither recolour or retitle a terminal nor reorder what a reviewer reads.

use super::{Diagnostic, Diagnostics, Severity, Span};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write;

/// Control characters (C0 but tab and line breaks, DEL, C1: they start escape sequences) and
/// the bidi controls that reorder displayed text (U+061C, U+200E/F, U+202A–E, U+2066–9).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unsafe character written as a visible `\u{…}` escape; line breaks are kept
/// (each format handles them its own way).
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line of terminal text: unsafe characters escaped, and a line break indents what follows
/// so a message cannot start a line that looks like another finding.
pub(super) fn terminal_text(s: &str) -> String {
    escape_controls(s)
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\n    ")
}

/// JSON text from serde_json, which escapes C0 controls only: DEL, C1 and bidi controls become
/// `\uXXXX` escapes too. They can only occur inside strings, so the document stays the same.
pub fn escape_json_text(json: String) -> String {
    if !json.chars().any(is_unsafe) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
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
/// each diagnostic `{severity, rule, file, line, column, end_line?, end_column?, message, hint?,
/// related?[]}`, where each related place is `{file, line, column, end_line?, end_column?,
/// message}` (fields only ever added, so readers of version 1 keep working).
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
    let mut s = escape_json_text(serde_json::to_string_pretty(&report).expect("diagnostics always serialise"));
    s.push('\n');
    s
}

/// GitHub Actions workflow commands: one `::error file=…,line=…,col=…,title=<rule>::<message>`
/// line per finding, so findings show up as annotations on the pull request's diff.
pub fn render_github(diags: &Diagnostics) -> String {
    // A place that already has a finding of the same rule (each file of a duplicate) gets no
    // extra notice: its own annotation names the other place.
    let reported: std::collections::HashSet<(&str, &str, u32, u32)> = diags
        .iter()
        .map(|d| (d.rule.as_str(), d.file.as_str(), d.line, d.column))
        .collect();
    let mut out = String::new();
    for d in diags.iter() {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        if let Some(h) = &d.hint {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        for r in &d.related {
            let _ = write!(message, "\nsee {}:{}:{}: {}", r.file, r.line, r.column, r.message);
        }
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={}{},title={}::{}",
            gh_property(&d.file),
            d.line,
            d.column,
            gh_end(d.end_line, d.end_column),
            gh_property(&d.rule),
            gh_data(&message)
        );
        // Each other place gets a notice too, so the pull request shows it on that file's diff.
        for r in d
            .related
            .iter()
            .filter(|r| !reported.contains(&(d.rule.as_str(), r.file.as_str(), r.line, r.column)))
        {
            let note = format!(
                "{} (related to {}:{}:{}: {})",
                r.message, d.file, d.line, d.column, d.message
            );
            let _ = writeln!(
                out,
                "::notice file={},line={},col={}{},title={}::{}",
                gh_property(&r.file),
                r.line,
                r.column,
                gh_end(r.end_line, r.end_column),
                gh_property(&d.rule),
                gh_data(&note)
            );
        }
    }
    out
}

/// `endColumn` for an annotation on one line (GitHub takes `endLine` and `endColumn`).
fn gh_end(end_line: Option<u32>, end_column: Option<u32>) -> String {
    match end_line.zip(end_column) {
        Some((line, column)) => format!(",endLine={line},endColumn={column}"),
        None => String::new(),
    }
}

fn gh_data(s: &str) -> String {
    escape_controls(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// What SARIF needs to know about a rule: its one-line summary and its fix hint.
pub struct RuleInfo {
    pub id: String,
    pub summary: String,
    pub hint: String,
    pub severity: Severity,
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A SARIF physical location; `endColumn` is exclusive, as in `Span`.
fn sarif_location(file: &str, span: Span) -> serde_json::Value {
    let mut region = serde_json::json!({"startLine": span.start.line.max(1), "startColumn": span.start.column.max(1)});
    if let Some(end) = span.end {
        region["endLine"] = end.line.into();
        region["endColumn"] = end.column.into();
    }
    serde_json::json!({"artifactLocation": {"uri": file, "uriBaseId": "%SRCROOT%"}, "region": region})
}

/// SARIF 2.1.0, for code-scanning tools: one run, the rule catalogue as the driver's rules,
/// one result per finding with its file, line and column.
pub fn render_sarif(diags: &Diagnostics, rules: &[RuleInfo], version: &str) -> String {
    let mut used: Vec<&str> = diags.iter().map(|d| d.rule.as_str()).collect();
    used.sort();
    used.dedup();
    let descriptors: Vec<serde_json::Value> = used
        .iter()
        .map(|id| {
            let info = rules.iter().find(|r| r.id == *id);
            serde_json::json!({
                "id": id,
                "shortDescription": {"text": info.map(|r| r.summary.as_str()).unwrap_or(id)},
                "help": {"text": info.map(|r| r.hint.as_str()).unwrap_or("")},
                "defaultConfiguration": {"level": sarif_level(info.map(|r| r.severity).unwrap_or(Severity::Error))},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.hint {
                text.push_str(" Fix: ");
                text.push_str(h);
            }
            let mut result = serde_json::json!({
                "ruleId": d.rule,
                "ruleIndex": used.iter().position(|u| *u == d.rule),
                "level": sarif_level(d.severity),
                "message": {"text": text},
                "locations": [{"physicalLocation": sarif_location(&d.file, d.span())}],
            });
            if !d.related.is_empty() {
                result["relatedLocations"] = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        serde_json::json!({
                            "id": i + 1,
                            "physicalLocation": sarif_location(&r.file, r.span()),
                            "message": {"text": r.message},
                        })
                    })
                    .collect();
            }
            result
        })
        .collect();
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "meshport", "version": version, "rules": descriptors}},
            "results": results,
        }],
    });
    let mut s = escape_json_text(serde_json::to_string_pretty(&doc).expect("SARIF always serialises"));
    s.push('\n');
    s
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::check::rules::RuleId;
    use crate::diag::Pos;

    #[test]
    fn github_commands_escape_properties_and_data() {
        let mut d = Diagnostics::new();
        d.push(
            RuleId::YamlSyntax
                .at("a,b:c.yaml", Pos::new(3, 4), "50% bad\nnext")
                .with_hint("fix"),
        );
        let out = render_github(&d);
        assert_eq!(
            out,
            "::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=yaml.syntax::50%25 bad%0Anext%0Ahelp: fix\n"
        );
    }

    #[test]
    fn sarif_has_rules_and_locations() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::custom(
            Severity::Warning,
            "w.one",
            "f.yaml",
            Pos::new(2, 7),
            "m",
        ));
        let rules = vec![RuleInfo {
            id: "w.one".into(),
            summary: "S".into(),
            hint: "H".into(),
            severity: Severity::Warning,
        }];
        let v: serde_json::Value = serde_json::from_str(&render_sarif(&d, &rules, "1.0")).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "w.one");
        assert_eq!(run["results"][0]["ruleIndex"], 0);
        assert_eq!(run["results"][0]["level"], "warning");
        assert_eq!(
            run["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"],
            7
        );
    }

    /// A message as a hostile descriptor can make it: an OSC title change, a screen clear, a C1
    /// CSI, a bidi override and a line that poses as another finding.
    pub(crate) const HOSTILE: &str =
        "port `a\u{1b}]0;x\u{7}\u{1b}[2J\u{9b}1m\u{202e}b`\nz.yaml:1:1: error[fake]: forged";

    pub(crate) fn hostile() -> Diagnostics {
        let mut d = Diagnostics::new();
        d.push(
            RuleId::PortContractMissing
                .at("f\u{1b}.yaml", Pos::new(1, 12), HOSTILE)
                .with_hint("h\u{1b}"),
        );
        d
    }

    pub(crate) fn has_control(s: &str) -> bool {
        s.chars().any(is_unsafe)
    }

    #[test]
    fn github_and_machine_formats_escape_controls() {
        let gh = render_github(&hostile());
        assert!(!has_control(&gh), "{gh:?}");
        assert_eq!(gh.lines().count(), 1, "{gh}");
        let rules = vec![RuleInfo {
            id: "port.contract-missing".into(),
            summary: "S".into(),
            hint: "H".into(),
            severity: Severity::Warning,
        }];
        for doc in [render_json(&hostile()), render_sarif(&hostile(), &rules, "1")] {
            assert!(!has_control(&doc), "{doc:?}");
            assert!(doc.contains("\\u009b") && doc.contains("\\u202e"), "{doc}");
            let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
            let message = v["diagnostics"][0]["message"]
                .as_str()
                .or(v["runs"][0]["results"][0]["message"]["text"].as_str())
                .unwrap();
            assert!(
                message.starts_with(HOSTILE),
                "a JSON reader gets the original text back"
            );
        }
    }

    #[test]
    fn json_has_summary() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::custom(Severity::Warning, "w", "f", Pos::new(1, 1), "m"));
        let v: serde_json::Value = serde_json::from_str(&render_json(&d)).unwrap();
        assert_eq!(v["summary"]["warnings"], 1);
        assert_eq!(v["diagnostics"][0]["rule"], "w");
    }

    #[test]
    fn related_places_reach_every_machine_format() {
        use crate::diag::{Related, Span};
        let mut d = Diagnostics::new();
        let at = Span::new(Pos::new(3, 5), Some(Pos::new(3, 12)));
        d.push(
            RuleId::IdDuplicate
                .at("a.yaml", at, "duplicate")
                .with_related(Related::new("b.yaml", Pos::new(5, 5), "also defined here")),
        );
        let json: serde_json::Value = serde_json::from_str(&render_json(&d)).unwrap();
        let first = &json["diagnostics"][0];
        assert_eq!(
            (first["end_line"].as_u64(), first["end_column"].as_u64()),
            (Some(3), Some(12))
        );
        assert_eq!(first["related"][0]["file"], "b.yaml");
        assert_eq!(first["related"][0]["line"], 5);
        let gh = render_github(&d);
        assert!(
            gh.starts_with("::error file=a.yaml,line=3,col=5,endLine=3,endColumn=12,title=id.duplicate::"),
            "{gh}"
        );
        assert!(gh.contains("%0Asee b.yaml:5:5: also defined here"), "{gh}");
        assert!(
            gh.contains("\n::notice file=b.yaml,line=5,col=5,title=id.duplicate::also defined here"),
            "{gh}"
        );
        let sarif: serde_json::Value = serde_json::from_str(&render_sarif(&d, &[], "1")).unwrap();
        let result = &sarif["runs"][0]["results"][0];
        assert_eq!(result["locations"][0]["physicalLocation"]["region"]["endColumn"], 12);
        let related = &result["relatedLocations"][0];
        assert_eq!(related["physicalLocation"]["artifactLocation"]["uri"], "b.yaml");
        assert_eq!(related["physicalLocation"]["region"]["startLine"], 5);
        assert_eq!(related["message"]["text"], "also defined here");
    }
}
