//! The one writer of the site. A `Site` is the complete output in memory; `write_atomic`
//! puts it on disk so that readers see either the old site or the new one, never a mix.

use anyhow::{bail, Context};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

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

/// Refuses any path that could leave the output directory.
fn safe_join(dir: &Path, rel: &str) -> anyhow::Result<PathBuf> {
    let rel_path = Path::new(rel);
    let ok = rel_path.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !ok || rel.is_empty() {
        bail!("refusing to write `{rel}`: not a plain relative path");
    }
    Ok(dir.join(rel_path))
}

/// Writes the site into a temporary sibling of `out`, then swaps it into place. A failure
/// before the swap leaves `out` exactly as it was.
pub fn write_atomic(site: &Site, out: &Path) -> anyhow::Result<()> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("public");
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    write_all(site, &staging).inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&staging);
    })?;
    if out.exists() {
        std::fs::rename(out, &old).with_context(|| format!("moving the previous {} aside", out.display()))?;
    }
    if let Err(e) = std::fs::rename(&staging, out) {
        let _ = std::fs::rename(&old, out);
        return Err(e).with_context(|| format!("moving the new site into {}", out.display()));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

fn write_all(site: &Site, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (rel, bytes) in &site.files {
        let path = safe_join(dir, rel)?;
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).with_context(|| format!("creating {}", p.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escaping_paths() {
        let dir = Path::new("/tmp/x");
        assert!(safe_join(dir, "../etc/passwd").is_err());
        assert!(safe_join(dir, "/etc/passwd").is_err());
        assert!(safe_join(dir, "a/./b").is_ok());
        assert!(safe_join(dir, "products/a.html").is_ok());
    }

    #[test]
    fn atomic_replace() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("stale.html"), "old").unwrap();
        let mut site = Site::default();
        site.add("index.html".into(), b"new".to_vec());
        write_atomic(&site, &out).unwrap();
        assert!(!out.join("stale.html").exists());
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"new");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
