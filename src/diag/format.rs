//! Rendering findings for people (terminal, grouped by file, with the offending line) and for
//! machines (a stable JSON document).
//!
//! Messages, file names and source lines carry text from the mesh, which may hold terminal
//! escape sequences or bidi controls; every format shows those as visible `\u{1b}` escapes, so
//! a descriptor can neither recolour or retitle a terminal nor reorder what a reviewer reads.

use super::{Diagnostic, Diagnostics, Severity};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
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
fn terminal_text(s: &str) -> String {
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
    let (rule, message) = (terminal_text(&d.rule), terminal_text(&d.message));
    // A finding about the whole repository (e.g. git history) has no file.
    if d.file.is_empty() {
        let _ = writeln!(out, "{}[{rule}]: {message}", d.severity);
    } else {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{rule}]: {message}",
            terminal_text(&d.file),
            d.line,
            d.column,
            d.severity
        );
    }
    if let Some(line) = text.and_then(|t| source_lines(t).nth(d.line.saturating_sub(1) as usize)) {
        let gutter = d.line.to_string();
        let shown: String = line.chars().take(160).collect();
        let _ = writeln!(out, "  {gutter} | {}", escape_controls(&shown));
        // The caret sits under the column in the escaped line, as wide as what precedes it.
        let before: String = line.chars().take(d.column.saturating_sub(1) as usize).collect();
        let pad: String = escape_controls(&before)
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(out, "  {} | {pad}^", " ".repeat(gutter.len()));
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(out, "  = help: {}", terminal_text(hint));
    }
}

/// Lines as YAML numbers them: `\r\n`, `\n` and a lone `\r` each end a line.
fn source_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
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
    let mut s = escape_json_text(serde_json::to_string_pretty(&report).expect("diagnostics always serialise"));
    s.push('\n');
    s
}

/// GitHub Actions workflow commands: one `::error file=…,line=…,col=…,title=<rule>::<message>`
/// line per finding, so findings show up as annotations on the pull request's diff.
pub fn render_github(diags: &Diagnostics) -> String {
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
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},title={}::{}",
            gh_property(&d.file),
            d.line,
            d.column,
            gh_property(&d.rule),
            gh_data(&message)
        );
    }
    out
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
            serde_json::json!({
                "ruleId": d.rule,
                "ruleIndex": used.iter().position(|u| *u == d.rule),
                "level": sarif_level(d.severity),
                "message": {"text": text},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": d.file, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": d.line.max(1), "startColumn": d.column.max(1)},
                }}],
            })
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
    fn human_finding_without_a_file_has_no_location() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::new(Severity::Info, "git.shallow", "", Pos::new(0, 0), "shallow").with_hint("unshallow"));
        assert_eq!(
            render_human(&d, &|_| None),
            "info[git.shallow]: shallow\n  = help: unshallow\n"
        );
    }

    #[test]
    fn github_commands_escape_properties_and_data() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error("yaml.syntax", "a,b:c.yaml", Pos::new(3, 4), "50% bad\nnext").with_hint("fix"));
        let out = render_github(&d);
        assert_eq!(
            out,
            "::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=yaml.syntax::50%25 bad%0Anext%0Ahelp: fix\n"
        );
    }

    #[test]
    fn sarif_has_rules_and_locations() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::warning("w.one", "f.yaml", Pos::new(2, 7), "m"));
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
    const HOSTILE: &str = "port `a\u{1b}]0;x\u{7}\u{1b}[2J\u{9b}1m\u{202e}b`\nz.yaml:1:1: error[fake]: forged";

    fn hostile() -> Diagnostics {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::warning("port.contract-missing", "f\u{1b}.yaml", Pos::new(1, 12), HOSTILE).with_hint("h\u{1b}"),
        );
        d
    }

    fn has_control(s: &str) -> bool {
        s.chars().any(is_unsafe)
    }

    #[test]
    fn human_output_escapes_controls_and_cannot_forge_a_finding() {
        let out = render_human(&hostile(), &|_| Some("- \u{202e}x: \u{1b}[31my\n".to_string()));
        assert!(!has_control(&out), "{out:?}");
        assert!(
            out.contains("port `a\\u{1b}]0;x\\u{7}\\u{1b}[2J\\u{9b}1m\\u{202e}b`"),
            "{out}"
        );
        assert!(
            out.contains("\n    z.yaml:1:1: error[fake]"),
            "the forged line is indented: {out}"
        );
        // The caret still sits under column 12 (`y`), after the escapes.
        let caret = format!("  1 | - \\u{{202e}}x: \\u{{1b}}[31my\n    | {}^\n", " ".repeat(23));
        assert!(out.contains(&caret), "{out}");
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
        d.push(Diagnostic::warning("w", "f", Pos::new(1, 1), "m"));
        let v: serde_json::Value = serde_json::from_str(&render_json(&d)).unwrap();
        assert_eq!(v["summary"]["warnings"], 1);
        assert_eq!(v["diagnostics"][0]["rule"], "w");
    }
}
