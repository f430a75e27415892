//! Git metadata, read in-process. Everything that touches the git library sits behind this
//! module so the library can be swapped (or faked in tests) without touching the pipeline.
//!
//! The rest of meshport sees the [`GitInfo`] trait and plain data ([`GitFacts`],
//! [`FileChange`]). Git never fails a build: when the facts cannot be known (no repository,
//! no commits, a shallow clone, a broken repository) the build goes on without them and
//! [`read`] returns one info-level finding saying what is missing.

pub mod history;
pub mod revision;

use crate::check::rules::RuleId;
use crate::diag::{Diagnostic, Pos};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// How many commits a file (and a product's history section) keeps.
pub const HISTORY_LEN: usize = 10;

/// One commit, as shown next to a file it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Author date, as an ISO date in UTC (`2024-03-01`).
    pub date: String,
    /// Author name, after the repository's mailmap.
    pub author: String,
    /// Abbreviated commit id (7 hex digits, fixed so output does not depend on repository size).
    pub commit: String,
    /// Full commit id, for links to the repository's web UI.
    pub commit_id: String,
    /// First line of the commit message.
    pub subject: String,
}

/// What git knows about the files of one mesh, read once per build.
#[derive(Debug, Clone, Default)]
pub struct GitFacts {
    /// The mesh root relative to the repository root (`/`-separated; empty when they are the
    /// same), so mesh-relative paths can be turned into repository paths for edit links.
    pub prefix: String,
    /// False when history is cut short (shallow clone): a file without a recorded change may
    /// then be older than the history, rather than uncommitted.
    pub complete: bool,
    /// Commits that changed at least one file under `content/`, newest first.
    commits: Vec<FileChange>,
    /// Mesh-relative path → indexes into `commits`, newest first, at most [`HISTORY_LEN`].
    touched: HashMap<String, Vec<u32>>,
}

/// What the portal shows about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus<'a> {
    Changed(&'a FileChange),
    /// The file is in the working tree but in no commit.
    NotCommitted,
    /// History does not reach far enough to say (shallow clone).
    Unknown,
}

impl GitFacts {
    pub fn new(prefix: String, complete: bool) -> Self {
        GitFacts {
            prefix,
            complete,
            ..Default::default()
        }
    }

    /// Records that `commit` (appended in walk order: newest first) changed these files.
    pub fn record(&mut self, commit: FileChange, files: impl IntoIterator<Item = String>) {
        let index = self.commits.len() as u32;
        let mut used = false;
        for file in files {
            let list = self.touched.entry(file).or_default();
            if list.len() < HISTORY_LEN && list.last() != Some(&index) {
                list.push(index);
                used = true;
            }
        }
        if used {
            self.commits.push(commit);
        }
    }

    /// Whether this file still wants commits (lets the walk skip reading commit metadata).
    pub fn wants(&self, file: &str) -> bool {
        self.touched.get(file).is_none_or(|l| l.len() < HISTORY_LEN)
    }

    /// The last commit that changed `file` (mesh-relative path).
    pub fn status(&self, file: &str) -> FileStatus<'_> {
        match self.touched.get(file).and_then(|l| l.first()) {
            Some(&i) => FileStatus::Changed(&self.commits[i as usize]),
            None if self.complete => FileStatus::NotCommitted,
            None => FileStatus::Unknown,
        }
    }

    /// The most recent commits touching any of `files`, newest first, each once.
    pub fn history<'s>(&self, files: impl IntoIterator<Item = &'s str>, n: usize) -> Vec<&FileChange> {
        let mut indexes: Vec<u32> = files
            .into_iter()
            .filter_map(|f| self.touched.get(f))
            .flatten()
            .copied()
            .collect();
        indexes.sort_unstable();
        indexes.dedup();
        indexes.into_iter().take(n).map(|i| &self.commits[i as usize]).collect()
    }

    /// How many files have at least one recorded change.
    pub fn files(&self) -> usize {
        self.touched.len()
    }

    /// The path of a mesh file relative to the repository root.
    pub fn repo_path(&self, file: &str) -> String {
        repo_path(&self.prefix, file)
    }
}

/// `prefix` + `/` + `file`, where an empty prefix means the mesh is the repository root.
pub fn repo_path(prefix: &str, file: &str) -> String {
    if prefix.is_empty() {
        file.to_string()
    } else {
        format!("{}/{}", prefix.trim_end_matches('/'), file)
    }
}

/// Why git facts are missing or partial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// The mesh root is in no git repository.
    NotARepository,
    /// The repository has no commit yet.
    NoCommits,
    /// The clone is shallow: dates before its cut-off are not known.
    Shallow,
    /// Reading the repository failed.
    Failed(String),
}

impl Gap {
    /// The one finding that says what the portal will not show.
    pub fn diagnostic(&self) -> Diagnostic {
        let (rule, message, hint) = match self {
            Gap::NotARepository => (RuleId::GitUnavailable, "the mesh is not in a git repository: pages show no last-change dates, authors or history".to_string(), "run meshport inside a clone of the mesh repository"),
            Gap::Failed(why) => (RuleId::GitUnavailable, format!("git history could not be read ({why}): pages show no last-change dates, authors or history"), "check that `git log` works in the mesh repository"),
            Gap::NoCommits => (RuleId::GitNoCommits, "the repository has no commits yet: every page says \"not committed yet\"".to_string(), "commit the mesh to show last-change dates and history"),
            Gap::Shallow => (RuleId::GitShallow, "the repository is a shallow clone: files last changed before its oldest commit show no date, and histories are cut short".to_string(), "clone with full history (in GitHub Actions: `fetch-depth: 0` on actions/checkout), or run `git fetch --unshallow`"),
        };
        rule.at("", Pos::new(0, 0), message).with_hint(hint)
    }
}

/// A source of git facts for a mesh root.
pub trait GitInfo {
    /// Facts about every file under `content/` of the mesh at `root`; the gap, if any, says
    /// what could not be known (facts are then partial or absent).
    fn facts(&self, root: &Path) -> (Option<Arc<GitFacts>>, Option<Gap>);
}

/// Reads the facts with the built-in (gix) implementation. Never fails: a problem becomes
/// the returned finding.
pub fn read(root: &Path) -> (Option<Arc<GitFacts>>, Option<Diagnostic>) {
    let (facts, gap) = history::Gix.facts(root);
    (facts, gap.map(|g| g.diagnostic()))
}

/// Drops the facts cached for `serve` (benchmarks time cold reads with it).
pub fn forget_cached() {
    history::forget_cached();
}

/// `seconds` since the Unix epoch as an ISO date in UTC (proleptic Gregorian calendar).
/// A time outside jiff's range (years -9999 to 9999, only from a forged commit) gives "".
pub fn iso_date(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| jiff::tz::TimeZone::UTC.to_datetime(t).date().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    fn change(id: &str) -> FileChange {
        FileChange {
            date: "2024-01-01".into(),
            author: "A".into(),
            commit: id.into(),
            commit_id: id.into(),
            subject: id.into(),
        }
    }

    #[test]
    fn iso_dates_in_utc() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(iso_date(1_709_251_199), "2024-02-29");
        assert_eq!(iso_date(1_709_251_200), "2024-03-01");
        assert_eq!(iso_date(-1), "1969-12-31");
        assert_eq!(iso_date(-62_135_596_800), "0001-01-01");
        assert_eq!(iso_date(i64::MAX), "");
    }

    #[test]
    fn repo_paths_join_the_prefix() {
        assert_eq!(repo_path("", "content/a.md"), "content/a.md");
        assert_eq!(repo_path("mesh/portal", "content/a.md"), "mesh/portal/content/a.md");
        assert_eq!(repo_path("mesh/", "content/a.md"), "mesh/content/a.md");
    }

    #[test]
    fn status_history_and_caps() {
        let mut f = GitFacts::new(String::new(), true);
        f.record(change("c3"), ["a".to_string(), "b".to_string()]);
        f.record(change("c2"), ["b".to_string()]);
        f.record(change("c1"), ["a".to_string()]);
        assert_eq!(f.status("a"), FileStatus::Changed(&change("c3")));
        assert_eq!(f.status("new"), FileStatus::NotCommitted);
        let subjects: Vec<&str> = f.history(["a", "b"], 10).iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(subjects, ["c3", "c2", "c1"]);
        assert_eq!(f.history(["a", "b"], 2).len(), 2);
        for i in 0..20 {
            f.record(change(&format!("old{i}")), ["a".to_string()]);
        }
        assert_eq!(f.history(["a"], 100).len(), HISTORY_LEN);
        assert!(!f.wants("a") && f.wants("b"));
        let shallow = GitFacts::new(String::new(), false);
        assert_eq!(shallow.status("a"), FileStatus::Unknown);
    }

    #[test]
    fn every_gap_is_one_info_finding() {
        for gap in [
            Gap::NotARepository,
            Gap::NoCommits,
            Gap::Shallow,
            Gap::Failed("x".into()),
        ] {
            let d = gap.diagnostic();
            assert_eq!(d.severity, Severity::Info);
            assert!(
                crate::check::rules::find(&d.rule).is_some(),
                "{} is not catalogued",
                d.rule
            );
        }
    }
}
