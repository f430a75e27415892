//! What the server shows right now: the last good site and, while the latest rebuild failed,
//! the overlay. Both sit in one snapshot behind one lock, so a request never pairs a new
//! site with an old overlay; a rebuild swaps the whole snapshot and tells the browsers.

use super::overlay;
use crate::output::Site;
use std::sync::{Arc, RwLock};

/// A site the server can answer from: one held in memory, or one rendering pages on request.
pub trait Served: Send + Sync {
    /// The file at a site path: `None` when the site has none, `Err` with the reason when
    /// rendering it failed.
    fn get(&self, path: &str) -> Option<Result<Arc<[u8]>, String>>;
}

impl Served for Site {
    fn get(&self, path: &str) -> Option<Result<Arc<[u8]>, String>> {
        Site::get(self, path).map(|b| Ok(Arc::from(b)))
    }
}
use tokio::sync::{broadcast, watch};

pub struct Snapshot {
    /// The last site that built without errors; `None` until one has.
    pub site: Option<Arc<dyn Served>>,
    /// The panel HTML while the latest rebuild failed.
    pub overlay: Option<Arc<str>>,
    /// Counts rebuilds; pages carry it so a reconnecting browser notices a missed one.
    pub generation: u64,
}

/// The result of one rebuild, as the server needs it.
pub enum Published {
    Good(Arc<dyn Served>),
    Failed(Vec<overlay::Problem>),
}

pub struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    reload: broadcast::Sender<u64>,
    shutdown: watch::Receiver<bool>,
}

impl Shared {
    pub fn new(first: Published, shutdown: watch::Receiver<bool>) -> Shared {
        let (reload, _) = broadcast::channel(16);
        let empty = Snapshot {
            site: None,
            overlay: None,
            generation: 0,
        };
        let shared = Shared {
            snapshot: RwLock::new(Arc::new(empty)),
            reload,
            shutdown,
        };
        shared.publish(first);
        shared
    }

    pub fn current(&self) -> Arc<Snapshot> {
        // A panic while holding the lock cannot leave a half-written snapshot (it is one
        // pointer store), so a poisoned lock is still safe to read.
        self.snapshot.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Swaps in the result of a rebuild and tells every open page to reload.
    pub fn publish(&self, result: Published) {
        let mut slot = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
        let generation = slot.generation + 1;
        let next = match result {
            Published::Good(site) => Snapshot {
                site: Some(site),
                overlay: None,
                generation,
            },
            Published::Failed(problems) => {
                let panel = overlay::panel(&problems, slot.site.is_some());
                Snapshot {
                    site: slot.site.clone(),
                    overlay: Some(panel.into()),
                    generation,
                }
            }
        };
        *slot = Arc::new(next);
        drop(slot);
        // No receiver (no page open) is not an error.
        let _ = self.reload.send(generation);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<u64> {
        self.reload.subscribe()
    }

    /// Resolves when the server is stopping, so long-lived event streams end and the
    /// graceful shutdown does not wait for them forever.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    fn site(text: &str) -> Arc<dyn Served> {
        let mut s = Site::default();
        s.add("index.html".into(), text.as_bytes().to_vec());
        Arc::new(s)
    }

    fn index(snap: &Snapshot) -> Vec<u8> {
        snap.site.as_ref().unwrap().get("index.html").unwrap().unwrap().to_vec()
    }

    #[test]
    fn failed_rebuild_keeps_the_last_good_site() {
        let (_tx, rx) = watch::channel(false);
        let shared = Shared::new(Published::Good(site("one")), rx);
        let mut events = shared.subscribe();
        let problem = overlay::Problem {
            location: "a.yaml:1:2".into(),
            severity: Severity::Error,
            rule: "yaml.syntax".into(),
            message: "m".into(),
            hint: None,
        };
        shared.publish(Published::Failed(vec![problem]));
        let snap = shared.current();
        assert_eq!(index(&snap), b"one");
        assert!(snap.overlay.as_ref().unwrap().contains("a.yaml:1:2"));
        assert_eq!(events.try_recv().unwrap(), 2);
        shared.publish(Published::Good(site("two")));
        let snap = shared.current();
        assert!(snap.overlay.is_none());
        assert_eq!(index(&snap), b"two");
        assert_eq!(snap.generation, 3);
    }
}
