//! The ownership marker: a `.meshport` file at the top of every directory meshport writes,
//! naming the tool and every file it wrote there. Only a directory that carries it is ever
//! replaced, and only the files it lists are ever deleted (Hugo's rule: never delete what you
//! did not make).

use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The marker's file name, at the top of the output (and of the staging directory).
pub const MARKER: &str = ".meshport";

/// What a marker says. A staging directory carries `complete: false` until every file is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `meshport`: a marker of another tool that happens to share the name is not ours.
    pub generator: String,
    pub version: String,
    pub complete: bool,
    /// Site-relative paths with `/` separators, sorted.
    pub files: BTreeSet<String>,
}

impl Manifest {
    pub fn new(files: BTreeSet<String>, complete: bool) -> Manifest {
        Manifest {
            generator: "meshport".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            complete,
            files,
        }
    }

    /// The marker of `dir`, if it has one of meshport's: `Ok(None)` when there is none, or
    /// when the file there is not meshport's.
    pub fn read(dir: &Path) -> anyhow::Result<Option<Manifest>> {
        let path = dir.join(MARKER);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        if !meta.is_file() {
            return Ok(None);
        }
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        Ok(serde_json::from_slice::<Manifest>(&bytes)
            .ok()
            .filter(|m| m.generator == "meshport"))
    }

    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        let path = dir.join(MARKER);
        let mut text = serde_json::to_vec_pretty(self).expect("a manifest always serialises");
        text.push(b'\n');
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    }

    /// Entries of `dir` (relative, `/`-separated) that this manifest does not account for:
    /// files it does not list, and directories holding none of its files. Symbolic links
    /// count as files and are never followed.
    pub fn unknown_entries(&self, dir: &Path) -> anyhow::Result<Vec<String>> {
        let dirs: BTreeSet<&str> = self.files.iter().flat_map(|f| ancestors(f)).collect();
        let mut unknown = Vec::new();
        let mut walk = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = walk.next() {
            let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
            let rel = relative(dir, entry.path());
            if rel == MARKER {
                continue;
            }
            let known = if entry.file_type().is_dir() {
                dirs.contains(rel.as_str())
            } else {
                self.files.contains(&rel)
            };
            if !known {
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                unknown.push(rel);
            }
        }
        Ok(unknown)
    }
}

/// `a/b/c.html` → `a`, `a/b`.
fn ancestors(file: &str) -> impl Iterator<Item = &str> {
    file.match_indices('/').map(move |(i, _)| &file[..i])
}

pub fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Deletes a directory meshport wrote: the files its manifest lists, the marker, then the
/// directories that held them, deepest first, each only once empty. Anything the manifest does
/// not list stays, with its directories; the paths left behind are returned.
pub fn remove_owned(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let Some(manifest) = Manifest::read(dir)? else {
        anyhow::bail!("refusing to delete {}: it carries no {MARKER} marker", dir.display());
    };
    for file in &manifest.files {
        let path = dir.join(file);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("deleting {}", path.display())),
        }
    }
    let subdirs: BTreeSet<&str> = manifest.files.iter().flat_map(|f| ancestors(f)).collect();
    let mut subdirs: Vec<&str> = subdirs.into_iter().collect();
    subdirs.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
    let mut left = Vec::new();
    for sub in subdirs {
        let path = dir.join(sub);
        if path.is_dir() && std::fs::remove_dir(&path).is_err() {
            left.push(path);
        }
    }
    std::fs::remove_file(dir.join(MARKER)).with_context(|| format!("deleting {}", dir.join(MARKER).display()))?;
    if std::fs::remove_dir(dir).is_err() {
        left.push(dir.to_path_buf());
    }
    Ok(left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn marker_round_trips_and_foreign_markers_are_not_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let m = Manifest::new(files(&["index.html", "a/b.html"]), true);
        m.write(tmp.path()).unwrap();
        assert_eq!(Manifest::read(tmp.path()).unwrap(), Some(m));
        std::fs::write(tmp.path().join(MARKER), "someone else's notes").unwrap();
        assert_eq!(Manifest::read(tmp.path()).unwrap(), None);
    }

    #[test]
    fn unknown_entries_name_files_and_directories_not_listed() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::create_dir_all(d.join("a")).unwrap();
        std::fs::create_dir_all(d.join(".git/objects")).unwrap();
        std::fs::write(d.join("a/b.html"), "").unwrap();
        std::fs::write(d.join("a/notes.txt"), "").unwrap();
        std::fs::write(d.join("CNAME"), "").unwrap();
        let m = Manifest::new(files(&["a/b.html", "index.html"]), true);
        assert_eq!(m.unknown_entries(d).unwrap(), vec![".git", "CNAME", "a/notes.txt"]);
    }

    #[test]
    fn removal_keeps_what_the_manifest_does_not_list() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("site");
        std::fs::create_dir_all(d.join("a/deep")).unwrap();
        std::fs::write(d.join("a/deep/x.html"), "").unwrap();
        std::fs::write(d.join("a/mine.txt"), "").unwrap();
        Manifest::new(files(&["a/deep/x.html", "gone.html"]), true)
            .write(&d)
            .unwrap();
        let left = remove_owned(&d).unwrap();
        assert!(d.join("a/mine.txt").exists());
        assert!(!d.join("a/deep").exists());
        assert_eq!(left, vec![d.join("a"), d.clone()]);
    }

    #[test]
    fn removal_needs_the_marker() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("index.html"), "").unwrap();
        assert!(remove_owned(tmp.path()).is_err());
        assert!(tmp.path().join("index.html").exists());
    }
}
