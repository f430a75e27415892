//! Site search: records from the model, the search page (`search.html`), one page per
//! distinct field name (`fields/<slug>.html`) and, with the `search` cargo feature, a Pagefind
//! index under `pagefind/` that the browser loads in chunks on first use.
//!
//! The index is compiled on its own thread while the pages render (`start` … `finish`), so
//! it adds little to the build's wall-clock time.

mod fields;
#[cfg(feature = "search")]
mod pagefind;
mod records;
mod text;

pub use fields::FieldIndex;

/// Process-wide settings the search index needs; call first thing in `main`, while the
/// process still has one thread. Does nothing without the `search` feature.
pub fn configure_process() {
    #[cfg(feature = "search")]
    pagefind::configure_process();
}
pub use records::{Record, FACETS};

use super::{Ctx, PageJob};
use crate::output::Sink;
use serde::Serialize;
use std::collections::BTreeMap;

/// Where the index lives in the site; `static/search.js` computes the same path from the
/// page's root prefix.
pub const BUNDLE_DIR: &str = "pagefind";

/// Whether this binary was built with the search index.
pub const COMPILED: bool = cfg!(feature = "search");

/// Every record of the mesh, in a stable order.
pub fn records(ctx: &Ctx, fields: &FieldIndex) -> Vec<Record> {
    records::build(ctx, fields)
}

/// The search page's view (the field pages are `FieldIndex::page_jobs`): its facets are
/// counted from `records`, so they can move on to the index.
pub fn search_page(ctx: &Ctx, records: &[Record]) -> SearchPageView {
    SearchPageView {
        compiled: COMPILED,
        facets: facets(ctx, records),
        records: records.len(),
    }
}

pub fn search_page_job(view: &SearchPageView) -> PageJob<'static> {
    PageJob::new("search.html", "search.html", "search").with("search", view)
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchPageView {
    /// False when meshport was built without the `search` feature: the page says so.
    pub compiled: bool,
    pub facets: Vec<FacetView>,
    pub records: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FacetView {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<FacetOption>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FacetOption {
    /// The filter value stored in the index (an id for domains and teams).
    pub value: String,
    pub label: String,
    /// Records carrying this value in the whole index; the page replaces it with live counts.
    pub count: usize,
}

/// Facet options with their counts over every record, for the server-rendered facet panel.
pub fn facets(ctx: &Ctx, records: &[Record]) -> Vec<FacetView> {
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for r in records {
        for (name, values) in &r.filters {
            for v in values {
                *counts.entry(name).or_default().entry(v.as_str()).or_default() += 1;
            }
        }
    }
    FACETS
        .iter()
        .filter_map(|(name, label)| {
            let values = counts.get(name)?;
            let options = values.iter().map(|(v, n)| FacetOption {
                value: v.to_string(),
                label: facet_label(ctx, name, v),
                count: *n,
            });
            Some(FacetView {
                name,
                label,
                options: options.collect(),
            })
        })
        .collect()
}

fn facet_label(ctx: &Ctx, facet: &str, value: &str) -> String {
    match facet {
        "domain" => ctx.domain_link(value).title,
        "team" => ctx.team_link(value).title,
        "kind" => records::kind_label(value).to_string(),
        "personal" if value == "yes" => "Holds personal data".to_string(),
        _ => value.to_string(),
    }
}

/// The index being compiled in the background.
pub struct Pending {
    #[cfg(feature = "search")]
    worker: std::thread::JoinHandle<anyhow::Result<(pagefind::Files, std::time::Duration)>>,
    #[cfg(feature = "search")]
    records: usize,
}

/// Starts compiling the index of `records` on its own thread. A plain thread rather than a
/// rayon task: Pagefind drives its own async runtime, which must not run on (or block) the
/// pool the pages render on, nor inside `serve`'s runtime.
pub fn start(records: Vec<Record>) -> Pending {
    #[cfg(feature = "search")]
    {
        let count = records.len();
        let worker = std::thread::spawn(move || {
            let started = std::time::Instant::now();
            pagefind::compile(records).map(|files| (files, started.elapsed()))
        });
        Pending { worker, records: count }
    }
    #[cfg(not(feature = "search"))]
    {
        drop(records);
        Pending {}
    }
}

impl Pending {
    /// Waits for the index and adds its files under `pagefind/`.
    pub fn finish(self, site: &dyn Sink) -> anyhow::Result<()> {
        #[cfg(feature = "search")]
        {
            let waiting = std::time::Instant::now();
            let (files, took) = self
                .worker
                .join()
                .map_err(|_| anyhow::anyhow!("the search index builder panicked"))??;
            // For benchmarks: how long the index took on its thread, and how much of that the
            // build had to wait for after rendering the pages.
            if std::env::var_os("MESHPORT_SEARCH_TIMINGS").is_some() {
                let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
                eprintln!(
                    "search index: {} records, {} files, {bytes} bytes, compiled in {took:.2?}, build waited {:.2?}",
                    self.records,
                    files.len(),
                    waiting.elapsed()
                );
            }
            for (path, bytes) in files {
                site.add(format!("{BUNDLE_DIR}/{path}"), bytes);
            }
        }
        #[cfg(not(feature = "search"))]
        let _ = site;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::views::{Counts, SiteView};
    use crate::render::Templates;

    fn render_search_page(compiled: bool) -> String {
        let templates = Templates::load(std::path::Path::new("/nonexistent-mesh-root")).unwrap();
        let site = SiteView {
            title: "Mesh".into(),
            description: String::new(),
            base_url: String::new(),
            counts: Counts::default(),
        };
        let option = FacetOption {
            value: "sales".into(),
            label: "Sales".into(),
            count: 4,
        };
        let view = SearchPageView {
            compiled,
            facets: vec![FacetView {
                name: "domain",
                label: "Domain",
                options: vec![option],
            }],
            records: 9,
        };
        let job = PageJob::new("search.html", "search.html", "search").with("search", view);
        templates.render_page(&job, &site).unwrap()
    }

    #[test]
    fn search_page_says_when_search_is_not_compiled_in() {
        let html = render_search_page(false);
        assert!(html.contains(r#"data-compiled="false""#));
        assert!(html.contains("Search is not compiled into this build"), "no notice");
        assert!(html.contains(r#"href="domains/index.html""#) && html.contains(r#"href="products/index.html""#));
        assert!(!render_search_page(true).contains("Search is not compiled into this build"));
    }

    #[test]
    fn facet_options_are_checkboxes_with_counts() {
        let html = render_search_page(true);
        assert!(
            html.contains(r#"<fieldset class="facet" data-facet="domain">"#),
            "{html}"
        );
        assert!(html.contains(r#"<input type="checkbox" name="domain" data-facet="domain" value="sales"> <span class="facet-label">Sales</span> <span class="facet-count">4</span></label>"#), "{html}");
    }
}
