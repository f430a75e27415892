//! The human format, drawn by annotate-snippets (rustc's renderer): each finding's title with
//! its rule, `--> file:line:column`, the offending key or value underlined, the other places it
//! is about as secondary labels (in the same file or another), and the fix hint.
//!
//! Source text comes from the mesh, so it is escaped before the renderer sees it (see
//! `escape_controls`); spans are moved to the escaped text so underlines stay under what they
//! mark.

use super::format::{escape_controls, terminal_text};
use super::{Diagnostic, Diagnostics, Pos, Related, Severity, Span};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use std::collections::BTreeMap;
use std::ops::Range;

/// A file's text as the renderer is given it: line breaks normalised to `\n` (YAML also ends a
/// line at a lone `\r`) and unsafe characters escaped, with each line's original text kept to
/// turn a character column into a byte offset of the escaped text.
struct SourceView<'a> {
    text: String,
    lines: Vec<(usize, &'a str)>,
}

impl<'a> SourceView<'a> {
    fn new(original: &'a str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut lines = Vec::new();
        for line in source_lines(original) {
            lines.push((text.len(), line));
            text.push_str(&escape_controls(line));
            text.push('\n');
        }
        SourceView { text, lines }
    }

    /// Byte offset of a 1-based line and character column in the escaped text.
    fn offset(&self, pos: Pos) -> Option<usize> {
        let (start, line) = *self.lines.get(pos.line.checked_sub(1)? as usize)?;
        let before: String = line.chars().take(pos.column.saturating_sub(1) as usize).collect();
        Some(start + escape_controls(&before).len())
    }

    /// Whether the line holds escaped characters before `pos`, so columns differ.
    fn escaped_before(&self, pos: Pos) -> bool {
        let Some((_, line)) = pos.line.checked_sub(1).and_then(|i| self.lines.get(i as usize)) else {
            return false;
        };
        let before: String = line.chars().take(pos.column.saturating_sub(1) as usize).collect();
        escape_controls(&before).len() != before.len()
    }

    /// The byte range a span covers; without an end, the one character at its start.
    fn range(&self, span: Span) -> Option<Range<usize>> {
        let start = self.offset(span.start)?;
        let end = span.end.and_then(|e| self.offset(e)).filter(|e| *e > start);
        let end = end.unwrap_or_else(|| {
            let next = self.text[start..].chars().next().filter(|c| *c != '\n');
            start + next.map_or(0, char::len_utf8)
        });
        Some(start..end)
    }
}

/// Lines as YAML numbers them: `\r\n`, `\n` and a lone `\r` each end a line.
fn source_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
}

/// Human format: findings grouped by file, each drawn with its source. `source_of` returns a
/// file's text when it is available; `color` adds ANSI styles (for a terminal only).
pub fn render_human(diags: &Diagnostics, source_of: &dyn Fn(&str) -> Option<String>, color: bool) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    let mut texts: BTreeMap<&str, Option<String>> = BTreeMap::new();
    for d in diags.iter() {
        by_file.entry(d.file.as_str()).or_default().push(d);
        for name in std::iter::once(&d.file).chain(d.related.iter().map(|r| &r.file)) {
            texts.entry(name.as_str()).or_insert_with(|| source_of(name));
        }
    }
    let views: BTreeMap<&str, SourceView> = texts
        .iter()
        .filter_map(|(name, text)| Some((*name, SourceView::new(text.as_deref()?))))
        .collect();
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in by_file.into_values().flatten() {
        out.push_str(&renderer.render(&[group(d, &views)]));
        out.push_str("\n\n");
    }
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// One finding: a snippet of its own file with the primary underline and the related places
/// in that file, one snippet per other file, and notes for places whose text is unavailable.
fn group<'a>(d: &'a Diagnostic, views: &'a BTreeMap<&str, SourceView>) -> Group<'a> {
    let title = level(d.severity)
        .primary_title(terminal_text(&d.message))
        .id(terminal_text(&d.rule));
    let mut group = Group::with_title(title);
    let mut unplaced: Vec<&Related> = Vec::new();
    let primary = views.get(d.file.as_str()).and_then(|v| Some((v, v.range(d.span())?)));
    match primary {
        Some((view, range)) => {
            let mut snippet = Snippet::source(view.text.as_str()).annotation(AnnotationKind::Primary.span(range));
            if view.escaped_before(d.span().start) {
                // The renderer would count the column in the escaped text, which is longer:
                // state the finding's own (the renderer then adds an empty `:::` line).
                let origin = Origin::path(terminal_text(&d.file)).line(d.line.max(1) as usize);
                group = group.element(origin.char_column(d.column.max(1) as usize));
            } else {
                snippet = snippet.path(terminal_text(&d.file));
            }
            for r in d.related.iter().filter(|r| r.file == d.file) {
                match view.range(r.span()) {
                    Some(range) => snippet = snippet.annotation(context(r, range)),
                    None => unplaced.push(r),
                }
            }
            group = group.element(snippet);
        }
        None => {
            if !d.file.is_empty() {
                let origin = Origin::path(terminal_text(&d.file)).line(d.line.max(1) as usize);
                group = group.element(origin.char_column(d.column.max(1) as usize));
            }
            unplaced.extend(d.related.iter().filter(|r| r.file == d.file));
        }
    }
    for r in d.related.iter().filter(|r| r.file != d.file) {
        match views.get(r.file.as_str()).and_then(|v| Some((v, v.range(r.span())?))) {
            Some((view, range)) => {
                let snippet = Snippet::source(view.text.as_str())
                    .path(terminal_text(&r.file))
                    .annotation(context(r, range));
                group = group.element(snippet);
            }
            None => unplaced.push(r),
        }
    }
    for r in unplaced {
        let text = format!("{}:{}:{}: {}", r.file, r.line, r.column, r.message);
        group = group.element(Level::NOTE.message(terminal_text(&text)));
    }
    if let Some(hint) = &d.hint {
        group = group.element(Level::HELP.message(terminal_text(hint)));
    }
    group
}

fn context(r: &Related, range: Range<usize>) -> annotate_snippets::Annotation<'_> {
    AnnotationKind::Context.span(range).label(terminal_text(&r.message))
}

/// The `--color` choice of this process, set once by `main` (the default is `auto`).
static COLOR: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

pub fn set_color(choice: ColorChoice) {
    let _ = COLOR.set(choice);
}

/// Whether to colour findings on stderr: `--color always|never` decides, else colour only
/// when stderr is a terminal and `NO_COLOR` is unset or empty (no-color.org).
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    match COLOR.get().copied().unwrap_or_default() {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::super::format::tests::{has_control, hostile};
    use super::*;
    use crate::check::rules::RuleId;

    fn one(d: Diagnostic, text: &str) -> String {
        let mut all = Diagnostics::new();
        all.push(d);
        let text = text.to_string();
        render_human(&all, &|_| Some(text.clone()), false)
    }

    #[test]
    fn underlines_the_whole_value_with_its_location_and_hint() {
        let at = Span::new(Pos::new(2, 7), Some(Pos::new(2, 12)));
        let out = one(
            RuleId::DescriptorKind.at("a.yaml", at, "bad kind").with_hint("fix it"),
            "one\nkind: Thing\n",
        );
        assert!(
            out.starts_with("error[descriptor.kind]: bad kind\n --> a.yaml:2:7\n"),
            "{out}"
        );
        assert!(out.contains("  |\n2 | kind: Thing\n  |       ^^^^^\n"), "{out}");
        assert!(!out.contains(":::"), "{out}");
        assert!(out.contains("= help: fix it"), "{out}");
    }

    #[test]
    fn related_place_in_another_file_is_a_secondary_label() {
        let d = RuleId::IdDuplicate
            .at(
                "a.yaml",
                Span::new(Pos::new(1, 5), Some(Pos::new(1, 8))),
                "duplicate id `x`",
            )
            .with_related(Related::new(
                "b.yaml",
                Span::new(Pos::new(2, 5), Some(Pos::new(2, 8))),
                "also here",
            ));
        let mut all = Diagnostics::new();
        all.push(d);
        let out = render_human(
            &all,
            &|f| {
                Some(
                    if f == "a.yaml" {
                        "id: abc\n"
                    } else {
                        "kind: x\nid: abc\n"
                    }
                    .to_string(),
                )
            },
            false,
        );
        assert!(out.contains(" ::: b.yaml:2:5\n"), "{out}");
        assert!(out.contains("2 | id: abc\n  |     --- also here\n"), "{out}");
    }

    #[test]
    fn finding_without_a_file_or_text_keeps_its_location() {
        let mut all = Diagnostics::new();
        all.push(
            RuleId::GitShallow
                .at("", Pos::new(0, 0), "shallow")
                .with_hint("unshallow"),
        );
        all.push(RuleId::SourceEncoding.at("bin.yaml", Pos::new(3, 4), "not UTF-8"));
        let out = render_human(&all, &|_| None, false);
        assert!(out.starts_with("info[git.shallow]: shallow\n"), "{out}");
        assert!(out.contains("= help: unshallow"), "{out}");
        assert!(
            out.contains("error[source.encoding]: not UTF-8\n--> bin.yaml:3:4\n"),
            "{out}"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let d = || RuleId::YamlSyntax.at("a.yaml", Pos::new(1, 1), "bad");
        let mut all = Diagnostics::new();
        all.push(d());
        assert!(render_human(&all, &|_| Some("x: y\n".into()), true).contains('\u{1b}'));
        assert!(!render_human(&all, &|_| Some("x: y\n".into()), false).contains('\u{1b}'));
    }

    #[test]
    fn output_escapes_controls_and_cannot_forge_a_finding() {
        let out = render_human(&hostile(), &|_| Some("- \u{202e}x: \u{1b}[31my\n".to_string()), false);
        assert!(!has_control(&out), "{out:?}");
        assert!(
            out.contains("port `a\\u{1b}]0;x\\u{7}\\u{1b}[2J\\u{9b}1m\\u{202e}b`"),
            "{out}"
        );
        assert!(
            !out.contains("\nz.yaml:1:1: error[fake]"),
            "the forged line starts no line: {out}"
        );
        assert!(
            out.contains("--> f\\u{1b}.yaml:1:12\n"),
            "the column is the finding's: {out}"
        );
        // The underline still sits under `y` (column 12), after the escapes.
        let under = format!("1 | - \\u{{202e}}x: \\u{{1b}}[31my\n  | {}^\n", " ".repeat(23));
        assert!(out.contains(&under), "{out}");
    }
}
