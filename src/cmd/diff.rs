//! `meshport diff`: what the working tree changes against a git revision, what it breaks
//! downstream, and whom to tell. Writes the report to stdout; writes no files.

use super::{load, load_from, Loaded, EXIT_FINDINGS, EXIT_OK};
use crate::diag::Severity;
use crate::diff::report::{FindingCount, Report};
use crate::diff::{compare, format, Pair};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// For a pull-request comment.
    Markdown,
    /// For scripts; shape documented in docs/diff.md.
    Json,
}

pub struct DiffArgs {
    pub root: PathBuf,
    pub base: String,
    pub format: DiffFormat,
    pub fail_on_breaking: bool,
}

pub fn run(args: &DiffArgs) -> anyhow::Result<i32> {
    if !args.root.is_dir() {
        anyhow::bail!("mesh root {} is not a directory", args.root.display());
    }
    // The revision first: a wrong revision or a directory outside git fails before any loading.
    let at = crate::git::revision::read_mesh(&args.root, &args.base)?;
    let base = load_from(&at.files, at.config_text.clone(), None)?;
    let head = load(&args.root, None)?;
    let changes = compare(Pair {
        base: &base.mesh,
        head: &head.mesh,
    });
    let report = Report {
        base_rev: &args.base,
        base_commit: &at.short_id,
        pair: Pair {
            base: &base.mesh,
            head: &head.mesh,
        },
        changes: &changes,
        base_findings: counts(&base),
        head_findings: counts(&head),
    };
    let text = match args.format {
        DiffFormat::Markdown => format::markdown(&report),
        DiffFormat::Json => format!(
            "{}\n",
            crate::diag::escape_json_text(serde_json::to_string_pretty(&format::json(&report))?)
        ),
    };
    write_stdout(&text)?;
    Ok(if args.fail_on_breaking && report.breaking() > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn counts(loaded: &Loaded) -> FindingCount {
    FindingCount {
        errors: loaded.diags.count(Severity::Error),
        warnings: loaded.diags.count(Severity::Warning),
    }
}

/// Writes the report; a reader that stops early (`| head`) is not an error.
fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("writing the report to stdout"))
        }
        _ => Ok(()),
    }
}
