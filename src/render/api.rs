//! The static JSON API (`api/products.json`, one file per product and contract) and
//! `sitemap.xml`. JSON carries the descriptor as written plus resolved links, so scripts can
//! consume the mesh without parsing YAML.

use super::urls::Urls;
use super::values::esc;
use super::{Ctx, PageJob};
use crate::model::{Contract, Product};
use crate::output::Sink;
use rayon::prelude::*;
use serde_json::{json, Value};

/// Compact: the API is read by programs (`jq` indents it for people), and indentation was a
/// third of its bytes at 10,000 products.
pub fn to_bytes(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_string(v).expect("JSON values always serialise");
    s.push('\n');
    s.into_bytes()
}

pub fn add(ctx: &Ctx, site: &dyn Sink) {
    let mesh = ctx.mesh;
    // One file per product and contract, written in parallel like the pages (at 10,000
    // products this was a serial tail of the build); the index files keep the model's order.
    let products: Vec<_> = mesh.products.values().collect();
    let summaries: Vec<Value> = products.par_iter().map(|p| product_files(ctx, p, site)).collect();
    site.add(
        "api/products.json".into(),
        to_bytes(&json!({"version": 1, "products": summaries})),
    );
    let contracts: Vec<_> = mesh.contracts.values().collect();
    let summaries: Vec<Value> = contracts.par_iter().map(|c| contract_files(ctx, c, site)).collect();
    site.add(
        "api/contracts.json".into(),
        to_bytes(&json!({"version": 1, "contracts": summaries})),
    );
    super::lineage::api(ctx, site);
    super::observed::api(ctx, site);
    site.add("api/access.json".into(), to_bytes(&access(mesh)));
}

/// `api/access.json`: every role granted by a merged input port (consumer → contract → role),
/// for the platform's access automation to apply. Requests for roles the contract does not
/// define are not grants (`check` reports them as `access.role-undefined`).
fn access(mesh: &crate::model::Mesh) -> Value {
    let grants: Vec<Value> = crate::model::access::grants(mesh)
        .into_iter()
        .map(|g| {
            json!({
                "consumer": g.consumer, "consumerTeam": g.consumer_team, "port": g.port,
                "contractId": g.contract.id, "contractVersion": g.contract.version,
                "role": g.role.name, "access": g.role.access,
                "firstLevelApprovers": g.role.first_approvers, "secondLevelApprovers": g.role.second_approvers,
                "producingTeam": g.producing_team,
            })
        })
        .collect();
    json!({"version": 1, "grants": grants})
}

/// Writes `api/products/<id>.json` and returns the product's entry of `api/products.json`.
fn product_files(ctx: &Ctx, p: &Product, site: &dyn Sink) -> Value {
    let mesh = ctx.mesh;
    let url = ctx.urls.product(&p.id).unwrap_or_default();
    let summary = json!({
        "id": p.id, "name": p.name, "status": p.status, "domain": p.domain, "team": p.team,
        "version": p.raw.version, "tags": p.raw.tags, "url": url, "api": Urls::api_for(url),
        "upstream": mesh.upstream_of(&p.id).map(|e| json!({"from": e.from, "contractId": e.contract_id, "version": e.version})).collect::<Vec<_>>(),
        "downstream": mesh.downstream_of(&p.id).map(|e| json!({"to": e.to, "contractId": e.contract_id, "version": e.version})).collect::<Vec<_>>(),
    });
    let mut full = summary.clone();
    full["file"] = json!(p.origin.file);
    full["descriptor"] = mesh.descriptor_value(&p.origin, &p.id, None);
    site.add(Urls::api_for(url), to_bytes(&full));
    summary
}

/// Writes `api/contracts/<id>-<version>.json` and returns its entry of `api/contracts.json`.
fn contract_files(ctx: &Ctx, c: &Contract, site: &dyn Sink) -> Value {
    let mesh = ctx.mesh;
    let url = ctx.urls.contract(&c.key).unwrap_or_default();
    let summary = json!({
        "id": c.key.id, "version": c.key.version, "name": c.name, "status": c.status,
        "domain": c.domain, "url": url, "api": Urls::api_for(url),
        "producers": mesh.index.producers.get(&c.key.id), "consumers": mesh.index.consumers.get(&c.key.id),
    });
    let mut full = summary.clone();
    full["file"] = json!(c.origin.file);
    full["descriptor"] = mesh.descriptor_value(&c.origin, &c.key.id, Some(&c.key.version));
    site.add(Urls::api_for(url), to_bytes(&full));
    summary
}

/// URLs one sitemap file may list (sitemaps.org protocol; also at most 50 MB, which 50,000
/// URLs of a few hundred bytes stay well under).
pub const SITEMAP_URLS: usize = 50_000;

/// Every page except 404, as absolute URLs under the configured base URL: `sitemap.xml`, or
/// past `SITEMAP_URLS` pages a sitemap index `sitemap.xml` naming `sitemap-1.xml` ….
pub fn sitemap(ctx: &Ctx, jobs: &[PageJob], site: &dyn Sink) {
    let mut urls: Vec<&str> = jobs
        .iter()
        .filter(|j| j.section != "404")
        .map(|j| j.url.as_str())
        .collect();
    urls.sort();
    for (path, xml) in sitemap_files(&ctx.mesh.config.base_url, &urls, SITEMAP_URLS) {
        site.add(path, xml.into_bytes());
    }
}

fn sitemap_files(base: &str, urls: &[&str], limit: usize) -> Vec<(String, String)> {
    let urlset = |urls: &[&str]| {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for u in urls {
            xml.push_str(&format!("  <url><loc>{}</loc></url>\n", esc(&format!("{base}{u}"))));
        }
        xml.push_str("</urlset>\n");
        xml
    };
    if urls.len() <= limit {
        return vec![("sitemap.xml".to_string(), urlset(urls))];
    }
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut files = Vec::new();
    for (n, chunk) in urls.chunks(limit).enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            esc(&format!("{base}{name}"))
        ));
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".to_string(), index));
    files
}

#[cfg(test)]
mod tests {
    use super::sitemap_files;

    #[test]
    fn sitemap_becomes_an_index_past_the_limit() {
        let one = sitemap_files("https://h/", &["a.html", "b.html"], 2);
        assert_eq!(one.len(), 1);
        assert!(one[0].1.contains("<urlset") && one[0].1.contains("<loc>https://h/b.html</loc>"));
        let files = sitemap_files("https://h/", &["a.html", "b.html", "c.html"], 2);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]);
        assert!(files[0].1.contains("<sitemapindex") && files[0].1.contains("<loc>https://h/sitemap-2.xml</loc>"));
        assert!(files[2].1.contains("<loc>https://h/c.html</loc>") && !files[2].1.contains("a.html"));
    }
}
