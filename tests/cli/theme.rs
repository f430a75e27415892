//! The built-in theme as a mesh sees it: one stylesheet joined from the partials under
//! `theme/style/`, and the ways a mesh overrides the theme (a block of a built-in template,
//! its own `static/style.css`).

use crate::common::*;

const PRODUCT: &str = "products/sales-orders.html";
const CONTRACT: &str = "contracts/sales-orders-contract-1-0-0.html";

#[test]
fn builtin_stylesheet_is_one_file_in_cascade_order() {
    let mesh = copy_fixture("valid-basic");
    build_ok(mesh.path(), &[]);
    let site = mesh.path().join("public");
    let css = read(&site, "static/style.css");
    let at = |needle: &str| {
        css.find(needle)
            .unwrap_or_else(|| panic!("style.css has no `{needle}`"))
    };
    // Variables first, the search section before the narrow-screen rules, print last: later
    // rules win, so the order is what the pages look like.
    assert!(at("--lin-edge:") < at(".site-search {"), "variables come first");
    assert!(
        at(".site-search {") < at("@media (max-width: 600px)"),
        "narrow-screen rules follow the search box"
    );
    assert!(
        at("@media (max-width: 600px)") < at("@media print"),
        "print rules come last"
    );
    assert_eq!(
        css.matches("\n.site-search {").count(),
        1,
        "the header search box is styled in one place"
    );
    let published: Vec<String> = read_tree(&site).into_keys().filter(|k| k.ends_with(".css")).collect();
    assert_eq!(
        published,
        ["static/style.css", "static/syntax.css"],
        "partials are not published"
    );
    for page in [PRODUCT, CONTRACT, "index.html"] {
        assert!(
            read(&site, page).contains("static/style.css\""),
            "{page} does not load static/style.css"
        );
    }
}

#[test]
fn mesh_overrides_a_block_and_the_stylesheet() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(
        root.join("templates/product.html"),
        "{% extends \"builtin/product.html\" %}\n{% block support %}{{ super() }}<p id=\"hours\">Office hours: Tuesdays 14:00.</p>{% endblock support %}\n",
    )
    .unwrap();
    let own_css = "body { background: papayawhip; }\n";
    std::fs::write(root.join("static/style.css"), own_css).unwrap();
    build_ok(root, &[]);
    let site = root.join("public");
    let page = read(&site, PRODUCT);
    let sidebar = &page[page
        .find("<aside class=\"sidebar\"")
        .expect("product page has a sidebar")..];
    let sidebar = &sidebar[..sidebar.find("</aside>").unwrap()];
    assert!(
        sidebar.contains("id=\"support\""),
        "super() keeps the built-in support card:\n{sidebar}"
    );
    assert!(
        sidebar.contains("Office hours: Tuesdays 14:00."),
        "the mesh's addition is in the sidebar:\n{sidebar}"
    );
    assert!(
        !read(&site, CONTRACT).contains("Office hours"),
        "overriding product.html leaves the contract page alone"
    );
    assert_eq!(
        read(&site, "static/style.css"),
        own_css,
        "the mesh's static/style.css replaces the built-in one"
    );
}
