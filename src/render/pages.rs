//! The list of pages to render and the views of the non-descriptor pages: home, catalogues,
//! domains, teams, guides and governance documents.

use super::lists::{self, contract_row, product_row, ListContext};
use super::values::extra_html;
use super::views::*;
use super::{contact, contract, member, product, Ctx, JobGroup, PageJob};
use crate::lineage::Diagram;
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

/// The site's pages, in a stable order, as groups that each make some of the jobs: `serve`
/// makes only the group of the page asked for (one product's, not every list's).
pub fn job_groups<'a>(ctx: &'a Ctx) -> Vec<JobGroup<'a>> {
    let mesh = ctx.mesh;
    let mut groups: Vec<JobGroup<'a>> = vec![
        Box::new(move || vec![PageJob::new("index.html", "home.html", "home").with("home", home(ctx))]),
        Box::new(move || lists::catalogue(ctx)),
    ];
    for p in mesh.products.values() {
        groups.push(Box::new(move || product::jobs(ctx, p)));
    }
    groups.push(Box::new(move || lists::contract_index(ctx)));
    for c in mesh.contracts.values() {
        groups.push(Box::new(move || contract::jobs(ctx, c)));
    }
    groups.push(Box::new(move || {
        vec![list_job(
            "domains/index.html",
            "domains.html",
            "domains",
            "Domains",
            domain_items(ctx),
        )]
    }));
    for id in mesh.domains.keys() {
        groups.push(Box::new(move || domain_jobs(ctx, id)));
    }
    groups.push(Box::new(move || {
        vec![list_job(
            "teams/index.html",
            "teams.html",
            "teams",
            "Teams",
            team_items(ctx),
        )]
    }));
    for id in mesh.teams.keys() {
        groups.push(Box::new(move || team_jobs(ctx, id)));
    }
    groups.push(Box::new(move || doc_jobs(ctx, &mesh.guides, "guides", "Guides")));
    groups.push(Box::new(move || {
        doc_jobs(ctx, &mesh.governance, "governance", "Governance")
    }));
    groups.push(Box::new(move || {
        vec![
            super::lineage::map_job(ctx),
            PageJob::new("404.html", "404.html", "404"),
        ]
    }));
    groups
}

fn list_job(
    url: &str,
    template: &'static str,
    section: &'static str,
    title: &str,
    items: Vec<ListItem>,
) -> PageJob<'static> {
    PageJob::new(url, template, section)
        .with("title", title)
        .with("items", items)
        .with("intro", "")
}

fn status_mix<'a>(products: impl Iterator<Item = &'a Product>) -> Vec<StatusCount> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in products {
        *counts.entry(p.status.clone()).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(status, count)| StatusCount { status, count })
        .collect()
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
        title: mesh
            .home
            .as_ref()
            .map(|p| p.title.clone())
            .unwrap_or_else(|| mesh.config.title.clone()),
        body_html: body,
        domains: domains.collect(),
        status_mix: status_mix(mesh.products.values()),
        guides: mesh.guides.iter().map(|g| doc_link(ctx, g)).collect(),
        recent: mesh
            .products
            .values()
            .filter(|p| p.status == "active")
            .take(12)
            .map(|p| product_row(ctx, p))
            .collect(),
    }
}

fn doc_link(ctx: &Ctx, page: &Page) -> Link {
    Link {
        title: page.title.clone(),
        url: ctx.urls.doc(&page.file).map(str::to_string),
    }
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
    PageSource {
        file: page.file.clone(),
        edit_url: ctx.edit_url(&page.file),
        last_change,
        change_note,
        extra_html: extra_html(&page.front.extra),
    }
}

fn domain_items(ctx: &Ctx) -> Vec<ListItem> {
    ctx.mesh
        .domains
        .values()
        .map(|d| ListItem {
            link: ctx.domain_link(&d.id),
            description: d.description.clone(),
            meta: vec![format!(
                "{} products",
                ctx.mesh.index.products_by_domain.get(&d.id).map_or(0, Vec::len)
            )],
        })
        .collect()
}

fn team_items(ctx: &Ctx) -> Vec<ListItem> {
    ctx.mesh
        .teams
        .values()
        .map(|t| ListItem {
            link: ctx.team_link(&t.id),
            description: t.description.clone(),
            meta: vec![format!(
                "{} products",
                ctx.mesh.index.products_by_team.get(&t.id).map_or(0, Vec::len)
            )],
        })
        .collect()
}

fn products_of<'a>(ctx: &'a Ctx, ids: Option<&'a Vec<String>>) -> impl Iterator<Item = &'a Product> + 'a {
    ids.into_iter().flatten().filter_map(|id| ctx.mesh.products.get(id))
}

/// Product links with other domains a domain page lists each way; the table of exchanges
/// counts them all per domain, and each product's page lists its own.
const CROSS_LINKS_SHOWN: usize = 50;

/// A domain's page and the further pages of its product and contract lists. The page's own
/// view (with its lineage diagram) is built when it renders.
fn domain_jobs<'a>(ctx: &'a Ctx, id: &'a str) -> Vec<PageJob<'a>> {
    let url = ctx.urls.domain(id).unwrap_or_default().to_string();
    let (products, contracts) = domain_lists(ctx, id);
    let mut jobs = vec![PageJob::new(url, "domain.html", "domains").with_lazy("domain", move || domain_view(ctx, id))];
    jobs.extend(products.jobs);
    jobs.extend(contracts.jobs);
    jobs
}

/// A domain's products and contracts, the first page of each and the jobs of the rest.
fn domain_lists(ctx: &Ctx, id: &str) -> (lists::SubList<ProductRow>, lists::SubList<ContractRow>) {
    let mesh = ctx.mesh;
    let d = &mesh.domains[id];
    let url = ctx.urls.domain(id).unwrap_or_default();
    let parent = Some(ctx.domain_link(id));
    let rows = products_of(ctx, mesh.index.products_by_domain.get(id))
        .map(|p| product_row(ctx, p))
        .collect();
    let products = lists::product_sublist(
        ctx,
        url,
        rows,
        ListContext {
            heading: format!("Data products of {}", d.name),
            parent: parent.clone(),
            groups: Vec::new(),
        },
    );
    let rows = mesh
        .index
        .contracts_by_domain
        .get(id)
        .into_iter()
        .flatten()
        .map(|k| contract_row(ctx, k))
        .collect();
    let contracts = lists::contract_sublist(
        ctx,
        url,
        rows,
        ListContext {
            heading: format!("Data contracts of {}", d.name),
            parent,
            groups: Vec::new(),
        },
    );
    (products, contracts)
}

fn domain_view(ctx: &Ctx, id: &str) -> DomainView {
    let mesh = ctx.mesh;
    let d = &mesh.domains[id];
    let (products, contracts) = domain_lists(ctx, id);
    let links = cross_domain_links(ctx, id);
    let shown = CROSS_LINKS_SHOWN;
    let (lineage_svg, lineage_note) = super::lineage::drawing(ctx, Diagram::Domain(id));
    DomainView {
        id: id.to_string(),
        name: d.name.clone(),
        url: ctx.urls.domain(id).unwrap_or_default().to_string(),
        description: d.description.clone(),
        owner: d.owner.as_deref().map(|t| ctx.team_summary(t)),
        contacts: d.contacts.iter().map(contact).collect(),
        body_html: d.page.as_ref().map(|p| body_html(p).html).unwrap_or_default(),
        products: products.rows,
        products_pager: products.pager,
        contracts: contracts.rows,
        contracts_pager: contracts.pager,
        teams: mesh
            .teams
            .values()
            .filter(|t| t.domain.as_deref() == Some(id))
            .map(|t| ctx.team_link(&t.id))
            .collect(),
        upstream_total: links.up.len(),
        downstream_total: links.down.len(),
        exchanges: links.exchanges,
        upstream: links.up.into_iter().take(shown).collect(),
        downstream: links.down.into_iter().take(shown).collect(),
        lineage_svg,
        lineage_note,
        status_mix: status_mix(products_of(ctx, mesh.index.products_by_domain.get(id))),
        scorecard: super::governance::domain_scorecard(ctx, id),
        source: d.page.as_ref().map(|p| page_source(ctx, p)),
    }
}

/// A domain's product links with other domains: every link each way, and their counts per
/// other domain (`None`: external sources).
struct CrossLinks {
    up: Vec<LineageLink>,
    down: Vec<LineageLink>,
    exchanges: Vec<ExchangeView>,
}

/// Edges between this domain's products and other domains' products (or external sources).
fn cross_domain_links(ctx: &Ctx, domain: &str) -> CrossLinks {
    let mesh = ctx.mesh;
    let domain_of = |id: &str| mesh.products.get(id).and_then(|p| p.domain.as_deref());
    let link = |node: &NodeRef, e: &crate::model::Edge| {
        let (node_link, kind, owner) = match node {
            NodeRef::Product(id) => (
                ctx.product_link(id),
                "product",
                mesh.products
                    .get(id)
                    .and_then(|p| p.team.as_deref())
                    .map(|t| ctx.team_link(t)),
            ),
            NodeRef::External(cid) => (
                Link {
                    title: format!("External source ({cid})"),
                    url: None,
                },
                "external",
                None,
            ),
        };
        let contract = mesh
            .find_contract(&e.contract_id, e.version.as_deref())
            .map(|k| ctx.contract_link(k))
            .unwrap_or(Link {
                title: e.contract_id.clone(),
                url: None,
            });
        LineageLink {
            node: node_link,
            kind: kind.into(),
            contract,
            version: e.version.clone(),
            owner,
        }
    };
    let mut counts: BTreeMap<Option<&str>, (usize, usize)> = BTreeMap::new();
    let (mut up, mut down) = (Vec::new(), Vec::new());
    for e in &mesh.edges {
        let from = match &e.from {
            NodeRef::Product(p) => domain_of(p),
            NodeRef::External(_) => None,
        };
        let to = domain_of(&e.to);
        if to == Some(domain) && from != Some(domain) {
            counts.entry(from).or_default().0 += 1;
            up.push(link(&e.from, e));
        } else if from == Some(domain) && to != Some(domain) {
            counts.entry(to).or_default().1 += 1;
            down.push(link(&NodeRef::Product(e.to.clone()), e));
        }
    }
    let exchanges = counts
        .into_iter()
        .map(|(d, (upstream, downstream))| ExchangeView {
            domain: d.map(|d| ctx.domain_link(d)),
            upstream,
            downstream,
        })
        .collect();
    CrossLinks { up, down, exchanges }
}

/// A team's page and the further pages of its product list.
fn team_jobs(ctx: &Ctx, id: &str) -> Vec<PageJob<'static>> {
    let mesh = ctx.mesh;
    let t = &mesh.teams[id];
    let url = ctx.urls.team(id).unwrap_or_default().to_string();
    let rows = products_of(ctx, mesh.index.products_by_team.get(id))
        .map(|p| product_row(ctx, p))
        .collect();
    let list = ListContext {
        heading: format!("Data products of {}", t.name),
        parent: Some(ctx.team_link(id)),
        groups: Vec::new(),
    };
    let products = lists::product_sublist(ctx, &url, rows, list);
    let view = TeamView {
        id: id.to_string(),
        name: t.name.clone(),
        url: url.clone(),
        description: t.description.clone(),
        domain: t.domain.as_deref().map(|d| ctx.domain_link(d)),
        email: t.email.clone(),
        oncall: t.oncall.clone(),
        contacts: t.contacts.iter().map(contact).collect(),
        members: t.members.iter().map(member).collect(),
        body_html: t.page.as_ref().map(|p| body_html(p).html).unwrap_or_default(),
        products: products.rows,
        products_pager: products.pager,
        domains_owned: mesh
            .domains
            .values()
            .filter(|d| d.owner.as_deref() == Some(id))
            .map(|d| ctx.domain_link(&d.id))
            .collect(),
        source: t.page.as_ref().map(|p| page_source(ctx, p)),
    };
    let mut jobs = vec![PageJob::new(url, "team.html", "teams").with("team", view)];
    jobs.extend(products.jobs);
    jobs
}

fn doc_jobs<'a>(ctx: &'a Ctx, pages: &'a [Page], section: &'static str, title: &str) -> Vec<PageJob<'a>> {
    let items: Vec<ListItem> = pages
        .iter()
        .map(|p| ListItem {
            link: doc_link(ctx, p),
            description: p.front.description.clone(),
            meta: [p.front.kind.clone(), p.front.status.clone(), p.front.date.clone()]
                .into_iter()
                .flatten()
                .collect(),
        })
        .collect();
    let mut jobs = vec![PageJob::new(format!("{section}/index.html"), "docs.html", section)
        .with("title", title)
        .with("items", items)
        .with("intro", "")];
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
        toc: rendered
            .toc
            .into_iter()
            .map(|t| TocView {
                level: t.level,
                id: t.id,
                title: t.title,
            })
            .collect(),
        source: page_source(ctx, p),
    }
}

#[cfg(test)]
mod tests {
    use super::rewrite_md_links;

    #[test]
    fn md_links_point_at_html() {
        let html = r#"<a href="guides/a.md#x">a</a> <a href="https://h/b.md">b</a> <a href="c.md">c</a>"#;
        assert_eq!(
            rewrite_md_links(html),
            r#"<a href="guides/a.html#x">a</a> <a href="https://h/b.md">b</a> <a href="c.html">c</a>"#
        );
    }
}
