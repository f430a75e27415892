//! Rendering: the resolved mesh becomes view structs, templates turn views into pages, and the
//! result is a `Site` (path → bytes) held in memory; `output` writes it.
//!
//! Templates and views are built once; pages render in parallel.

mod api;
mod contract;
mod git;
pub mod governance;
mod lineage;
mod lists;
mod pages;
pub mod paging;
mod product;
pub mod search;
mod templates;
pub mod urls;
pub mod values;
pub mod views;

use crate::diag::Diagnostics;
use crate::model::{raw, Contact, ContractKey, Mesh};
use crate::output::Site;
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
        let title = self.mesh.products.get(id).map(|p| p.name.clone()).unwrap_or_else(|| id.to_string());
        Link { title, url: self.urls.product(id).map(str::to_string) }
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
            None => Link { title: s.to_string(), url: None },
        }
    }

    pub fn contract_link(&self, key: &ContractKey) -> Link {
        let name = self.mesh.contracts.get(key).map(|c| c.name.as_str()).unwrap_or(&key.id);
        Link { title: format!("{name} {}", key.version), url: self.urls.contract(key).map(str::to_string) }
    }

    pub fn domain_link(&self, id: &str) -> Link {
        let title = self.mesh.domains.get(id).map(|d| d.name.clone()).unwrap_or_else(|| id.to_string());
        Link { title, url: self.urls.domain(id).map(str::to_string) }
    }

    pub fn team_link(&self, id: &str) -> Link {
        let title = self.mesh.teams.get(id).map(|t| t.name.clone()).unwrap_or_else(|| id.to_string());
        Link { title, url: self.urls.team(id).map(str::to_string) }
    }

    pub fn team_summary(&self, id: &str) -> TeamSummary {
        let team = self.mesh.teams.get(id);
        TeamSummary {
            link: self.team_link(id),
            email: team.and_then(|t| t.email.clone()),
            oncall: team.and_then(|t| t.oncall.clone()),
            contacts: team.map(|t| t.contacts.iter().map(contact).collect()).unwrap_or_default(),
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
            raw_lines_shown: if shown.len() < text.len() { shown.lines().count() } else { text.lines().count() },
            findings: self.findings(file),
            finding_counts: self.finding_counts(file),
        }
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
        name: m.name.clone().or_else(|| m.username.clone()).unwrap_or_else(|| "(unnamed)".into()),
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
        extra.insert("authoritativeDefinitions".into(), serde_json::json!(d.authoritative_definitions));
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

/// One page to render: its URL, template and page-specific context entries.
pub struct PageJob {
    pub url: String,
    pub template: &'static str,
    pub section: &'static str,
    pub vars: Vec<(&'static str, serde_json::Value)>,
}

impl PageJob {
    pub fn new(url: impl Into<String>, template: &'static str, section: &'static str) -> Self {
        PageJob { url: url.into(), template, section, vars: Vec::new() }
    }

    pub fn with(mut self, name: &'static str, value: impl Serialize) -> Self {
        self.vars.push((name, serde_json::to_value(value).expect("views always serialise")));
        self
    }
}

/// Renders the whole site into memory.
pub fn render_site(mesh: &Mesh, diags: &Diagnostics, templates: &Templates, root: &Path, git: Option<&crate::git::GitFacts>) -> anyhow::Result<Site> {
    let urls = Urls::build(mesh);
    let lineage = crate::lineage::Lineage::build(mesh, &urls);
    let scorecard = crate::check::score::compute(mesh, diags);
    let ctx = Ctx { mesh, urls: &urls, diags, lineage: &lineage, scorecard: &scorecard, git };
    let site_view = pages::site_view(mesh);
    let mut jobs = pages::jobs(&ctx);
    jobs.extend(governance::jobs(&ctx));
    let fields = search::FieldIndex::build(mesh);
    let records = search::records(&ctx, &fields);
    jobs.extend(search::jobs(&ctx, &fields, &records));
    let index = search::start(records);
    let rendered: Vec<anyhow::Result<(String, Vec<u8>)>> = jobs
        .par_iter()
        .map(|job| templates.render_page(job, &site_view).map(|html| (job.url.clone(), html.into_bytes())))
        .collect();
    let mut site = Site::default();
    for r in rendered {
        let (url, bytes) = r?;
        site.add(url, bytes);
    }
    api::add(&ctx, &mut site);
    governance::api(&ctx, &mut site);
    api::sitemap(&ctx, &jobs, &mut site);
    index.finish(&mut site)?;
    templates.add_static(root, &mut site)?;
    Ok(site)
}

/// Escaped text, for builders that assemble small HTML fragments.
pub fn text_html(s: &str) -> String {
    esc(s)
}
