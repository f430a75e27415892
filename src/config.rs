//! `meshport.toml`: site-wide settings. The file is optional; every key has a default.

use crate::check::rules::RuleId;
use crate::diag::{Diagnostic, Pos};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const FILE_NAME: &str = "meshport.toml";

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL the site is published at; used for `sitemap.xml` and canonical links only,
    /// since every link inside the site is relative (sub-paths and `file://` both work).
    pub base_url: String,
    pub repository: Option<Repository>,
    pub lineage: LineageConfig,
    pub schemas: SchemaFiles,
    pub pages: PagesConfig,
    pub people: PeopleConfig,
    pub observations: ObservationsConfig,
}

/// `[people]`: which team members product and contract pages name near the top, matched by
/// their `role` (case-insensitive, whole role).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PeopleConfig {
    pub owner_roles: Vec<String>,
    pub steward_roles: Vec<String>,
}

impl Default for PeopleConfig {
    fn default() -> Self {
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        PeopleConfig {
            owner_roles: list(&["owner", "data owner", "product owner", "data product owner"]),
            steward_roles: list(&["steward", "data steward"]),
        }
    }
}

/// `[observations]`: CI artifacts (dbt, JUnit, meshport JSON) shown against the contracts'
/// promises (docs/observations.md).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ObservationsConfig {
    /// Globs relative to the mesh root, e.g. `results/**/*`; never outside it.
    pub paths: Vec<String>,
    /// Largest artifact read, in MiB (a dbt manifest.json is often hundreds of MB); read
    /// streaming, outside the 8 MiB limit of descriptors.
    pub max_mib: u64,
    /// Artifacts older than this many days (against `SOURCE_DATE_EPOCH`, else the newest
    /// artifact) are outdated; unset, the `observations.missing` policy's `maxAgeDays` or 30.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
}

impl Default for ObservationsConfig {
    fn default() -> Self {
        ObservationsConfig {
            paths: Vec::new(),
            max_mib: 1024,
            max_age_days: None,
        }
    }
}

/// `[pages]`: how long lists (catalogues, schemas, findings) are split into pages, so that no
/// HTML page grows with the mesh.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PagesConfig {
    /// Rows per page of a list; between `PAGE_SIZES` bounds.
    pub size: usize,
}

/// Allowed `[pages] size`: below, a catalogue becomes hundreds of pages; above, pages of long
/// rows pass 1 MB.
pub const PAGE_SIZES: std::ops::RangeInclusive<usize> = 5..=1000;

impl Default for PagesConfig {
    fn default() -> Self {
        PagesConfig { size: 200 }
    }
}

/// `[schemas]`: the organisation's own JSON Schemas, per document kind, as paths relative to
/// the mesh root. Every product (contract) is validated against each, on top of the standard.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SchemaFiles {
    pub product: Vec<String>,
    pub contract: Vec<String>,
}

/// `[lineage]`: how much of the graph the build-time diagrams draw.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LineageConfig {
    /// Hops up- and downstream a product page's diagram shows.
    pub depth: usize,
    /// Diagrams with more nodes show the lists only (a larger drawing is no longer readable).
    pub max_nodes: usize,
    /// Deprecated and without effect: layouts no longer have a time budget. Still accepted, so
    /// existing files keep working, with a `config.deprecated` warning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
}

impl Default for LineageConfig {
    fn default() -> Self {
        LineageConfig {
            depth: 2,
            max_nodes: 150,
            timeout_ms: None,
        }
    }
}

/// `[repository]`: where the mesh is hosted, for "Edit this file" and commit links.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Repository {
    /// The repository's web page, e.g. `https://github.com/org/mesh`.
    pub url: String,
    #[serde(default = "default_branch")]
    pub branch: String,
    /// Edit link template for hosts other than GitHub and GitLab: `{branch}` and `{path}` (the
    /// file's path from the repository root) are replaced, e.g.
    /// `https://git.example.com/org/mesh/_edit/{branch}/{path}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit_url: Option<String>,
}

/// Hosting services whose URL layout is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Host {
    GitHub,
    GitLab,
    Other,
}

impl Repository {
    fn host(&self) -> Host {
        let host = self
            .url
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split('/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if host == "github.com" || host.starts_with("github.") {
            Host::GitHub
        } else if host == "gitlab.com" || host.starts_with("gitlab.") {
            Host::GitLab
        } else {
            Host::Other
        }
    }

    fn base(&self) -> &str {
        self.url.trim_end_matches('/')
    }

    /// The page to edit `repo_path` (relative to the repository root) on the branch: GitHub
    /// `/edit/`, GitLab `/-/edit/`, the `edit_url` template, or else a `/blob/` view.
    pub fn edit_url(&self, repo_path: &str) -> String {
        let (branch, path) = (url_path(&self.branch), url_path(repo_path));
        if let Some(t) = &self.edit_url {
            return t.replace("{branch}", &branch).replace("{path}", &path);
        }
        match self.host() {
            Host::GitHub => format!("{}/edit/{branch}/{path}", self.base()),
            Host::GitLab => format!("{}/-/edit/{branch}/{path}", self.base()),
            Host::Other => format!("{}/blob/{branch}/{path}", self.base()),
        }
    }

    /// The page that creates a new file in folder `repo_dir` on the branch, on hosts whose
    /// layout is known (GitHub `/new/`, GitLab `/-/new/`).
    pub fn new_file_url(&self, repo_dir: &str) -> Option<String> {
        let (branch, dir) = (url_path(&self.branch), url_path(repo_dir));
        match self.host() {
            Host::GitHub => Some(format!("{}/new/{branch}/{dir}", self.base())),
            Host::GitLab => Some(format!("{}/-/new/{branch}/{dir}", self.base())),
            Host::Other => None,
        }
    }

    /// The page of a commit, on hosts whose layout is known.
    pub fn commit_url(&self, id: &str) -> Option<String> {
        match self.host() {
            Host::GitHub => Some(format!("{}/commit/{id}", self.base())),
            Host::GitLab => Some(format!("{}/-/commit/{id}", self.base())),
            Host::Other => None,
        }
    }
}

/// Percent-encodes a path for a URL, keeping `/` (a file name may hold spaces or `#`).
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn is_http(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")) && url.len() > lower.find("://").unwrap_or(0) + 3
}

fn default_branch() -> String {
    "main".to_string()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Data Mesh Portal".to_string(),
            description: String::new(),
            base_url: "/".to_string(),
            repository: None,
            lineage: LineageConfig::default(),
            schemas: SchemaFiles::default(),
            pages: PagesConfig::default(),
            people: PeopleConfig::default(),
            observations: ObservationsConfig::default(),
        }
    }
}

/// The text of `<root>/meshport.toml` (`None` when there is none) and, when it exists but
/// cannot be used, the finding saying why: a FIFO or device in its place is never opened.
pub fn read_text(root: &Path) -> (Option<String>, Option<Diagnostic>) {
    use crate::source::{files::read_regular, walk::special_file_finding, ReadError, MAX_FILE_BYTES};
    let at = |rule: RuleId, message: String| rule.at(FILE_NAME, Pos::new(1, 1), message);
    match read_regular(&root.join(FILE_NAME), MAX_FILE_BYTES) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => (Some(text), None),
            Err(_) => (
                None,
                Some(at(
                    RuleId::SourceEncoding,
                    "meshport.toml is not valid UTF-8; the defaults were used".into(),
                )),
            ),
        },
        Err(ReadError::NotFound) => (None, None),
        Err(ReadError::Special(kind)) => (None, Some(special_file_finding(FILE_NAME, kind))),
        Err(e @ ReadError::TooLarge(_)) => (None, Some(at(RuleId::SourceTooLarge, format!("meshport.toml: {e}")))),
        Err(e) => (
            None,
            Some(at(
                RuleId::SourceUnreadable,
                format!("meshport.toml cannot be read ({e}); the defaults were used"),
            )),
        ),
    }
}

impl Config {
    /// Reads `<root>/meshport.toml` if present. A malformed file is a finding in the mesh (the
    /// defaults are used so the rest of the mesh is still checked).
    pub fn load(root: &Path) -> (Config, Vec<Diagnostic>, Option<String>) {
        let (text, unreadable) = read_text(root);
        let (config, found, text) = Config::from_text(text);
        (config, unreadable.into_iter().chain(found).collect(), text)
    }

    /// Like `load`, for the file's text however it was read (`None`: there is no file).
    pub fn from_text(text: Option<String>) -> (Config, Vec<Diagnostic>, Option<String>) {
        let Some(text) = text else {
            return (Config::default(), Vec::new(), None);
        };
        match Config::parse(&text) {
            Ok(mut cfg) => {
                let mut found: Vec<Diagnostic> = cfg.check_repository(&text).into_iter().collect();
                found.extend(cfg.deprecated(&text));
                (cfg, found, Some(text))
            }
            Err(d) => (Config::default(), vec![d], Some(text)),
        }
    }

    /// Keys that are still accepted but no longer do anything.
    fn deprecated(&self, text: &str) -> Option<Diagnostic> {
        self.lineage.timeout_ms?;
        let at = key_offset(text, "timeout_ms")
            .map(|i| byte_pos(text, i))
            .unwrap_or(Pos::new(1, 1));
        let message = "`[lineage] timeout_ms` no longer has an effect: diagrams are laid out without a time budget, in milliseconds each";
        Some(RuleId::ConfigDeprecated.at(FILE_NAME, at, message))
    }

    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            let pos = e.span().map(|s| byte_pos(text, s.start)).unwrap_or(Pos::new(1, 1));
            RuleId::ConfigInvalid.at(FILE_NAME, pos, e.message().to_string())
                .with_hint("keys: title, description, base_url, [repository] url + branch + edit_url, [lineage] depth + max_nodes, [schemas] product + contract, [pages] size, [people] owner_roles + steward_roles, [observations] paths + max_mib + max_age_days")
        })?;
        cfg.set_base_url(&cfg.base_url.clone());
        if !PAGE_SIZES.contains(&cfg.pages.size) {
            let table = text.find("[pages]").or_else(|| text.find("pages.")).unwrap_or(0);
            let at = text[table..]
                .find("size")
                .map(|i| byte_pos(text, table + i))
                .unwrap_or(Pos::new(1, 1));
            let message = format!(
                "[pages] size = {} is outside {}..={}",
                cfg.pages.size,
                PAGE_SIZES.start(),
                PAGE_SIZES.end()
            );
            return Err(RuleId::ConfigInvalid
                .at(FILE_NAME, at, message)
                .with_hint("use a number of rows between 5 and 1000 (default 200)"));
        }
        Ok(cfg)
    }

    /// Normalises the base URL to end with exactly one `/`.
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = format!("{}/", url.trim_end_matches('/'));
    }

    /// The URL to edit a file in the repository's web UI, when a repository is configured;
    /// `repo_path` is relative to the repository root.
    pub fn edit_url(&self, repo_path: &str) -> Option<String> {
        Some(self.repository.as_ref()?.edit_url(repo_path))
    }

    /// Links go into every page, so only http(s) repository URLs are accepted: anything else
    /// (`javascript:`, `file:`, an ssh clone address) drops the links with a finding.
    fn check_repository(&mut self, text: &str) -> Option<Diagnostic> {
        let repo = self.repository.as_ref()?;
        let (bad, message, hint) = if let Some(bad) = [Some(&repo.url), repo.edit_url.as_ref()]
            .into_iter()
            .flatten()
            .find(|u| !is_http(u))
        {
            let message = format!("repository link `{bad}` is not an http(s) URL; pages get no edit or commit links");
            (
                bad.clone(),
                message,
                "use the https address of the repository's web page, e.g. `url = \"https://github.com/org/mesh\"`",
            )
        } else {
            // Without `{path}` every page would link to the same place.
            let bad = repo.edit_url.as_ref().filter(|t| !t.contains("{path}"))?;
            let message = format!("edit_url `{bad}` has no `{{path}}`; pages get no edit or commit links");
            (bad.clone(), message, "put `{path}` (and usually `{branch}`) where the file's path goes, e.g. `https://git.example.com/org/mesh/_edit/{branch}/{path}`")
        };
        self.repository = None;
        let at = text.find(&bad).map(|i| byte_pos(text, i)).unwrap_or(Pos::new(1, 1));
        Some(RuleId::ConfigRepositoryUrl.at(FILE_NAME, at, message).with_hint(hint))
    }
}

/// Byte offset of the first `key =` (also dotted, `lineage.key =`) outside a comment.
fn key_offset(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            if let Some(i) = line
                .find(key)
                .filter(|i| line[i + key.len()..].trim_start().starts_with('='))
            {
                return Some(offset + i);
            }
        }
        offset += line.len();
    }
    None
}

/// 1-based line and column (in characters) of a byte offset.
pub fn byte_pos(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    Pos::new(line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_base_url() {
        let cfg = Config::parse("title = \"X\"\nbase_url = \"https://h/portal\"\n").unwrap();
        assert_eq!(cfg.title, "X");
        assert_eq!(cfg.base_url, "https://h/portal/");
    }

    #[test]
    fn timeout_ms_is_accepted_with_a_warning_where_it_is_written() {
        let (cfg, found, _) = Config::from_text(Some(
            "title = \"X\"\n[lineage]\n# timeout_ms = 1\n  timeout_ms = 500\n".into(),
        ));
        assert_eq!(cfg.lineage.timeout_ms, Some(500));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].rule.as_str(), found[0].line, found[0].column),
            ("config.deprecated", 4, 3)
        );
        assert_eq!(found[0].severity, crate::diag::Severity::Warning);
        let (_, dotted, _) = Config::from_text(Some("lineage.timeout_ms = 5\n".into()));
        assert_eq!((dotted[0].line, dotted[0].column), (1, 9));
        let (_, none, _) = Config::from_text(Some("[lineage]\nmax_nodes = 50\n".into()));
        assert!(none.is_empty(), "{none:?}");
    }

    #[test]
    fn page_size_outside_its_range_points_at_it() {
        assert_eq!(Config::parse("[pages]\nsize = 20\n").unwrap().pages.size, 20);
        assert_eq!(Config::parse("").unwrap().pages.size, 200);
        let d = Config::parse("title = \"size\"\n[pages]\nsize = 100000\n").unwrap_err();
        assert_eq!((d.rule.as_str(), d.line, d.column), ("config.invalid", 3, 1));
        assert!(d.message.contains("100000"), "{}", d.message);
    }

    #[test]
    fn unknown_key_points_at_it() {
        let d = Config::parse("title = \"X\"\ntitel = \"Y\"\n").unwrap_err();
        assert_eq!((d.line, d.column), (2, 1));
        assert_eq!(d.rule, "config.invalid");
    }

    fn repo(url: &str, edit: Option<&str>) -> Repository {
        Repository {
            url: url.into(),
            branch: "main".into(),
            edit_url: edit.map(str::to_string),
        }
    }

    #[test]
    fn edit_urls_per_host() {
        let gh = repo("https://github.com/org/mesh/", None);
        assert_eq!(
            gh.edit_url("mesh/content/a b#1.md"),
            "https://github.com/org/mesh/edit/main/mesh/content/a%20b%231.md"
        );
        assert_eq!(gh.commit_url("abc").unwrap(), "https://github.com/org/mesh/commit/abc");
        let gl = repo("https://gitlab.example.com/group/sub/mesh", None);
        assert_eq!(
            gl.edit_url("content/a.md"),
            "https://gitlab.example.com/group/sub/mesh/-/edit/main/content/a.md"
        );
        assert_eq!(
            gl.commit_url("abc").unwrap(),
            "https://gitlab.example.com/group/sub/mesh/-/commit/abc"
        );
        let other = repo("https://git.example.com/x", None);
        assert_eq!(
            other.edit_url("content/a.md"),
            "https://git.example.com/x/blob/main/content/a.md"
        );
        assert_eq!(other.commit_url("abc"), None);
        let templated = repo(
            "https://git.example.com/x",
            Some("https://git.example.com/x/_edit/{branch}/{path}"),
        );
        assert_eq!(
            templated.edit_url("content/a.md"),
            "https://git.example.com/x/_edit/main/content/a.md"
        );
    }

    #[test]
    fn non_http_repository_urls_are_refused() {
        for (text, bad) in [
            ("[repository]\nurl = \"javascript:alert(1)\"\n", "javascript:alert(1)"),
            (
                "[repository]\nurl = \"git@github.com:o/r.git\"\n",
                "git@github.com:o/r.git",
            ),
            (
                "[repository]\nurl = \"https://h/x\"\nedit_url = \"file:///etc/{path}\"\n",
                "file:///etc/{path}",
            ),
        ] {
            let mut cfg = Config::parse(text).unwrap();
            let d = cfg.check_repository(text).expect(text);
            assert_eq!(d.rule, "config.repository-url");
            assert!(d.message.contains(bad), "{}", d.message);
            assert!(cfg.repository.is_none());
        }
        let text = "title = \"T\"\n[repository]\nurl = \"ftp://h/x\"\n";
        let d = Config::parse(text).unwrap().check_repository(text).unwrap();
        assert_eq!((d.line, d.column), (3, 8));
        let ok = "[repository]\nurl = \"HTTPS://h/x\"\n";
        assert!(Config::parse(ok).unwrap().check_repository(ok).is_none());
    }

    #[test]
    fn edit_url_without_path_is_refused_where_it_is_written() {
        let text = "[repository]\nurl = \"https://h/x\"\nedit_url = \"https://h/x/_edit/main\"\n";
        let mut cfg = Config::parse(text).unwrap();
        let d = cfg.check_repository(text).unwrap();
        assert_eq!((d.rule.as_str(), d.line, d.column), ("config.repository-url", 3, 13));
        assert!(d.message.contains("has no `{path}`"), "{}", d.message);
        assert!(
            cfg.repository.is_none(),
            "no links from a template that cannot place the file"
        );
    }
}
