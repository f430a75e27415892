//! Reading the mesh repository: walk `content/`, read each file, parse YAML (with positions)
//! and Markdown front matter, and recognise what each file is by its content.
//!
//! Nothing here stops at the first problem: every unreadable or unrecognised file becomes a
//! finding and the walk goes on.

pub mod frontmatter;
pub mod yaml;

use crate::diag::{rel_path, Diagnostic, Diagnostics, Pos};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
pub use yaml::YamlDoc;

/// Files larger than this are refused: descriptors are kilobytes, and an accidental data dump
/// must not take the build down.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Where a Markdown file sits, which decides what it describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Home,
    Domain,
    Team,
    Guide,
    Governance,
}

#[derive(Debug, Clone)]
pub enum Document {
    Product(YamlDoc),
    Contract(YamlDoc),
    /// `governance/policies.yaml`: read by the governance rules.
    Policies(YamlDoc),
    Page { section: Section, front: YamlDoc, body: String, body_line: u32 },
}

/// One recognised file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the mesh root, `/`-separated (e.g. `content/products/a.odps.yaml`).
    pub rel: String,
    pub doc: Document,
}

/// Everything read from the repository.
#[derive(Debug, Default)]
pub struct SourceSet {
    pub files: Vec<SourceFile>,
    /// Text of every file read, by relative path, for snippets and the raw-YAML view.
    pub texts: BTreeMap<String, String>,
    pub diags: Diagnostics,
}

enum Outcome {
    File(SourceFile, String),
    Finding(Diagnostic, Option<String>),
    /// A file kept as text only: Rego policies, compiled later by `check::rego`.
    Text(String),
    Ignored,
}

/// Reads every file under `<root>/content`.
pub fn load(root: &Path) -> SourceSet {
    let content = root.join("content");
    let mut set = SourceSet::default();
    let paths = walk(root, &content, &mut set.diags);
    let outcomes: Vec<(String, Outcome)> = paths
        .par_iter()
        .map(|p| (rel_path(root, p), read_one(p, &rel_path(root, p))))
        .collect();
    for (rel, outcome) in outcomes {
        match outcome {
            Outcome::File(file, text) => {
                set.texts.insert(rel, text);
                set.files.push(file);
            }
            Outcome::Finding(d, text) => {
                if let Some(t) = text {
                    set.texts.insert(rel, t);
                }
                set.diags.push(d);
            }
            Outcome::Text(text) => {
                set.texts.insert(rel, text);
            }
            Outcome::Ignored => {}
        }
    }
    set.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    set
}

/// Lists regular files under `content`, sorted. Symbolic links are never followed (they could
/// leave the repository or loop); each one is reported.
fn walk(root: &Path, content: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if !content.is_dir() {
        return out;
    }
    let walker = walkdir::WalkDir::new(content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_hidden(e.file_name().to_str().unwrap_or("")) || e.depth() == 0);
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e.path().map(|p| rel_path(root, p)).unwrap_or_default();
                diags.push(Diagnostic::error("source.unreadable", &rel, Pos::new(1, 1), e.to_string()));
                continue;
            }
        };
        if entry.path_is_symlink() {
            diags.push(
                Diagnostic::warning("source.symlink", &rel_path(root, entry.path()), Pos::new(1, 1),
                    "symbolic link not followed")
                .with_hint("replace the link with the file itself; links may point outside the repository"),
            );
        } else if entry.file_type().is_file() && !is_editor_temp(entry.file_name().to_str().unwrap_or("")) {
            out.push(entry.into_path());
        }
    }
    out
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// Editor backup and swap files are never content.
pub fn is_editor_temp(name: &str) -> bool {
    name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".swx") || name.starts_with(".#")
        || name.starts_with('#')
}

fn read_one(path: &Path, rel: &str) -> Outcome {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext == "rego" {
        return read_text(path, rel).map_or_else(|d| Outcome::Finding(d, None), Outcome::Text);
    }
    if !matches!(ext.as_str(), "yaml" | "yml" | "json" | "md") {
        return Outcome::Ignored;
    }
    let text = match read_text(path, rel) {
        Ok(t) => t,
        Err(d) => return Outcome::Finding(d, None),
    };
    let result = if ext == "md" {
        frontmatter::read_page(rel, &text).map(|doc| SourceFile { rel: rel.to_string(), doc })
    } else {
        read_descriptor(rel, &text)
    };
    match result {
        Ok(file) => Outcome::File(file, text),
        Err(d) => Outcome::Finding(d, Some(text)),
    }
}

fn read_text(path: &Path, rel: &str) -> Result<String, Diagnostic> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err(Diagnostic::error("source.too-large", rel, Pos::new(1, 1),
            format!("file is {size} bytes; the limit is {MAX_FILE_BYTES}"))
            .with_hint("descriptors describe data, they do not hold it: move data out of content/"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error("source.unreadable", rel, Pos::new(1, 1), e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let pos = crate::config::byte_pos(std::str::from_utf8(valid).unwrap_or(""), valid.len());
        Diagnostic::error("source.encoding", rel, pos, "file is not valid UTF-8")
            .with_hint("save the file as UTF-8")
    })
}

/// Parses one descriptor's text and recognises its kind (also the fuzzing entry point).
pub fn read_descriptor(rel: &str, text: &str) -> Result<SourceFile, Diagnostic> {
    let doc = yaml::parse(text).map_err(|e| {
        Diagnostic::error("yaml.syntax", rel, e.pos, e.message)
            .with_hint("fix the YAML syntax at this position (indent with spaces, quote values containing `: `)")
    })?;
    let kind = doc.value.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    let file = |doc| Ok(SourceFile { rel: rel.to_string(), doc });
    if !doc.value.is_object() {
        let what = match &doc.value {
            serde_json::Value::Null => "empty",
            serde_json::Value::Array(_) => "a list",
            _ => "a single value",
        };
        return Err(Diagnostic::error("descriptor.not-mapping", rel, doc.pos(""),
            format!("a descriptor must be a YAML mapping, this file is {what}"))
            .with_hint("start the file with `apiVersion:`, `kind:` and `id:` keys"));
    }
    match kind {
        "DataProduct" => file(Document::Product(doc)),
        "DataContract" => file(Document::Contract(doc)),
        _ if rel.ends_with("governance/policies.yaml") => file(Document::Policies(doc)),
        "" => Err(Diagnostic::warning("source.unrecognised", rel, Pos::new(1, 1),
            "YAML file without `kind` is not a descriptor and was not rendered")
            .with_hint("add `kind: DataProduct` (ODPS) or `kind: DataContract` (ODCS), or move the file out of content/")),
        other => Err(Diagnostic::error("descriptor.kind", rel, doc.pos("/kind"),
            format!("unknown kind `{other}`"))
            .with_hint("use `kind: DataProduct` (ODPS) or `kind: DataContract` (ODCS)")),
    }
}
