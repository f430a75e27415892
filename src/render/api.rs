//! The static JSON API (`api/products.json`, one file per product and contract) and
//! `sitemap.xml`. JSON carries the descriptor as written plus resolved links, so scripts can
//! consume the mesh without parsing YAML.

use super::urls::Urls;
use super::values::esc;
use super::{Ctx, PageJob};
use crate::output::Sink;
use serde_json::{json, Value};

fn to_bytes(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).expect("JSON values always serialise");
    s.push('\n');
    s.into_bytes()
}

pub fn add(ctx: &Ctx, site: &dyn Sink) {
    let mesh = ctx.mesh;
    let mut summaries = Vec::new();
    for p in mesh.products.values() {
        let url = ctx.urls.product(&p.id).unwrap_or_default();
        let summary = json!({
            "id": p.id, "name": p.name, "status": p.status, "domain": p.domain, "team": p.team,
            "version": p.raw.version, "tags": p.raw.tags, "url": url, "api": Urls::api_for(url),
            "upstream": mesh.upstream_of(&p.id).map(|e| json!({"from": e.from, "contractId": e.contract_id, "version": e.version})).collect::<Vec<_>>(),
            "downstream": mesh.downstream_of(&p.id).map(|e| json!({"to": e.to, "contractId": e.contract_id, "version": e.version})).collect::<Vec<_>>(),
        });
        let mut full = summary.clone();
        full["file"] = json!(p.origin.file);
        full["descriptor"] = p.origin.doc.value.clone();
        site.add(Urls::api_for(url), to_bytes(&full));
        summaries.push(summary);
    }
    site.add("api/products.json".into(), to_bytes(&json!({"version": 1, "products": summaries})));
    let mut contracts = Vec::new();
    for c in mesh.contracts.values() {
        let url = ctx.urls.contract(&c.key).unwrap_or_default();
        let summary = json!({
            "id": c.key.id, "version": c.key.version, "name": c.name, "status": c.status,
            "domain": c.domain, "url": url, "api": Urls::api_for(url),
            "producers": mesh.index.producers.get(&c.key.id), "consumers": mesh.index.consumers.get(&c.key.id),
        });
        let mut full = summary.clone();
        full["file"] = json!(c.origin.file);
        full["descriptor"] = c.origin.doc.value.clone();
        site.add(Urls::api_for(url), to_bytes(&full));
        contracts.push(summary);
    }
    site.add("api/contracts.json".into(), to_bytes(&json!({"version": 1, "contracts": contracts})));
    super::lineage::api(ctx, site);
}

/// Every page except 404, as absolute URLs under the configured base URL.
pub fn sitemap(ctx: &Ctx, jobs: &[PageJob], site: &dyn Sink) {
    let base = &ctx.mesh.config.base_url;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut urls: Vec<&str> = jobs.iter().filter(|j| j.section != "404").map(|j| j.url.as_str()).collect();
    urls.sort();
    for u in urls {
        xml.push_str(&format!("  <url><loc>{}</loc></url>\n", esc(&format!("{base}{u}"))));
    }
    xml.push_str("</urlset>\n");
    site.add("sitemap.xml".into(), xml.into_bytes());
}
