//! The list of pages to render and the views of the non-descriptor pages: home, catalogues,
//! domains, teams, guides and governance documents.

use super::values::extra_html;
use super::views::*;
use super::{contact, contract, member, product, Ctx, PageJob};
use crate::markdown;
use crate::model::{Mesh, NodeRef, Page, Product};
use std::collections::BTreeMap;

pub fn site_view(mesh: &Mesh) -> SiteView {
    SiteView {
        title: mesh.config.title.clone(),
        description: mesh.config.description.clone(),
        base_url: mesh.config.base_url.clone(),
        counts: Counts {
            products: mesh.products.len(),
            contracts: mesh.contracts.len(),
            domains: mesh.domains.len(),
            teams: mesh.teams.len(),
            guides: mesh.guides.len(),
            governance: mesh.governance.len(),
        },
    }
}

/// Every page of the site, in a stable order.
pub fn jobs<'a>(ctx: &'a Ctx) -> Vec<PageJob<'a>> {
    let mesh = ctx.mesh;
    let mut jobs = vec![PageJob::new("index.html", "home.html", "home").with("home", home(ctx)), catalogue(ctx)];
    jobs.extend(mesh.products.values().map(|p| {
        let url = ctx.urls.product(&p.id).expect("every product has a page");
        PageJob::new(url, "product.html", "products").with_lazy("product", move || product::view(ctx, p))
    }));
    let rows: Vec<ContractRow> = mesh.contracts.keys().map(|k| contract_row(ctx, k)).collect();
    jobs.push(PageJob::new("contracts/index.html", "contracts.html", "contracts").with("contracts", rows));
    jobs.extend(mesh.contracts.values().map(|c| {
        let url = ctx.urls.contract(&c.key).expect("every contract has a page");
        PageJob::new(url, "contract.html", "contracts").with_lazy("contract", move || contract::view(ctx, c))
    }));
    jobs.push(list_job("domains/index.html", "domains.html", "domains", "Domains", domain_items(ctx)));
    jobs.extend(mesh.domains.keys().map(|id| {
        let url = ctx.urls.domain(id).expect("every domain has a page");
        PageJob::new(url, "domain.html", "domains").with_lazy("domain", move || domain(ctx, id))
    }));
    jobs.push(list_job("teams/index.html", "teams.html", "teams", "Teams", team_items(ctx)));
    jobs.extend(mesh.teams.keys().map(|id| {
        let url = ctx.urls.team(id).expect("every team has a page");
        PageJob::new(url, "team.html", "teams").with_lazy("team", move || team(ctx, id))
    }));
    jobs.extend(doc_jobs(ctx, &mesh.guides, "guides", "Guides"));
    jobs.extend(doc_jobs(ctx, &mesh.governance, "governance", "Governance"));
    jobs.push(super::lineage::map_job(ctx));
    jobs.push(PageJob::new("404.html", "404.html", "404"));
    jobs
}

fn list_job(url: &str, template: &'static str, section: &'static str, title: &str, items: Vec<ListItem>) -> PageJob<'static> {
    PageJob::new(url, template, section).with("title", title).with("items", items).with("intro", "")
}

fn catalogue(ctx: &Ctx) -> PageJob<'static> {
    let rows: Vec<ProductRow> = ctx.mesh.products.values().map(|p| product_row(ctx, p)).collect();
    let distinct = |f: &dyn Fn(&ProductRow) -> String| {
        let mut v: Vec<String> = rows.iter().map(f).filter(|s| !s.is_empty()).collect();
        v.sort();
        v.dedup();
        v
    };
    let statuses = distinct(&|r| r.status.clone());
    let domains = distinct(&|r| r.domain.as_ref().map(|d| d.title.clone()).unwrap_or_default());
    let types = distinct(&|r| r.product_type.clone());
    PageJob::new("products/index.html", "products.html", "products")
        .with("statuses", statuses)
        .with("domains", domains)
        .with("product_types", types)
        .with("products", rows)
}

pub fn product_row(ctx: &Ctx, p: &Product) -> ProductRow {
    let purpose = first_sentence(p.description.purpose.as_deref().unwrap_or(""));
    ProductRow {
        link: ctx.product_link(&p.id),
        id: p.id.clone(),
        status: p.status.clone(),
        product_type: p.raw.product_type.clone().unwrap_or_default(),
        domain: p.domain.as_deref().map(|d| ctx.domain_link(d)),
        team: p.team.as_deref().map(|t| ctx.team_link(t)),
        tags: p.raw.tags.clone(),
        output_ports: p.outputs.iter().map(|o| o.name.clone()).collect(),
        purpose,
    }
}

/// The first sentence of a text, joined across line breaks, for one-line summaries.
fn first_sentence(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(i) => flat[..=i].to_string(),
        None => flat,
    }
}

fn contract_row(ctx: &Ctx, key: &crate::model::ContractKey) -> ContractRow {
    let c = &ctx.mesh.contracts[key];
    let fields = c.raw.schema.iter().map(|o| count_fields(&o.properties)).sum();
    ContractRow {
        link: ctx.contract_link(key),
        id: key.id.clone(),
        version: key.version.clone(),
        status: c.status.clone(),
        domain: c.domain.as_deref().map(|d| ctx.domain_link(d)),
        product: c.raw.data_product.as_deref().map(|p| ctx.product_link_by_id_or_name(p)),
        objects: c.raw.schema.len(),
        fields,
    }
}

fn count_fields(props: &[crate::model::raw::Property]) -> usize {
    props.iter().map(|p| 1 + count_fields(&p.properties) + p.items.as_ref().map_or(0, |i| 1 + count_fields(&i.properties))).sum()
}

fn status_mix<'a>(products: impl Iterator<Item = &'a Product>) -> Vec<StatusCount> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in products {
        *counts.entry(p.status.clone()).or_default() += 1;
    }
    counts.into_iter().map(|(status, count)| StatusCount { status, count }).collect()
}

fn home(ctx: &Ctx) -> HomeView {
    let mesh = ctx.mesh;
    let body = mesh.home.as_ref().map(|p| body_html(p).html).unwrap_or_default();
    let domains = mesh.domains.keys().map(|id| DomainCount {
        domain: ctx.domain_link(id),
        products: mesh.index.products_by_domain.get(id).map_or(0, Vec::len),
        contracts: mesh.index.contracts_by_domain.get(id).map_or(0, Vec::len),
    });
    HomeView {
        title: mesh.home.as_ref().map(|p| p.title.clone()).unwrap_or_else(|| mesh.config.title.clone()),
        body_html: body,
        domains: domains.collect(),
        status_mix: status_mix(mesh.products.values()),
        guides: mesh.guides.iter().map(|g| doc_link(ctx, g)).collect(),
        recent: mesh.products.values().filter(|p| p.status == "active").take(12).map(|p| product_row(ctx, p)).collect(),
    }
}

fn doc_link(ctx: &Ctx, page: &Page) -> Link {
    Link { title: page.title.clone(), url: ctx.urls.doc(&page.file).map(str::to_string) }
}

/// Renders a page body; relative links to `.md` files point at the rendered `.html` pages,
/// whose paths mirror `content/`.
fn body_html(page: &Page) -> markdown::Rendered {
    let mut r = markdown::render(&page.body);
    r.html = rewrite_md_links(&r.html);
    r
}

fn rewrite_md_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        let (head, tail) = rest.split_at(i + 6);
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        let (url, after) = tail.split_at(end);
        let (path, frag) = url.split_at(url.find('#').unwrap_or(url.len()));
        match path.strip_suffix(".md").filter(|_| !path.contains("://")) {
            Some(stem) if stem.ends_with("index") || stem.is_empty() => out.push_str(url),
            Some(stem) => out.push_str(&format!("{stem}.html{frag}")),
            None => out.push_str(url),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn page_source(ctx: &Ctx, page: &Page) -> PageSource {
    let (last_change, change_note) = ctx.last_change(&page.file);
    PageSource { file: page.file.clone(), edit_url: ctx.edit_url(&page.file), last_change, change_note, extra_html: extra_html(&page.front.extra) }
}

fn domain_items(ctx: &Ctx) -> Vec<ListItem> {
    ctx.mesh.domains.values().map(|d| ListItem {
        link: ctx.domain_link(&d.id),
        description: d.description.clone(),
        meta: vec![format!("{} products", ctx.mesh.index.products_by_domain.get(&d.id).map_or(0, Vec::len))],
    }).collect()
}

fn team_items(ctx: &Ctx) -> Vec<ListItem> {
    ctx.mesh.teams.values().map(|t| ListItem {
        link: ctx.team_link(&t.id),
        description: t.description.clone(),
        meta: vec![format!("{} products", ctx.mesh.index.products_by_team.get(&t.id).map_or(0, Vec::len))],
    }).collect()
}

fn products_of<'a>(ctx: &'a Ctx, ids: Option<&'a Vec<String>>) -> impl Iterator<Item = &'a Product> + 'a {
    ids.into_iter().flatten().filter_map(|id| ctx.mesh.products.get(id))
}

fn domain(ctx: &Ctx, id: &str) -> DomainView {
    let mesh = ctx.mesh;
    let d = &mesh.domains[id];
    let ids = mesh.index.products_by_domain.get(id);
    let (upstream, downstream) = cross_domain_links(ctx, id);
    DomainView {
        id: id.to_string(),
        name: d.name.clone(),
        url: ctx.urls.domain(id).unwrap_or_default().to_string(),
        description: d.description.clone(),
        owner: d.owner.as_deref().map(|t| ctx.team_summary(t)),
        contacts: d.contacts.iter().map(contact).collect(),
        body_html: d.page.as_ref().map(|p| body_html(p).html).unwrap_or_default(),
        products: products_of(ctx, ids).map(|p| product_row(ctx, p)).collect(),
        contracts: mesh.index.contracts_by_domain.get(id).into_iter().flatten().map(|k| contract_row(ctx, k)).collect(),
        teams: mesh.teams.values().filter(|t| t.domain.as_deref() == Some(id)).map(|t| ctx.team_link(&t.id)).collect(),
        upstream,
        downstream,
        lineage_svg: super::lineage::svg(ctx.lineage.domain(id)),
        lineage_note: super::lineage::note(ctx.lineage.domain(id)),
        status_mix: status_mix(products_of(ctx, ids)),
        scorecard: super::governance::domain_scorecard(ctx, id),
        source: d.page.as_ref().map(|p| page_source(ctx, p)),
    }
}

/// Edges between this domain's products and other domains' products (or external sources).
fn cross_domain_links(ctx: &Ctx, domain: &str) -> (Vec<LineageLink>, Vec<LineageLink>) {
    let mesh = ctx.mesh;
    let in_domain = |id: &str| mesh.products.get(id).and_then(|p| p.domain.as_deref()) == Some(domain);
    let link = |node: &NodeRef, e: &crate::model::Edge| {
        let (node_link, kind, owner) = match node {
            NodeRef::Product(id) => (ctx.product_link(id), "product", mesh.products.get(id).and_then(|p| p.team.as_deref()).map(|t| ctx.team_link(t))),
            NodeRef::External(cid) => (Link { title: format!("External source ({cid})"), url: None }, "external", None),
        };
        let contract = mesh.find_contract(&e.contract_id, e.version.as_deref()).map(|k| ctx.contract_link(k))
            .unwrap_or(Link { title: e.contract_id.clone(), url: None });
        LineageLink { node: node_link, kind: kind.into(), contract, version: e.version.clone(), owner }
    };
    let mut up = Vec::new();
    let mut down = Vec::new();
    for e in &mesh.edges {
        let from_inside = matches!(&e.from, NodeRef::Product(p) if in_domain(p));
        if in_domain(&e.to) && !from_inside {
            up.push(link(&e.from, e));
        } else if from_inside && !in_domain(&e.to) {
            down.push(link(&NodeRef::Product(e.to.clone()), e));
        }
    }
    (up, down)
}

fn team(ctx: &Ctx, id: &str) -> TeamView {
    let mesh = ctx.mesh;
    let t = &mesh.teams[id];
    TeamView {
        id: id.to_string(),
        name: t.name.clone(),
        url: ctx.urls.team(id).unwrap_or_default().to_string(),
        description: t.description.clone(),
        domain: t.domain.as_deref().map(|d| ctx.domain_link(d)),
        email: t.email.clone(),
        oncall: t.oncall.clone(),
        contacts: t.contacts.iter().map(contact).collect(),
        members: t.members.iter().map(member).collect(),
        body_html: t.page.as_ref().map(|p| body_html(p).html).unwrap_or_default(),
        products: products_of(ctx, mesh.index.products_by_team.get(id)).map(|p| product_row(ctx, p)).collect(),
        domains_owned: mesh.domains.values().filter(|d| d.owner.as_deref() == Some(id)).map(|d| ctx.domain_link(&d.id)).collect(),
        source: t.page.as_ref().map(|p| page_source(ctx, p)),
    }
}

fn doc_jobs<'a>(ctx: &'a Ctx, pages: &'a [Page], section: &'static str, title: &str) -> Vec<PageJob<'a>> {
    let items: Vec<ListItem> = pages.iter().map(|p| ListItem {
        link: doc_link(ctx, p),
        description: p.front.description.clone(),
        meta: [p.front.kind.clone(), p.front.status.clone(), p.front.date.clone()].into_iter().flatten().collect(),
    }).collect();
    let mut jobs = vec![PageJob::new(format!("{section}/index.html"), "docs.html", section)
        .with("title", title).with("items", items).with("intro", "")];
    for p in pages {
        let url = ctx.urls.doc(&p.file).unwrap_or_default();
        jobs.push(PageJob::new(url, "doc.html", section).with_lazy("doc", move || doc_view(ctx, p, section)));
    }
    jobs
}

fn doc_view(ctx: &Ctx, p: &Page, section: &str) -> DocView {
    let rendered = body_html(p);
    DocView {
        title: p.title.clone(),
        url: ctx.urls.doc(&p.file).unwrap_or_default().to_string(),
        description: p.front.description.clone(),
        kind: p.front.kind.clone(),
        status: p.front.status.clone(),
        date: p.front.date.clone(),
        section: section.to_string(),
        body_html: rendered.html,
        toc: rendered.toc.into_iter().map(|t| TocView { level: t.level, id: t.id, title: t.title }).collect(),
        source: page_source(ctx, p),
    }
}

#[cfg(test)]
mod tests {
    use super::rewrite_md_links;

    #[test]
    fn first_sentence_spans_lines() {
        assert_eq!(super::first_sentence("One row per\nparcel. Second one."), "One row per parcel.");
        assert_eq!(super::first_sentence("No stop"), "No stop");
    }

    #[test]
    fn md_links_point_at_html() {
        let html = r#"<a href="guides/a.md#x">a</a> <a href="https://h/b.md">b</a> <a href="c.md">c</a>"#;
        assert_eq!(rewrite_md_links(html), r#"<a href="guides/a.html#x">a</a> <a href="https://h/b.md">b</a> <a href="c.html">c</a>"#);
    }
}
