//! Lineage layout benchmark: lays out every diagram of a mesh one after another on one thread
//! and prints the time per diagram (median, p90, p99, max) and in total, by diagram size.
//!
//! Run: `cargo run --release --example lineage_layout -- <mesh root> [--dump shapes.json]`
//! (`python3 ../shared/bench/gen_mesh.py --n 1000 --out /tmp/layout-mesh` makes a mesh;
//! BENCHMARKS.md has the numbers and a cheaper way to an optimised build).
//! `--dump` writes each diagram's boxes (width, height) and edges (from, to, label width) as
//! JSON, so other layout engines can be timed on exactly the same input.

use meshport::lineage::layout::{node_size, text_width, Shape, LABEL_PX};
use meshport::lineage::LayoutCache;
use meshport::render::urls::Urls;
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = args
        .first()
        .ok_or_else(|| anyhow::anyhow!("usage: lineage_layout <mesh root> [--dump FILE]"))?;
    let dump = args.iter().position(|a| a == "--dump").and_then(|i| args.get(i + 1));
    let loaded = meshport::cmd::load(std::path::Path::new(root), None)?;
    let urls = Urls::build(&loaded.mesh);
    let specs = meshport::lineage::diagram_specs(&loaded.mesh, &urls);
    if let Some(path) = dump {
        let shapes: Vec<serde_json::Value> = specs
            .iter()
            .map(|(name, s)| {
                let nodes: Vec<_> = s.nodes.iter().map(node_size).collect();
                let edges: Vec<_> = s
                    .edges
                    .iter()
                    .map(|e| {
                        (
                            e.from,
                            e.to,
                            if e.label.is_empty() {
                                0.0
                            } else {
                                text_width(&e.label, LABEL_PX, false) + 8.0
                            },
                        )
                    })
                    .collect();
                serde_json::json!({ "name": name, "left_to_right": s.left_to_right, "nodes": nodes, "edges": edges })
            })
            .collect();
        std::fs::write(path, serde_json::to_string(&shapes)?)?;
    }
    // (nodes, time) per diagram
    let mut times: Vec<(usize, Duration)> = Vec::new();
    let started = Instant::now();
    let mut failed = Vec::new();
    for (i, (_, spec)) in specs.iter().enumerate() {
        let t = Instant::now();
        let scene = lay_out(spec);
        times.push((spec.nodes.len(), t.elapsed()));
        if scene.is_none() {
            failed.push(i);
        }
        std::hint::black_box(scene);
    }
    let total = started.elapsed();
    println!(
        "{} diagrams laid out in {total:.2?} on one thread, {} failed (panicked)",
        specs.len(),
        failed.len()
    );
    for i in failed {
        println!(
            "  failed: {}: {} nodes, {} edges",
            specs[i].0,
            specs[i].1.nodes.len(),
            specs[i].1.edges.len()
        );
    }
    let mut slowest: Vec<usize> = (0..specs.len()).collect();
    slowest.sort_by_key(|i| std::cmp::Reverse(times[*i].1));
    for i in slowest.into_iter().take(3) {
        let (name, spec) = &specs[i];
        println!(
            "  slow: {name}: {} nodes, {} edges, {:.2?}",
            spec.nodes.len(),
            spec.edges.len(),
            times[i].1
        );
    }
    let shapes: std::collections::BTreeSet<Shape> = specs.iter().map(|(_, s)| Shape::of(s)).collect();
    let cache = LayoutCache::with_limit(usize::MAX);
    let started = Instant::now();
    cache.scenes(&shapes.iter().collect::<Vec<_>>());
    let (kept, bytes) = cache.size();
    println!(
        "{kept} distinct shapes; laid out in parallel in {:.2?}; a cache holding all of them: {:.1} MB",
        started.elapsed(),
        bytes as f64 / 1e6
    );
    for (lo, hi) in [(1, 10), (11, 50), (51, 100), (101, 150), (1, usize::MAX)] {
        let mut bucket: Vec<Duration> = times
            .iter()
            .filter(|(n, _)| (lo..=hi).contains(n))
            .map(|(_, t)| *t)
            .collect();
        if bucket.is_empty() {
            continue;
        }
        bucket.sort();
        let at = |q: f64| bucket[((bucket.len() - 1) as f64 * q).round() as usize];
        let sum: Duration = bucket.iter().sum();
        let label = if hi == usize::MAX {
            "all".to_string()
        } else {
            format!("{lo}-{hi} nodes")
        };
        println!(
            "{label:>14}: {:>5} diagrams, median {:>9.2?}, p90 {:>9.2?}, p99 {:>9.2?}, max {:>9.2?}, sum {:>9.2?}",
            bucket.len(),
            at(0.5),
            at(0.9),
            at(0.99),
            at(1.0),
            sum
        );
    }
    Ok(())
}

/// Lays out one diagram, catching a panic (the layout-rs this replaced panicked on some
/// diagrams; this keeps the benchmark's "failed" column comparable).
fn lay_out(spec: &meshport::lineage::layout::Spec) -> Option<meshport::lineage::layout::Scene> {
    let shape = meshport::lineage::layout::Shape::of(spec);
    std::panic::catch_unwind(|| meshport::lineage::layout::lay_out(&shape)).ok()
}
