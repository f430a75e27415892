//! One rebuild: the mesh is loaded and checked in full (every rule sees the whole mesh), files
//! whose text did not change since the last rebuild are not parsed or validated again (the
//! `ReadCache`), and pages are left to render on request (`live`). A property test holds this
//! path to a fresh build: after any sequence of edits, every served page equals what `build`
//! writes.

use super::live::LiveSite;
use super::overlay::{self, Problem};
use super::state::Published;
use crate::cmd::human_report;
use crate::diag::escape_controls;
use crate::lineage::LayoutCache;
use crate::site::{Loaded, Site};
use crate::source::ReadCache;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Report {
    pub result: Published,
    /// The site just published, for the search index to join when it is ready.
    pub live: Option<Arc<LiveSite>>,
    pub elapsed: Duration,
    /// Every finding in the human format (as `check` prints it), empty when there are none.
    pub findings: String,
    /// `N errors, M warnings`.
    pub summary: String,
    pub pages: usize,
}

/// Loads, checks and prepares the mesh at `root`. Findings and template failures become a
/// `Failed` result; `Err` only when the mesh cannot be read at all (no `content/`), which
/// stops `serve` at start and is shown like a finding afterwards.
pub fn rebuild(root: &Path, base_url: &str, cache: &ReadCache, layouts: &LayoutCache) -> anyhow::Result<Report> {
    let started = Instant::now();
    let mut loaded = crate::site::load_cached(root, Some(base_url), Some(cache))?;
    let loaded_in = started.elapsed();
    let git = crate::cmd::read_git(root, &mut loaded);
    let findings = if loaded.diags.is_empty() {
        String::new()
    } else {
        human_report(&loaded)
    };
    let summary = loaded.diags.summary();
    let report = |result, live, pages, summary: String| Report {
        result,
        live,
        elapsed: started.elapsed(),
        findings: findings.clone(),
        summary,
        pages,
    };
    if loaded.diags.has_errors() {
        return Ok(report(
            Published::Failed(overlay::problems_of(&loaded.diags)),
            None,
            0,
            summary,
        ));
    }
    // A theme that does not compile is the tool's failure in `build`; here the user is
    // editing templates/, so it is shown like a finding.
    let failed = |rule: &str, e: anyhow::Error| {
        let problem = overlay::failure("templates/", rule, format!("{e:#}"));
        report(
            Published::Failed(vec![problem]),
            None,
            0,
            format!("{rule} failed; {summary}"),
        )
    };
    let before_site = started.elapsed();
    let made = live_site(root, loaded, git, layouts);
    // For benchmarks: where a rebuild's time goes.
    if std::env::var_os("MESHPORT_SERVE_TIMINGS").is_some() {
        eprintln!(
            "rebuild: load+check {loaded_in:.2?}, git+findings {:.2?}, lineage+API+records {:.2?}",
            before_site - loaded_in,
            started.elapsed() - before_site
        );
    }
    match made {
        Ok(live) => {
            let pages = live.page_count();
            Ok(report(
                Published::Good(live.clone()),
                Some(live),
                pages,
                summary.clone(),
            ))
        }
        Err(e) => Ok(failed("templates", e)),
    }
}

fn live_site(
    root: &Path,
    loaded: Loaded,
    git: Option<Arc<crate::git::GitFacts>>,
    layouts: &LayoutCache,
) -> anyhow::Result<Arc<LiveSite>> {
    let site = Site::prepare(root, loaded, git, layouts)?;
    Ok(Arc::new(LiveSite::new(site)?))
}

/// A rebuild that could not even load the mesh, as a result the server can show.
pub fn unreadable(root: &Path, error: &anyhow::Error, elapsed: Duration) -> Report {
    let problem: Problem = overlay::failure(&root.display().to_string(), "serve.load", format!("{error:#}"));
    Report {
        result: Published::Failed(vec![problem]),
        live: None,
        elapsed,
        findings: String::new(),
        summary: "the mesh could not be read".into(),
        pages: 0,
    }
}

/// Prints the outcome: findings (only when they differ from the previous build's, so an
/// unchanged warning is not repeated on every save) on stderr, one status line on stdout.
pub fn print(report: &Report, previous_findings: &mut String) {
    if report.findings != *previous_findings {
        eprint!("{}", report.findings);
        *previous_findings = report.findings.clone();
    }
    let ms = report.elapsed.as_millis();
    match &report.result {
        Published::Good(_) => println!("rebuilt in {ms} ms ({} pages, {})", report.pages, report.summary),
        Published::Failed(problems) => {
            if report.findings.is_empty() {
                for p in problems {
                    let (location, message) = (escape_controls(&p.location), escape_controls(&p.message));
                    eprintln!("{location}: {}[{}]: {message}", p.severity, p.rule);
                }
            }
            println!(
                "rebuild failed in {ms} ms ({}); serving the last good build with the findings overlaid",
                report.summary
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_content_is_an_error_not_a_panel() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(rebuild(
            tmp.path(),
            "http://127.0.0.1:1/",
            &ReadCache::default(),
            &LayoutCache::default()
        )
        .is_err());
    }

    #[test]
    fn template_failure_becomes_a_problem() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("content")).unwrap();
        std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
        std::fs::write(tmp.path().join("templates/home.html"), "{% if %}").unwrap();
        let report = rebuild(
            tmp.path(),
            "http://127.0.0.1:1/",
            &ReadCache::default(),
            &LayoutCache::default(),
        )
        .unwrap();
        match report.result {
            Published::Failed(p) => assert_eq!(p[0].rule, "templates"),
            Published::Good(_) => panic!("a broken template must fail the rebuild"),
        }
    }
}
