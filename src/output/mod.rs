//! The one writer of the site. Rendering hands every file to a `Sink` as soon as it is made:
//! `Staging` streams it to disk (swapped into place atomically by `commit`), `MemorySink`
//! keeps it for `serve`. What meshport may replace on disk is decided by `guard` and the
//! ownership marker in `manifest`.

mod guard;
mod manifest;
mod staging;

use anyhow::bail;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

pub use manifest::{Manifest, MARKER};
pub use staging::{Committed, Staging};

/// Where rendered files go. Called from many render threads at once.
pub trait Sink: Sync {
    /// Adds a file at a site-relative path (a later file at the same path replaces the earlier).
    fn add(&self, path: String, bytes: Vec<u8>);

    /// Whether writing has failed, so the producer can stop early; the error itself comes out
    /// of the sink's own finishing step.
    fn failed(&self) -> bool {
        false
    }
}

/// A complete site in memory, as `serve` answers from it.
#[derive(Debug, Default, Clone)]
pub struct Site {
    files: BTreeMap<String, Vec<u8>>,
}

impl Site {
    /// Adds a file at a site-relative path (later additions replace earlier ones).
    pub fn add(&mut self, path: String, bytes: Vec<u8>) {
        self.files.insert(path, bytes);
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn pages(&self) -> usize {
        self.files.keys().filter(|p| p.ends_with(".html")).count()
    }
}

/// Collects a site in memory from many render threads.
#[derive(Default)]
pub struct MemorySink(Mutex<Site>);

impl MemorySink {
    pub fn into_site(self) -> Site {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn add(&self, path: String, bytes: Vec<u8>) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).add(path, bytes);
    }
}

/// Refuses any path that could leave the output directory.
fn safe_join(dir: &Path, rel: &str) -> anyhow::Result<PathBuf> {
    let rel_path = Path::new(rel);
    let ok = rel_path
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !ok || rel.is_empty() {
        bail!("refusing to write `{rel}`: not a plain relative path");
    }
    Ok(dir.join(rel_path))
}

/// Checks, without changing anything, that the site of the mesh at `root` may be written to
/// `out`: a build runs this before its slow phases, so a refusal comes at once.
pub fn preflight(root: &Path, out: &Path) -> anyhow::Result<()> {
    guard::inspect(&guard::resolve_target(root, out)?).map(drop)
}

/// Writes a site held in memory to `out` for the mesh at `root`, with every guarantee of
/// `Staging` (the tests' way to write a whole site in one call).
#[cfg(test)]
fn write_site(site: &Site, root: &Path, out: &Path) -> anyhow::Result<Committed> {
    let staging = Staging::begin(root, out)?;
    for (path, bytes) in &site.files {
        staging.add(path.clone(), bytes.clone());
    }
    staging.commit()
}

#[cfg(test)]
mod tests;
