//! Search records built from the model (never scraped from rendered HTML): one per product,
//! contract, distinct field name, domain, team, person and guide or governance heading.
//!
//! Every record carries the facets the search page offers as filters. Filter values are ids
//! or raw descriptor values (stable in a query string); labels for ids come from the model
//! when the search page is rendered.

use super::fields::FieldIndex;
use crate::model::{Contract, Page, Product};
use crate::render::Ctx;
use std::collections::{BTreeMap, BTreeSet};

/// Facet names, in the order the search page shows them.
pub const FACETS: &[(&str, &str)] = &[
    ("kind", "Kind"),
    ("domain", "Domain"),
    ("team", "Owner team"),
    ("status", "Status"),
    ("doc_status", "Document status"),
    ("type", "Product type"),
    ("tag", "Tag"),
    ("classification", "Field classification"),
    ("personal", "Personal data"),
];

/// Port names a product's record holds: a generated product with 10,000 ports would make one
/// result's text (and the fragment the browser downloads for it) hundreds of kilobytes.
const RECORD_PORTS: usize = 200;

/// How the search page names a record kind.
pub fn kind_label(kind: &str) -> &str {
    match kind {
        "product" => "Product",
        "contract" => "Contract",
        "field" => "Field",
        "domain" => "Domain",
        "team" => "Team",
        "person" => "Person",
        "guide" => "Guide",
        "governance" => "Governance",
        other => other,
    }
}

/// One thing a reader can find.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Site-relative URL, with the anchor of the matching section when there is one.
    pub url: String,
    pub title: String,
    pub kind: &'static str,
    /// Display names, shown beside the result.
    pub domain: String,
    pub owner: String,
    /// The searchable text.
    pub content: String,
    pub filters: BTreeMap<&'static str, BTreeSet<String>>,
}

/// Lower-cased alphanumeric words of `text`.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

impl Record {
    fn new(kind: &'static str, url: impl Into<String>, title: impl Into<String>) -> Record {
        let mut filters = BTreeMap::new();
        filters.insert("kind", BTreeSet::from([kind.to_string()]));
        Record {
            url: url.into(),
            title: title.into(),
            kind,
            domain: String::new(),
            owner: String::new(),
            content: String::new(),
            filters,
        }
    }

    pub(super) fn field(url: &str, name: &str) -> Record {
        Record::new("field", url, name)
    }

    pub(super) fn add_filter(&mut self, name: &'static str, value: &str) {
        let value = value.trim();
        if !value.is_empty() {
            self.filters.entry(name).or_default().insert(value.to_string());
        }
    }

    /// Appends words to the searchable text, one line per call so excerpts stay readable.
    pub(super) fn add_text<'a>(&mut self, parts: impl IntoIterator<Item = &'a str>) {
        for part in parts {
            // Markdown emphasis and code marks are noise in an excerpt.
            let flat = part
                .replace(['`', '*'], "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if flat.is_empty() {
                continue;
            }
            if !self.content.is_empty() {
                self.content
                    .push_str(if self.content.ends_with('.') { " " } else { ". " });
            }
            self.content.push_str(&flat);
        }
    }

    /// Appends identifier-like terms (ids, port and schema names, tags), skipping those whose
    /// words the text already holds: `orders-daily` after the name "Orders Daily" adds nothing
    /// a query could match, but every repeated word is another position in Pagefind's postings,
    /// and at 10,000 products the chunk of a common word is what pushes a query over budget.
    /// Field names (`customer_id`) are always kept whole: they are searched as written.
    pub(super) fn add_terms<'a>(&mut self, parts: impl IntoIterator<Item = &'a str>) {
        let mut known: BTreeSet<String> = words(&self.content).collect();
        let fresh: Vec<&str> = parts
            .into_iter()
            .filter(|part| {
                let new = part.contains('_') || words(part).any(|w| !known.contains(&w));
                if new {
                    known.extend(words(part));
                }
                new
            })
            .collect();
        self.add_text(fresh);
    }

    fn set_domain(&mut self, ctx: &Ctx, id: Option<&str>) {
        if let Some(id) = id {
            self.domain = ctx.domain_link(id).title;
            self.add_filter("domain", id);
        }
    }

    fn set_owner(&mut self, ctx: &Ctx, id: Option<&str>) {
        if let Some(id) = id {
            self.owner = ctx.team_link(id).title;
            self.add_filter("team", id);
        }
    }
}

/// Every record of the mesh, in a stable order.
pub fn build(ctx: &Ctx, fields: &FieldIndex) -> Vec<Record> {
    let mesh = ctx.mesh;
    let mut out: Vec<Record> = mesh.products.values().map(|p| product(ctx, p, fields)).collect();
    out.extend(
        mesh.contracts
            .values()
            .filter(|c| folded_into(ctx, &c.key).is_none())
            .map(|c| contract(ctx, c, fields)),
    );
    out.extend(fields.records(ctx));
    out.extend(mesh.domains.values().filter_map(|d| {
        let url = ctx.urls.domain(&d.id)?;
        let mut r = Record::new("domain", url, &d.name);
        r.set_domain(ctx, Some(&d.id));
        r.set_owner(ctx, d.owner.as_deref());
        r.add_text([d.id.as_str(), d.description.as_deref().unwrap_or("")]);
        Some(r)
    }));
    out.extend(mesh.teams.values().flat_map(|t| team(ctx, t)));
    for (kind, pages) in [("guide", &mesh.guides), ("governance", &mesh.governance)] {
        out.extend(pages.iter().flat_map(|p| doc(ctx, kind, p)));
    }
    out
}

fn product(ctx: &Ctx, p: &Product, fields: &FieldIndex) -> Record {
    let url = ctx.urls.product(&p.id).unwrap_or_default();
    let mut r = Record::new("product", url, &p.name);
    r.set_domain(ctx, p.domain.as_deref());
    r.set_owner(ctx, p.team.as_deref());
    r.add_filter("status", &p.status);
    r.add_filter("type", &p.raw.product_type().unwrap_or_default());
    if !crate::model::personal::of_product(ctx.mesh, p).is_empty() {
        r.add_filter("personal", "yes");
    }
    for tag in &p.raw.tags {
        r.add_filter("tag", tag);
    }
    let d = &p.description;
    // The name leads the text: Pagefind matches words in the content, not in the title meta.
    r.add_text([
        p.name.as_str(),
        d.purpose.as_deref().unwrap_or(""),
        d.usage.as_deref().unwrap_or(""),
    ]);
    r.add_terms([
        p.id.as_str(),
        r.domain.clone().as_str(),
        r.owner.clone().as_str(),
        p.status.as_str(),
    ]);
    r.add_terms(p.raw.tags.iter().map(String::as_str));
    let ports: Vec<&str> = p
        .inputs
        .iter()
        .chain(&p.outputs)
        .take(RECORD_PORTS)
        .map(|port| port.name.as_str())
        .collect();
    r.add_terms(ports);
    // The names of the fields it exposes are not in a product's text: a query for
    // `customer_id` finds the field's own record, whose page lists every product and contract
    // exposing it. Field names repeat the product's words (`order_id`, `order_date` in an
    // orders product) and Pagefind indexes each part of them, so at 10,000 products they made
    // the index chunk of a common word alone exceed a later query's 50 KB budget.
    // Each contract once: a product may output one contract through thousands of ports, and
    // folding it per port re-read the growing text every time (quadratic in ports).
    let outputs: BTreeSet<&crate::model::ContractKey> = p.outputs.iter().filter_map(|o| o.contract.as_ref()).collect();
    for key in outputs {
        if folded_into(ctx, key) == Some(p.id.as_str()) {
            fold_contract(&mut r, &ctx.mesh.contracts[key], fields);
        }
    }
    r
}

/// The product whose record also stands for this contract version: its only producer,
/// outputting exactly this version. Every record costs ~6 bytes of Pagefind metadata that
/// the first query downloads; at 10,000 products with one contract each, separate contract
/// records pushed the first query over 300 KB. The product page shows the contract's detail,
/// so such a contract is found through its product (the `kind` facet lists it under both).
/// Contracts with no producer, several producers or older versions keep their own records.
fn folded_into<'a>(ctx: &'a Ctx, key: &crate::model::ContractKey) -> Option<&'a str> {
    let [only] = ctx.mesh.index.producers.get(&key.id)?.as_slice() else {
        return None;
    };
    let product = ctx.mesh.products.get(only)?;
    product
        .outputs
        .iter()
        .any(|o| o.contract.as_ref() == Some(key))
        .then_some(only.as_str())
}

fn fold_contract(r: &mut Record, c: &Contract, fields: &FieldIndex) {
    r.add_filter("kind", "contract");
    if fields.of_contract(&c.key).iter().any(|f| f.personal) {
        r.add_filter("personal", "yes");
    }
    for tag in &c.raw.tags {
        r.add_filter("tag", tag);
    }
    let title = format!("{} {}", c.name, c.key.version);
    r.add_terms([title.as_str(), c.key.id.as_str()]);
    r.add_text([c.description.purpose.as_deref().unwrap_or("")]);
    r.add_terms(c.raw.schema.iter().filter_map(|o| o.name.as_deref()));
    // A wide contract's fields are found through its schema pages' records.
    if !fields.is_wide(&c.key) {
        r.add_text(
            fields
                .of_contract(&c.key)
                .iter()
                .filter_map(|f| f.business_name.as_deref()),
        );
    }
}

fn contract(ctx: &Ctx, c: &Contract, fields: &FieldIndex) -> Record {
    let url = ctx.urls.contract(&c.key).unwrap_or_default();
    let mut r = Record::new("contract", url, format!("{} {}", c.name, c.key.version));
    r.set_domain(ctx, c.domain.as_deref());
    r.set_owner(ctx, c.team.as_deref());
    r.add_filter("status", &c.status);
    if fields.of_contract(&c.key).iter().any(|f| f.personal) {
        r.add_filter("personal", "yes");
    }
    for tag in &c.raw.tags {
        r.add_filter("tag", tag);
    }
    r.add_text([c.key.id.as_str(), c.description.purpose.as_deref().unwrap_or("")]);
    r.add_text(c.raw.schema.iter().filter_map(|o| o.name.as_deref()));
    if !fields.is_wide(&c.key) {
        for f in fields.of_contract(&c.key) {
            r.add_text([f.name.as_str(), f.business_name.as_deref().unwrap_or("")]);
        }
    }
    r
}

fn team(ctx: &Ctx, t: &crate::model::Team) -> Vec<Record> {
    let Some(url) = ctx.urls.team(&t.id) else {
        return Vec::new();
    };
    let mut r = Record::new("team", url, &t.name);
    r.set_domain(ctx, t.domain.as_deref());
    r.set_owner(ctx, Some(&t.id));
    r.add_text([
        t.id.as_str(),
        t.description.as_deref().unwrap_or(""),
        t.email.as_deref().unwrap_or(""),
    ]);
    let mut out = vec![r];
    for m in &t.members {
        let Some(name) = m.name.as_deref().or(m.username.as_deref()) else {
            continue;
        };
        let mut p = Record::new("person", format!("{url}#members"), name);
        p.set_domain(ctx, t.domain.as_deref());
        p.set_owner(ctx, Some(&t.id));
        let role = m.role.as_deref().unwrap_or("");
        p.add_text([
            m.username.as_deref().unwrap_or(""),
            role,
            m.email.as_deref().unwrap_or(""),
            t.name.as_str(),
        ]);
        out.push(p);
    }
    out
}

/// A page as one record per heading (h2–h4), so a result lands on the right section; the text
/// before the first heading belongs to the page record itself.
fn doc(ctx: &Ctx, kind: &'static str, page: &Page) -> Vec<Record> {
    let Some(url) = ctx.urls.doc(&page.file) else {
        return Vec::new();
    };
    let rendered = crate::markdown::render(&page.body);
    let sections = super::text::split_sections(&rendered.html, &rendered.toc);
    let mut out = Vec::with_capacity(sections.len());
    for (heading, text) in sections {
        let mut r = match heading {
            None => Record::new(kind, url, &page.title),
            Some(h) => Record::new(kind, format!("{url}#{}", h.id), format!("{} › {}", page.title, h.title)),
        };
        // A guide's or decision record's status (accepted, superseded …) is not a product's.
        r.add_filter("doc_status", page.front.status.as_deref().unwrap_or(""));
        r.set_domain(
            ctx,
            page.front
                .domain
                .as_deref()
                .filter(|d| ctx.mesh.domains.contains_key(*d)),
        );
        r.set_owner(
            ctx,
            page.front.owner.as_deref().filter(|t| ctx.mesh.teams.contains_key(*t)),
        );
        if r.url == url {
            r.add_text([page.front.description.as_deref().unwrap_or("")]);
        }
        r.add_text([text.as_str()]);
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_repeating_the_text_add_no_words_but_field_names_stay_whole() {
        let mut r = Record::new("product", "products/orders-daily.html", "Orders Daily");
        r.add_text(["Orders Daily", "Daily orders per store."]);
        r.add_terms(["orders-daily", "store-orders-v2", "customer_id"]);
        assert_eq!(
            r.content,
            "Orders Daily. Daily orders per store. store-orders-v2. customer_id"
        );
    }
}
