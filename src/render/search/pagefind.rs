//! The Pagefind index of the records, compiled in memory through Pagefind's Rust API.

use super::Record;
use anyhow::{anyhow, Context as _};
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::collections::BTreeMap;

/// Files of Pagefind's output the site serves: the search runtime (main-thread build: the
/// page passes `noWorker`, so `pagefind-worker.js` is never fetched), the entry file, the
/// metadata and the chunked index, filters and fragments. Pagefind's own UI bundles and
/// playground are not used.
fn wanted(path: &str) -> bool {
    path == "pagefind.js"
        || path == "pagefind-entry.json"
        || path.ends_with(".pf_meta")
        || (path.starts_with("wasm.") && path.ends_with(".pagefind") && path != "wasm.unknown.pagefind")
        || ["index/", "fragment/", "filter/"]
            .iter()
            .any(|dir| path.starts_with(dir))
}

/// Pagefind reads its index chunk size (in word locations) only from this environment
/// variable, when an index is created.
const CHUNK_SIZE_VAR: &str = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE";

/// Index chunk size, in word locations. Pagefind's default (20,000) made chunks of up to
/// ~57 KB at 10,000 products, and a later query of two words in two chunks cost 53–62 KB,
/// over the 50 KB budget; at 6,000 the same query cost 20 KB and the first query got
/// smaller too (184 KB instead of 193 KB), for ~100 more chunk files (BENCHMARKS.md).
pub const INDEX_CHUNK_SIZE: usize = 6_000;

/// Sets the chunk size for Pagefind unless the environment already does. Environment
/// changes are only sound while the process has one thread, so `main` calls this first.
pub fn configure_process() {
    if std::env::var_os(CHUNK_SIZE_VAR).is_none() {
        std::env::set_var(CHUNK_SIZE_VAR, INDEX_CHUNK_SIZE.to_string());
    }
}

/// The index's files: `(path under pagefind/, bytes)` in path order.
pub type Files = Vec<(String, Vec<u8>)>;

/// Compiles the index.
pub fn compile(records: Vec<Record>) -> anyhow::Result<Files> {
    // Our own small runtime on this thread: Pagefind's API is async and uses
    // `spawn_blocking` for indexing.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the search indexer's runtime")?;
    runtime.block_on(compile_async(records))
}

async fn compile_async(records: Vec<Record>) -> anyhow::Result<Files> {
    let options = PagefindServiceConfig::builder()
        .keep_index_url(true)
        .force_language("en".to_string())
        .build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| anyhow!("configuring the search index: {e}"))?;
    for r in records {
        let url = r.url.clone();
        let (meta, filters) = meta_and_filters(&r);
        index
            .add_custom_record(r.url, r.content, "en".to_string(), Some(meta), Some(filters), None)
            .await
            .map_err(|e| anyhow!("indexing {url} for search: {e}"))?;
    }
    let files = index
        .get_files()
        .await
        .map_err(|e| anyhow!("building the search index: {e}"))?;
    let mut out: Files = files
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
        .filter(|(path, _)| wanted(path))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// What a result shows (title, kind, domain, owner) and the facets it can be filtered by.
fn meta_and_filters(r: &Record) -> (BTreeMap<String, String>, BTreeMap<String, Vec<String>>) {
    let mut meta = BTreeMap::from([
        ("title".to_string(), r.title.clone()),
        ("kind".to_string(), r.kind.to_string()),
    ]);
    if !r.domain.is_empty() {
        meta.insert("domain".into(), r.domain.clone());
    }
    if !r.owner.is_empty() {
        meta.insert("owner".into(), r.owner.clone());
    }
    let filters = r
        .filters
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().cloned().collect()))
        .collect();
    (meta, filters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_what_the_page_fetches() {
        for path in [
            "pagefind.js",
            "pagefind-entry.json",
            "pagefind.en_1a2b.pf_meta",
            "wasm.en.pagefind",
            "index/en_1.pf_index",
            "fragment/en_2.pf_fragment",
            "filter/en_3.pf_filter",
        ] {
            assert!(wanted(path), "{path} should be kept");
        }
        for path in [
            "wasm.unknown.pagefind",
            "pagefind-ui.js",
            "pagefind-component-ui.js",
            "pagefind-worker.js",
            "playground/index.html",
            "pagefind-highlight.js",
        ] {
            assert!(!wanted(path), "{path} should be dropped");
        }
    }

    #[test]
    fn compiles_a_small_index_with_filters() {
        let mut r = Record::field("fields/customer_id.html", "customer_id");
        r.add_text(["customer_id", "Customer identifier"]);
        r.add_filter("classification", "restricted");
        let files = compile(vec![r]).unwrap();
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert!(paths.contains(&"pagefind.js"), "{paths:?}");
        assert!(paths.iter().any(|p| p.starts_with("filter/")), "{paths:?}");
        assert!(paths.iter().any(|p| p.starts_with("fragment/")), "{paths:?}");
        assert!(compile(vec![]).is_ok());
    }
}
