//! `meshport build`: load, check, render and write the site atomically. With error-level
//! findings nothing is written and the previous output stays as it was; the output directory is
//! replaced only when meshport wrote it (see `output`).

use super::{load, EXIT_FINDINGS, EXIT_OK};
use crate::lineage::LayoutCache;
use crate::output::Staging;
use crate::site::Site;
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
    let out = args.output.clone().unwrap_or_else(|| args.root.join("public"));
    if args.root.is_dir() {
        crate::output::preflight(&args.root, &out)?;
    }
    progress.step("loading the mesh");
    let mut loaded = load(&args.root, args.base_url.as_deref())?;
    progress.step("reading git history");
    let git = super::read_git(&args.root, &mut loaded);
    if !loaded.diags.is_empty() {
        progress.suspend(|| eprint!("{}", super::human_report(&loaded)));
    }
    if loaded.diags.has_errors() {
        progress.finish();
        eprintln!(
            "build failed: {}; the output directory was left untouched",
            loaded.diags.summary()
        );
        return Ok(EXIT_FINDINGS);
    }
    progress.step("preparing templates and lineage");
    let site = Site::prepare(&args.root, loaded, git, &LayoutCache::default())?;
    let staging = Staging::begin(&args.root, &out)?;
    for note in &staging.notes {
        progress.suspend(|| eprintln!("note: {note}"));
    }
    site.render(&staging, &|done, total| progress.pages(done, total))?;
    progress.step("writing the search index and the site");
    let done = staging.commit()?;
    progress.finish();
    for note in &done.notes {
        eprintln!("note: {note}");
    }
    if !args.quiet {
        eprintln!(
            "built {} pages ({} files) into {} with {} in {:.2?}",
            done.pages,
            done.files,
            done.target.display(),
            site.loaded.diags.summary(),
            started.elapsed()
        );
        if let Some(line) = crate::site::not_rendered_summary(&site.loaded.not_rendered()) {
            eprintln!("{line}");
        }
    }
    Ok(EXIT_OK)
}

/// On a terminal: a spinner while loading, then a bar of pages rendered with an estimate of the
/// time left. Silent in CI logs and with `--quiet`.
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
            b.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("static template"));
            b.set_message(msg);
        }
    }

    /// Called from the render threads after each page.
    fn pages(&self, done: usize, total: usize) {
        let Some(b) = &self.0 else { return };
        if b.length() != Some(total as u64) {
            let style = "rendering pages [{bar:30}] {pos}/{len} ({eta} left)";
            b.set_style(
                ProgressStyle::with_template(style)
                    .expect("static template")
                    .progress_chars("=> "),
            );
            b.set_length(total as u64);
        }
        b.set_position(done as u64);
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
