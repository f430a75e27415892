//! Reading the mesh repository: walk `content/`, read each file, parse YAML (with positions)
//! and Markdown front matter, and recognise what each file is by its content.
//!
//! Nothing here stops at the first problem: every unreadable or unrecognised file becomes a
//! finding and the walk goes on.

pub mod bidi;
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

/// Where the mesh's files come from: the working tree, or the files of a git revision read
/// into memory. The per-file reading and recognition is shared; only listing and reading differ.
pub trait SourceTree: Sync {
    /// Regular files under `content/` as `/`-separated paths relative to the mesh root, sorted.
    /// Entries that cannot be listed, and symbolic links (never followed), are reported.
    fn content_files(&self, diags: &mut Diagnostics) -> Vec<String>;
    /// The bytes of a file by its path relative to the mesh root.
    fn read(&self, rel: &str) -> Result<Vec<u8>, ReadError>;
    /// Whether a path that stays inside the root as written still leads outside it (through
    /// a symbolic link). Only asked for paths named in meshport.toml; content is never followed.
    fn escapes_root(&self, _rel: &str) -> bool {
        false
    }
}

/// Why a file of a `SourceTree` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    TooLarge(u64),
    Other(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => write!(f, "no such file"),
            ReadError::TooLarge(size) => write!(f, "file is {size} bytes; the limit is {MAX_FILE_BYTES}"),
            ReadError::Other(e) => write!(f, "{e}"),
        }
    }
}

/// The mesh in a directory of the file system.
pub struct DirTree {
    root: PathBuf,
}

impl DirTree {
    pub fn new(root: &Path) -> Self {
        DirTree { root: root.to_path_buf() }
    }
}

impl SourceTree for DirTree {
    fn content_files(&self, diags: &mut Diagnostics) -> Vec<String> {
        walk(&self.root, &self.root.join("content"), diags).iter().map(|p| rel_path(&self.root, p)).collect()
    }

    fn read(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        let full = self.root.join(rel);
        let size = std::fs::metadata(&full).map(|m| m.len()).unwrap_or(0);
        if size > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge(size));
        }
        std::fs::read(&full).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ReadError::NotFound,
            _ => ReadError::Other(e.to_string()),
        })
    }

    fn escapes_root(&self, rel: &str) -> bool {
        match (self.root.join(rel).canonicalize(), self.root.canonicalize()) {
            (Ok(real), Ok(real_root)) => !real.starts_with(&real_root),
            _ => false,
        }
    }
}

/// A mesh held in memory: file bytes by path relative to the mesh root (e.g. read from git
/// objects). Paths listed in `links` are symbolic links, reported and never read as content;
/// `too_large` files are known by size only.
#[derive(Debug, Default, Clone)]
pub struct MemTree {
    pub files: BTreeMap<String, Vec<u8>>,
    pub links: Vec<String>,
    pub too_large: BTreeMap<String, u64>,
}

impl SourceTree for MemTree {
    fn content_files(&self, diags: &mut Diagnostics) -> Vec<String> {
        for link in self.links.iter().filter(|l| l.starts_with("content/")) {
            diags.push(symlink_finding(link));
        }
        let mut out: Vec<String> = self.files.keys().chain(self.too_large.keys())
            .filter(|rel| rel.starts_with("content/") && is_content_path(rel))
            .cloned()
            .collect();
        out.sort();
        out
    }

    fn read(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        if let Some(size) = self.too_large.get(rel) {
            return Err(ReadError::TooLarge(*size));
        }
        let bytes = self.files.get(rel).ok_or(ReadError::NotFound)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge(bytes.len() as u64));
        }
        Ok(bytes.clone())
    }
}

/// Whether a path under `content/` is read: no hidden directory or file, no editor temp file
/// (the same filter the directory walk applies).
fn is_content_path(rel: &str) -> bool {
    let mut parts = rel.split('/').skip(1).peekable();
    while let Some(part) = parts.next() {
        if is_hidden(part) || (parts.peek().is_none() && is_editor_temp(part)) {
            return false;
        }
    }
    true
}

/// Reads every file under `<root>/content`.
pub fn load(root: &Path) -> SourceSet {
    load_tree(&DirTree::new(root))
}

/// Reads every file under `content/` of `tree`.
pub fn load_tree(tree: &dyn SourceTree) -> SourceSet {
    let mut set = SourceSet::default();
    let paths = tree.content_files(&mut set.diags);
    let outcomes: Vec<(String, Outcome)> = paths.par_iter().map(|rel| (rel.clone(), read_one(tree, rel))).collect();
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
    for (rel, text) in &set.texts {
        set.diags.extend(bidi::findings(rel, text));
    }
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
            diags.push(symlink_finding(&rel_path(root, entry.path())));
        } else if entry.file_type().is_file() && !is_editor_temp(entry.file_name().to_str().unwrap_or("")) {
            out.push(entry.into_path());
        }
    }
    out
}

fn symlink_finding(rel: &str) -> Diagnostic {
    Diagnostic::warning("source.symlink", rel, Pos::new(1, 1), "symbolic link not followed")
        .with_hint("replace the link with the file itself; links may point outside the repository")
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

/// Editor backup and swap files are never content.
pub fn is_editor_temp(name: &str) -> bool {
    name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".swx") || name.starts_with(".#")
        || name.starts_with('#')
}

fn read_one(tree: &dyn SourceTree, rel: &str) -> Outcome {
    let ext = rel.rsplit_once('.').map(|(_, e)| e).filter(|e| !e.contains('/')).unwrap_or("").to_ascii_lowercase();
    if ext == "rego" {
        return read_text(tree, rel).map_or_else(|d| Outcome::Finding(d, None), Outcome::Text);
    }
    if !matches!(ext.as_str(), "yaml" | "yml" | "json" | "md") {
        return Outcome::Ignored;
    }
    let text = match read_text(tree, rel) {
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

fn read_text(tree: &dyn SourceTree, rel: &str) -> Result<String, Diagnostic> {
    let bytes = tree.read(rel).map_err(|e| match e {
        ReadError::TooLarge(_) => Diagnostic::error("source.too-large", rel, Pos::new(1, 1), e.to_string())
            .with_hint("descriptors describe data, they do not hold it: move data out of content/"),
        other => Diagnostic::error("source.unreadable", rel, Pos::new(1, 1), other.to_string()),
    })?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &[u8])]) -> MemTree {
        let mut t = MemTree::default();
        for (rel, bytes) in files {
            t.files.insert(rel.to_string(), bytes.to_vec());
        }
        t
    }

    /// The in-memory tree gets the same treatment as the directory walk: hidden paths and
    /// editor files skipped, files outside content/ not read, links and big files reported.
    #[test]
    fn memory_tree_filters_and_reports_like_the_walk() {
        let mut t = tree(&[
            ("content/products/a.odps.yaml", b"apiVersion: v1.0.0\nkind: DataProduct\nid: a\n"),
            ("content/products/a.odps.yaml~", b"junk: ["),
            ("content/.hidden/b.odps.yaml", b"junk: ["),
            ("content/products/.#c.odps.yaml", b"junk: ["),
            ("content/notes.txt", b"not read"),
            ("README.md", b"# outside content/"),
            ("content/products/latin1.odps.yaml", b"id: caf\xe9\n"),
        ]);
        t.links.push("content/products/link.odps.yaml".into());
        t.too_large.insert("content/products/dump.json".into(), MAX_FILE_BYTES + 1);
        let set = load_tree(&t);
        let files: Vec<&str> = set.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(files, ["content/products/a.odps.yaml"]);
        let mut rules: Vec<(&str, &str)> = set.diags.iter().map(|d| (d.rule.as_str(), d.file.as_str())).collect();
        rules.sort();
        assert_eq!(rules, [
            ("source.encoding", "content/products/latin1.odps.yaml"),
            ("source.symlink", "content/products/link.odps.yaml"),
            ("source.too-large", "content/products/dump.json"),
        ]);
        assert!(!set.texts.contains_key("README.md"));
    }

    #[test]
    fn directory_and_memory_trees_read_the_same_mesh() {
        let dir = tempfile::tempdir().unwrap();
        let text = "apiVersion: v1.0.0\nkind: DataProduct\nid: a\nname: [unclosed\n";
        std::fs::create_dir_all(dir.path().join("content/products")).unwrap();
        std::fs::write(dir.path().join("content/products/a.odps.yaml"), text).unwrap();
        let from_dir = load(dir.path());
        let from_memory = load_tree(&tree(&[("content/products/a.odps.yaml", text.as_bytes())]));
        assert_eq!(from_dir.texts, from_memory.texts);
        let show = |s: &SourceSet| s.diags.iter().map(|d| format!("{d:?}")).collect::<Vec<_>>();
        assert_eq!(show(&from_dir), show(&from_memory));
        assert_eq!(from_memory.diags.len(), 1);
    }
}
