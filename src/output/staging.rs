//! Writing a site to disk: pages stream into a staging directory beside the output as they
//! render, and `commit` swaps it into place, so readers see the old site or the new one, never a
//! mix. A lock keeps two builds apart; a build killed half-way is cleaned up by the next one
//! without trusting process ids, which containers reuse.

use super::guard::{self, Existing};
use super::manifest::{remove_owned, Manifest, MARKER};
use super::{safe_join, Sink};
use anyhow::{bail, Context};
use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A site being written. Dropped without `commit`, it removes its staging directory and
/// leaves the output as it was.
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    lock: Option<Lock>,
    files: Mutex<BTreeSet<String>>,
    error: Mutex<Option<anyhow::Error>>,
    /// What the clean-up of an interrupted build did, for the build to print.
    pub notes: Vec<String>,
}

/// What a commit did.
#[derive(Debug)]
pub struct Committed {
    pub target: PathBuf,
    pub files: usize,
    pub pages: usize,
    pub notes: Vec<String>,
}

impl Staging {
    /// Checks that `out` may receive the site of the mesh at `root`, takes the lock, cleans up
    /// after an interrupted build and opens an empty staging directory.
    pub fn begin(root: &Path, out: &Path) -> anyhow::Result<Staging> {
        let target = guard::resolve_target(root, out)?;
        let parent = target
            .parent()
            .context("the output directory has no parent")?
            .to_path_buf();
        let name = target
            .file_name()
            .context("the output directory has no name")?
            .to_string_lossy()
            .into_owned();
        std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
        let lock = Lock::take(&parent.join(format!(".{name}.meshport-lock")), &target)?;
        let mut staging = Staging {
            dir: parent.join(format!(".{name}.meshport-staging")),
            old: parent.join(format!(".{name}.meshport-old")),
            target,
            lock: Some(lock),
            files: Mutex::new(BTreeSet::new()),
            error: Mutex::new(None),
            notes: Vec::new(),
        };
        staging.notes = staging.recover()?;
        guard::inspect(&staging.target)?;
        std::fs::create_dir(&staging.dir).with_context(|| format!("creating {}", staging.dir.display()))?;
        Manifest::new(BTreeSet::new(), false).write(&staging.dir)?;
        Ok(staging)
    }

    /// Leftovers of a build that was killed: a staging directory is deleted; a previous site
    /// moved aside is put back when it is the only copy, deleted otherwise.
    fn recover(&self) -> anyhow::Result<Vec<String>> {
        let mut notes = Vec::new();
        if std::fs::symlink_metadata(&self.dir).is_ok() {
            if Manifest::read(&self.dir)?.is_none() && !is_empty_dir(&self.dir) {
                bail!("{} exists but is not meshport's staging directory (no {MARKER} marker); move it away and build again", self.dir.display());
            }
            std::fs::remove_dir_all(&self.dir).with_context(|| format!("removing {}", self.dir.display()))?;
            notes.push(format!("removed {}, left by an interrupted build", self.dir.display()));
        }
        if std::fs::symlink_metadata(&self.old).is_err() {
            return Ok(notes);
        }
        if Manifest::read(&self.old)?.is_none() {
            bail!(
                "{} exists but meshport did not write it (no {MARKER} marker); move it away and build again",
                self.old.display()
            );
        }
        if std::fs::symlink_metadata(&self.target).is_err() {
            std::fs::rename(&self.old, &self.target).with_context(|| format!("restoring {}", self.target.display()))?;
            notes.push(format!(
                "restored the previous site into {} after an interrupted build",
                self.target.display()
            ));
        } else {
            notes.extend(left_behind(remove_owned(&self.old)?));
        }
        Ok(notes)
    }

    /// Puts the finished site in place of the output directory.
    pub fn commit(mut self) -> anyhow::Result<Committed> {
        if let Some(e) = self.error.get_mut().unwrap_or_else(|e| e.into_inner()).take() {
            return Err(e);
        }
        let files = std::mem::take(self.files.get_mut().unwrap_or_else(|e| e.into_inner()));
        let pages = files.iter().filter(|f| f.ends_with(".html")).count();
        let count = files.len();
        Manifest::new(files, true).write(&self.dir)?;
        let moved_aside = self.swap()?;
        let mut notes = std::mem::take(&mut self.notes);
        if moved_aside {
            notes.extend(left_behind(remove_owned(&self.old)?));
        }
        if let Some(lock) = self.lock.take() {
            lock.release();
        }
        Ok(Committed {
            target: self.target.clone(),
            files: count,
            pages,
            notes,
        })
    }

    /// Returns whether a previous site was moved aside (to `old`).
    fn swap(&self) -> anyhow::Result<bool> {
        // Checked again: something may have been added to the output while the site rendered.
        let existing = guard::inspect(&self.target)?;
        let shown = self.target.display();
        match existing {
            Existing::Absent => {}
            Existing::Empty => {
                std::fs::remove_dir(&self.target).with_context(|| format!("replacing the empty {shown}"))?
            }
            Existing::Owned => std::fs::rename(&self.target, &self.old)
                .with_context(|| format!("moving the previous {shown} aside"))?,
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if existing == Existing::Owned {
                let _ = std::fs::rename(&self.old, &self.target);
            }
            return Err(e).with_context(|| format!("moving the new site into {shown}"));
        }
        Ok(existing == Existing::Owned)
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> anyhow::Result<()> {
        if rel == MARKER {
            bail!("a page may not be named {MARKER}: that name is the output's ownership marker");
        }
        let path = safe_join(&self.dir, rel)?;
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).with_context(|| format!("creating {}", p.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
    }
}

impl Sink for Staging {
    fn add(&self, path: String, bytes: Vec<u8>) {
        // After the first failure the build is lost anyway: stop writing, keep that error.
        if self.failed() {
            return;
        }
        match self.write(&path, &bytes) {
            Ok(()) => {
                self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(path);
            }
            Err(e) => {
                self.error.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
            }
        }
    }

    fn failed(&self) -> bool {
        self.error.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(lock) = self.lock.take() {
            // Not committed: the staging directory is ours (it carries the marker) and partial.
            if Manifest::read(&self.dir).ok().flatten().is_some() {
                let _ = std::fs::remove_dir_all(&self.dir);
            }
            lock.release();
        }
    }
}

fn left_behind(paths: Vec<PathBuf>) -> Vec<String> {
    paths
        .into_iter()
        .map(|p| format!("left {} in place: it holds files meshport did not write", p.display()))
        .collect()
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// An exclusive lock on a file beside the output. The file is deleted on release, so a
/// later build re-checks that the file it locked is still the one at the path.
struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    fn take(path: &Path, target: &Path) -> anyhow::Result<Lock> {
        for _ in 0..10 {
            let file = File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(path)
                .with_context(|| format!("creating the lock {}", path.display()))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    bail!(
                        "another meshport build is writing {} (it holds {}); wait for it to finish",
                        target.display(),
                        path.display()
                    )
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("locking {}", path.display()))
                }
            }
            if same_file(&file, path) {
                return Ok(Lock {
                    file,
                    path: path.to_path_buf(),
                });
            }
        }
        bail!("could not lock {}: it keeps being replaced", path.display())
    }

    fn release(self) {
        let _ = std::fs::remove_file(&self.path);
        drop(self.file);
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}
