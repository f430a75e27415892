//! Search at benchmark scale: builds the synthetic mesh (10,000 products by default), reports
//! the build time, what the build says about its search index, the index's size on disk, and
//! the bytes a first and a second query transfer in the browser, then checks the budgets of
//! issue 5 (first query < 300 KB including the runtime, later queries < 50 KB).
//!
//! Ignored by default (the build alone takes minutes). Run:
//!
//! ```sh
//! MESHPORT_SEARCH_BENCH_N=10000 cargo test --release --test browser -- --ignored --nocapture search_bytes
//! ```
//!
//! `MESHPORT_SEARCH_BENCH_MESH=DIR` uses an existing mesh instead of generating one.

use crate::bench_mesh;
use crate::harness::{self, Browser, Hit, Options, Server, PREFIX};
use serde_json::json;
use std::path::{Path, PathBuf};

const FIRST_BUDGET: u64 = 300 * 1024;
const LATER_BUDGET: u64 = 50 * 1024;

fn mesh_root() -> (PathBuf, String) {
    if let Some(dir) = std::env::var_os("MESHPORT_SEARCH_BENCH_MESH") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("content").is_dir(),
            "MESHPORT_SEARCH_BENCH_MESH={} has no content/",
            dir.display()
        );
        return (dir.clone(), format!("the mesh in {}", dir.display()));
    }
    let n: usize = std::env::var("MESHPORT_SEARCH_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("search-bench-mesh-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    bench_mesh::generate(&dir, n);
    (dir, format!("{n} synthetic products"))
}

/// Total size and number of files under `dir`.
fn disk_usage(dir: &Path) -> (u64, usize) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(bytes, files), e| {
            (bytes + e.metadata().map(|m| m.len()).unwrap_or(0), files + 1)
        })
}

/// Runs `query` as one input event (as a paste would) in the header box, waits for its
/// results and for the server to go idle, and returns what the browser fetched meanwhile.
async fn one_query(b: &Browser, server: &Server, query: &str) -> (Vec<Hit>, usize) {
    let mark = server.mark();
    // Clearing data-state first means the next "ready" can only come from this query.
    let script =
        "var q = document.querySelector('#site-search-q'); var l = document.querySelector('#site-search-results');\
        l.removeAttribute('data-state'); q.focus(); q.value = arguments[0];\
        q.dispatchEvent(new Event('input', { bubbles: true }));";
    b.js(script, vec![json!(query)]).await;
    let count = b
        .wait_js(
            "the query's results",
            "var l = document.querySelector('#site-search-results');\
            return l.getAttribute('data-state') === 'ready' && l.querySelectorAll('li.search-result').length",
        )
        .await;
    harness::server_idle(server).await;
    (server.since(mark), count.as_u64().unwrap_or(0) as usize)
}

fn describe(hits: &[Hit]) -> String {
    let mut lines: Vec<String> = hits
        .iter()
        .map(|h| format!("    {:>9} B  {} {}", h.bytes, h.status, h.path))
        .collect();
    lines.sort();
    lines.join("\n")
}

#[test]
#[ignore = "builds a 10,000-product mesh; run explicitly (see the module docs)"]
fn search_bytes_at_benchmark_scale() {
    let (root, what) = mesh_root();
    let site = Path::new(env!("CARGO_TARGET_TMPDIR")).join("search-bench-site");
    let (build_time, printed) = harness::build_site(&root, &site);
    let (index_bytes, index_files) = disk_usage(&site.join("pagefind"));
    println!("\nsearch benchmark on {what}");
    println!("  full build (meshport build): {build_time:.2?}");
    // `meshport build` reports the index's own compile time under MESHPORT_SEARCH_TIMINGS
    // (set by `build_site`): it compiles on its own thread while the pages render.
    let timing = printed.lines().find(|l| l.starts_with("search index:"));
    println!("  build says: {}", timing.unwrap_or("(no search index timing printed)"));
    println!(
        "  index on disk: {} KB in {index_files} files (pagefind/)",
        index_bytes / 1024
    );
    assert!(index_files > 0, "the build wrote no pagefind/ bundle");

    harness::run(
        "search_bytes_at_benchmark_scale",
        Options::default(),
        async |b: &Browser| {
            let server = Server::start(&site, PREFIX);
            b.goto(&server.url("index.html")).await;
            harness::server_idle(&server).await;
            // A first query (it also loads the runtime), then later ones: two words that sit in
            // different index chunks, and one word.
            let queries = ["shipments", "refunds history", "invoices"];
            let mut totals = Vec::new();
            for (i, q) in queries.iter().enumerate() {
                let (hits, shown) = one_query(b, &server, q).await;
                let bytes: u64 = hits.iter().map(|h| h.bytes).sum();
                println!(
                    "  query {} {q:?}: {} requests, {bytes} B ({:.1} KB), {shown} results shown\n{}",
                    i + 1,
                    hits.len(),
                    bytes as f64 / 1024.0,
                    describe(&hits)
                );
                assert!(shown > 0, "{q:?} found nothing in the benchmark mesh");
                totals.push(bytes);
            }
            assert!(
                totals[0] < FIRST_BUDGET,
                "first query transferred {} bytes, budget {FIRST_BUDGET}",
                totals[0]
            );
            for (q, later) in queries.iter().zip(&totals).skip(1) {
                assert!(
                    *later < LATER_BUDGET,
                    "later query {q:?} transferred {later} bytes, budget {LATER_BUDGET}"
                );
                assert!(
                    totals[0] > *later,
                    "the first query also loads the runtime, so it must cost more than {q:?}"
                );
            }
        },
    );
}
