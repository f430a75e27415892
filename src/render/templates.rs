//! The theme: built-in Tera templates and static assets embedded in the binary, overridden by
//! the mesh's own `templates/` and `static/`. Built-ins are registered as `builtin/<name>`;
//! lookups of `<name>` fall back to them, so a mesh template may replace a whole file or
//! `{% extends "builtin/product.html" %}` and override single blocks.

use super::{urls::root_prefix, PageJob};
use crate::output::Sink;
use crate::source::files::read_regular;
use crate::source::walk::{self, Folder};
use anyhow::{anyhow, Context as _};
use rust_embed::RustEmbed;
use std::path::Path;
use tera::{Context, Tera};

#[derive(RustEmbed)]
#[folder = "templates/"]
struct BuiltinTemplates;

#[derive(RustEmbed)]
#[folder = "static/"]
struct BuiltinStatic;

/// Lists the stylesheet's partials, each embedded from `theme/style/`.
macro_rules! style_partials {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../theme/style/", $name)))),*]
    };
}

/// The built-in stylesheet's partials in cascade order: a later rule wins over an earlier one of
/// the same specificity, so the order is part of the theme (responsive and print rules come last
/// because they adjust everything before them). Pages load the one joined `static/style.css`, so
/// they need no `@import` (which file:// and sub-path hosting make fragile) and a mesh's own
/// `static/style.css` still replaces the whole theme.
const STYLE_PARTIALS: [(&str, &str); 10] = style_partials!(
    "01-variables.css",
    "02-base.css",
    "03-layout.css",
    "04-components.css",
    "05-product.css",
    "06-pages.css",
    "07-observed.css",
    "07-search.css",
    "08-responsive.css",
    "09-print.css",
);

/// The partials joined, one blank line apart, into the stylesheet pages reference.
pub fn builtin_stylesheet() -> String {
    let texts: Vec<&str> = STYLE_PARTIALS
        .iter()
        .map(|(_, text)| text.trim_end_matches('\n'))
        .collect();
    texts.join("\n\n") + "\n"
}

pub struct Templates {
    tera: Tera,
}

impl Templates {
    /// Compiles the built-in templates plus the mesh's `templates/` (once per build).
    pub fn load(root: &Path) -> anyhow::Result<Templates> {
        let mut tera = Tera::default();
        tera.set_fallback_prefixes(["builtin/"]).map_err(|e| anyhow!("{e}"))?;
        let mut all: Vec<(String, String)> = Vec::new();
        for name in BuiltinTemplates::iter() {
            let file = BuiltinTemplates::get(&name).expect("embedded file listed by iter");
            let text = String::from_utf8(file.data.into_owned()).context("built-in template is not UTF-8")?;
            all.push((format!("builtin/{name}"), text));
        }
        all.extend(user_templates(root)?);
        tera.add_raw_templates(all)
            .map_err(|e| anyhow!("templates do not compile:\n{e}"))?;
        Ok(Templates { tera })
    }

    pub fn render_page(&self, job: &PageJob, site: &super::views::SiteView) -> anyhow::Result<String> {
        let mut ctx = Context::new();
        ctx.insert("site", site);
        let root = if job.section == "404" {
            site_path(&site.base_url)
        } else {
            root_prefix(&job.url)
        };
        ctx.insert("root", &root);
        ctx.insert("page_url", &job.url);
        ctx.insert("section", job.section);
        for (name, value) in &job.vars {
            ctx.insert(*name, value);
        }
        for (name, build) in &job.lazy {
            ctx.insert(*name, &build());
        }
        self.tera
            .render(job.template, &ctx)
            .map_err(|e| anyhow!("rendering {} with template {} failed:\n{e}", job.url, job.template))
    }

    /// Built-in assets first, then the syntax CSS, then the mesh's `static/` (which wins), and
    /// last the mesh's `root/` at the site root, beside the pages (never over them). Only the
    /// regular files the source walk keeps are copied; what it leaves out (hidden files, links,
    /// FIFOs) `check` has reported.
    pub fn add_static(&self, root: &Path, site: &dyn Sink) -> anyhow::Result<()> {
        for name in BuiltinStatic::iter() {
            let file = BuiltinStatic::get(&name).expect("embedded file listed by iter");
            site.add(format!("static/{name}"), file.data.into_owned());
        }
        site.add("static/style.css".to_string(), builtin_stylesheet().into_bytes());
        site.add(
            "static/syntax.css".to_string(),
            crate::highlight::stylesheet().into_bytes(),
        );
        for (rel, bytes) in folder_files(root, Folder::Static)? {
            site.add(format!("static/{rel}"), bytes);
        }
        for (rel, bytes) in folder_files(root, Folder::Root)? {
            // `static.root-collision` has reported it; with that rule off the page still wins
            // (every top-level name a page or file of meshport's can take is reserved).
            if !super::reserved::is_generated(&rel) {
                site.add(rel, bytes);
            }
        }
        Ok(())
    }
}

/// The files of a folder that is copied as is, by their path inside it.
fn folder_files(root: &Path, folder: Folder) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let dir = root.join(folder.name());
    let mut out = Vec::new();
    for path in walk::list(root, folder).files {
        let bytes = read_regular(&path, u64::MAX).map_err(|e| anyhow!("reading {}: {e}", path.display()))?;
        out.push((crate::diag::rel_path(&dir, &path), bytes));
    }
    Ok(out)
}

/// The mesh's own templates, named by their path under `templates/`.
fn user_templates(root: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (name, bytes) in folder_files(root, Folder::Templates)? {
        let text = String::from_utf8(bytes).map_err(|_| anyhow!("template templates/{name} is not UTF-8"))?;
        out.push((name, text));
    }
    Ok(out)
}

/// The path part of the base URL (`https://h/portal/` → `/portal/`), for pages such as 404
/// that a server shows at arbitrary depths.
fn site_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map(|(_, r)| r).unwrap_or(base_url);
    let path = match after_scheme.find('/') {
        Some(i) if base_url.contains("://") => &after_scheme[i..],
        _ if base_url.contains("://") => "/",
        _ => after_scheme,
    };
    format!("{}/", path.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::{builtin_stylesheet, site_path, STYLE_PARTIALS};
    use std::path::Path;

    #[test]
    fn every_style_partial_is_joined_in_order() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/style");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".css"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = STYLE_PARTIALS.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            listed, on_disk,
            "list every file of theme/style/ in STYLE_PARTIALS (src/render/templates.rs), in cascade order"
        );
        let css = builtin_stylesheet();
        let mut at = 0;
        for (name, text) in STYLE_PARTIALS {
            let found = css[at..]
                .find(text.trim_end())
                .unwrap_or_else(|| panic!("{name} is not joined in order"));
            at += found + text.trim_end().len();
        }
        assert!(
            !css.contains("\n\n\n") && css.ends_with("}\n"),
            "partials are joined one blank line apart"
        );
    }

    #[test]
    fn site_paths() {
        assert_eq!(site_path("https://h.example/portal/"), "/portal/");
        assert_eq!(site_path("https://h.example"), "/");
        assert_eq!(site_path("/"), "/");
    }
}
