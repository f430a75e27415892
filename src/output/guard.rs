//! Where a site may be written. Some places are never an output directory, whatever they
//! hold: the mesh and what contains it, the mesh's own sources, the git top level, the home
//! directory, the working directory and `/`. Everywhere else the ownership marker decides.

use super::manifest::Manifest;
use anyhow::{bail, Context};
use std::path::{Component, Path, PathBuf};

/// The state of an output directory that may be replaced.
#[derive(Debug, PartialEq)]
pub enum Existing {
    Absent,
    Empty,
    /// Carries meshport's marker and nothing beyond its manifest.
    Owned,
}

/// Resolves `out` to an absolute path and refuses the places that are never an output
/// directory. Nothing is created or changed.
pub fn resolve_target(root: &Path, out: &Path) -> anyhow::Result<PathBuf> {
    let target = absolute(out)?;
    let root = std::fs::canonicalize(root).with_context(|| format!("reading the mesh root {}", root.display()))?;
    let shown = out.display();
    let advice = format!(
        "choose a new or empty directory, e.g. --output {}",
        root.join("public").display()
    );
    if root.starts_with(&target) {
        let what = if root == target {
            "the mesh root"
        } else {
            "a directory that contains the mesh"
        };
        bail!(
            "refusing to write the site to {shown}: it is {what} ({}), which meshport never replaces; {advice}",
            target.display()
        );
    }
    for source in ["content", "templates", "static", "root"] {
        if target.starts_with(root.join(source)) {
            bail!("refusing to write the site to {shown}: it is inside the mesh's {source}/; {advice}");
        }
    }
    if target.components().any(|c| c.as_os_str() == ".git") {
        bail!("refusing to write the site to {shown}: it is inside a .git directory; {advice}");
    }
    if let Some(top) = git_top_level(&root) {
        if top.starts_with(&target) {
            bail!("refusing to write the site to {shown}: it is the git repository's top level or contains it ({}); {advice}", top.display());
        }
    }
    for (what, place) in [
        ("your home directory", home()),
        ("the working directory", std::env::current_dir().ok()),
    ] {
        if let Some(place) = place.and_then(|p| std::fs::canonicalize(p).ok()) {
            if place.starts_with(&target) {
                bail!(
                    "refusing to write the site to {shown}: it is {what} ({}) or contains it; {advice}",
                    place.display()
                );
            }
        }
    }
    Ok(target)
}

/// What is at `target` now, refusing anything meshport may not replace.
pub fn inspect(target: &Path) -> anyhow::Result<Existing> {
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Absent),
        Err(e) => return Err(e).with_context(|| format!("reading {}", target.display())),
    };
    let shown = target.display();
    if meta.file_type().is_symlink() {
        bail!("refusing to replace {shown}: it is a symbolic link; pass the directory it points to as --output, or remove the link");
    }
    if !meta.is_dir() {
        bail!("refusing to write the site to {shown}: a file of that name exists; choose another --output");
    }
    let mut entries = std::fs::read_dir(target).with_context(|| format!("reading {shown}"))?;
    if entries.next().is_none() {
        return Ok(Existing::Empty);
    }
    let Some(manifest) = Manifest::read(target)? else {
        if looks_like_an_old_site(target) {
            bail!("{shown} looks like a site written by a meshport release from before output ownership markers (it has no {} file), so meshport will not replace it; check that nothing of yours is inside, delete it yourself, and build again", super::MARKER);
        }
        bail!("refusing to replace {shown}: it is not empty and meshport did not write it (no {} marker); choose a new or empty directory for --output", super::MARKER);
    };
    let unknown = manifest.unknown_entries(target)?;
    if !unknown.is_empty() {
        bail!("refusing to replace {shown}: meshport wrote it, but it now also holds {} that meshport did not write: {}; move them elsewhere (files the site needs at its root go in the mesh's root/ folder) or choose another --output", plural(unknown.len()), shorten(&unknown));
    }
    Ok(Existing::Owned)
}

fn looks_like_an_old_site(dir: &Path) -> bool {
    dir.join("index.html").is_file() && dir.join("api/products.json").is_file()
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 entry".into()
    } else {
        format!("{n} entries")
    }
}

/// At most ten names, then a count, so a message stays readable.
fn shorten(names: &[String]) -> String {
    let mut shown = names
        .iter()
        .take(10)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 10 {
        shown.push_str(&format!(" and {} more", names.len() - 10));
    }
    shown
}

/// The absolute, symlink-free form of `path`, which may not exist yet: its longest existing
/// ancestor is canonicalised and the rest appended. A link to a directory resolves to that
/// directory, so the checks judge the place that would really be replaced. `..` after a missing directory is refused
/// rather than guessed at.
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    let joined = std::env::current_dir()
        .context("reading the working directory")?
        .join(path);
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
            break;
        };
        rest.push(name);
        existing = parent;
    }
    let mut out = std::fs::canonicalize(existing).with_context(|| format!("reading {}", existing.display()))?;
    for name in rest.into_iter().rev() {
        if matches!(
            Path::new(name).components().next(),
            Some(Component::ParentDir | Component::CurDir)
        ) {
            bail!(
                "--output {}: `..` or `.` after a directory that does not exist; pass a plain path",
                path.display()
            );
        }
        out.push(name);
    }
    Ok(out)
}

fn git_top_level(root: &Path) -> Option<PathBuf> {
    root.ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mesh() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("mesh/content/products")).unwrap();
        tmp
    }

    // `resolve_target` only reads (canonicalises) paths, so naming `/` here changes nothing.
    #[test]
    fn the_mesh_its_ancestors_and_sources_are_refused() {
        let tmp = mesh();
        let root = tmp.path().join("mesh");
        for out in [
            root.clone(),
            tmp.path().to_path_buf(),
            root.join("content"),
            root.join("content/products/x"),
            root.join("static/site"),
            PathBuf::from("/"),
        ] {
            let err = resolve_target(&root, &out).unwrap_err().to_string();
            assert!(err.starts_with("refusing"), "{}: {err}", out.display());
        }
        assert_eq!(
            resolve_target(&root, &root.join("public")).unwrap(),
            std::fs::canonicalize(&root).unwrap().join("public")
        );
    }

    #[test]
    fn parent_steps_resolve_before_the_check() {
        let tmp = mesh();
        let root = tmp.path().join("mesh");
        assert!(resolve_target(&root, &root.join("content/..")).is_err());
        assert!(resolve_target(&root, &root.join("public/../..")).is_err());
    }

    #[test]
    fn contents_decide_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        assert_eq!(inspect(&out).unwrap(), Existing::Absent);
        std::fs::create_dir(&out).unwrap();
        assert_eq!(inspect(&out).unwrap(), Existing::Empty);
        std::fs::write(out.join("index.html"), "").unwrap();
        assert!(inspect(&out)
            .unwrap_err()
            .to_string()
            .contains("meshport did not write it"));
        Manifest::new(["index.html".to_string()].into(), true)
            .write(&out)
            .unwrap();
        assert_eq!(inspect(&out).unwrap(), Existing::Owned);
        std::fs::write(out.join("CNAME"), "").unwrap();
        assert!(inspect(&out).unwrap_err().to_string().contains("`CNAME`"));
        std::fs::write(tmp.path().join("file"), "").unwrap();
        assert!(inspect(&tmp.path().join("file"))
            .unwrap_err()
            .to_string()
            .contains("a file of that name"));
    }
}
