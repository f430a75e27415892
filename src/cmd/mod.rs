//! The commands. Each stage of the pipeline is called from here; `main.rs` only parses
//! arguments.

pub mod build;
pub mod check;
pub mod diff;
pub mod init;
pub mod serve;

use crate::config::Config;
use crate::diag::{render_human, Diagnostics};
use crate::model::Mesh;
use crate::source::SourceTree;
use std::path::Path;

/// Exit status: clean (warnings allowed).
pub const EXIT_OK: i32 = 0;
/// Exit status: error-level findings in the mesh.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit status: bad usage or a failure of the tool itself.
pub const EXIT_FAILURE: i32 = 2;

/// The mesh loaded, resolved and checked, with every finding.
pub struct Loaded {
    pub mesh: Mesh,
    pub diags: Diagnostics,
}

/// Load + resolve + check: the shared front half of `build` and `check`.
pub fn load(root: &Path, base_url: Option<&str>) -> anyhow::Result<Loaded> {
    if !root.is_dir() {
        anyhow::bail!("mesh root {} is not a directory", root.display());
    }
    if !root.join("content").is_dir() {
        anyhow::bail!("{} has no content/ directory: run meshport in a mesh repository (or pass --root)", root.display());
    }
    let config_text = std::fs::read_to_string(root.join(crate::config::FILE_NAME)).ok();
    load_from(&crate::source::DirTree::new(root), config_text, base_url)
}

/// The same pipeline over any source tree (a directory, or files read from a git revision),
/// given the text of meshport.toml when there is one.
pub fn load_from(tree: &dyn SourceTree, config_text: Option<String>, base_url: Option<&str>) -> anyhow::Result<Loaded> {
    let mut diags = Diagnostics::new();
    let (mut config, config_diag, config_text) = Config::from_text(config_text);
    diags.extend(config_diag);
    if let Some(url) = base_url {
        config.set_base_url(url);
    }
    let mut sources = crate::source::load_tree(tree);
    diags.extend(std::mem::take(&mut sources.diags).iter().cloned());
    if let Some(text) = config_text {
        sources.texts.insert(crate::config::FILE_NAME.to_string(), text);
    }
    // Structure first, on the raw documents: also those that fail typed resolution below.
    let schema_report = crate::check::schema::check_sources(tree, &config, &mut sources, &mut diags);
    let mesh = crate::model::resolve(config, sources, &mut diags);
    schema_report.drop_shadowed_type_errors(&mut diags);
    let policies = crate::check::policy::Policies::load(&mesh, &mut diags);
    crate::check::run(&mesh, &policies, &mut diags);
    crate::check::rego::run(&mesh, &policies, &mut diags);
    // Last, so the mesh's policies re-level every finding, whichever stage reported it.
    let mut diags = policies.apply(&mesh, diags);
    diags.finish();
    Ok(Loaded { mesh, diags })
}

/// Git facts for the pages of `build` and `serve`; what git could not tell becomes one info
/// finding among the mesh's (never an error: git never fails a build).
pub fn read_git(root: &Path, loaded: &mut Loaded) -> Option<std::sync::Arc<crate::git::GitFacts>> {
    let (facts, gap) = crate::git::read(root);
    if let Some(d) = gap {
        // The mesh's policies set this note's level too (`git.shallow: off` for a CI that
        // knowingly builds from a shallow clone); re-reading them here keeps `load` free of git.
        let policies = crate::check::policy::Policies::load(&loaded.mesh, &mut Diagnostics::new());
        let mut note = Diagnostics::new();
        note.push(d);
        loaded.diags.extend(policies.apply(&loaded.mesh, note).iter().cloned());
        loaded.diags.finish();
    }
    facts
}

/// Findings in the human format, with source snippets.
pub fn human_report(loaded: &Loaded) -> String {
    render_human(&loaded.diags, &|file| loaded.mesh.texts.get(file).cloned())
}
