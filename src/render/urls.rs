//! Every page's site-relative URL, decided once. Pages are `<section>/<slug>.html` files (not
//! `<slug>/index.html` directories) so links work from `file://` as well as from a web server,
//! and slugs are sanitised so no id can write outside the output directory.

use crate::model::{ContractKey, Mesh};
use crate::slug::{file_name_fits, page_stem, MAX_FILE_NAME_BYTES};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default)]
pub struct Urls {
    products: BTreeMap<String, String>,
    contracts: BTreeMap<ContractKey, String>,
    domains: BTreeMap<String, String>,
    teams: BTreeMap<String, String>,
    guides: BTreeMap<String, String>,
    governance: BTreeMap<String, String>,
}

/// Hands out unique slugs within one section, in a deterministic order. Ids sharing a slug and
/// slugs too long for a file name are errors (`id.page-collision`, `id.too-long`), so a build
/// only gets past them when a policy turned those rules off: then the later id gets `-2`, and a
/// long slug is cut, rather than the build failing without a position.
struct Allocator(BTreeSet<String>);

impl Allocator {
    fn take(&mut self, wanted: &str) -> String {
        let mut base = page_stem(wanted, "index-page");
        if !file_name_fits(&base) {
            // Slugs are ASCII, so any byte is a character boundary; 8 bytes spare for `-N`.
            base.truncate(MAX_FILE_NAME_BYTES - ".html".len() - 8);
        }
        let mut slug = base.clone();
        let mut n = 2;
        while !self.0.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        slug
    }
}

fn section<K: Ord + Clone>(dir: &str, keys: impl Iterator<Item = (K, String)>) -> BTreeMap<K, String> {
    let mut alloc = Allocator(BTreeSet::new());
    keys.map(|(k, wanted)| (k, format!("{dir}/{}.html", alloc.take(&wanted))))
        .collect()
}

impl Urls {
    pub fn build(mesh: &Mesh) -> Urls {
        Urls {
            products: section("products", mesh.products.keys().map(|id| (id.clone(), id.clone()))),
            contracts: section(
                "contracts",
                mesh.contracts
                    .keys()
                    .map(|k| (k.clone(), format!("{}-{}", k.id, k.version))),
            ),
            domains: section("domains", mesh.domains.keys().map(|id| (id.clone(), id.clone()))),
            teams: section("teams", mesh.teams.keys().map(|id| (id.clone(), id.clone()))),
            guides: section("guides", mesh.guides.iter().map(|p| (p.file.clone(), p.slug.clone()))),
            governance: section(
                "governance",
                mesh.governance.iter().map(|p| (p.file.clone(), p.slug.clone())),
            ),
        }
    }

    pub fn product(&self, id: &str) -> Option<&str> {
        self.products.get(id).map(String::as_str)
    }
    pub fn contract(&self, key: &ContractKey) -> Option<&str> {
        self.contracts.get(key).map(String::as_str)
    }
    pub fn domain(&self, id: &str) -> Option<&str> {
        self.domains.get(id).map(String::as_str)
    }
    pub fn team(&self, id: &str) -> Option<&str> {
        self.teams.get(id).map(String::as_str)
    }
    /// A guide or governance doc, by its source file.
    pub fn doc(&self, file: &str) -> Option<&str> {
        self.guides
            .get(file)
            .or_else(|| self.governance.get(file))
            .map(String::as_str)
    }

    /// The JSON API path for a page URL: `products/x.html` → `api/products/x.json`.
    pub fn api_for(page_url: &str) -> String {
        format!("api/{}.json", page_url.trim_end_matches(".html"))
    }
}

/// The prefix that leads from a page back to the site root.
pub fn root_prefix(page_url: &str) -> String {
    "../".repeat(page_url.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocator_dedups() {
        let mut a = Allocator(BTreeSet::new());
        assert_eq!(a.take("A B"), "a-b");
        assert_eq!(a.take("a/b"), "a-b-2");
        assert_eq!(a.take("index"), "index-page");
        let long = a.take(&"y".repeat(5_000));
        assert!(file_name_fits(&long), "{}", long.len());
        let fits = "z".repeat(MAX_FILE_NAME_BYTES - ".html".len());
        assert_eq!(a.take(&fits), fits, "a name that fits is never cut");
    }

    #[test]
    fn root_prefixes() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("products/x.html"), "../");
        assert_eq!(Urls::api_for("products/x.html"), "api/products/x.json");
    }
}
