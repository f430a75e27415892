//! Every id becomes a file name (`products/<slug>.html`, `api/products/<slug>.json`, …). Two
//! ids with one slug would share a page, so the later one would silently take over the other's
//! URL; a slug too long for a file name would fail the build with no position. Both are found
//! here, at the id, before anything is rendered.

use crate::check::rules::RuleId;
use crate::diag::{Diagnostics, Pos, Related, Span};
use crate::model::{raw, Contract, Mesh, Page};
use crate::slug::{file_name_fits, page_stem, MAX_FILE_NAME_BYTES};
use crate::source::YamlDoc;
use std::collections::{BTreeMap, HashMap};

/// One id asking for a page name in a section.
struct Claim {
    /// `product `orders``, as the messages name it.
    label: String,
    stem: String,
    file: String,
    pos: Span,
}

pub fn check(mesh: &Mesh, diags: &mut Diagnostics) {
    let sections = [
        ("products", products(mesh)),
        ("contracts", contracts(mesh)),
        ("domains", domains(mesh)),
        ("teams", teams(mesh)),
        ("guides", pages("guide", &mesh.guides)),
        ("governance", pages("governance document", &mesh.governance)),
        ("fields", fields(mesh)),
    ];
    for (dir, claims) in sections {
        too_long(dir, &claims, diags);
        collisions(dir, claims, diags);
    }
}

fn products(mesh: &Mesh) -> Vec<Claim> {
    let claim = |p: &crate::model::Product| Claim {
        label: format!("product `{}`", shorten(&p.id)),
        stem: page_stem(&p.id, "index-page"),
        file: p.origin.file.clone(),
        pos: p.origin.doc.span("/id"),
    };
    mesh.products.values().map(claim).collect()
}

fn contracts(mesh: &Mesh) -> Vec<Claim> {
    let claim = |c: &Contract| Claim {
        label: format!(
            "contract `{}` version `{}`",
            shorten(&c.key.id),
            shorten(&c.key.version)
        ),
        stem: page_stem(&format!("{}-{}", c.key.id, c.key.version), "index-page"),
        file: c.origin.file.clone(),
        pos: c.origin.doc.span("/id"),
    };
    mesh.contracts.values().map(claim).collect()
}

/// Domains are keyed by slug already (references match whatever their case or script); a
/// domain without a page is placed where a descriptor first names it.
fn domains(mesh: &Mesh) -> Vec<Claim> {
    // One pass over the descriptors, not one per domain: a mesh may have 100,000 of them.
    let mut named_in: BTreeMap<&str, (&str, &YamlDoc, &str)> = BTreeMap::new();
    let products = mesh
        .products
        .values()
        .map(|p| (p.domain.as_deref(), &p.origin, "/domain"));
    let contracts = mesh
        .contracts
        .values()
        .map(|c| (c.domain.as_deref(), &c.origin, "/domain"));
    for (domain, origin, pointer) in products.chain(contracts) {
        if let Some(d) = domain {
            named_in.entry(d).or_insert((&origin.file, &origin.doc, pointer));
        }
    }
    for t in mesh.teams.values() {
        if let (Some(page), Some(d)) = (&t.page, &t.domain) {
            named_in.entry(d).or_insert((&page.file, &page.front_doc, "/domain"));
        }
    }
    let claim = |d: &crate::model::Domain| {
        let (file, pos) = match (&d.page, named_in.get(d.id.as_str())) {
            (Some(page), _) => page_pos(page),
            (None, Some((file, doc, pointer))) => (file.to_string(), doc.span(pointer)),
            (None, None) => return None,
        };
        Some(Claim {
            label: format!("domain `{}`", shorten(&d.id)),
            stem: page_stem(&d.id, "index-page"),
            file,
            pos,
        })
    };
    mesh.domains.values().filter_map(claim).collect()
}

fn teams(mesh: &Mesh) -> Vec<Claim> {
    let docs: HashMap<&str, &YamlDoc> = mesh
        .products
        .values()
        .map(|p| &p.origin)
        .chain(mesh.contracts.values().map(|c| &c.origin))
        .map(|o| (o.file.as_str(), &o.doc))
        .collect();
    let claim = |t: &crate::model::Team| {
        let (file, pos) = match (&t.page, t.mentioned_in.first()) {
            (Some(page), _) => page_pos(page),
            (None, Some(f)) => (
                f.clone(),
                docs.get(f.as_str())
                    .map_or(Pos::new(1, 1).into(), |d| d.key_span("/team")),
            ),
            (None, None) => return None,
        };
        Some(Claim {
            label: format!("team `{}`", shorten(&t.id)),
            stem: page_stem(&t.id, "index-page"),
            file,
            pos,
        })
    };
    mesh.teams.values().filter_map(claim).collect()
}

fn pages(what: &str, list: &[Page]) -> Vec<Claim> {
    let claim = |p: &Page| {
        let (file, pos) = page_pos(p);
        Claim {
            label: format!("{what} `{}`", shorten(p.written_id())),
            stem: page_stem(&p.slug, "index-page"),
            file,
            pos,
        }
    };
    list.iter().map(claim).collect()
}

/// A page is named by its front matter `id`, else by its file name.
fn page_pos(p: &Page) -> (String, Span) {
    let pos = if p.front.id.is_some() {
        p.front_doc.span("/id")
    } else {
        Pos::new(1, 1).into()
    };
    (p.file.clone(), pos)
}

/// One claim per distinct field name (each gets one `fields/<slug>.html` page listing every
/// contract exposing it), placed at its first use. Names as the field index takes them:
/// `name`, else `physicalName`, nested properties and array `items` included.
fn fields(mesh: &Mesh) -> Vec<Claim> {
    let mut first_use: BTreeMap<String, (String, Span)> = BTreeMap::new();
    for c in mesh.contracts.values() {
        for (i, object) in c.raw.schema.iter().enumerate() {
            for (j, p) in object.properties.iter().enumerate() {
                field_names(c, p, &format!("/schema/{i}/properties/{j}"), &mut first_use);
            }
        }
    }
    let claim = |(name, (file, pos)): (String, (String, Span))| Claim {
        label: format!("field `{}`", shorten(&name)),
        stem: page_stem(&name, "index-field"),
        file,
        pos,
    };
    first_use.into_iter().map(claim).collect()
}

fn field_names(c: &Contract, p: &raw::Property, pointer: &str, out: &mut BTreeMap<String, (String, Span)>) {
    let (name, at) = match (&p.name, &p.physical_name) {
        (Some(n), _) => (n.clone(), format!("{pointer}/name")),
        (None, Some(n)) => (n.clone(), format!("{pointer}/physicalName")),
        (None, None) => ("(unnamed)".to_string(), pointer.to_string()),
    };
    out.entry(name)
        .or_insert_with(|| (c.origin.file.clone(), c.origin.doc.span(&at)));
    for (k, child) in p.properties.iter().enumerate() {
        field_names(c, child, &format!("{pointer}/properties/{k}"), out);
    }
    if let Some(items) = &p.items {
        field_names(c, items, &format!("{pointer}/items"), out);
    }
}

fn too_long(dir: &str, claims: &[Claim], diags: &mut Diagnostics) {
    for c in claims.iter().filter(|c| !file_name_fits(&c.stem)) {
        diags.push(RuleId::IdTooLong.at(&c.file, c.pos,
            format!("{} would be written as `{dir}/{}….html`, a file name of {} bytes; file names are limited to {MAX_FILE_NAME_BYTES} bytes",
                c.label, &c.stem[..40.min(c.stem.len())], c.stem.len() + ".html".len()))
            .with_hint(format!("shorten the id: its page name (lower-cased, transliterated to ASCII) may have at most {} characters", MAX_FILE_NAME_BYTES - ".html".len())));
    }
}

/// Every id of a group sharing one page name gets a finding naming the others, so each file's
/// annotation says what to rename.
fn collisions(dir: &str, claims: Vec<Claim>, diags: &mut Diagnostics) {
    let mut by_stem: BTreeMap<String, Vec<Claim>> = BTreeMap::new();
    for c in claims {
        by_stem.entry(c.stem.clone()).or_default().push(c);
    }
    for (stem, group) in by_stem.into_iter().filter(|(_, g)| g.len() > 1) {
        for (i, c) in group.iter().enumerate() {
            let others: Vec<String> = group
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .take(3)
                .map(|(_, o)| format!("{} ({}:{}:{})", o.label, o.file, o.pos.start.line, o.pos.start.column))
                .collect();
            let more = if group.len() > 4 {
                format!(" and {} more", group.len() - 4)
            } else {
                String::new()
            };
            let shown = if file_name_fits(&stem) {
                stem.as_str()
            } else {
                &stem[..40]
            };
            let mut d = RuleId::IdPageCollision.at(&c.file, c.pos,
                format!("{} and {}{more} would share the page `{dir}/{shown}.html`", c.label, others.join(", ")))
                .with_hint("page names are ids lower-cased and transliterated to ASCII, punctuation as `-`: rename one so they differ after that (a Markdown page may set `id:` in its front matter)");
            for (_, o) in group.iter().enumerate().filter(|(j, _)| *j != i).take(3) {
                d = d.with_related(Related::new(
                    &o.file,
                    o.pos,
                    format!("{} takes the same page name", o.label),
                ));
            }
            diags.push(d);
        }
    }
}

/// An id as messages quote it: a 5,000-character id would bury the finding.
fn shorten(id: &str) -> String {
    match id.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &id[..i]),
        None => id.to_string(),
    }
}
