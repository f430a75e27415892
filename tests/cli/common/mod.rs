//! Helpers shared by the CLI tests: fixture copies, running the binary, reading the output
//! tree, and turning HTML into checkable text and links.

#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use tempfile::TempDir;

/// `tests/fixtures/<name>` in the repository (never written to).
pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A fresh copy of a fixture mesh in a temporary directory; the mesh root is the tempdir.
pub fn copy_fixture(name: &str) -> TempDir {
    let tmp = tempfile::tempdir().expect("create tempdir");
    copy_dir(&fixture_dir(name), tmp.path());
    tmp
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn meshport() -> Command {
    Command::cargo_bin("meshport").expect("the meshport binary is built")
}

/// Result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    let out = meshport().args(args).output().expect("run meshport");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `meshport build --root <root> --quiet` plus `extra` arguments.
pub fn build(root: &Path, extra: &[&str]) -> Run {
    let root = root.to_str().unwrap();
    let mut args = vec!["build", "--root", root, "--quiet"];
    args.extend_from_slice(extra);
    run(&args)
}

/// Builds and fails the test with the tool's output unless it exits 0.
pub fn build_ok(root: &Path, extra: &[&str]) {
    let r = build(root, extra);
    assert_eq!(
        r.code, 0,
        "build failed (exit {}):\nstdout:\n{}\nstderr:\n{}",
        r.code, r.stdout, r.stderr
    );
}

/// `meshport check --root <root> --format json`: exit code and the parsed report.
pub fn check_json(root: &Path) -> (i32, Value) {
    let r = run(&["check", "--root", root.to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "check --format json printed no JSON ({e}):\nstdout:\n{}\nstderr:\n{}",
            r.stdout, r.stderr
        )
    });
    (r.code, report)
}

/// One finding as a comparable tuple.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub rule: String,
    pub severity: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
}

pub fn finding(rule: &str, severity: &str, file: &str, line: u64, column: u64) -> Finding {
    Finding {
        rule: rule.into(),
        severity: severity.into(),
        file: file.into(),
        line,
        column,
    }
}

pub fn findings(report: &Value, severity: &str) -> Vec<Finding> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .filter(|d| d["severity"] == severity)
        .map(|d| Finding {
            rule: d["rule"].as_str().unwrap_or_default().into(),
            severity: d["severity"].as_str().unwrap_or_default().into(),
            file: d["file"].as_str().unwrap_or_default().into(),
            line: d["line"].as_u64().unwrap_or(0),
            column: d["column"].as_u64().unwrap_or(0),
        })
        .collect()
}

/// Every file under `dir` by `/`-separated relative path, with its bytes.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    collect_tree(dir, dir, &mut out);
    out
}

fn collect_tree(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_tree(base, &path, out);
        } else {
            out.insert(rel(base, &path), std::fs::read(&path).unwrap());
        }
    }
}

fn rel(base: &Path, path: &Path) -> String {
    let r = path.strip_prefix(base).unwrap();
    r.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The HTML files of a built site, as text.
pub fn html_pages(site: &Path) -> BTreeMap<String, String> {
    read_tree(site)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).expect("HTML is UTF-8")))
        .collect()
}

pub fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
}

/// Values of every `href` attribute (also `xlink:href`), entity-decoded.
pub fn hrefs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("href=") {
        let start = from + i + 5;
        from = start;
        let before = lower[..start - 5].chars().last().unwrap_or(' ');
        if !(before.is_whitespace() || before == ':') {
            continue;
        }
        let rest = &html[start..];
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
        };
        out.push(unescape(value));
    }
    out
}

/// Resolves a relative link from the page at `page` (site-relative) to a site-relative path;
/// `None` when it climbs above the site root.
pub fn resolve_link(page: &str, href: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for c in Path::new(href).components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str().unwrap()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// The link without `#fragment` and `?query`.
pub fn link_path(href: &str) -> &str {
    let end = href.find(['#', '?']).unwrap_or(href.len());
    &href[..end]
}

pub fn is_external(href: &str) -> bool {
    let l = href.trim().to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("mailto:")
}

/// Decodes the entities the renderer and ammonia emit.
pub fn unescape(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

/// Inline elements whose tags are removed without a gap (so highlighted tokens rejoin).
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "code", "del", "em", "i", "ins", "kbd", "mark", "s", "small", "span", "strong", "sub", "sup",
    "time", "u", "var", "wbr",
];

/// The text a reader sees: comments, `<script>`/`<style>` bodies and tags removed (block
/// tags leave a space), entities decoded, whitespace collapsed.
pub fn visible_text(html: &str) -> String {
    let html = remove_between(html, "<!--", "-->");
    let html = remove_element(&html, "script");
    let html = remove_element(&html, "style");
    let mut text = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(i) = rest.find('<') {
        text.push_str(&rest[..i]);
        let end = rest[i..].find('>').map(|e| i + e + 1).unwrap_or(rest.len());
        let name = tag_name(&rest[i..end]);
        if !INLINE_TAGS.contains(&name.as_str()) {
            text.push(' ');
        }
        rest = &rest[end..];
    }
    text.push_str(rest);
    collapse_ws(&unescape(&text))
}

fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Removes `<name …>…</name>` elements (case-insensitive).
pub fn remove_element(html: &str, name: &str) -> String {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    remove_between(html, &open, &close)
}

/// Removes every span from `open` to the next `close`, both included (case-insensitive).
pub fn remove_between(html: &str, open: &str, close: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let (open, close) = (open.to_ascii_lowercase(), close.to_ascii_lowercase());
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    while let Some(i) = lower[pos..].find(&open) {
        let start = pos + i;
        out.push_str(&html[pos..start]);
        pos = match lower[start..].find(&close) {
            Some(e) => start + e + close.len(),
            None => html.len(),
        };
        out.push(' ');
    }
    out.push_str(&html[pos..]);
    out
}

pub fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every start tag in the HTML (`<name …>`), with quoted attribute values blanked so only
/// attribute names and unquoted values remain.
pub fn start_tags(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' && bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphabetic()) {
            let mut tag = String::new();
            let mut quote: Option<u8> = None;
            let mut j = i;
            while j < bytes.len() {
                let b = bytes[j];
                match quote {
                    Some(q) if b == q => quote = None,
                    Some(_) => {}
                    None if b == b'"' || b == b'\'' => quote = Some(b),
                    None if b == b'>' => break,
                    None => tag.push(b as char),
                }
                j += 1;
            }
            out.push(tag.to_ascii_lowercase());
            i = j;
        }
        i += 1;
    }
    out
}

/// Whether a human report (`check`, `build` on stderr) has a finding whose title starts with
/// `title` (e.g. `error[yaml.syntax]: …`) and which points at `at` (`file:line:column`).
pub fn has_human_finding(report: &str, at: &str, title: &str) -> bool {
    let lines: Vec<&str> = report.lines().collect();
    let location = format!("--> {at}");
    lines
        .windows(2)
        .any(|w| w[0].starts_with(title) && w[1].trim_start() == location)
}
