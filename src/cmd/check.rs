//! `meshport check`: load and run every rule, write nothing.

use super::{load, EXIT_FINDINGS, EXIT_OK};
use crate::diag::{render_github, render_json, render_sarif, RuleInfo};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
}

pub fn run(root: &Path, format: Format) -> anyhow::Result<i32> {
    let loaded = load(root, None)?;
    match format {
        Format::Human => {
            eprint!("{}", super::human_report(&loaded));
            eprintln!("{}: {} files checked", loaded.diags.summary(), loaded.mesh.texts.len());
        }
        Format::Json => print!("{}", render_json(&loaded.diags)),
        Format::Github => {
            print!("{}", render_github(&loaded.diags));
            eprintln!("{}", loaded.diags.summary());
        }
        Format::Sarif => print!(
            "{}",
            render_sarif(&loaded.diags, &rule_infos(), env!("CARGO_PKG_VERSION"))
        ),
    }
    Ok(if loaded.diags.has_errors() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn rule_infos() -> Vec<RuleInfo> {
    crate::check::rules::RULES
        .iter()
        .map(|r| RuleInfo {
            id: r.id.to_string(),
            summary: r.summary.to_string(),
            hint: r.hint.to_string(),
            severity: r.severity,
        })
        .collect()
}
