//! The names meshport generates at the site root. The mesh's `root/` folder is copied to the
//! site root beside them and may not use one: a file there that would replace a generated
//! page is refused, and so is one inside a generated folder, so that a page added later (a
//! new product, say) can never collide with a file someone placed there first.

use crate::check::rules::RuleId;
use crate::diag::{Diagnostic, Pos};

/// Every top-level file and folder of a built site, with what it holds (a CLI test builds a
/// site and checks the list is complete).
pub const GENERATED: &[(&str, &str)] = &[
    ("index.html", "the home page"),
    ("404.html", "the not-found page"),
    ("search.html", "the search page"),
    ("scorecard.html", "the governance scorecard"),
    ("rules.html", "the rules page"),
    ("sitemap.xml", "the sitemap"),
    ("products", "the product pages"),
    ("contracts", "the contract pages"),
    ("domains", "the domain pages"),
    ("teams", "the team pages"),
    ("guides", "the guides"),
    ("governance", "the governance documents"),
    ("fields", "the field pages"),
    ("lineage", "the lineage map"),
    ("api", "the JSON API"),
    ("pagefind", "the search index"),
    ("static", "the theme's assets and the mesh's static/ folder"),
];

/// The generated entry a site path falls on, compared without case (on macOS and Windows
/// `Index.html` and `index.html` are one file).
fn generated(site_path: &str) -> Option<(&'static str, &'static str)> {
    let top = site_path.split('/').next().unwrap_or(site_path);
    GENERATED
        .iter()
        .copied()
        .find(|(name, _)| name.eq_ignore_ascii_case(top))
}

/// Whether a site path belongs to meshport's own pages, so a `root/` file may not take it.
pub fn is_generated(site_path: &str) -> bool {
    generated(site_path).is_some()
}

/// A finding for a file of `root/` (`rel` as `root/<path>`) that would collide with what
/// meshport generates, naming both.
pub fn root_collision(rel: &str) -> Option<Diagnostic> {
    let site_path = rel.strip_prefix("root/")?;
    let (name, what) = generated(site_path)?;
    let message = if site_path.contains('/') {
        format!("`{rel}` would be published as `{site_path}`, inside `{name}/`, where meshport writes {what}")
    } else {
        format!("`{rel}` would replace `{name}`, {what} meshport generates")
    };
    Some(
        RuleId::StaticRootCollision
            .at(rel, Pos::new(1, 1), message)
            .with_hint(format!(
                "rename or move the file: meshport owns {} at the site root",
                owned_names()
            )),
    )
}

fn owned_names() -> String {
    GENERATED
        .iter()
        .map(|(n, _)| {
            if n.contains('.') {
                format!("`{n}`")
            } else {
                format!("`{n}/`")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_files_may_not_take_generated_names() {
        let d = root_collision("root/index.html").unwrap();
        assert_eq!(
            (d.rule.as_str(), d.file.as_str()),
            ("static.root-collision", "root/index.html")
        );
        assert!(d.message.contains("`index.html`, the home page"), "{}", d.message);
        let d = root_collision("root/Products/extra.html").unwrap();
        assert!(d.message.contains("inside `products/`"), "{}", d.message);
        for free in [
            "root/CNAME",
            "root/robots.txt",
            "root/.well-known/security.txt",
            "root/index.htm",
            "root/productsx/a",
        ] {
            assert!(root_collision(free).is_none(), "{free}");
        }
    }
}
