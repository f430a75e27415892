//! `meshport build`: load, check, render and write the site atomically. With error-level
//! findings nothing is written and the previous output stays as it was.

use super::{load, EXIT_FINDINGS, EXIT_OK};
use crate::lineage::LayoutCache;
use crate::render::{render_site, Templates};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

pub struct BuildArgs {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub quiet: bool,
}

pub fn run(args: &BuildArgs) -> anyhow::Result<i32> {
    let started = Instant::now();
    let progress = Progress::new(args.quiet);
    progress.step("loading the mesh");
    let mut loaded = load(&args.root, args.base_url.as_deref())?;
    progress.step("reading git history");
    let git = super::read_git(&args.root, &mut loaded);
    if !loaded.diags.is_empty() {
        progress.suspend(|| eprint!("{}", super::human_report(&loaded)));
    }
    if loaded.diags.has_errors() {
        progress.finish();
        eprintln!("build failed: {}; the output directory was left untouched", loaded.diags.summary());
        return Ok(EXIT_FINDINGS);
    }
    progress.step("rendering pages");
    let templates = Templates::load(&args.root)?;
    let site = render_site(&loaded.mesh, &loaded.diags, &templates, &args.root, git.as_deref(), &LayoutCache::with_limit(0))?;
    progress.step("writing the site");
    let out = args.output.clone().unwrap_or_else(|| args.root.join("public"));
    crate::output::write_atomic(&site, &out)?;
    progress.finish();
    if !args.quiet {
        eprintln!(
            "built {} pages ({} files) into {} with {} in {:.2?}",
            site.pages(),
            site.len(),
            out.display(),
            loaded.diags.summary(),
            started.elapsed()
        );
    }
    Ok(EXIT_OK)
}

/// A spinner on a terminal; silent in CI logs and with `--quiet`.
struct Progress(Option<ProgressBar>);

impl Progress {
    fn new(quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("static template"));
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Progress(Some(bar))
    }

    fn step(&self, msg: &'static str) {
        if let Some(b) = &self.0 {
            b.set_message(msg);
        }
    }

    fn suspend(&self, f: impl FnOnce()) {
        match &self.0 {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
