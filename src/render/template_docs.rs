//! docs/templates.md, the variables templates see, generated from the view structs and held to
//! them by the test below.
//!
//! The structs' fields, types and doc comments are read from their source (the serialised names
//! are the field names: views carry no serde attributes, and a view that gains one fails the
//! test until this reader learns it). Which variables each template gets is a hand-kept table,
//! [`PAGES`]; the test builds every page of the example mesh and checks that each page's
//! variables are the table's and that their values, serialised, have exactly the fields and
//! types the document states. So neither the table nor a struct can change without the test
//! failing until docs/templates.md is regenerated.
//!
//! Why not a crate: serde-reflection traces types through `Deserialize` (views only serialise)
//! and cannot see doc comments; parsing with `syn` would need a new dependency for a test.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The files that define view structs, as the doc names them.
const SOURCES: [(&str, &str); 5] = [
    ("src/render/views.rs", include_str!("views.rs")),
    ("src/render/views_access.rs", include_str!("views_access.rs")),
    ("src/render/observed.rs", include_str!("observed.rs")),
    ("src/render/search/mod.rs", include_str!("search/mod.rs")),
    ("src/render/search/fields.rs", include_str!("search/fields.rs")),
];

/// Variables every page has, set by `Templates::render_page`.
const EVERY_PAGE: [(&str, &str, &str); 4] = [
    ("site", "SiteView", "the portal: title, description, base URL, counts"),
    (
        "root",
        "String",
        "the way from this page to the site root (`../../`), to put before every site-relative URL",
    ),
    ("page_url", "String", "this page's site-relative URL"),
    (
        "section",
        "String",
        "the part of the site the page belongs to (`products`, `contracts`, …; the navigation marks it)",
    ),
];

/// Each template a page renders with, and the variables (with their Rust types) it gets.
const PAGES: [(&str, &[(&str, &str)]); 20] = [
    ("home.html", &[("home", "HomeView")]),
    ("products.html", &CATALOGUE_PRODUCTS),
    ("contracts.html", &CATALOGUE_CONTRACTS),
    ("product.html", &[("product", "ProductView")]),
    ("ports.html", &[("ports", "PortsPageView")]),
    ("contract.html", &[("contract", "ContractView")]),
    ("schema.html", &[("schema", "SchemaPageView")]),
    ("domains.html", &INDEX),
    ("domain.html", &[("domain", "DomainView")]),
    ("teams.html", &INDEX),
    ("team.html", &[("team", "TeamView")]),
    ("docs.html", &INDEX),
    ("doc.html", &[("doc", "DocView")]),
    ("map.html", &[("map", "MapView")]),
    ("scorecard.html", &[("governance", "GovernanceView")]),
    ("scorecard_list.html", &[("list", "ScorecardListView")]),
    ("rules.html", &[("rules", "Vec<RuleView>")]),
    ("search.html", &[("search", "SearchPageView")]),
    ("field.html", &[("field", "FieldPageView")]),
    ("404.html", &[]),
];

const INDEX: [(&str, &str); 3] = [("title", "String"), ("items", "Vec<ListItem>"), ("intro", "String")];

/// The variables of a catalogue page (products.html, contracts.html), then its rows.
macro_rules! catalogue {
    ($($rows:expr),*) => {
        [
            ("heading", "String"),
            ("parent", "Option<Link>"),
            ("groups", "Vec<GroupLink>"),
            ("pager", "PagerView"),
            ("statuses", "Vec<String>"),
            ("domains", "Vec<String>"),
            $($rows),*
        ]
    };
}

const CATALOGUE_PRODUCTS: [(&str, &str); 9] = catalogue!(
    ("product_types", "Vec<String>"),
    ("observed_states", "Vec<String>"),
    ("products", "Vec<ProductRow>")
);

const CATALOGUE_CONTRACTS: [(&str, &str); 7] = catalogue!(("contracts", "Vec<ContractRow>"));

/// A field's type as templates see it.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Text,
    Number,
    Bool,
    Maybe(Box<Ty>),
    List(Box<Ty>),
    Map(Box<Ty>),
    View(String),
}

impl Ty {
    fn parse(rust: &str) -> Ty {
        let t = rust.trim();
        let inner = |prefix: &str| t.strip_prefix(prefix).and_then(|r| r.strip_suffix('>'));
        if let Some(i) = inner("Option<") {
            return Ty::Maybe(Box::new(Ty::parse(i)));
        }
        if let Some(i) = inner("Vec<") {
            return Ty::List(Box::new(Ty::parse(i)));
        }
        if let Some(i) = inner("BTreeMap<String,") {
            return Ty::Map(Box::new(Ty::parse(i)));
        }
        match t {
            "String" | "&'static str" | "&str" => Ty::Text,
            "usize" | "u8" | "u32" | "u64" | "i64" | "i32" | "f64" => Ty::Number,
            "bool" => Ty::Bool,
            _ if t.chars().all(|c| c.is_ascii_alphanumeric()) && t.starts_with(|c: char| c.is_ascii_uppercase()) => {
                Ty::View(t.to_string())
            }
            _ => panic!("template_docs does not know the type `{t}`: teach Ty::parse"),
        }
    }

    fn markdown(&self) -> String {
        match self {
            Ty::Text => "string".into(),
            Ty::Number => "number".into(),
            Ty::Bool => "boolean".into(),
            Ty::Maybe(t) => format!("{} or none", t.markdown()),
            Ty::List(t) => format!("list of {}", t.markdown()),
            Ty::Map(t) => format!("map of string to {}", t.markdown()),
            Ty::View(name) => format!("[{name}](#{})", name.to_lowercase()),
        }
    }

    fn views(&self, out: &mut Vec<String>) {
        match self {
            Ty::Maybe(t) | Ty::List(t) | Ty::Map(t) => t.views(out),
            Ty::View(name) => out.push(name.clone()),
            _ => {}
        }
    }
}

struct Field {
    name: String,
    ty: Ty,
    doc: String,
}

struct View {
    file: &'static str,
    doc: String,
    fields: Vec<Field>,
}

/// Every `Serialize` struct of the sources, by name.
fn read_views() -> BTreeMap<String, View> {
    let mut views = BTreeMap::new();
    for (file, text) in SOURCES {
        read_file_views(file, text, &mut views);
    }
    views
}

fn read_file_views(file: &'static str, text: &str, views: &mut BTreeMap<String, View>) {
    let mut doc: Vec<&str> = Vec::new();
    let mut serialize = false;
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if let Some(d) = line.strip_prefix("///") {
            doc.push(d.trim());
        } else if line.starts_with("#[derive(") {
            serialize = line.contains("Serialize");
        } else if serialize && line.starts_with("pub struct ") {
            let name = struct_name(file, line);
            let fields = read_fields(file, &name, &mut lines);
            views.insert(
                name,
                View {
                    file,
                    doc: doc.join(" "),
                    fields,
                },
            );
            (doc, serialize) = (Vec::new(), false);
        } else if serialize && line.starts_with("#[serde") {
            panic!("{file}: `{line}`: template_docs reads field names as serialised names; teach it this attribute");
        } else if !line.starts_with("#[") {
            (doc, serialize) = (Vec::new(), false);
        }
    }
}

fn struct_name(file: &str, line: &str) -> String {
    let rest = line.trim_start_matches("pub struct ");
    let name = rest
        .strip_suffix(" {")
        .unwrap_or_else(|| panic!("{file}: `{line}`: template_docs reads only plain `pub struct Name {{` views"));
    assert!(
        !name.contains('<'),
        "{file}: `{line}`: generic views are not documented"
    );
    name.to_string()
}

fn read_fields<'t>(file: &str, name: &str, lines: &mut impl Iterator<Item = &'t str>) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut doc: Vec<&str> = Vec::new();
    for line in lines.by_ref() {
        if line == "}" {
            return fields;
        }
        if let Some(d) = line.strip_prefix("///") {
            doc.push(d.trim());
            continue;
        }
        let decl = line.strip_prefix("pub ").unwrap_or(line);
        let (field, ty) = decl
            .strip_suffix(',')
            .and_then(|d| d.split_once(": "))
            .unwrap_or_else(|| panic!("{file}: struct {name}: template_docs cannot read `{line}` (one field a line)"));
        fields.push(Field {
            name: field.to_string(),
            ty: Ty::parse(ty),
            doc: std::mem::take(&mut doc).join(" "),
        });
    }
    panic!("{file}: struct {name} does not end")
}

/// The views a template can reach from `roots`, in the order the document lists them.
fn reachable(roots: &[Ty], views: &BTreeMap<String, View>) -> Vec<String> {
    let mut todo = Vec::new();
    for t in roots.iter().rev() {
        t.views(&mut todo);
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let view = views
            .get(&name)
            .unwrap_or_else(|| panic!("no view struct `{name}` in {:?}", SOURCES.map(|(f, _)| f)));
        for f in view.fields.iter().rev() {
            f.ty.views(&mut todo);
        }
        order.push(name);
    }
    order
}

fn all_roots() -> Vec<Ty> {
    let every = EVERY_PAGE.iter().map(|(_, t, _)| Ty::parse(t));
    let pages = PAGES
        .iter()
        .flat_map(|(_, vars)| vars.iter().map(|(_, t)| Ty::parse(t)));
    every.chain(pages).collect()
}

/// docs/templates.md as the sources and the table say it is.
fn document() -> String {
    let views = read_views();
    let mut out = String::from(HEAD);
    out.push_str("\n## Every page\n\n| variable | type | what |\n|---|---|---|\n");
    for (name, ty, what) in EVERY_PAGE {
        out.push_str(&format!("| `{name}` | {} | {what} |\n", Ty::parse(ty).markdown()));
    }
    out.push_str("\n## Each template\n\n| template | variables |\n|---|---|\n");
    for (template, vars) in PAGES {
        let list: Vec<String> = vars
            .iter()
            .map(|(v, t)| format!("`{v}`: {}", Ty::parse(t).markdown()))
            .collect();
        let list = if list.is_empty() {
            "none of its own".to_string()
        } else {
            list.join("<br>")
        };
        out.push_str(&format!("| `{template}` | {list} |\n"));
    }
    out.push_str("\n## Views\n");
    for name in reachable(&all_roots(), &views) {
        out.push_str(&view_section(&name, &views[&name]));
    }
    out
}

fn view_section(name: &str, view: &View) -> String {
    let mut out = format!("\n### {name}\n\n");
    if !view.doc.is_empty() {
        out.push_str(&format!("{}\n\n", view.doc));
    }
    out.push_str(&format!(
        "Defined in `{}`.\n\n| field | type | what |\n|---|---|---|\n",
        view.file
    ));
    for f in &view.fields {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            f.name,
            f.ty.markdown(),
            f.doc.replace('|', "\\|")
        ));
    }
    out
}

const HEAD: &str = "# Template variables

What each built-in template receives: the view structs the build serialises for it. A template
of your own in `templates/` gets the same variables as the built-in one it replaces or extends
(see \"Overriding the theme\" in docs/using.md). URLs are site-relative (`products/x.html`): put
`{{ root }}` before them. Fields ending in `_html` hold HTML the build has already sanitised
(print them with `| safe`); every other string is text, escaped when printed. `descriptor.html`
(extended by `product.html` and `contract.html`) and `index_list.html` (extended by
`domains.html`, `teams.html` and `docs.html`) are frames: they see the variables of the page
that extends them.

Generated from `src/render/views.rs`, `src/render/views_access.rs` and `src/render/search/` by the test in
`src/render/template_docs.rs`; do not edit by hand. After changing a view or the variables a
page gets, run `MESHPORT_BLESS=1 cargo test --lib render::template_docs`.
";

/// Where a value's serialised shape differs from the type the document gives it.
fn shape_errors(at: &str, ty: &Ty, value: &Value, views: &BTreeMap<String, View>, errors: &mut Vec<String>) {
    let ok = match (ty, value) {
        (Ty::Text, Value::String(_)) | (Ty::Number, Value::Number(_)) | (Ty::Bool, Value::Bool(_)) => true,
        (Ty::Maybe(_), Value::Null) => true,
        (Ty::Maybe(t), v) => return shape_errors(at, t, v, views, errors),
        (Ty::List(t), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                shape_errors(&format!("{at}[{i}]"), t, item, views, errors);
            }
            true
        }
        (Ty::Map(t), Value::Object(map)) => {
            for (k, v) in map {
                shape_errors(&format!("{at}.{k}"), t, v, views, errors);
            }
            true
        }
        (Ty::View(name), Value::Object(map)) => {
            view_shape_errors(at, &views[name], map, views, errors);
            true
        }
        _ => false,
    };
    if !ok {
        let shown: String = value.to_string().chars().take(80).collect();
        errors.push(format!("{at}: documented as {}, is {shown}", ty.markdown()));
    }
}

fn view_shape_errors(
    at: &str,
    view: &View,
    map: &serde_json::Map<String, Value>,
    views: &BTreeMap<String, View>,
    errors: &mut Vec<String>,
) {
    let documented: Vec<&str> = view.fields.iter().map(|f| f.name.as_str()).collect();
    let serialised: Vec<&str> = map.keys().map(String::as_str).collect();
    if documented != serialised {
        errors.push(format!(
            "{at}: fields documented {documented:?}, serialised {serialised:?}"
        ));
        return;
    }
    for f in &view.fields {
        shape_errors(&format!("{at}.{}", f.name), &f.ty, &map[&f.name], views, errors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{pages, Derived, Renderer, Templates};
    use crate::source::MemTree;
    use std::path::Path;

    /// The example mesh in memory, with pages of 5 rows so every kind of page exists, one
    /// product with more input ports than its page lists (so it has pages of ports), and
    /// without its Rego policy (it would run in a worker process started from this test binary).
    fn example_tree() -> MemTree {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = BTreeMap::new();
        for path in crate::source::walk::list(root, crate::source::walk::Folder::Content).files {
            let rel = crate::diag::rel_path(root, &path);
            if !rel.ends_with(".rego") {
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
        let busy = "content/products/logistics/carrier-costs.odps.yaml";
        let text = String::from_utf8(files[busy].clone()).unwrap();
        let extra: String = (1..=51)
            .map(|i| format!("  - name: extra-{i}\n    version: 2.0.0\n    contractId: shipments\n"))
            .collect();
        files.insert(
            busy.to_string(),
            text.replacen("inputPorts:\n", &format!("inputPorts:\n{extra}"), 1)
                .into_bytes(),
        );
        MemTree {
            files,
            links: Vec::new(),
            too_large: BTreeMap::new(),
        }
    }

    #[test]
    fn every_page_gets_the_documented_variables_in_the_documented_shape() {
        let config = "title = \"Docs\"\n[pages]\nsize = 5\n".to_string();
        let loaded = crate::site::load_from(&example_tree(), Some(config), None).unwrap();
        let (mesh, diags) = (&loaded.mesh, &loaded.diags);
        let empty = tempfile::tempdir().unwrap();
        let templates = Templates::load(empty.path()).unwrap();
        let derived = Derived::build(mesh, diags, &crate::lineage::LayoutCache::with_limit(0));
        let renderer = Renderer::new(mesh, diags, None, &templates, &derived);
        let views = read_views();
        let mut errors = Vec::new();
        shape_errors(
            "site",
            &Ty::View("SiteView".into()),
            &serde_json::to_value(pages::site_view(mesh)).unwrap(),
            &views,
            &mut errors,
        );
        let table: BTreeMap<&str, &[(&str, &str)]> = PAGES.into_iter().collect();
        let mut rendered = BTreeSet::new();
        let records = renderer.records();
        for job in renderer.jobs(&records) {
            rendered.insert(job.template);
            let Some(documented) = table.get(job.template) else {
                errors.push(format!("{}: template {} is not in PAGES", job.url, job.template));
                continue;
            };
            let mut got: Vec<(&str, Value)> = job.vars.iter().map(|(n, v)| (*n, v.clone())).collect();
            got.extend(job.lazy.iter().map(|(n, build)| (*n, build())));
            let names: Vec<&str> = got.iter().map(|(n, _)| *n).collect();
            let want: Vec<&str> = documented.iter().map(|(n, _)| *n).collect();
            if names != want {
                errors.push(format!(
                    "{} ({}): variables {names:?}, documented {want:?}",
                    job.url, job.template
                ));
                continue;
            }
            for ((name, value), (_, ty)) in got.iter().zip(documented.iter()) {
                shape_errors(
                    &format!("{} {name}", job.url),
                    &Ty::parse(ty),
                    value,
                    &views,
                    &mut errors,
                );
            }
        }
        errors.truncate(20);
        assert!(
            errors.is_empty(),
            "docs/templates.md (PAGES in src/render/template_docs.rs) is wrong:\n{}",
            errors.join("\n")
        );
        let unseen: Vec<&str> = PAGES
            .iter()
            .map(|(t, _)| *t)
            .filter(|t| !rendered.contains(t))
            .collect();
        assert!(
            unseen.is_empty(),
            "PAGES lists templates no page of the example renders: {unseen:?}"
        );
    }

    #[test]
    fn docs_templates_md_is_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md");
        let current = std::fs::read_to_string(&path).ok();
        let generated = document();
        if current.as_deref() != Some(generated.as_str()) && std::env::var_os("MESHPORT_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap();
            return;
        }
        assert!(
            current.as_deref() == Some(generated.as_str()),
            "docs/templates.md is out of date with the view structs: run `MESHPORT_BLESS=1 cargo test --lib render::template_docs`"
        );
    }

    #[test]
    fn types_read_as_templates_see_them() {
        assert_eq!(
            Ty::parse("Option<Vec<Link>>").markdown(),
            "list of [Link](#link) or none"
        );
        assert_eq!(Ty::parse("BTreeMap<String, usize>"), Ty::Map(Box::new(Ty::Number)));
        let mut errors = Vec::new();
        let views = read_views();
        shape_errors(
            "x",
            &Ty::View("Link".into()),
            &serde_json::json!({"title": "a"}),
            &views,
            &mut errors,
        );
        assert_eq!(
            errors,
            ["x: fields documented [\"title\", \"url\"], serialised [\"title\"]"]
        );
    }
}
