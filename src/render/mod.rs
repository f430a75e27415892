//! Rendering: the resolved mesh becomes view structs, templates turn views into pages, and each
//! page goes to an `output::Sink` (disk or memory) as soon as it is rendered.
//!
//! Templates and views are built once; pages render in parallel.

mod access;
mod api;
mod contract;
mod git;
pub mod governance;
mod lineage;
mod lists;
mod observed;
mod pages;
pub mod paging;
mod people;
mod product;
mod readable;
pub mod reserved;
pub mod search;
#[cfg(test)]
mod template_docs;
mod templates;
pub mod urls;
pub mod values;
pub mod views;
mod views_access;

use crate::diag::Diagnostics;
use crate::model::{raw, Contact, ContractKey, Mesh};
use crate::output::Sink;
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;
use urls::Urls;
use values::{esc, extra_html, safe_url};
use views::*;

pub use templates::Templates;

/// What every view builder needs: the mesh, the URL map and the findings.
pub struct Ctx<'a> {
    pub mesh: &'a Mesh,
    pub urls: &'a Urls,
    pub diags: &'a Diagnostics,
    /// Lineage graph and diagrams, laid out once per build.
    pub lineage: &'a crate::lineage::Lineage,
    /// Governance scores computed from the findings.
    pub scorecard: &'a crate::check::score::Scorecard,
    /// Last changes and histories from git; `None` outside a repository.
    pub git: Option<&'a crate::git::GitFacts>,
}

impl<'a> Ctx<'a> {
    pub fn product_link(&self, id: &str) -> Link {
        let title = self
            .mesh
            .products
            .get(id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_string());
        Link {
            title,
            url: self.urls.product(id).map(str::to_string),
        }
    }

    /// ODCS `dataProduct` names a product by id or by name.
    pub fn product_link_by_id_or_name(&self, s: &str) -> Link {
        if self.mesh.products.contains_key(s) {
            return self.product_link(s);
        }
        // Names are not indexed: this scan only runs for the rare contract that names its
        // product by name rather than id.
        match self.mesh.products.values().find(|p| p.name == s) {
            Some(p) => self.product_link(&p.id),
            None => Link {
                title: s.to_string(),
                url: None,
            },
        }
    }

    pub fn contract_link(&self, key: &ContractKey) -> Link {
        let name = self.mesh.contracts.get(key).map(|c| c.name.as_str()).unwrap_or(&key.id);
        Link {
            title: format!("{name} {}", key.version),
            url: self.urls.contract(key).map(str::to_string),
        }
    }

    pub fn domain_link(&self, id: &str) -> Link {
        let title = self
            .mesh
            .domains
            .get(id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| id.to_string());
        Link {
            title,
            url: self.urls.domain(id).map(str::to_string),
        }
    }

    pub fn team_link(&self, id: &str) -> Link {
        let title = self
            .mesh
            .teams
            .get(id)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| id.to_string());
        Link {
            title,
            url: self.urls.team(id).map(str::to_string),
        }
    }

    pub fn team_summary(&self, id: &str) -> TeamSummary {
        let team = self.mesh.teams.get(id);
        TeamSummary {
            link: self.team_link(id),
            email: team.and_then(|t| t.email.clone()),
            oncall: team.and_then(|t| t.oncall.clone()),
            contacts: team
                .map(|t| t.contacts.iter().map(contact).collect())
                .unwrap_or_default(),
        }
    }

    /// A file's findings, the first `FINDINGS_SHOWN` of them: a generated descriptor can have
    /// one per field, and the scorecard's findings pages list them all.
    pub fn findings(&self, file: &str) -> Vec<FindingView> {
        self.diags
            .for_file(file)
            .take(FINDINGS_SHOWN)
            .map(|d| FindingView {
                severity: d.severity.to_string(),
                rule: d.rule.clone(),
                line: d.line,
                column: d.column,
                message: d.message.clone(),
                hint: d.hint.clone(),
            })
            .collect()
    }

    /// How many findings a file has, by severity.
    pub fn finding_counts(&self, file: &str) -> FindingCounts {
        let mut counts = FindingCounts::default();
        for d in self.diags.for_file(file) {
            counts.total += 1;
            match d.severity {
                crate::diag::Severity::Error => counts.errors += 1,
                crate::diag::Severity::Warning => counts.warnings += 1,
                _ => counts.notes += 1,
            }
        }
        counts
    }

    pub fn source_view(&self, file: &str, page_url: &str) -> SourceView {
        let text = self.mesh.texts.get(file).map(String::as_str).unwrap_or("");
        let (last_change, change_note) = self.last_change(file);
        let shown = raw_excerpt(text);
        SourceView {
            file: file.to_string(),
            edit_url: self.edit_url(file),
            last_change,
            change_note,
            api_url: Urls::api_for(page_url),
            raw_html: crate::highlight::yaml_source(shown),
            raw_lines: text.lines().count(),
            raw_lines_shown: if shown.len() < text.len() {
                shown.lines().count()
            } else {
                text.lines().count()
            },
            findings: self.findings(file),
            finding_counts: self.finding_counts(file),
            written_in: None,
        }
    }

    /// `source_view` of a descriptor, naming the older format it is written in, if any.
    pub fn descriptor_source(&self, origin: &crate::model::Origin, page_url: &str) -> SourceView {
        let mut view = self.source_view(&origin.file, page_url);
        view.written_in = origin.written_in.as_ref().map(|w| {
            let short = match w.format {
                crate::source::legacy::Format::DataContract => "DCS",
                crate::source::legacy::Format::DataProduct => "DPS",
            };
            WrittenInView {
                format: w.format.name().to_string(),
                short: short.to_string(),
                version: w.version.clone(),
                read_as: w.format.target(),
                convert_command: format!("meshport convert {} --in-place", origin.file),
            }
        });
        view
    }
}

pub fn contact(c: &Contact) -> ContactView {
    ContactView {
        channel: c.channel.clone(),
        url: c.url.as_deref().and_then(safe_url),
        tool: c.tool.clone(),
        scope: c.scope.clone(),
        description: c.description.clone(),
        extra_html: extra_html(&c.extra),
    }
}

pub fn member(m: &raw::Member) -> MemberView {
    let mut extra = m.extra.clone();
    if let Some(id) = &m.id {
        extra.insert("id".into(), serde_json::Value::String(id.clone()));
    }
    if !m.tags.is_empty() {
        extra.insert("tags".into(), serde_json::json!(m.tags));
    }
    MemberView {
        name: m
            .name
            .clone()
            .or_else(|| m.username.clone())
            .unwrap_or_else(|| "(unnamed)".into()),
        username: m.username.clone(),
        role: m.role.clone(),
        email: m.email.clone(),
        description: m.description.clone(),
        date_in: m.date_in.clone(),
        date_out: m.date_out.clone(),
        replaced_by: m.replaced_by_username.clone(),
        extra_html: extra_html(&extra),
    }
}

/// Keys of a description block beyond purpose/usage/limitations.
pub fn description_extra(d: &raw::Description) -> String {
    let mut extra = d.extra.clone();
    if !d.authoritative_definitions.is_empty() {
        extra.insert(
            "authoritativeDefinitions".into(),
            serde_json::json!(d.authoritative_definitions),
        );
    }
    if !d.custom_properties.is_empty() {
        extra.insert("customProperties".into(), serde_json::json!(d.custom_properties));
    }
    extra_html(&extra)
}

/// Findings listed on a descriptor's page; the rest are counted, and listed on the
/// scorecard's findings pages.
pub const FINDINGS_SHOWN: usize = 100;

/// Bytes of a descriptor's text shown as highlighted YAML on its page (about three times as
/// much HTML): a generated 17 MB contract must not make a 50 MB page. The whole descriptor
/// is in its JSON file (`api/…`), linked beside the excerpt.
pub const RAW_SHOWN: usize = 64 * 1024;

/// The start of `text`, at most `RAW_SHOWN` bytes, cut after a whole line.
fn raw_excerpt(text: &str) -> &str {
    if text.len() <= RAW_SHOWN {
        return text;
    }
    let mut end = RAW_SHOWN;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind('\n') {
        Some(i) => &text[..=i],
        None => &text[..end],
    }
}

/// Builds a page's main view when the page renders: inside the parallel loop, so no more views
/// are alive at once than there are render threads.
type ViewBuilder<'a> = Box<dyn Fn() -> serde_json::Value + Send + Sync + 'a>;

/// One page to render: its URL, template and page-specific context entries.
pub struct PageJob<'a> {
    pub url: String,
    pub template: &'static str,
    pub section: &'static str,
    pub vars: Vec<(&'static str, serde_json::Value)>,
    pub lazy: Vec<(&'static str, ViewBuilder<'a>)>,
}

impl<'a> PageJob<'a> {
    pub fn new(url: impl Into<String>, template: &'static str, section: &'static str) -> Self {
        PageJob {
            url: url.into(),
            template,
            section,
            vars: Vec::new(),
            lazy: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Serialize) -> Self {
        self.vars
            .push((name, serde_json::to_value(value).expect("views always serialise")));
        self
    }

    /// A context entry built only when the page renders.
    pub fn with_lazy<T: Serialize>(mut self, name: &'static str, build: impl Fn() -> T + Send + Sync + 'a) -> Self {
        self.lazy.push((
            name,
            Box::new(move || serde_json::to_value(build()).expect("views always serialise")),
        ));
        self
    }
}

/// Makes some of the site's page jobs (see `pages::job_groups`).
pub type JobGroup<'a> = Box<dyn Fn() -> Vec<PageJob<'a>> + 'a>;

/// What rendering derives from a checked mesh once: URLs, lineage, scores and the field index.
/// Owned, so `serve` can keep it beside the mesh and render single pages on request.
pub struct Derived {
    pub urls: Urls,
    pub lineage: crate::lineage::Lineage,
    pub scorecard: crate::check::score::Scorecard,
    pub fields: search::FieldIndex,
}

impl Derived {
    /// `layouts` keeps lineage layouts between the builds of a long-running caller (`serve`);
    /// a one-shot build passes one that keeps nothing.
    pub fn build(mesh: &Mesh, diags: &Diagnostics, layouts: &crate::lineage::LayoutCache) -> Derived {
        let urls = Urls::build(mesh);
        let lineage = crate::lineage::Lineage::build(mesh, &urls, layouts);
        Derived {
            lineage,
            scorecard: crate::check::score::compute(mesh, diags),
            fields: search::FieldIndex::build(mesh),
            urls,
        }
    }
}

/// Everything a page needs to render, borrowed: cheap to make, so `serve` makes one per request.
pub struct Renderer<'a> {
    ctx: Ctx<'a>,
    fields: &'a search::FieldIndex,
    templates: &'a Templates,
    site_view: SiteView,
}

impl<'a> Renderer<'a> {
    pub fn new(
        mesh: &'a Mesh,
        diags: &'a Diagnostics,
        git: Option<&'a crate::git::GitFacts>,
        templates: &'a Templates,
        derived: &'a Derived,
    ) -> Self {
        let ctx = Ctx {
            mesh,
            urls: &derived.urls,
            diags,
            lineage: &derived.lineage,
            scorecard: &derived.scorecard,
            git,
        };
        Renderer {
            ctx,
            fields: &derived.fields,
            templates,
            site_view: pages::site_view(mesh),
        }
    }

    /// Every page of the site, in a stable order; views are built only when a page renders.
    /// The search page's facets are counted from `records` here, so they can move on to the index.
    pub fn jobs(&self, records: &[search::Record]) -> Vec<PageJob<'_>> {
        self.job_groups(records).iter().flat_map(|group| group()).collect()
    }

    /// The pages as groups of jobs (see `pages::job_groups`); flattened, they are `jobs`.
    pub fn job_groups(&self, records: &[search::Record]) -> Vec<JobGroup<'_>> {
        let ctx = &self.ctx;
        let mut groups = pages::job_groups(ctx);
        groups.push(Box::new(move || governance::jobs(ctx)));
        let search_page = search::search_page(ctx, records);
        groups.push(Box::new(move || vec![search::search_page_job(&search_page)]));
        for name in self.fields.names() {
            groups.push(Box::new(move || self.fields.page_jobs(ctx, name)));
        }
        groups
    }

    pub fn records(&self) -> Vec<search::Record> {
        search::records(&self.ctx, self.fields)
    }

    pub fn render(&self, job: &PageJob) -> anyhow::Result<Vec<u8>> {
        self.templates.render_page(job, &self.site_view).map(String::into_bytes)
    }

    /// The files beside the pages: the JSON API, the sitemap and the static assets.
    pub fn write_files(&self, jobs: &[PageJob], root: &Path, sink: &dyn Sink) -> anyhow::Result<()> {
        self.write_api(sink);
        self.write_sitemap_and_static(jobs, root, sink)
    }

    /// The JSON API under `api/`.
    pub fn write_api(&self, sink: &dyn Sink) {
        api::add(&self.ctx, sink);
        governance::api(&self.ctx, sink);
    }

    /// The sitemap, the built-in and the mesh's static files, and the mesh's `root/` files.
    pub fn write_sitemap_and_static(&self, jobs: &[PageJob], root: &Path, sink: &dyn Sink) -> anyhow::Result<()> {
        api::sitemap(&self.ctx, jobs, sink);
        self.templates.add_static(root, sink)
    }

    /// Renders the whole site into `sink`, each page handed over as soon as it is rendered,
    /// while the search index compiles on its own thread.
    pub fn render_all(
        &self,
        root: &Path,
        sink: &dyn Sink,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> anyhow::Result<()> {
        let records = self.records();
        let jobs = self.jobs(&records);
        let index = search::start(records);
        let done = std::sync::atomic::AtomicUsize::new(0);
        jobs.par_iter().try_for_each(|job| {
            if sink.failed() {
                return Ok(());
            }
            sink.add(job.url.clone(), self.render(job)?);
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, jobs.len());
            Ok::<_, anyhow::Error>(())
        })?;
        self.write_files(&jobs, root, sink)?;
        index.finish(sink)
    }
}

/// Renders the whole site into `sink` (see `Renderer::render_all`).
pub fn render_site(
    mesh: &Mesh,
    diags: &Diagnostics,
    templates: &Templates,
    root: &Path,
    git: Option<&crate::git::GitFacts>,
    sink: &dyn Sink,
) -> anyhow::Result<()> {
    let derived = Derived::build(mesh, diags, &crate::lineage::LayoutCache::default());
    Renderer::new(mesh, diags, git, templates, &derived).render_all(root, sink, &|_, _| {})
}

/// Escaped text, for builders that assemble small HTML fragments.
pub fn text_html(s: &str) -> String {
    esc(s)
}
