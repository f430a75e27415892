//! Reading the mesh repository: walk `content/`, read each file, parse YAML (with positions)
//! and Markdown front matter, and recognise what each file is by its content.
//!
//! Nothing here stops at the first problem: every unreadable or unrecognised file becomes a
//! finding and the walk goes on.

pub mod bidi;
pub mod files;
pub mod frontmatter;
pub mod legacy;
pub mod walk;
pub mod yaml;

use crate::check::rules::RuleId;
use crate::diag::{rel_path, Diagnostic, Diagnostics, Pos};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use walk::{special_file_finding, symlink_finding, Folder};
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
    Page {
        section: Section,
        front: YamlDoc,
        body: String,
        body_line: u32,
    },
}

/// One recognised file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the mesh root, `/`-separated (e.g. `content/products/a.odps.yaml`).
    pub rel: String,
    pub doc: Document,
    /// Set when the file is written in an older format (DCS, DPS) and `doc` is its translation.
    pub legacy: Option<Box<legacy::Legacy>>,
}

/// Everything read from the repository.
#[derive(Debug, Default)]
pub struct SourceSet {
    pub files: Vec<SourceFile>,
    /// Text of every file read, by relative path, for snippets and the raw-YAML view.
    pub texts: BTreeMap<String, String>,
    pub diags: Diagnostics,
}

#[derive(Clone)]
enum Outcome {
    /// The documents read from one file (one for a page; one per YAML document of a
    /// descriptor file), the findings of those that could not be read, and the file's text.
    Files(Vec<SourceFile>, Vec<Diagnostic>, String),
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
    /// Findings about the folders that are compiled or copied rather than read as content
    /// (`templates/`, `static/`, `root/`): links, FIFOs and devices, hidden files left
    /// unpublished, root files that would replace generated ones.
    fn site_folder_findings(&self, _diags: &mut Diagnostics) {}
    /// Regular files under folder `dir` (relative to the root), sorted, for the `[observations]`
    /// globs; hidden entries and links are left out. A tree read from git has none.
    fn files_under(&self, _dir: &str) -> Vec<String> {
        Vec::new()
    }
    /// A file to read as a stream, refused above `limit` bytes (CI artifacts, which may be far
    /// larger than descriptors).
    fn open_stream(&self, rel: &str, _limit: u64) -> Result<Box<dyn std::io::Read + '_>, ReadError> {
        Ok(Box::new(std::io::Cursor::new(self.read(rel)?)))
    }
}

/// Why a file of a `SourceTree` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    TooLarge(u64),
    /// A FIFO, socket or device, named as findings call it; never opened for reading.
    Special(&'static str),
    Other(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => write!(f, "no such file"),
            ReadError::TooLarge(size) => write!(f, "file is {size} bytes; the limit is {MAX_FILE_BYTES}"),
            ReadError::Special(kind) => write!(f, "{kind}, not a regular file"),
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
        DirTree {
            root: root.to_path_buf(),
        }
    }
}

impl SourceTree for DirTree {
    fn content_files(&self, diags: &mut Diagnostics) -> Vec<String> {
        let listing = walk::list(&self.root, Folder::Content);
        diags.extend(listing.diags.iter().cloned());
        listing.files.iter().map(|p| rel_path(&self.root, p)).collect()
    }

    fn read(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        files::read_regular(&self.root.join(rel), MAX_FILE_BYTES)
    }

    fn site_folder_findings(&self, diags: &mut Diagnostics) {
        for folder in [Folder::Templates, Folder::Static, Folder::Root] {
            let listing = walk::list(&self.root, folder);
            diags.extend(listing.diags.iter().cloned());
            if folder == Folder::Root {
                for path in &listing.files {
                    diags.extend(crate::render::reserved::root_collision(&rel_path(&self.root, path)));
                }
            }
        }
    }

    fn files_under(&self, dir: &str) -> Vec<String> {
        let is_hidden = |e: &walkdir::DirEntry| e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
        let mut out: Vec<String> = walkdir::WalkDir::new(self.root.join(dir))
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| !is_hidden(e))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| rel_path(&self.root, e.path()))
            .collect();
        out.sort();
        out
    }

    fn open_stream(&self, rel: &str, limit: u64) -> Result<Box<dyn std::io::Read + '_>, ReadError> {
        Ok(Box::new(files::open_regular(&self.root.join(rel), limit)?))
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
        let mut out: Vec<String> = self
            .files
            .keys()
            .chain(self.too_large.keys())
            .filter(|rel| rel.starts_with("content/") && is_content_path(rel))
            .cloned()
            .collect();
        out.sort();
        out
    }

    fn files_under(&self, dir: &str) -> Vec<String> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        let under = |rel: &&String| dir.is_empty() || rel.starts_with(&prefix);
        self.files.keys().filter(under).cloned().collect()
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

/// Whether a path under `content/` is read (the same filter the directory walk applies).
fn is_content_path(rel: &str) -> bool {
    walk::is_site_path(&rel.split('/').collect::<Vec<_>>())
}

/// Reads every file under `<root>/content`.
pub fn load(root: &Path) -> SourceSet {
    load_tree(&DirTree::new(root))
}

/// Reads every file under `content/` of `tree`.
pub fn load_tree(tree: &dyn SourceTree) -> SourceSet {
    load_tree_cached(tree, None)
}

/// Files read by an earlier load, by path, with their text: `serve` keeps one across rebuilds
/// so that a file whose text did not change is not parsed again. Only the files of the latest
/// load are kept.
#[derive(Default)]
pub struct ReadCache(Mutex<HashMap<String, Kept>>);

/// A file's text and what reading it gave, kept for the next load.
type Kept = Arc<(String, Outcome)>;

/// Reads every file under `content/` of `tree`, reusing what `cache` holds for unchanged text.
pub fn load_tree_cached(tree: &dyn SourceTree, cache: Option<&ReadCache>) -> SourceSet {
    let mut set = SourceSet::default();
    let paths = tree.content_files(&mut set.diags);
    tree.site_folder_findings(&mut set.diags);
    let previous = cache
        .map(|c| std::mem::take(&mut *c.0.lock().unwrap_or_else(|e| e.into_inner())))
        .unwrap_or_default();
    let outcomes: Vec<(String, Outcome, Option<Kept>)> = paths
        .par_iter()
        .map(|rel| {
            let (outcome, keep) = read_reusing(tree, rel, previous.get(rel), cache.is_some());
            (rel.clone(), outcome, keep)
        })
        .collect();
    let mut kept = HashMap::new();
    for (rel, outcome, keep) in outcomes {
        if let Some(k) = keep {
            kept.insert(rel.clone(), k);
        }
        add_outcome(&mut set, rel, outcome);
    }
    if let Some(c) = cache {
        *c.0.lock().unwrap_or_else(|e| e.into_inner()) = kept;
    }
    set.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    for (rel, text) in &set.texts {
        set.diags.extend(bidi::findings(rel, text));
    }
    set
}

/// Reads one file; with `caching`, the parse is reused when `previous` has the same text, and
/// what to keep for the next load is returned beside the outcome.
fn read_reusing(tree: &dyn SourceTree, rel: &str, previous: Option<&Kept>, caching: bool) -> (Outcome, Option<Kept>) {
    let ext = extension(rel);
    if !matches!(ext.as_str(), "rego" | "yaml" | "yml" | "json" | "md") {
        return (
            not_read(rel, &ext).map_or(Outcome::Ignored, |d| Outcome::Finding(d, None)),
            None,
        );
    }
    let text = match read_text(tree, rel) {
        Ok(t) => t,
        Err(d) => return (Outcome::Finding(d, None), None),
    };
    if let Some(prev) = previous.filter(|p| p.0 == text) {
        return (prev.1.clone(), Some(prev.clone()));
    }
    if !caching {
        return (parse_text(rel, &ext, text), None);
    }
    let outcome = parse_text(rel, &ext, text.clone());
    (outcome.clone(), Some(Arc::new((text, outcome))))
}

fn add_outcome(set: &mut SourceSet, rel: String, outcome: Outcome) {
    match outcome {
        Outcome::Files(files, diags, text) => {
            set.texts.insert(rel, text);
            set.files.extend(files);
            set.diags.extend(diags);
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

/// The lower-cased extension of a file ("" when it has none).
fn extension(rel: &str) -> String {
    rel.rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.contains('/'))
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn parse_text(rel: &str, ext: &str, text: String) -> Outcome {
    if ext == "rego" {
        return Outcome::Text(text);
    }
    let (files, diags) = if ext == "md" {
        match frontmatter::read_page(rel, &text) {
            Ok(doc) => (
                vec![SourceFile {
                    rel: rel.to_string(),
                    doc,
                    legacy: None,
                }],
                Vec::new(),
            ),
            Err(d) => (Vec::new(), vec![d]),
        }
    } else {
        read_descriptors(rel, &text)
    };
    match (files.is_empty(), <[Diagnostic; 1]>::try_from(diags)) {
        (true, Ok([d])) => Outcome::Finding(d, Some(text)),
        (_, Ok(one)) => Outcome::Files(files, one.into(), text),
        (_, Err(many)) => Outcome::Files(files, many, text),
    }
}

/// Extensions of Markdown files that are not `.md`, and of HTML.
const OTHER_PAGE_EXTENSIONS: &[&str] = &["markdown", "mdown", "mkd", "mkdn", "mdwn", "mdx", "html", "htm"];

/// A finding for a file that is not read although its name says it was meant to be a page or
/// a descriptor (`guide.markdown`, `orders.odps.yaml.orig`); other files (images, text, data)
/// under content/ are left alone silently.
fn not_read(rel: &str, ext: &str) -> Option<Diagnostic> {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    let unrecognised = |message: String, hint: &str| {
        Some(
            RuleId::SourceUnrecognised
                .at(rel, Pos::new(1, 1), message)
                .with_hint(hint),
        )
    };
    if matches!(ext, "html" | "htm") {
        return unrecognised(
            format!("HTML file `.{ext}` under content/ is not rendered or published"),
            "write the page in Markdown (`.md`), or put the file under static/, which is published as is",
        );
    }
    if OTHER_PAGE_EXTENSIONS.contains(&ext) {
        return unrecognised(
            format!("Markdown file with extension `.{ext}` was not rendered: pages are `.md` files"),
            "rename the file to end in `.md`",
        );
    }
    let descriptor_like = [".odps", ".odcs", ".yaml", ".yml", ".md"]
        .iter()
        .any(|part| name.contains(&format!("{part}.")) || name.ends_with(part));
    if descriptor_like {
        return unrecognised(format!("`{name}` looks like a descriptor or page by its name, but files ending in `.{ext}` are not read"),
            "name descriptors `*.odps.yaml` or `*.odcs.yaml` (`.yml` and `.json` work too) and pages `*.md`; remove leftover copies");
    }
    None
}

fn read_text(tree: &dyn SourceTree, rel: &str) -> Result<String, Diagnostic> {
    let bytes = tree.read(rel).map_err(|e| match e {
        ReadError::TooLarge(_) => RuleId::SourceTooLarge.at(rel, Pos::new(1, 1), e.to_string()),
        ReadError::Special(kind) => special_file_finding(rel, kind),
        other => RuleId::SourceUnreadable.at(rel, Pos::new(1, 1), other.to_string()),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let pos = crate::config::byte_pos(std::str::from_utf8(valid).unwrap_or(""), valid.len());
        RuleId::SourceEncoding.at(rel, pos, "file is not valid UTF-8")
    })
}

/// Parses a descriptor file's text and recognises the kind of each YAML document in it (a file
/// may hold several, separated by `---`: each is a product, contract … of its own). Documents
/// that cannot be read are findings; the others are read.
pub fn read_descriptors(rel: &str, text: &str) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let docs = match yaml::parse_documents(text) {
        Ok(docs) => docs,
        Err(e) => return (Vec::new(), vec![RuleId::YamlSyntax.at(rel, e.pos, e.message)]),
    };
    let (mut files, mut diags) = (Vec::new(), Vec::new());
    for doc in docs {
        match recognise(rel, doc) {
            Ok(file) => files.push(file),
            Err(d) => diags.push(d),
        }
    }
    (files, diags)
}

/// Parses one descriptor's text and recognises its kind (also the fuzzing entry point): the
/// first document of the file, or its first finding.
pub fn read_descriptor(rel: &str, text: &str) -> Result<SourceFile, Diagnostic> {
    let (files, diags) = read_descriptors(rel, text);
    match (files.into_iter().next(), diags.into_iter().next()) {
        (_, Some(d)) => Err(d),
        (Some(f), None) => Ok(f),
        // `parse_documents` gives at least one document; were it ever none, the file is empty.
        (None, None) => Err(RuleId::DescriptorNotMapping.at(rel, Pos::new(1, 1), "the file holds no YAML document")),
    }
}

/// What one YAML document of a descriptor file is.
fn recognise(rel: &str, doc: YamlDoc) -> Result<SourceFile, Diagnostic> {
    let file = |doc| {
        Ok(SourceFile {
            rel: rel.to_string(),
            doc,
            legacy: None,
        })
    };
    if !doc.value.is_object() {
        let what = match &doc.value {
            serde_json::Value::Null => "empty",
            serde_json::Value::Array(_) => "a list",
            _ => "a single value",
        };
        return Err(RuleId::DescriptorNotMapping.at(
            rel,
            doc.span(""),
            format!("a descriptor must be a YAML mapping, this file is {what}"),
        ));
    }
    let doc = match legacy::translate(rel, doc) {
        Ok((translated, legacy)) => {
            let doc = match legacy.format {
                legacy::Format::DataContract => Document::Contract(translated),
                legacy::Format::DataProduct => Document::Product(translated),
            };
            return Ok(SourceFile {
                rel: rel.to_string(),
                doc,
                legacy: Some(Box::new(legacy)),
            });
        }
        Err(doc) => doc,
    };
    let kind = doc.value.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    match kind {
        "DataProduct" => file(Document::Product(doc)),
        "DataContract" => file(Document::Contract(doc)),
        _ if rel.ends_with("governance/policies.yaml") => file(Document::Policies(doc)),
        "" => Err(RuleId::SourceUnrecognised
            .at(
                rel,
                doc.span(""),
                "YAML file without `kind` is not a descriptor and was not rendered",
            )
            .with_hint(
                "add `kind: DataProduct` (ODPS) or `kind: DataContract` (ODCS), or move the file out of content/ (older Data Contract and Data Product Specification files are read by their `dataContractSpecification` / `dataProductSpecification` key)",
            )),
        other => Err(RuleId::DescriptorKind.at(rel, doc.span("/kind"), format!("unknown kind `{other}`"))),
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
            (
                "content/products/a.odps.yaml",
                b"apiVersion: v1.0.0\nkind: DataProduct\nid: a\n",
            ),
            ("content/products/a.odps.yaml~", b"junk: ["),
            ("content/.hidden/b.odps.yaml", b"junk: ["),
            ("content/products/.#c.odps.yaml", b"junk: ["),
            ("content/notes.txt", b"not read"),
            ("README.md", b"# outside content/"),
            ("content/products/latin1.odps.yaml", b"id: caf\xe9\n"),
        ]);
        t.links.push("content/products/link.odps.yaml".into());
        t.too_large
            .insert("content/products/dump.json".into(), MAX_FILE_BYTES + 1);
        let set = load_tree(&t);
        let files: Vec<&str> = set.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(files, ["content/products/a.odps.yaml"]);
        let mut rules: Vec<(&str, &str)> = set.diags.iter().map(|d| (d.rule.as_str(), d.file.as_str())).collect();
        rules.sort();
        assert_eq!(
            rules,
            [
                ("source.encoding", "content/products/latin1.odps.yaml"),
                ("source.symlink", "content/products/link.odps.yaml"),
                ("source.too-large", "content/products/dump.json"),
            ]
        );
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
