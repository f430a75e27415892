//! Per-file history: last change and recent commits for the files of the mesh.
//!
//! One walk from HEAD, newest commit first. For each commit only the mesh's `content/`
//! subtree is compared with its parents' (an unchanged subtree id skips the commit without
//! reading any tree), and the changed paths are diffed once, so the cost grows with the
//! number of commits touching `content/`, not with commits × files.

use super::{iso_date, FileChange, Gap, GitFacts, GitInfo};
use gix::bstr::ByteSlice;
use gix::ObjectId;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The gix implementation of [`GitInfo`].
pub struct Gix;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The facts of the last read, keyed by repository, HEAD and mesh root: `serve` rebuilds on
/// every save, and history only changes when HEAD moves (an uncommitted file is "not
/// committed yet" whatever the history says).
static CACHE: Mutex<Option<Cached>> = Mutex::new(None);

/// Repository path, HEAD, mesh root and whether the root is the repository's top.
type CacheKey = (PathBuf, ObjectId, String, bool);
type Cached = (CacheKey, Arc<GitFacts>, Option<Gap>);

impl GitInfo for Gix {
    fn facts(&self, root: &Path) -> (Option<Arc<GitFacts>>, Option<Gap>) {
        let repo = match open(root) {
            Ok(r) => r,
            Err(gap) => return (None, Some(gap)),
        };
        let prefix = match mesh_prefix(&repo, root) {
            Ok(p) => p,
            Err(why) => return (None, Some(Gap::Failed(why))),
        };
        let head = match repo.head() {
            Ok(h) if h.is_unborn() => return (Some(Arc::new(GitFacts::new(prefix, true))), Some(Gap::NoCommits)),
            Ok(h) => h.id().map(|id| id.detach()),
            Err(e) => return (None, Some(Gap::Failed(e.to_string()))),
        };
        let Some(head) = head else {
            return (None, Some(Gap::Failed("HEAD points to no commit".into())));
        };
        let shallow = repo.is_shallow().unwrap_or(false);
        let key: CacheKey = (repo.git_dir().to_path_buf(), head, prefix.clone(), shallow);
        if let Some((k, facts, gap)) = CACHE.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            if *k == key {
                return (Some(facts.clone()), gap.clone());
            }
        }
        match walk(&repo, head, &prefix, shallow) {
            Ok(facts) => {
                let facts = Arc::new(facts);
                let gap = shallow.then_some(Gap::Shallow);
                *CACHE.lock().unwrap_or_else(|e| e.into_inner()) = Some((key, facts.clone(), gap.clone()));
                (Some(facts), gap)
            }
            Err(e) => (None, Some(Gap::Failed(e.to_string()))),
        }
    }
}

pub(super) fn forget_cached() {
    *CACHE.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Finds the repository holding `root`, looking upward (the mesh may be a subdirectory).
fn open(root: &Path) -> Result<gix::Repository, Gap> {
    use gix::discover::upwards::Error as Up;
    if let Err(e) = gix::discover::upwards(root) {
        return Err(match e.downcast_any_ref::<Up>() {
            Some(
                Up::NoGitRepository { .. }
                | Up::NoGitRepositoryWithinCeiling { .. }
                | Up::NoGitRepositoryWithinFs { .. },
            ) => Gap::NotARepository,
            _ => Gap::Failed(e.to_string()),
        });
    }
    let mut repo = gix::discover(root).map_err(|e| Gap::Failed(e.to_string()))?;
    // Trees are each read twice, as a commit's and then as its parent's.
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    Ok(repo)
}

/// The mesh root relative to the repository's working tree, `/`-separated.
fn mesh_prefix(repo: &gix::Repository, root: &Path) -> Result<String, String> {
    let workdir = repo.workdir().ok_or("the repository is bare")?;
    relative_prefix(workdir, root)
}

/// `root` relative to `workdir`, both resolved through symbolic links first (`/tmp` is a
/// link on some systems, and `--root` may be relative).
pub fn relative_prefix(workdir: &Path, root: &Path) -> Result<String, String> {
    let canon = |p: &Path| std::fs::canonicalize(p).map_err(|e| format!("{}: {e}", p.display()));
    let (workdir, root) = (canon(workdir)?, canon(root)?);
    let rel = root.strip_prefix(&workdir).map_err(|_| {
        format!(
            "{} is outside the repository's working tree {}",
            root.display(),
            workdir.display()
        )
    })?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(parts.join("/"))
}

/// The repository's mailmap. gix opens the worktree's `.mailmap` with a blocking open, so a
/// FIFO (or device) in its place would hang the build: such a `.mailmap` is passed over.
fn open_mailmap(repo: &gix::Repository) -> gix::mailmap::Snapshot {
    let worktree_file = repo.workdir().map(|dir| dir.join(".mailmap"));
    let special = worktree_file
        .and_then(|f| std::fs::symlink_metadata(f).ok())
        .is_some_and(|m| crate::source::files::special_kind(&m.file_type()).is_some());
    if special {
        return gix::mailmap::Snapshot::default();
    }
    repo.open_mailmap()
}

/// Reads commits and `content/` subtrees, remembering each commit's subtree id.
struct Reader<'r> {
    repo: &'r gix::Repository,
    /// Path of the mesh's `content/` inside the repository.
    content: String,
    subtrees: HashMap<ObjectId, Option<ObjectId>>,
    mailmap: gix::mailmap::Snapshot,
    state: gix::diff::tree::State,
}

fn walk(repo: &gix::Repository, head: ObjectId, prefix: &str, shallow: bool) -> Res<GitFacts> {
    let mut reader = Reader {
        repo,
        content: super::repo_path(prefix, "content"),
        subtrees: HashMap::new(),
        mailmap: open_mailmap(repo),
        state: Default::default(),
    };
    let mut facts = GitFacts::new(prefix.to_string(), !shallow);
    let sorting =
        gix::revision::walk::Sorting::ByCommitTime(gix::traverse::commit::simple::CommitTimeOrder::NewestFirst);
    for info in repo.rev_walk([head]).sorting(sorting).all()? {
        let info = info?;
        let parents: Vec<ObjectId> = info.parent_ids.iter().copied().collect();
        let Some(paths) = reader.changed_paths(info.id, &parents)? else {
            continue;
        };
        let paths: Vec<String> = paths
            .into_iter()
            .map(|p| format!("content/{p}"))
            .filter(|p| facts.wants(p))
            .collect();
        if !paths.is_empty() {
            facts.record(reader.change(info.id)?, paths);
        }
    }
    Ok(facts)
}

impl Reader<'_> {
    /// The id of the `content/` tree of a commit, `None` when it has none; `Err` when the
    /// commit is not in the repository (beyond a shallow clone's cut-off).
    fn subtree(&mut self, commit: ObjectId) -> Res<Option<ObjectId>> {
        if let Some(id) = self.subtrees.get(&commit) {
            return Ok(*id);
        }
        let tree = self.repo.find_commit(commit)?.tree()?;
        let id = tree
            .lookup_entry_by_path(&self.content)?
            .filter(|e| e.mode().is_tree())
            .map(|e| e.object_id());
        self.subtrees.insert(commit, id);
        Ok(id)
    }

    /// Files under `content/` (relative to it) this commit changed. A merge changed a file
    /// only if it differs from every parent (like `git log`); `None` when unknown or nothing
    /// changed, including a commit whose parents lie beyond a shallow clone's cut-off.
    fn changed_paths(&mut self, commit: ObjectId, parents: &[ObjectId]) -> Res<Option<Vec<String>>> {
        let ours = self.subtree(commit)?;
        let mut theirs = Vec::with_capacity(parents.len());
        for p in parents {
            match self.subtree(*p) {
                Ok(t) if t == ours => return Ok(None),
                Ok(t) => theirs.push(t),
                Err(_) => return Ok(None),
            }
        }
        if theirs.is_empty() {
            theirs.push(None);
        }
        let mut changed: Option<Vec<String>> = None;
        for t in theirs {
            let mut paths = self.diff(t, ours)?;
            if let Some(prev) = changed {
                paths.retain(|p| prev.contains(p));
            }
            changed = Some(paths);
        }
        Ok(changed.filter(|c| !c.is_empty()))
    }

    /// Paths of blobs that differ between two trees (either may be absent).
    fn diff(&mut self, old: Option<ObjectId>, new: Option<ObjectId>) -> Res<Vec<String>> {
        let load = |id: Option<ObjectId>| -> Res<Vec<u8>> {
            Ok(match id {
                Some(id) => self.repo.find_tree(id)?.detach().data,
                None => Vec::new(),
            })
        };
        let (old_data, new_data) = (load(old)?, load(new)?);
        let kind = self.repo.object_hash();
        let mut recorder = gix::diff::tree::Recorder::default();
        gix::diff::tree(
            gix::objs::TreeRefIter::from_bytes(&old_data, kind),
            gix::objs::TreeRefIter::from_bytes(&new_data, kind),
            &mut self.state,
            &self.repo.objects,
            &mut recorder,
        )?;
        use gix::diff::tree::recorder::Change;
        Ok(recorder
            .records
            .into_iter()
            .filter_map(|c| match c {
                Change::Addition { entry_mode, path, .. }
                | Change::Deletion { entry_mode, path, .. }
                | Change::Modification { entry_mode, path, .. } => {
                    (!entry_mode.is_tree()).then(|| path.to_str_lossy().into_owned())
                }
            })
            .collect())
    }

    /// Date, author (through the mailmap), id and subject of a commit.
    fn change(&self, id: ObjectId) -> Res<FileChange> {
        let commit = self.repo.find_commit(id)?;
        let decoded = commit.decode()?;
        let author = decoded.author()?;
        let name = match self.mailmap.try_resolve_ref(author) {
            Some(r) => r.name.map(|n| n.to_str_lossy().into_owned()),
            None => None,
        };
        let name = name.unwrap_or_else(|| author.name.trim().to_str_lossy().into_owned());
        Ok(FileChange {
            date: iso_date(author.seconds()),
            author: name,
            commit: id.to_hex_with_len(7).to_string(),
            commit_id: id.to_string(),
            subject: decoded.message().summary().to_str_lossy().into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_of_a_subdirectory_and_of_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(relative_prefix(dir.path(), &sub).unwrap(), "a/b");
        assert_eq!(relative_prefix(dir.path(), dir.path()).unwrap(), "");
        assert_eq!(relative_prefix(&dir.path().join("a/./b/.."), &sub).unwrap(), "b");
        assert!(relative_prefix(&sub, dir.path()).is_err());
    }
}
