//! Diagnostics: every problem found in a user's mesh, with where it is and how to fix it.
//!
//! Problems in the mesh never stop loading: they are collected here across every file and
//! reported together (human or JSON), so one run shows a domain team everything to fix.

mod format;
mod human;

pub use format::{escape_controls, escape_json_text, render_github, render_json, render_sarif, RuleInfo};
pub use human::{render_human, set_color, stderr_color, ColorChoice};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a finding is. Errors fail `check` and `build`; warnings are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// A 1-based line and column in a source file (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub fn new(line: u32, column: u32) -> Self {
        Pos { line, column }
    }
}

/// Where a finding sits: its first character and, when the YAML layer knows it, the position
/// just after its last one on the same line (so a renderer can underline the whole key or value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: Pos,
    /// Exclusive end on the start's line, as SARIF's `endColumn` counts it.
    pub end: Option<Pos>,
}

impl Span {
    pub fn new(start: Pos, end: Option<Pos>) -> Self {
        Span { start, end }
    }
}

impl From<Pos> for Span {
    fn from(start: Pos) -> Self {
        Span { start, end: None }
    }
}

/// Another place a finding is about: the other file of a duplicate, the other id of a page-name
/// collision, the policy that judged a descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub file: String,
    pub line: u32,
    pub column: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    /// What is at that place, e.g. `also defined here`.
    pub message: String,
}

impl Related {
    pub fn new(file: &str, at: impl Into<Span>, message: impl Into<String>) -> Self {
        let span = at.into();
        Related {
            file: file.to_string(),
            line: span.start.line,
            column: span.start.column,
            end_line: span.end.map(|e| e.line),
            end_column: span.end.map(|e| e.column),
            message: message.into(),
        }
    }

    pub fn span(&self) -> Span {
        span_of(self.line, self.column, self.end_line, self.end_column)
    }
}

fn span_of(line: u32, column: u32, end_line: Option<u32>, end_column: Option<u32>) -> Span {
    let end = end_line.zip(end_column).map(|(l, c)| Pos::new(l, c));
    Span::new(Pos::new(line, column), end)
}

/// One finding in the mesh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable rule id, e.g. `yaml.syntax` or `ref.contract-missing`.
    pub rule: String,
    /// Path relative to the mesh root, with `/` separators.
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// Where the offending key or value ends (exclusive), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Other places the finding is about, each with a note.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A finding under any rule id. Built-in rules make theirs with `check::rules::RuleId::at`;
    /// this is for ids the catalogue cannot know, such as those a custom Rego rule names.
    pub fn custom(severity: Severity, rule: &str, file: &str, at: impl Into<Span>, message: impl Into<String>) -> Self {
        let span = at.into();
        Diagnostic {
            severity,
            rule: rule.to_string(),
            file: file.to_string(),
            line: span.start.line,
            column: span.start.column,
            end_line: span.end.map(|e| e.line),
            end_column: span.end.map(|e| e.column),
            message: message.into(),
            hint: None,
            related: Vec::new(),
        }
    }

    pub fn span(&self) -> Span {
        span_of(self.line, self.column, self.end_line, self.end_column)
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }

    pub fn with_related_opt(self, related: Option<Related>) -> Self {
        match related {
            Some(r) => self.with_related(r),
            None => self,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (&self.file, self.line, self.column, &self.rule, &self.message)
    }
}

/// All findings of one run, kept in a stable order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Set by `finish` until the next push: `for_file` then finds a file's findings by binary
    /// search instead of a scan (one scan per page made rendering quadratic in findings).
    #[serde(skip)]
    sorted: bool,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
        self.sorted = false;
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
        self.sorted = false;
    }

    /// Sorts by file, line, column and rule and drops exact duplicates, so output is stable
    /// whatever order parallel stages reported in.
    pub fn finish(&mut self) {
        self.items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.items.dedup();
        self.sorted = true;
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    pub fn for_file<'a>(&'a self, file: &'a str) -> impl Iterator<Item = &'a Diagnostic> + 'a {
        let candidates = if self.sorted {
            let start = self.items.partition_point(|d| d.file.as_str() < file);
            let end = start + self.items[start..].partition_point(|d| d.file == file);
            &self.items[start..end]
        } else {
            &self.items[..]
        };
        candidates.iter().filter(move |d| d.file == file)
    }

    /// A one-line count such as `2 errors, 1 warning`.
    pub fn summary(&self) -> String {
        format!(
            "{}, {}",
            counted(self.count(Severity::Error), "error"),
            counted(self.count(Severity::Warning), "warning")
        )
    }
}

/// `1 contract`, `2 contracts`: a count with its (regular English) noun.
pub fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// The path of `path` relative to `root`, with `/` separators, for diagnostics and URLs.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_plural_except_for_one() {
        assert_eq!(counted(1, "contract"), "1 contract");
        assert_eq!(counted(0, "product"), "0 products");
        assert_eq!(counted(2, "error"), "2 errors");
    }

    #[test]
    fn finish_sorts_and_dedups() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::custom(Severity::Error, "b", "z.yaml", Pos::new(1, 1), "m"));
        d.push(Diagnostic::custom(Severity::Error, "a", "a.yaml", Pos::new(9, 2), "m"));
        d.push(Diagnostic::custom(Severity::Error, "a", "a.yaml", Pos::new(2, 5), "m"));
        d.push(Diagnostic::custom(Severity::Error, "a", "a.yaml", Pos::new(2, 5), "m"));
        d.finish();
        let lines: Vec<_> = d.iter().map(|x| (x.file.as_str(), x.line)).collect();
        assert_eq!(lines, vec![("a.yaml", 2), ("a.yaml", 9), ("z.yaml", 1)]);
        assert_eq!(d.for_file("a.yaml").count(), 2);
        assert_eq!(d.for_file("m.yaml").count(), 0);
        d.push(Diagnostic::custom(Severity::Error, "c", "b.yaml", Pos::new(1, 1), "m"));
        assert_eq!(d.for_file("b.yaml").count(), 1, "found before the next finish too");
    }

    #[test]
    fn summary_pluralises() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::custom(Severity::Warning, "w", "f", Pos::new(1, 1), "m"));
        assert_eq!(d.summary(), "0 errors, 1 warning");
    }
}
