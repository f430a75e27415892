//! Files of the mesh as they were at another revision, read from git objects (no checkout, no
//! `git` process): the revision is resolved in-process, the mesh root's tree is looked up and
//! the blobs under `content/` (plus `meshport.toml` and the schema files it lists) are read into
//! a `MemTree` that the ordinary loading pipeline runs over.

use crate::source::{MemTree, MAX_FILE_BYTES};
use std::path::{Component, Path, PathBuf};

/// Why the mesh at a revision could not be read. Each is a usage problem (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    #[error("{0} is not inside a git repository: `meshport diff` compares against a git revision (run it in a clone of the mesh repository)")]
    NotARepository(PathBuf),
    #[error(
        "the git repository at {0} has no working tree (bare repository): run meshport in a clone with a checkout"
    )]
    Bare(PathBuf),
    #[error("unknown revision `{rev}`: {detail} (fetch it first, e.g. `git fetch origin main`, and pass a branch, tag or commit such as `origin/main`)")]
    UnknownRevision { rev: String, detail: String },
    #[error("mesh root {root} is outside the repository's working tree {workdir}")]
    OutsideWorkdir { root: PathBuf, workdir: PathBuf },
    #[error("reading git objects at `{rev}`: {detail}")]
    Read { rev: String, detail: String },
}

/// The mesh files at a revision, and what the revision resolved to.
#[derive(Debug)]
pub struct MeshAtRevision {
    pub files: MemTree,
    /// Text of `meshport.toml` at the revision, when it existed.
    pub config_text: Option<String>,
    /// The commit (or tree) id the revision resolved to, abbreviated for display.
    pub short_id: String,
    /// Where the mesh root sits in the repository (`""` at the top), `/`-separated.
    pub prefix: String,
}

/// Reads the mesh rooted at `root` (a directory of a working tree) as it was at `rev`. A root
/// that did not exist at the revision yields an empty mesh: everything in it is new.
pub fn read_mesh(root: &Path, rev: &str) -> Result<MeshAtRevision, RevisionError> {
    let repo = gix::discover(root).map_err(|_| RevisionError::NotARepository(root.to_path_buf()))?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| RevisionError::Bare(repo.git_dir().to_path_buf()))?;
    let prefix = prefix_in(root, workdir)?;
    let unknown = |e: &dyn std::fmt::Display| RevisionError::UnknownRevision {
        rev: rev.to_string(),
        detail: e.to_string(),
    };
    let id = repo.rev_parse_single(rev).map_err(|e| unknown(&e))?;
    let read_err = |e: &dyn std::fmt::Display| RevisionError::Read {
        rev: rev.to_string(),
        detail: e.to_string(),
    };
    let tree = id
        .object()
        .map_err(|e| read_err(&e))?
        .peel_to_tree()
        .map_err(|e| unknown(&e))?;
    let short_id = id.shorten_or_id().to_string();
    let mut out = MeshAtRevision {
        files: MemTree::default(),
        config_text: None,
        short_id,
        prefix: prefix.clone(),
    };
    let Some(root_tree) = subtree(&repo, tree, &prefix).map_err(|e| read_err(&e))? else {
        return Ok(out);
    };
    read_content(&repo, &root_tree, &mut out.files).map_err(|e| read_err(&e))?;
    out.config_text = read_text(&repo, &root_tree, crate::config::FILE_NAME).map_err(|e| read_err(&e))?;
    if let Some(text) = &out.config_text {
        read_schema_files(&repo, &root_tree, text, &mut out.files).map_err(|e| read_err(&e))?;
    }
    Ok(out)
}

/// `root` relative to the working tree, `/`-separated; both sides canonicalised so `.`,
/// relative roots and symbolic links in the path compare equal.
fn prefix_in(root: &Path, workdir: &Path) -> Result<String, RevisionError> {
    let outside = || RevisionError::OutsideWorkdir {
        root: root.to_path_buf(),
        workdir: workdir.to_path_buf(),
    };
    let root_abs = root.canonicalize().map_err(|_| outside())?;
    let work_abs = workdir.canonicalize().map_err(|_| outside())?;
    let rel = root_abs.strip_prefix(&work_abs).map_err(|_| outside())?;
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    Ok(parts.join("/"))
}

type GitResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The tree at `prefix` under `tree`, or `None` when there is no directory there.
fn subtree<'r>(repo: &'r gix::Repository, tree: gix::Tree<'r>, prefix: &str) -> GitResult<Option<gix::Tree<'r>>> {
    if prefix.is_empty() {
        return Ok(Some(tree));
    }
    let Some(entry) = tree.lookup_entry_by_path(prefix)? else {
        return Ok(None);
    };
    if !entry.mode().is_tree() {
        return Ok(None);
    }
    Ok(Some(repo.find_tree(entry.oid().to_owned())?))
}

/// Every blob under `content/` into `files` (paths relative to the mesh root); symbolic links
/// are listed as links, submodules skipped.
fn read_content(repo: &gix::Repository, root_tree: &gix::Tree<'_>, files: &mut MemTree) -> GitResult<()> {
    let Some(content) = subtree(repo, root_tree.clone(), "content")? else {
        return Ok(());
    };
    for entry in content.traverse().breadthfirst.files()? {
        let rel = format!("content/{}", entry.filepath);
        if entry.mode.is_link() {
            files.links.push(rel);
        } else if entry.mode.is_blob() {
            add_blob(repo, entry.oid, rel, files)?;
        }
    }
    files.links.sort();
    Ok(())
}

/// A blob's bytes into `files`; one too large to be a descriptor is only recorded by size, so
/// the loader reports it (`source.too-large`) without it ever being held in memory.
fn add_blob(repo: &gix::Repository, oid: gix::ObjectId, rel: String, files: &mut MemTree) -> GitResult<()> {
    let size = repo.find_header(oid)?.size();
    if size > MAX_FILE_BYTES {
        files.too_large.insert(rel, size);
    } else {
        files.files.insert(rel, repo.find_blob(oid)?.take_data());
    }
    Ok(())
}

/// The text of the file at `rel` under the mesh root, if it is a blob there.
fn read_text(repo: &gix::Repository, root_tree: &gix::Tree<'_>, rel: &str) -> GitResult<Option<String>> {
    let Some(entry) = root_tree.lookup_entry_by_path(rel)? else {
        return Ok(None);
    };
    if !entry.mode().is_blob() {
        return Ok(None);
    }
    let mut one = MemTree::default();
    add_blob(repo, entry.oid().to_owned(), rel.to_string(), &mut one)?;
    Ok(one.files.remove(rel).map(|b| String::from_utf8_lossy(&b).into_owned()))
}

/// The organisation schema files `meshport.toml` lists, so schema checks at the revision use
/// the schemas of the revision. Paths that leave the root are left to the loader to report.
fn read_schema_files(
    repo: &gix::Repository,
    root_tree: &gix::Tree<'_>,
    config_text: &str,
    files: &mut MemTree,
) -> GitResult<()> {
    let Ok(config) = crate::config::Config::parse(config_text) else {
        return Ok(());
    };
    for path in config.schemas.product.iter().chain(&config.schemas.contract) {
        let rel: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
        if rel.is_empty() || rel.contains(&"..") || Path::new(path).is_absolute() {
            continue;
        }
        let rel = rel.join("/");
        if let Some(entry) = root_tree.lookup_entry_by_path(&rel)? {
            if entry.mode().is_blob() {
                add_blob(repo, entry.oid().to_owned(), rel, files)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_of_the_workdir_itself_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        assert_eq!(prefix_in(dir.path(), dir.path()).unwrap(), "");
        assert_eq!(prefix_in(&dir.path().join("a/b"), dir.path()).unwrap(), "a/b");
        assert_eq!(prefix_in(&dir.path().join("a/./b/.."), dir.path()).unwrap(), "a");
    }

    #[test]
    fn a_root_outside_the_workdir_is_refused() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        assert!(matches!(
            prefix_in(one.path(), two.path()),
            Err(RevisionError::OutsideWorkdir { .. })
        ));
    }

    #[test]
    fn outside_a_repository_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        // A temp dir could sit inside a repository on some machines; only assert when not.
        if gix::discover(dir.path()).is_err() {
            let e = read_mesh(dir.path(), "HEAD").unwrap_err();
            assert!(e.to_string().contains("not inside a git repository"), "{e}");
        }
    }

    /// A repository with one commit of `files` (path, text), made with the git CLI.
    fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("mesh/content/products/link.odps.yaml")).unwrap();
        for args in [
            &["init", "-q", "-b", "main"][..],
            &["add", "-A"],
            &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "m"],
        ] {
            let ok = std::process::Command::new("git")
                .args(args)
                .current_dir(dir.path())
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .status()
                .unwrap();
            assert!(ok.success(), "git {args:?}");
        }
        dir
    }

    #[test]
    fn reads_content_config_and_schemas_of_a_subdirectory_mesh() {
        let dir = repo(&[
            ("mesh/meshport.toml", "[schemas]\nproduct = [\"schemas/org.json\"]\n"),
            ("mesh/schemas/org.json", "{}"),
            ("mesh/content/products/a.odps.yaml", "id: a\n"),
            ("mesh/other/ignored.yaml", "id: x\n"),
            ("outside.yaml", "id: y\n"),
        ]);
        // The working tree changes after the commit; the revision must not see it.
        std::fs::write(dir.path().join("mesh/content/products/a.odps.yaml"), "id: changed\n").unwrap();
        let at = read_mesh(&dir.path().join("mesh"), "main").unwrap();
        assert_eq!(at.prefix, "mesh");
        let files: Vec<&str> = at.files.files.keys().map(String::as_str).collect();
        assert_eq!(files, ["content/products/a.odps.yaml", "schemas/org.json"]);
        assert_eq!(at.files.files["content/products/a.odps.yaml"], b"id: a\n");
        assert!(at.config_text.unwrap().contains("[schemas]"));
        #[cfg(unix)]
        assert_eq!(at.files.links, ["content/products/link.odps.yaml"]);
    }

    #[test]
    fn a_root_missing_at_the_revision_is_an_empty_mesh_and_bad_revisions_are_named() {
        let dir = repo(&[("mesh/content/products/a.odps.yaml", "id: a\n")]);
        std::fs::create_dir_all(dir.path().join("new-mesh/content")).unwrap();
        let at = read_mesh(&dir.path().join("new-mesh"), "HEAD").unwrap();
        assert!(at.files.files.is_empty() && at.config_text.is_none());
        let e = read_mesh(&dir.path().join("mesh"), "no-such-branch").unwrap_err();
        assert!(e.to_string().starts_with("unknown revision `no-such-branch`"), "{e}");
    }
}
