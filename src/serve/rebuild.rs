//! One full rebuild into memory. Full, not partial: partial rebuilds are where other site
//! generators' stale-page bugs came from (getzola/zola#1108), and a full rebuild of the
//! example mesh takes well under a second.

use super::overlay::{self, Problem};
use super::state::Published;
use crate::cmd::{human_report, load};
use crate::lineage::LayoutCache;
use crate::render::{render_site, Templates};
use std::path::Path;
use std::time::{Duration, Instant};

pub struct Report {
    pub result: Published,
    pub elapsed: Duration,
    /// Every finding in the human format (as `check` prints it), empty when there are none.
    pub findings: String,
    /// `N errors, M warnings`.
    pub summary: String,
    pub pages: usize,
}

/// Loads, checks and renders the mesh at `root`. Findings and template or render failures
/// become a `Failed` result; `Err` only when the mesh cannot be read at all (no `content/`),
/// which stops `serve` at start and is shown like a finding afterwards. `layouts` carries
/// lineage layouts from one rebuild to the next.
pub fn rebuild(root: &Path, base_url: &str, layouts: &LayoutCache) -> anyhow::Result<Report> {
    let started = Instant::now();
    let mut loaded = load(root, Some(base_url))?;
    let git = crate::cmd::read_git(root, &mut loaded);
    let findings = if loaded.diags.is_empty() { String::new() } else { human_report(&loaded) };
    let summary = loaded.diags.summary();
    let report = |result, pages, summary: String| Report { result, elapsed: started.elapsed(), findings: findings.clone(), summary, pages };
    if loaded.diags.has_errors() {
        return Ok(report(Published::Failed(overlay::problems_of(&loaded.diags)), 0, summary));
    }
    // A theme that does not compile or render is the tool's failure in `build`; here the
    // user is editing templates/, so it is shown like a finding.
    let failed = |rule: &str, e: anyhow::Error| {
        let problem = overlay::failure("templates/", rule, format!("{e:#}"));
        report(Published::Failed(vec![problem]), 0, format!("{rule} failed; {summary}"))
    };
    let templates = match Templates::load(root) {
        Ok(t) => t,
        Err(e) => return Ok(failed("templates", e)),
    };
    match render_site(&loaded.mesh, &loaded.diags, &templates, root, git.as_deref(), layouts) {
        Ok(site) => {
            let pages = site.pages();
            Ok(report(Published::Good(site), pages, summary.clone()))
        }
        Err(e) => Ok(failed("render", e)),
    }
}

/// A rebuild that could not even load the mesh, as a result the server can show.
pub fn unreadable(root: &Path, error: &anyhow::Error, elapsed: Duration) -> Report {
    let problem: Problem = overlay::failure(&root.display().to_string(), "serve.load", format!("{error:#}"));
    Report { result: Published::Failed(vec![problem]), elapsed, findings: String::new(), summary: "the mesh could not be read".into(), pages: 0 }
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
                    eprintln!("{}: {}[{}]: {}", p.location, p.severity, p.rule, p.message);
                }
            }
            println!("rebuild failed in {ms} ms ({}); serving the last good build with the findings overlaid", report.summary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_content_is_an_error_not_a_panel() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(rebuild(tmp.path(), "http://127.0.0.1:1/", &LayoutCache::default()).is_err());
    }

    #[test]
    fn template_failure_becomes_a_problem() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("content")).unwrap();
        std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
        std::fs::write(tmp.path().join("templates/home.html"), "{% if %}").unwrap();
        let report = rebuild(tmp.path(), "http://127.0.0.1:1/", &LayoutCache::default()).unwrap();
        match report.result {
            Published::Failed(p) => assert_eq!(p[0].rule, "templates"),
            Published::Good(_) => panic!("a broken template must fail the rebuild"),
        }
    }
}
