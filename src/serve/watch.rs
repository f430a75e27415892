//! Watching the mesh: `content/`, `templates/`, `static/` and `root/` recursively and the root
//! itself (for `meshport.toml`, which editors replace by rename, and for those folders
//! appearing later). Events are debounced, then filtered by the source walk's own rules
//! (`source::walk`): editor temp files, hidden files, the output directory and reads (our own
//! rebuild opens every file) never trigger a rebuild.

use crate::source::walk::{is_site_path, Folder};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// Long enough to coalesce an editor's write-rename-chmod of one save, short enough that
/// the browser updates well under a second after it.
const DEBOUNCE: Duration = Duration::from_millis(150);

pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching `root`; each debounced batch of relevant paths goes to `tx`.
    pub fn start(root: &Path, tx: Sender<Vec<PathBuf>>) -> anyhow::Result<Watcher> {
        let filter_root = root.to_path_buf();
        let handler = move |result: DebounceEventResult| match result {
            Ok(events) => {
                let paths = relevant_paths(&filter_root, &events);
                if !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            }
            Err(errors) => errors.iter().for_each(|e| eprintln!("warning: watching files: {e}")),
        };
        let mut debouncer = new_debouncer(DEBOUNCE, None, handler)?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| anyhow::anyhow!("cannot watch {}: {e}", root.display()))?;
        let mut watcher = Watcher {
            debouncer,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        watcher.refresh(&[]);
        Ok(watcher)
    }

    /// Keeps the watches in step with the folders: watches one that appeared, drops one that
    /// went, and renews one that a batch names directly (removed and created again within
    /// one debounce, its old watch is dead).
    pub fn refresh(&mut self, changed: &[PathBuf]) {
        for folder in Folder::ALL {
            let dir = self.root.join(folder.name());
            let renew = changed.contains(&dir);
            if self.watched.contains(&dir) && (renew || !dir.is_dir()) {
                let _ = self.debouncer.unwatch(&dir);
                self.watched.remove(&dir);
            }
            if dir.is_dir() && !self.watched.contains(&dir) {
                match self.debouncer.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(dir);
                    }
                    Err(e) => eprintln!("warning: cannot watch {}: {e}", dir.display()),
                }
            }
        }
    }
}

fn relevant_paths(root: &Path, events: &[notify_debouncer_full::DebouncedEvent]) -> Vec<PathBuf> {
    let mut out = BTreeSet::new();
    for event in events {
        if event.need_rescan() {
            // The kernel dropped events: something changed, we cannot tell what.
            out.insert(root.join("content"));
            continue;
        }
        if matches!(event.kind, EventKind::Access(_)) {
            continue;
        }
        out.extend(event.paths.iter().filter(|p| is_relevant(root, p)).cloned());
    }
    out.into_iter().collect()
}

/// Whether a change at `path` can change the site: the build reads it (see `source::walk`).
pub fn is_relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
    parts.len() == rel.iter().count() && is_site_path(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_editor_noise_and_output() {
        let root = Path::new("/m");
        let yes = [
            "/m/meshport.toml",
            "/m/content/products/a.odps.yaml",
            "/m/templates/base.html",
            "/m/static/x.css",
            "/m/content",
            "/m/root/CNAME",
            "/m/root/.well-known/security.txt",
        ];
        for p in yes {
            assert!(is_relevant(root, Path::new(p)), "{p} should trigger a rebuild");
        }
        let no = [
            "/m/public/index.html",
            "/m/.public.new-12/index.html",
            "/m/content/products/a.odps.yaml~",
            "/m/content/products/.a.odps.yaml.swp",
            "/m/content/products/.#a.odps.yaml",
            "/m/content/products/4913",
            "/m/content/.git/HEAD",
            "/m/content/products/a.yaml___jb_tmp___",
            "/m/static/.env",
            "/m/root/.meshport",
            "/m/target/debug/x",
            "/m/README.md",
            "/elsewhere/content/a.yaml",
        ];
        for p in no {
            assert!(!is_relevant(root, Path::new(p)), "{p} should not trigger a rebuild");
        }
    }

    #[test]
    fn reports_a_change_on_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let _w = Watcher::start(&root, tx).unwrap();
        std::fs::write(root.join("content/x~"), "ignored").unwrap();
        std::fs::write(root.join("content/a.md"), "x").unwrap();
        let got = rx.recv_timeout(Duration::from_secs(10)).expect("a debounced event");
        assert_eq!(got, vec![root.join("content/a.md")]);
    }
}
