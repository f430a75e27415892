//! Schema fields across the mesh, gathered once: per contract (for product and contract
//! records) and per distinct field name (one search record and one page,
//! `fields/<slug>.html`, listing every contract and product exposing that name, paged). One
//! record per (contract, field) would add ~5 bytes of Pagefind metadata per field to every
//! first query; one per distinct name keeps that cost to the vocabulary of the mesh.
//!
//! A wide contract (more than `WIDE` fields, typically generated) would bring a vocabulary of
//! its own: 100,000 fields made 100,000 pages and records. Its names get a field page only
//! when a narrower contract has them too; the wide contract is searched by its schema pages
//! instead, one record per page listing that page's field names.

use super::records::Record;
use crate::model::{raw, slugify, ContractKey};
use crate::render::paging::{dir_of, field_url, schema_paging, Paging};
use crate::render::views::{Link, PagerView};
use crate::render::Ctx;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How many distinct descriptions of one field name go into its record.
const RECORD_DESCRIPTION_CAP: usize = 5;

/// Contracts with more fields than this are searched by schema page, not field by field.
pub const WIDE: usize = 1_000;

/// One field of one contract.
#[derive(Debug, Clone)]
pub struct FieldUse {
    /// Position among the contract's fields in page order (its schema row number, from 0).
    pub index: usize,
    pub contract: ContractKey,
    pub object: String,
    /// `object.parent.name`, as on the contract page.
    pub path: String,
    pub name: String,
    pub business_name: Option<String>,
    pub description: Option<String>,
    pub classification: Option<String>,
    pub logical_type: Option<String>,
    pub tags: Vec<String>,
    /// Whether the field holds personal data (`model::personal`).
    pub personal: bool,
}

impl FieldUse {
    /// The anchor of this field's row on the contract page (see `render::contract`).
    pub fn anchor(&self) -> String {
        format!("field-{}", slugify(&self.path))
    }
}

#[derive(Debug, Default)]
pub struct FieldIndex {
    /// Every field of each contract in page order: a field's position is its row number on
    /// the contract's schema pages.
    by_contract: BTreeMap<ContractKey, Vec<FieldUse>>,
    /// Field name → (contract, position in `by_contract`), in contract order.
    by_name: BTreeMap<String, Vec<(ContractKey, usize)>>,
    /// Names with a page: every name of a contract that is not wide.
    urls: BTreeMap<String, String>,
}

impl FieldIndex {
    pub fn build(mesh: &crate::model::Mesh) -> FieldIndex {
        let mut index = FieldIndex::default();
        let mut paged: BTreeSet<&str> = BTreeSet::new();
        let classes = crate::model::personal::classes(mesh);
        for (key, c) in &mesh.contracts {
            let mut uses = Vec::new();
            for (i, o) in c.raw.schema.iter().enumerate() {
                let object = o.label(i);
                for p in &o.properties {
                    walk(key, (&object, &classes), p, &object, &mut uses);
                }
            }
            for (i, u) in uses.iter().enumerate() {
                index.by_name.entry(u.name.clone()).or_default().push((key.clone(), i));
            }
            index.by_contract.insert(key.clone(), uses);
        }
        for uses in index.by_contract.values().filter(|uses| uses.len() <= WIDE) {
            paged.extend(uses.iter().map(|u| u.name.as_str()));
        }
        let mut taken = BTreeSet::new();
        for name in paged {
            index.urls.insert(
                name.to_string(),
                format!("fields/{}.html", unique_slug(&mut taken, name)),
            );
        }
        index
    }

    pub fn of_contract(&self, key: &ContractKey) -> &[FieldUse] {
        self.by_contract.get(key).map_or(&[], Vec::as_slice)
    }

    /// Whether a contract is searched by schema page rather than by its fields' names.
    pub fn is_wide(&self, key: &ContractKey) -> bool {
        self.of_contract(key).len() > WIDE
    }

    pub fn url(&self, name: &str) -> Option<&str> {
        self.urls.get(name).map(String::as_str)
    }

    /// Names with a field page, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.urls.keys().map(String::as_str)
    }

    fn uses<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a FieldUse> + 'a {
        let list = self.by_name.get(name).map_or(&[][..], Vec::as_slice);
        list.iter()
            .filter_map(|(k, i)| self.by_contract.get(k).and_then(|v| v.get(*i)))
    }

    /// Products outputting a contract that has the field, by id.
    fn product_ids<'a>(&'a self, ctx: &Ctx<'a>, name: &str) -> BTreeSet<&'a str> {
        let mut out = BTreeSet::new();
        for u in self.uses(name) {
            out.extend(
                ctx.mesh
                    .index
                    .producers
                    .get(&u.contract.id)
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
            );
        }
        out
    }

    /// One record per field name with a page, and one per schema page of each wide contract.
    pub fn records(&self, ctx: &Ctx) -> Vec<Record> {
        let mut out: Vec<Record> = self.names().map(|name| self.record(ctx, name)).collect();
        for (key, uses) in self.by_contract.iter().filter(|(k, _)| self.is_wide(k)) {
            out.extend(schema_page_records(ctx, key, uses));
        }
        out
    }

    fn record(&self, ctx: &Ctx, name: &str) -> Record {
        let mut r = Record::field(self.url(name).unwrap_or_default(), name);
        let domains: BTreeSet<&str> = self
            .uses(name)
            .filter_map(|u| ctx.mesh.contracts.get(&u.contract)?.domain.as_deref())
            .collect();
        for d in &domains {
            r.add_filter("domain", d);
        }
        if let [only] = domains.iter().copied().collect::<Vec<_>>()[..] {
            r.domain = ctx.domain_link(only).title;
        } else if !domains.is_empty() {
            r.domain = format!("{} domains", domains.len());
        }
        for u in self.uses(name) {
            r.add_filter("classification", u.classification.as_deref().unwrap_or(""));
            if u.personal {
                r.add_filter("personal", "yes");
            }
            u.tags.iter().for_each(|t| r.add_filter("tag", t));
        }
        let business: BTreeSet<&str> = self.uses(name).filter_map(|u| u.business_name.as_deref()).collect();
        let described: BTreeSet<&str> = self
            .uses(name)
            .filter_map(|u| u.description.as_deref())
            .take(RECORD_DESCRIPTION_CAP)
            .collect();
        r.add_text([name]);
        r.add_text(business);
        r.add_text(described);
        let exposure = format!(
            "In {} and {}",
            crate::diag::counted(self.uses(name).count(), "contract"),
            crate::diag::counted(self.product_ids(ctx, name).len(), "product")
        );
        r.add_text([exposure.as_str()]);
        // Contract and product names stay out of the text: a query for a product's name
        // should find the product, not every field it exposes.
        r
    }

    /// The pages of `fields/<slug>.html`: `[pages] size` uses each, with their products.
    /// The jobs of a field's pages; each page's view is built when it renders.
    pub fn page_jobs<'a>(&'a self, ctx: &'a Ctx, name: &'a str) -> Vec<crate::render::PageJob<'a>> {
        let url = self.url(name).unwrap_or_default().to_string();
        let paging = Paging::new(url.clone(), dir_of(&url, ""), ctx.mesh.config.pages.size);
        let positions: Vec<usize> = (0..self.uses(name).count()).collect();
        let urls: Vec<String> = paging.split(positions).into_iter().map(|page| page.url).collect();
        let build = move |i: usize| self.pages(ctx, name).swap_remove(i).1;
        urls.into_iter()
            .enumerate()
            .map(|(i, url)| {
                crate::render::PageJob::new(url, "field.html", "search").with_lazy("field", move || build(i))
            })
            .collect()
    }

    pub fn pages(&self, ctx: &Ctx, name: &str) -> Vec<(String, FieldPageView)> {
        let url = self.url(name).unwrap_or_default().to_string();
        let size = ctx.mesh.config.pages.size;
        let paging = Paging::new(url.clone(), dir_of(&url, ""), size);
        let classifications: BTreeSet<String> = self.uses(name).filter_map(|u| u.classification.clone()).collect();
        let personal_total = self.uses(name).filter(|u| u.personal).count();
        let products_total = self.product_ids(ctx, name).len();
        let uses: Vec<&FieldUse> = self.uses(name).collect();
        paging
            .split(uses)
            .into_iter()
            .map(|page| {
                let mut products = BTreeSet::new();
                let uses: Vec<FieldUseView> = page
                    .rows
                    .iter()
                    .map(|u| use_view(ctx, u, size, &mut products))
                    .collect();
                let view = FieldPageView {
                    name: name.to_string(),
                    url: page.url.clone(),
                    uses,
                    pager: page.pager,
                    products: products.into_iter().collect(),
                    products_total,
                    classifications: classifications.iter().cloned().collect(),
                    personal_total,
                };
                (page.url, view)
            })
            .collect()
    }
}

fn use_view(ctx: &Ctx, u: &FieldUse, size: usize, products: &mut BTreeSet<Link>) -> FieldUseView {
    let producers = ctx.mesh.index.producers.get(&u.contract.id).into_iter().flatten();
    let links: Vec<Link> = producers.map(|p| ctx.product_link(p)).collect();
    products.extend(links.iter().cloned());
    let contract = ctx.contract_link(&u.contract);
    FieldUseView {
        field_url: contract
            .url
            .as_ref()
            .map(|url| field_url(url, u.index, size, &u.anchor())),
        domain: ctx
            .mesh
            .contracts
            .get(&u.contract)
            .and_then(|c| c.domain.as_deref())
            .map(|d| ctx.domain_link(d)),
        contract,
        path: u.path.clone(),
        business_name: u.business_name.clone(),
        logical_type: u.logical_type.clone(),
        classification: u.classification.clone(),
        personal: u.personal,
        description: u.description.clone(),
        products: links,
    }
}

/// A wide contract's schema pages as records: the field names (and business names) of each
/// page, found at that page.
fn schema_page_records(ctx: &Ctx, key: &ContractKey, uses: &[FieldUse]) -> Vec<Record> {
    let Some(url) = ctx.urls.contract(key) else {
        return Vec::new();
    };
    let c = &ctx.mesh.contracts[key];
    let paging = schema_paging(url, ctx.mesh.config.pages.size);
    let mut out = Vec::new();
    for (n, chunk) in uses.chunks(paging.size).enumerate() {
        let (from, to) = (n * paging.size + 1, n * paging.size + chunk.len());
        let mut r = Record::field(
            &paging.url(n + 1),
            &format!("{} {}: fields {from}–{to}", c.name, key.version),
        );
        r.add_filter("kind", "contract");
        if let Some(d) = c.domain.as_deref() {
            r.domain = ctx.domain_link(d).title;
            r.add_filter("domain", d);
        }
        r.add_text(chunk.iter().map(|u| u.name.as_str()));
        r.add_text(chunk.iter().filter_map(|u| u.business_name.as_deref()));
        out.push(r);
    }
    out
}

/// Depth-first, as the contract page flattens nested properties.
/// `within`: the schema object's name and the classifications that mean personal data.
fn walk(key: &ContractKey, within: (&str, &[String]), p: &raw::Property, parent: &str, out: &mut Vec<FieldUse>) {
    let (object, classes) = within;
    let name = p.label();
    let path = format!("{parent}.{name}");
    out.push(FieldUse {
        index: out.len(),
        contract: key.clone(),
        object: object.to_string(),
        path: path.clone(),
        name,
        business_name: p.business_name.clone(),
        description: p.description.clone(),
        classification: p.classification.clone(),
        logical_type: p.logical_type.clone(),
        tags: p.tags.clone(),
        personal: crate::model::personal::is_personal(p, classes),
    });
    for child in &p.properties {
        walk(key, within, child, &path, out);
    }
    if let Some(items) = &p.items {
        walk(key, within, items, &format!("{path}[]"), out);
    }
}

fn unique_slug(taken: &mut BTreeSet<String>, name: &str) -> String {
    let mut base = crate::slug::page_stem(name, "index-field");
    if !crate::slug::file_name_fits(&base) {
        // Only reached when a policy turned `id.too-long` off: cut rather than fail to write.
        base.truncate(crate::slug::MAX_FILE_NAME_BYTES - ".html".len() - 8);
    }
    let mut slug = base.clone();
    let mut n = 2;
    while !taken.insert(slug.clone()) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldPageView {
    pub name: String,
    /// This page's URL (`fields/<slug>.html`, then `fields/<slug>/page/<n>.html`).
    pub url: String,
    /// The contracts with the field, `[pages] size` per page; `pager` leads to the others.
    pub uses: Vec<FieldUseView>,
    pub pager: PagerView,
    /// Every product outputting a contract of this page's uses, once; `products_total`
    /// counts them over all pages.
    pub products: Vec<Link>,
    pub products_total: usize,
    pub classifications: Vec<String>,
    /// How many of the contracts' fields of this name hold personal data (`model::personal`).
    pub personal_total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldUseView {
    pub contract: Link,
    /// The contract page, at this field's row.
    pub field_url: Option<String>,
    pub domain: Option<Link>,
    pub path: String,
    pub business_name: Option<String>,
    pub logical_type: Option<String>,
    pub classification: Option<String>,
    /// Whether this use holds personal data.
    pub personal: bool,
    pub description: Option<String>,
    pub products: Vec<Link>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_unique_and_never_index() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique_slug(&mut taken, "customer_id"), "customer_id");
        assert_eq!(unique_slug(&mut taken, "Customer ID"), "customer-id");
        assert_eq!(unique_slug(&mut taken, "customer-id"), "customer-id-2");
        assert_eq!(unique_slug(&mut taken, "index"), "index-field");
    }

    #[test]
    fn nested_fields_get_contract_page_paths() {
        let key = ContractKey {
            id: "c".into(),
            version: "1".into(),
        };
        let child = raw::Property {
            name: Some("zip".into()),
            ..Default::default()
        };
        let p = raw::Property {
            name: Some("address".into()),
            properties: vec![child],
            ..Default::default()
        };
        let mut out = Vec::new();
        walk(&key, ("orders", &[]), &p, "orders", &mut out);
        let paths: Vec<(&str, String)> = out.iter().map(|u| (u.path.as_str(), u.anchor())).collect();
        assert_eq!(
            paths,
            [
                ("orders.address", "field-orders-address".to_string()),
                ("orders.address.zip", "field-orders-address-zip".to_string())
            ]
        );
    }
}
