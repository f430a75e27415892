//! Schema fields across the mesh, gathered once: per contract (for product and contract
//! records) and per distinct field name (one search record and one page,
//! `fields/<slug>.html`, listing every contract and product exposing that name). One record
//! per (contract, field) would add ~5 bytes of Pagefind metadata per field to every first
//! query; one per distinct name keeps that cost to the vocabulary of the mesh.

use super::records::Record;
use crate::model::{raw, slugify, ContractKey};
use crate::render::views::Link;
use crate::render::Ctx;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How many distinct descriptions of one field name go into its record.
const RECORD_DESCRIPTION_CAP: usize = 5;

/// One field of one contract.
#[derive(Debug, Clone)]
pub struct FieldUse {
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
}

impl FieldUse {
    /// The anchor of this field's row on the contract page (see `render::contract`).
    pub fn anchor(&self) -> String {
        format!("field-{}", slugify(&self.path))
    }
}

#[derive(Debug, Default)]
pub struct FieldIndex {
    by_contract: BTreeMap<ContractKey, Vec<FieldUse>>,
    /// Field name → (contract, position in `by_contract`), in contract order.
    by_name: BTreeMap<String, Vec<(ContractKey, usize)>>,
    urls: BTreeMap<String, String>,
}

impl FieldIndex {
    pub fn build(mesh: &crate::model::Mesh) -> FieldIndex {
        let mut index = FieldIndex::default();
        for (key, c) in &mesh.contracts {
            let mut uses = Vec::new();
            for (i, o) in c.raw.schema.iter().enumerate() {
                let object = o.name.clone().or_else(|| o.physical_name.clone()).unwrap_or_else(|| format!("object {}", i + 1));
                for p in &o.properties {
                    walk(key, &object, p, &object, &mut uses);
                }
            }
            for (i, u) in uses.iter().enumerate() {
                index.by_name.entry(u.name.clone()).or_default().push((key.clone(), i));
            }
            index.by_contract.insert(key.clone(), uses);
        }
        let mut taken = BTreeSet::new();
        for name in index.by_name.keys() {
            index.urls.insert(name.clone(), format!("fields/{}.html", unique_slug(&mut taken, name)));
        }
        index
    }

    pub fn of_contract(&self, key: &ContractKey) -> &[FieldUse] {
        self.by_contract.get(key).map_or(&[], Vec::as_slice)
    }

    pub fn url(&self, name: &str) -> Option<&str> {
        self.urls.get(name).map(String::as_str)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    fn uses<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a FieldUse> + 'a {
        let list = self.by_name.get(name).map_or(&[][..], Vec::as_slice);
        list.iter().filter_map(|(k, i)| self.by_contract.get(k).and_then(|v| v.get(*i)))
    }

    /// One record per distinct field name.
    pub fn records(&self, ctx: &Ctx) -> Vec<Record> {
        self.by_name.keys().map(|name| self.record(ctx, name)).collect()
    }

    fn record(&self, ctx: &Ctx, name: &str) -> Record {
        let view = self.page(ctx, name);
        let mut r = Record::field(&view.url, name);
        let domains: BTreeSet<&str> = self.uses(name).filter_map(|u| ctx.mesh.contracts.get(&u.contract)?.domain.as_deref()).collect();
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
            u.tags.iter().for_each(|t| r.add_filter("tag", t));
        }
        let business: BTreeSet<&str> = self.uses(name).filter_map(|u| u.business_name.as_deref()).collect();
        let described: BTreeSet<&str> = self.uses(name).filter_map(|u| u.description.as_deref()).take(RECORD_DESCRIPTION_CAP).collect();
        r.add_text([name]);
        r.add_text(business);
        r.add_text(described);
        let exposure = format!("In {} contracts and {} products", view.uses.len(), view.products.len());
        r.add_text([exposure.as_str()]);
        // Contract and product names stay out of the text: a query for a product's name
        // should find the product, not every field it exposes.
        r
    }

    /// The view of `fields/<slug>.html`.
    pub fn page(&self, ctx: &Ctx, name: &str) -> FieldPageView {
        let mut products = BTreeSet::new();
        let mut classifications = BTreeSet::new();
        let uses: Vec<FieldUseView> = self
            .uses(name)
            .map(|u| {
                let producers = ctx.mesh.index.producers.get(&u.contract.id).into_iter().flatten();
                let links: Vec<Link> = producers.map(|p| ctx.product_link(p)).collect();
                products.extend(links.iter().cloned());
                classifications.extend(u.classification.clone());
                let contract = ctx.contract_link(&u.contract);
                FieldUseView {
                    field_url: contract.url.as_ref().map(|url| format!("{url}#{}", u.anchor())),
                    domain: ctx.mesh.contracts.get(&u.contract).and_then(|c| c.domain.as_deref()).map(|d| ctx.domain_link(d)),
                    contract,
                    path: u.path.clone(),
                    business_name: u.business_name.clone(),
                    logical_type: u.logical_type.clone(),
                    classification: u.classification.clone(),
                    description: u.description.clone(),
                    products: links,
                }
            })
            .collect();
        FieldPageView {
            name: name.to_string(),
            url: self.url(name).unwrap_or_default().to_string(),
            uses,
            products: products.into_iter().collect(),
            classifications: classifications.into_iter().collect(),
        }
    }
}

/// Depth-first, as the contract page flattens nested properties.
fn walk(key: &ContractKey, object: &str, p: &raw::Property, parent: &str, out: &mut Vec<FieldUse>) {
    let name = p.name.clone().or_else(|| p.physical_name.clone()).unwrap_or_else(|| "(unnamed)".into());
    let path = format!("{parent}.{name}");
    out.push(FieldUse {
        contract: key.clone(),
        object: object.to_string(),
        path: path.clone(),
        name,
        business_name: p.business_name.clone(),
        description: p.description.clone(),
        classification: p.classification.clone(),
        logical_type: p.logical_type.clone(),
        tags: p.tags.clone(),
    });
    for child in &p.properties {
        walk(key, object, child, &path, out);
    }
    if let Some(items) = &p.items {
        walk(key, object, items, &format!("{path}[]"), out);
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
    pub url: String,
    pub uses: Vec<FieldUseView>,
    /// Every product outputting a contract with this field, once.
    pub products: Vec<Link>,
    pub classifications: Vec<String>,
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
        let key = ContractKey { id: "c".into(), version: "1".into() };
        let child = raw::Property { name: Some("zip".into()), ..Default::default() };
        let p = raw::Property { name: Some("address".into()), properties: vec![child], ..Default::default() };
        let mut out = Vec::new();
        walk(&key, "orders", &p, "orders", &mut out);
        let paths: Vec<(&str, String)> = out.iter().map(|u| (u.path.as_str(), u.anchor())).collect();
        assert_eq!(paths, [("orders.address", "field-orders-address".to_string()), ("orders.address.zip", "field-orders-address-zip".to_string())]);
    }
}
