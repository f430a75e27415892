//! `meshport check`: load and run every rule, write nothing.

use super::{load, EXIT_FINDINGS, EXIT_OK};
use crate::diag::render_json;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(root: &Path, format: Format) -> anyhow::Result<i32> {
    let loaded = load(root, None)?;
    match format {
        Format::Human => {
            eprint!("{}", super::human_report(&loaded));
            eprintln!("{}: {} files checked", loaded.diags.summary(), loaded.mesh.texts.len());
        }
        Format::Json => print!("{}", render_json(&loaded.diags)),
    }
    Ok(if loaded.diags.has_errors() { EXIT_FINDINGS } else { EXIT_OK })
}
