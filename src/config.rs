//! `meshport.toml`: site-wide settings. The file is optional; every key has a default.

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
    /// Diagrams with more nodes show the lists only (layout time grows steeply with size).
    pub max_nodes: usize,
    /// Time budget of one diagram's layout, in milliseconds; past it the lists stand in.
    pub timeout_ms: u64,
}

impl Default for LineageConfig {
    fn default() -> Self {
        LineageConfig { depth: 2, max_nodes: 150, timeout_ms: 10_000 }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Repository {
    pub url: String,
    #[serde(default = "default_branch")]
    pub branch: String,
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
        }
    }
}

impl Config {
    /// Reads `<root>/meshport.toml` if present. A malformed file is a finding in the mesh (the
    /// defaults are used so the rest of the mesh is still checked).
    pub fn load(root: &Path) -> (Config, Option<Diagnostic>, Option<String>) {
        Config::from_text(std::fs::read_to_string(root.join(FILE_NAME)).ok())
    }

    /// Like `load`, for the file's text however it was read (`None`: there is no file).
    pub fn from_text(text: Option<String>) -> (Config, Option<Diagnostic>, Option<String>) {
        let Some(text) = text else {
            return (Config::default(), None, None);
        };
        match Config::parse(&text) {
            Ok(cfg) => (cfg, None, Some(text)),
            Err(d) => (Config::default(), Some(d), Some(text)),
        }
    }

    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            let pos = e.span().map(|s| byte_pos(text, s.start)).unwrap_or(Pos::new(1, 1));
            Diagnostic::error("config.invalid", FILE_NAME, pos, e.message().to_string())
                .with_hint("keys: title, description, base_url, [repository] url + branch, [lineage] depth + max_nodes + timeout_ms, [schemas] product + contract")
        })?;
        cfg.set_base_url(&cfg.base_url.clone());
        Ok(cfg)
    }

    /// Normalises the base URL to end with exactly one `/`.
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = format!("{}/", url.trim_end_matches('/'));
    }

    /// The URL to edit a file in the repository's web UI, when a repository is configured.
    pub fn edit_url(&self, rel_path: &str) -> Option<String> {
        let repo = self.repository.as_ref()?;
        Some(format!("{}/edit/{}/{}", repo.url.trim_end_matches('/'), repo.branch, rel_path))
    }
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
    fn unknown_key_points_at_it() {
        let d = Config::parse("title = \"X\"\ntitel = \"Y\"\n").unwrap_err();
        assert_eq!((d.line, d.column), (2, 1));
        assert_eq!(d.rule, "config.invalid");
    }

    #[test]
    fn edit_url() {
        let cfg = Config::parse("[repository]\nurl = \"https://git/x/\"\n").unwrap();
        assert_eq!(cfg.edit_url("content/a.md").unwrap(), "https://git/x/edit/main/content/a.md");
    }
}
