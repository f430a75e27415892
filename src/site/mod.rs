//! The pipeline's one owner. `Site::load` reads, validates, resolves and checks the mesh (and
//! reads git facts when asked); `Site::render` hands every page to a sink: `output::Staging` for
//! `build`, memory for `serve`. `check` stops after loading; `diff` loads two meshes through
//! `load_from`, one of them from git objects.

use crate::config::Config;
use crate::diag::{render_human, Diagnostic, Diagnostics};
use crate::lineage::LayoutCache;
use crate::model::Mesh;
use crate::output::Sink;
use crate::render::{Derived, Renderer, Templates};
use crate::source::{ReadCache, SourceTree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A loaded and checked mesh with what rendering needs, ready to render in full or page by page.
pub struct Site {
    pub root: PathBuf,
    pub loaded: Loaded,
    pub git: Option<Arc<crate::git::GitFacts>>,
    pub templates: Templates,
    pub derived: Derived,
}

impl Site {
    /// Prepares a checked mesh for rendering: templates and what pages derive from the mesh.
    /// A theme that does not compile is an error here.
    /// `layouts` keeps lineage layouts across the rebuilds of `serve`.
    pub fn prepare(
        root: &Path,
        mut loaded: Loaded,
        git: Option<Arc<crate::git::GitFacts>>,
        layouts: &LayoutCache,
    ) -> anyhow::Result<Site> {
        let templates = Templates::load(root)?;
        // Findings are made; pages read the typed model only.
        loaded.mesh.forget_documents();
        let derived = Derived::build(&loaded.mesh, &loaded.diags, layouts);
        Ok(Site {
            root: root.to_path_buf(),
            loaded,
            git,
            templates,
            derived,
        })
    }

    pub fn renderer(&self) -> Renderer<'_> {
        Renderer::new(
            &self.loaded.mesh,
            &self.loaded.diags,
            self.git.as_deref(),
            &self.templates,
            &self.derived,
        )
    }

    /// Every page and file of the site into `sink`; `progress` hears (pages done, pages).
    pub fn render(&self, sink: &dyn Sink, progress: &(dyn Fn(usize, usize) + Sync)) -> anyhow::Result<()> {
        self.renderer().render_all(&self.root, sink, progress)
    }
}

/// The mesh loaded, resolved and checked, with every finding.
pub struct Loaded {
    pub mesh: Mesh,
    pub diags: Diagnostics,
}

/// Load + resolve + check: the shared front half of `build` and `check`.
pub fn load(root: &Path, base_url: Option<&str>) -> anyhow::Result<Loaded> {
    load_cached(root, base_url, None)
}

/// `load`, reusing the parse of every file whose text `cache` holds unchanged (`serve`).
pub fn load_cached(root: &Path, base_url: Option<&str>, cache: Option<&ReadCache>) -> anyhow::Result<Loaded> {
    if !root.is_dir() {
        anyhow::bail!("mesh root {} is not a directory", root.display());
    }
    if !root.join("content").is_dir() {
        anyhow::bail!(
            "{} has no content/ directory: run meshport in a mesh repository (or pass --root)",
            root.display()
        );
    }
    let (config_text, unreadable) = crate::config::read_text(root);
    load_tree_from(
        &crate::source::DirTree::new(root),
        config_text,
        unreadable,
        base_url,
        cache,
    )
}

/// The same pipeline over any source tree (a directory, or files read from a git revision),
/// given the text of meshport.toml when there is one.
pub fn load_from(tree: &dyn SourceTree, config_text: Option<String>, base_url: Option<&str>) -> anyhow::Result<Loaded> {
    load_tree_from(tree, config_text, None, base_url, None)
}

/// `load_from`, with the finding of a meshport.toml that exists but could not be read, and the
/// parse cache of `serve`.
fn load_tree_from(
    tree: &dyn SourceTree,
    config_text: Option<String>,
    unreadable: Option<Diagnostic>,
    base_url: Option<&str>,
    cache: Option<&ReadCache>,
) -> anyhow::Result<Loaded> {
    let mut diags = Diagnostics::new();
    diags.extend(unreadable);
    let (mut config, config_diag, config_text) = Config::from_text(config_text);
    diags.extend(config_diag);
    if let Some(url) = base_url {
        config.set_base_url(url);
    }
    let mut sources = crate::source::load_tree_cached(tree, cache);
    diags.extend(std::mem::take(&mut sources.diags).iter().cloned());
    if let Some(text) = config_text {
        sources.texts.insert(crate::config::FILE_NAME.to_string(), text);
    }
    // Structure first, on the raw documents: also those that fail typed resolution below.
    let schema_report = crate::check::schema::check_sources(tree, &config, &mut sources, &mut diags);
    let mesh = crate::model::resolve(config, sources, &mut diags);
    schema_report.drop_shadowed_type_errors(&mut diags);
    let mut mesh = mesh;
    let policies = crate::check::policy::Policies::load(&mesh, &mut diags);
    mesh.observed = crate::observe::load(tree, &mesh, policies.observations_max_age_days, &mut diags);
    crate::check::run(&mesh, &policies, &mut diags);
    crate::check::rego::run(&mesh, &policies, &mut diags);
    // Last, so the mesh's policies re-level every finding, whichever stage reported it.
    let mut diags = policies.apply(&mesh, diags);
    diags.finish();
    Ok(Loaded { mesh, diags })
}

impl Loaded {
    /// Files under content/ with findings that gave nothing to render (a page, a product, a
    /// contract or the policies), counted by the rule of each file's gravest finding: what the
    /// build summary says was left out, and why. Rego policies are evaluated, never rendered,
    /// and are not counted.
    pub fn not_rendered(&self) -> BTreeMap<&str, usize> {
        let m = &self.mesh;
        let pages = m.home.iter().chain(&m.guides).chain(&m.governance);
        let pages = pages
            .chain(m.domains.values().filter_map(|d| d.page.as_ref()))
            .chain(m.teams.values().filter_map(|t| t.page.as_ref()));
        let rendered: BTreeSet<&str> = pages
            .map(|p| p.file.as_str())
            .chain(m.products.values().map(|p| p.origin.file.as_str()))
            .chain(m.contracts.values().map(|c| c.origin.file.as_str()))
            .chain(m.policies.iter().map(|o| o.file.as_str()))
            .collect();
        let mut gravest: BTreeMap<&str, &Diagnostic> = BTreeMap::new();
        for d in self.diags.iter() {
            let file = d.file.as_str();
            if !file.starts_with("content/") || file.ends_with(".rego") || rendered.contains(file) {
                continue;
            }
            let entry = gravest.entry(file).or_insert(d);
            if d.severity < entry.severity {
                *entry = d;
            }
        }
        let mut counts = BTreeMap::new();
        for d in gravest.values() {
            *counts.entry(d.rule.as_str()).or_insert(0) += 1;
        }
        counts
    }
}

/// "2 files were not rendered (1 source.unrecognised, 1 yaml.syntax): see the findings
/// above", or nothing when every file was.
pub fn not_rendered_summary(counts: &BTreeMap<&str, usize>) -> Option<String> {
    let total: usize = counts.values().sum();
    if total == 0 {
        return None;
    }
    let mut by_count: Vec<(&&str, &usize)> = counts.iter().collect();
    by_count.sort_by_key(|(rule, n)| (std::cmp::Reverse(**n), **rule));
    let why: Vec<String> = by_count.iter().map(|(rule, n)| format!("{n} {rule}")).collect();
    let files = if total == 1 { "file was" } else { "files were" };
    Some(format!(
        "{total} {files} not rendered ({}): see the findings above",
        why.join(", ")
    ))
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

/// Findings in the human format, with source snippets, coloured for a terminal (`--color`).
pub fn human_report(loaded: &Loaded) -> String {
    let color = crate::diag::stderr_color();
    render_human(&loaded.diags, &|file| loaded.mesh.texts.get(file).cloned(), color)
}
