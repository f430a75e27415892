//! Catalogue rows and the paged lists built from them: the product catalogue
//! (`products/index.html`, `products/page/<n>.html`), the contract index, and the product and
//! contract lists of domain and team pages, whose pages after the first sit beside the page
//! (`domains/<id>/products/page/<n>.html`). Every page of a list renders with the list's
//! template (`products.html`, `contracts.html`) and a pager.

use super::paging::{dir_of, Paging};
use super::views::*;
use super::{Ctx, PageJob};
use crate::model::{ContractKey, Product};

/// Output ports and tags a catalogue row names; a product with thousands of ports would
/// otherwise make one row, and its catalogue page, megabytes long. The product page has all.
pub const ROW_ITEMS: usize = 10;

/// Rows per page of every list, from `[pages] size`.
pub fn page_size(ctx: &Ctx) -> usize {
    ctx.mesh.config.pages.size
}

pub fn product_row(ctx: &Ctx, p: &Product) -> ProductRow {
    let purpose = first_sentence(p.description.purpose.as_deref().unwrap_or(""));
    ProductRow {
        link: ctx.product_link(&p.id),
        id: p.id.clone(),
        status: p.status.clone(),
        product_type: p.raw.product_type().unwrap_or_default(),
        domain: p.domain.as_deref().map(|d| ctx.domain_link(d)),
        team: p.team.as_deref().map(|t| ctx.team_link(t)),
        tags: p.raw.tags.iter().take(ROW_ITEMS).cloned().collect(),
        tags_more: p.raw.tags.len().saturating_sub(ROW_ITEMS),
        output_ports: p.outputs.iter().take(ROW_ITEMS).map(|o| o.name.clone()).collect(),
        output_ports_more: p.outputs.len().saturating_sub(ROW_ITEMS),
        purpose,
        personal_data: !crate::model::personal::of_product(ctx.mesh, p).is_empty(),
        observed: super::observed::catalogue_state(ctx, &p.id).to_string(),
    }
}

/// The first sentence of a text, joined across line breaks, for one-line summaries.
pub fn first_sentence(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(i) => flat[..=i].to_string(),
        None => flat,
    }
}

pub fn contract_row(ctx: &Ctx, key: &ContractKey) -> ContractRow {
    let c = &ctx.mesh.contracts[key];
    ContractRow {
        link: ctx.contract_link(key),
        id: key.id.clone(),
        version: key.version.clone(),
        status: c.status.clone(),
        domain: c.domain.as_deref().map(|d| ctx.domain_link(d)),
        product: c.raw.data_product.as_deref().map(|p| ctx.product_link_by_id_or_name(p)),
        objects: c.raw.schema.len(),
        fields: super::contract::field_count(c),
    }
}

/// Sorted distinct non-empty values, for the catalogue's filter menus.
fn distinct<T>(rows: &[T], f: impl Fn(&T) -> Option<String>) -> Vec<String> {
    let mut v: Vec<String> = rows.iter().filter_map(f).filter(|s| !s.is_empty()).collect();
    v.sort();
    v.dedup();
    v
}

/// What a page of a list says about the list: its heading, where it belongs (breadcrumb) and
/// the groups it can be browsed by.
pub struct ListContext {
    pub heading: String,
    pub parent: Option<Link>,
    pub groups: Vec<GroupLink>,
}

/// The whole product catalogue, a page of `[pages] size` rows each, grouped by domain.
pub fn catalogue(ctx: &Ctx) -> Vec<PageJob<'static>> {
    let rows: Vec<ProductRow> = ctx.mesh.products.values().map(|p| product_row(ctx, p)).collect();
    let list = ListContext {
        heading: "Data products".into(),
        parent: None,
        groups: domain_groups(
            ctx,
            |d| ctx.mesh.index.products_by_domain.get(d).map_or(0, Vec::len),
            "products",
        ),
    };
    let paging = Paging::new("products/index.html", "products", page_size(ctx));
    product_pages(&paging, rows, &list, true)
}

/// Pages of a product list; with `first`, page 1 too (otherwise it is part of another page).
pub fn product_pages(paging: &Paging, rows: Vec<ProductRow>, list: &ListContext, first: bool) -> Vec<PageJob<'static>> {
    let statuses = distinct(&rows, |r| Some(r.status.clone()));
    let domains = distinct(&rows, |r| r.domain.as_ref().map(|d| d.title.clone()));
    let types = distinct(&rows, |r| Some(r.product_type.clone()));
    let observed = distinct(&rows, |r| Some(r.observed.clone()));
    let pages = paging.split(rows).into_iter().filter(|p| first || p.pager.page > 1);
    pages
        .map(|page| {
            PageJob::new(page.url, "products.html", "products")
                .with("heading", &list.heading)
                .with("parent", &list.parent)
                .with("groups", &list.groups)
                .with("pager", page.pager)
                .with("statuses", &statuses)
                .with("domains", &domains)
                .with("product_types", &types)
                .with("observed_states", &observed)
                .with("products", page.rows)
        })
        .collect()
}

/// Every contract version, paged like the catalogue.
pub fn contract_index(ctx: &Ctx) -> Vec<PageJob<'static>> {
    let rows: Vec<ContractRow> = ctx.mesh.contracts.keys().map(|k| contract_row(ctx, k)).collect();
    let list = ListContext {
        heading: "Data contracts".into(),
        parent: None,
        groups: domain_groups(
            ctx,
            |d| ctx.mesh.index.contracts_by_domain.get(d).map_or(0, Vec::len),
            "contracts",
        ),
    };
    let paging = Paging::new("contracts/index.html", "contracts", page_size(ctx));
    contract_pages(&paging, rows, &list, true)
}

pub fn contract_pages(
    paging: &Paging,
    rows: Vec<ContractRow>,
    list: &ListContext,
    first: bool,
) -> Vec<PageJob<'static>> {
    let statuses = distinct(&rows, |r| Some(r.status.clone()));
    let domains = distinct(&rows, |r| r.domain.as_ref().map(|d| d.title.clone()));
    let pages = paging.split(rows).into_iter().filter(|p| first || p.pager.page > 1);
    pages
        .map(|page| {
            PageJob::new(page.url, "contracts.html", "contracts")
                .with("heading", &list.heading)
                .with("parent", &list.parent)
                .with("groups", &list.groups)
                .with("pager", page.pager)
                .with("statuses", &statuses)
                .with("domains", &domains)
                .with("contracts", page.rows)
        })
        .collect()
}

/// Each domain with its count, linking to that domain's part of the list on its page
/// (`#products` or `#contracts`), from where its own pages continue.
fn domain_groups(ctx: &Ctx, count: impl Fn(&str) -> usize, anchor: &str) -> Vec<GroupLink> {
    ctx.mesh
        .domains
        .keys()
        .map(|id| {
            let mut link = ctx.domain_link(id);
            link.url = link.url.map(|u| format!("{u}#{anchor}"));
            GroupLink { link, count: count(id) }
        })
        .filter(|g| g.count > 0)
        .collect()
}

/// A list that starts on a page (`domains/x.html#products`) and continues on pages of its
/// own: page 1's rows and pager for that page's view, and the jobs of pages 2 … N.
pub struct SubList<T> {
    pub rows: Vec<T>,
    pub pager: PagerView,
    pub jobs: Vec<PageJob<'static>>,
}

pub fn product_sublist(ctx: &Ctx, page_url: &str, rows: Vec<ProductRow>, list: ListContext) -> SubList<ProductRow> {
    sublist(ctx, page_url, "products", rows, |paging, rows| {
        product_pages(paging, rows, &list, false)
    })
}

pub fn contract_sublist(ctx: &Ctx, page_url: &str, rows: Vec<ContractRow>, list: ListContext) -> SubList<ContractRow> {
    sublist(ctx, page_url, "contracts", rows, |paging, rows| {
        contract_pages(paging, rows, &list, false)
    })
}

/// The first page of a list shown inside `page_url` (at `#<anchor>`), and the jobs of its
/// further pages (made by `further` from every row) under `<anchor>/`.
fn sublist<T: Clone>(
    ctx: &Ctx,
    page_url: &str,
    anchor: &str,
    rows: Vec<T>,
    further: impl FnOnce(&Paging, Vec<T>) -> Vec<PageJob<'static>>,
) -> SubList<T> {
    let paging = Paging::new(format!("{page_url}#{anchor}"), dir_of(page_url, anchor), page_size(ctx));
    let first: Vec<T> = rows.iter().take(paging.size).cloned().collect();
    let pager = paging.pager(1, rows.len());
    let jobs = if pager.pages > 1 {
        further(&paging, rows)
    } else {
        Vec::new()
    };
    SubList {
        rows: first,
        pager,
        jobs,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_sentence_spans_lines() {
        assert_eq!(
            super::first_sentence("One row per\nparcel. Second one."),
            "One row per parcel."
        );
        assert_eq!(super::first_sentence("No stop"), "No stop");
    }
}
