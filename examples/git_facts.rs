//! Times reading git facts (last change and history of every file under content/) for a
//! mesh: `cargo run --release --example git_facts -- <mesh root>`.

use std::time::Instant;

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".to_string());
    let root = std::path::Path::new(&root);
    for run in 1..=3 {
        let started = Instant::now();
        // `read` caches by HEAD for `serve`; clear it so every run reads the history again.
        meshport::git::forget_cached();
        let (facts, note) = meshport::git::read(root);
        let elapsed = started.elapsed();
        let files = facts.as_ref().map_or(0, |f| f.files());
        println!(
            "run {run}: {elapsed:.2?} for {files} files{}",
            note.map(|d| format!(" ({})", d.rule)).unwrap_or_default()
        );
    }
}
