//! Layouts by shape (`layout::Shape`: what a layout reads), shared by every diagram of a build
//! and, when the caller keeps the cache (`serve`), by the builds after it: an edit redraws only
//! the diagrams whose shape it changed. A layout depends only on its shape, so what the cache
//! holds or evicts never changes the output, only the time to produce it.

use super::layout::{lay_out, Scene, Shape};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What a cache keeps by default (the layouts of a 1,000-product mesh take ~3 MB): diagrams are
/// drawn as their pages render, so this is also what a build keeps to lay out a shape once.
pub const DEFAULT_LIMIT: usize = 64 << 20;

/// A handle: clones share one cache, so a build's `Lineage` can keep drawing into the cache its
/// caller holds.
#[derive(Clone)]
pub struct LayoutCache {
    state: Arc<Mutex<State>>,
    /// Bytes of keys and layouts kept.
    limit: usize,
}

#[derive(Default)]
struct State {
    map: HashMap<Shape, Entry>,
    bytes: usize,
    /// Lookups so far (a diagram, or a batch of them); an entry remembers the last that used it.
    build: u64,
}

struct Entry {
    scene: Arc<Scene>,
    bytes: usize,
    used: u64,
}

impl Default for LayoutCache {
    fn default() -> Self {
        LayoutCache::with_limit(DEFAULT_LIMIT)
    }
}

impl LayoutCache {
    /// A cache that keeps up to `limit` bytes (0: nothing; every diagram is laid out afresh).
    pub fn with_limit(limit: usize) -> LayoutCache {
        LayoutCache {
            state: Arc::new(Mutex::new(State::default())),
            limit,
        }
    }

    /// The layout of each shape (distinct shapes, in any order), laying out in parallel those
    /// not cached; then trims the cache to its limit, least recently used first.
    pub fn scenes(&self, shapes: &[&Shape]) -> Vec<Arc<Scene>> {
        let (mut found, missing) = self.lookup(shapes);
        let laid: Vec<(usize, Arc<Scene>)> = missing
            .into_par_iter()
            .map(|i| (i, Arc::new(lay_out(shapes[i]))))
            .collect();
        let mut state = self.lock();
        let build = state.build;
        for (i, scene) in laid {
            let bytes = shapes[i].bytes() + scene.bytes();
            state.bytes += bytes;
            state.map.insert(
                shapes[i].clone(),
                Entry {
                    scene: scene.clone(),
                    bytes,
                    used: build,
                },
            );
            found[i] = Some(scene);
        }
        state.trim(self.limit);
        found
            .into_iter()
            .map(|s| s.expect("every shape was found or laid out"))
            .collect()
    }

    /// The cached layouts of `shapes` (marked used), and the indexes of the rest.
    fn lookup(&self, shapes: &[&Shape]) -> (Vec<Option<Arc<Scene>>>, Vec<usize>) {
        let mut state = self.lock();
        state.build += 1;
        let build = state.build;
        let mut found = Vec::with_capacity(shapes.len());
        let mut missing = Vec::new();
        for (i, shape) in shapes.iter().enumerate() {
            match state.map.get_mut(*shape) {
                Some(entry) => {
                    entry.used = build;
                    found.push(Some(entry.scene.clone()));
                }
                None => {
                    found.push(None);
                    missing.push(i);
                }
            }
        }
        (found, missing)
    }

    /// Layouts held, and their approximate bytes.
    pub fn size(&self) -> (usize, usize) {
        let state = self.lock();
        (state.map.len(), state.bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Entries are inserted whole, so a lock poisoned by a panic elsewhere is still sound.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    /// Evicts down to three quarters of `limit`: a trim is a pass over every entry, so once the
    /// cache is full it must not run on every diagram a build draws.
    fn trim(&mut self, limit: usize) {
        if self.bytes <= limit {
            return;
        }
        // Oldest first; within a lookup the smallest first: layout time grows faster than a
        // layout's bytes, so the large layouts are the ones worth keeping.
        let mut ages: Vec<(u64, usize)> = self.map.values().map(|e| (e.used, e.bytes)).collect();
        ages.sort_unstable();
        let target = limit / 4 * 3;
        let mut bytes = self.bytes;
        let kept_from = ages.iter().position(|(_, b)| {
            let done = bytes <= target;
            bytes = bytes.saturating_sub(*b);
            done
        });
        match kept_from {
            Some(i) => {
                let oldest_kept = ages[i];
                self.map.retain(|_, e| (e.used, e.bytes) >= oldest_kept);
                self.bytes = self.map.values().map(|e| e.bytes).sum();
            }
            None => {
                self.map.clear();
                self.bytes = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(title: &str) -> Shape {
        Shape {
            nodes: vec![(title.into(), String::new()), ("b".into(), String::new())],
            edges: vec![(0, 1, "c".into())],
            left_to_right: false,
        }
    }

    #[test]
    fn a_kept_layout_is_reused_and_the_limit_holds() {
        let cache = LayoutCache::default();
        let (a, b) = (shape("a"), shape("b"));
        let first = cache.scenes(&[&a, &b]);
        let again = cache.scenes(&[&b]);
        assert!(
            Arc::ptr_eq(&first[1], &again[0]),
            "the second build reuses the first's layout"
        );
        assert_eq!(cache.size().0, 2);

        let none = LayoutCache::with_limit(0);
        let laid = none.scenes(&[&a]);
        assert_eq!(*laid[0], *first[0], "the same layout, cached or not");
        assert_eq!(none.size(), (0, 0), "a zero limit keeps nothing between builds");
    }

    #[test]
    fn the_least_recently_used_go_first() {
        let (a, b) = (shape("a"), shape("b"));
        let one = a.bytes() + LayoutCache::with_limit(0).scenes(&[&a])[0].bytes();
        let cache = LayoutCache::with_limit(one + one / 2);
        cache.scenes(&[&a]);
        let second = cache.scenes(&[&b]);
        assert_eq!(cache.size().0, 1);
        let third = cache.scenes(&[&b]);
        assert!(Arc::ptr_eq(&second[0], &third[0]), "b, the newer, was kept");
    }
}
