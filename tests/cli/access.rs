//! Access as code on the `diff-mesh` fixture (a temporary copy): the "Get access" panel of a
//! contract with roles and of one without, the owner and steward near the top, `check` on a
//! role the contract does not define, and `api/access.json`.

use crate::common::*;
use std::path::Path;

const ORDERS: &str = "content/contracts/orders.odcs.yaml";
const REVENUE_PRODUCT: &str = "content/products/revenue.odps.yaml";

/// Roles, a price, usage terms and named members on the orders contract; the revenue product
/// asks for `role`.
fn mesh_with_roles(role: &str) -> tempfile::TempDir {
    let mesh = copy_fixture("diff-mesh");
    edit(
        mesh.path(),
        ORDERS,
        "description:\n  purpose: Confirmed customer orders.\nteam:\n  name: sales-team\n",
        "description:\n  purpose: Confirmed customer orders.\n  usage: Join on order_id only.\nteam:\n  name: sales-team\n  members:\n    - username: sowner\n      name: Sam Owner\n      role: data product owner\n      email: sam@example.test\n    - username: ssteward\n      name: Sia Steward\n      role: Data Steward\nprice:\n  priceAmount: 2\n  priceCurrency: EUR\n  priceUnit: month\nroles:\n  - role: orders_reader\n    description: Read every order.\n    access: read\n    firstLevelApprovers: Sam Owner\n    secondLevelApprovers: Data Protection Office\n",
    );
    edit(
        mesh.path(),
        REVENUE_PRODUCT,
        "    contractId: orders-contract\n",
        &format!("    contractId: orders-contract\n    customProperties:\n      - property: accessRole\n        value: {role}\n"),
    );
    mesh
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn check_flags_a_role_the_contract_does_not_define() {
    let mesh = mesh_with_roles("orders_raeder");
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 1, "an undefined role is an error: {report:#}");
    let errors = findings(&report, "error");
    // `value: orders_raeder` is line 12 of the edited product, the value at column 16.
    assert_eq!(
        errors,
        [finding("access.role-undefined", "error", REVENUE_PRODUCT, 12, 16)],
        "{report:#}"
    );
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "access.role-undefined")
        .unwrap();
    assert!(
        d["message"].as_str().unwrap().contains("asks for role `orders_raeder`"),
        "{d:#}"
    );
    assert!(
        d["hint"].as_str().unwrap().contains("did you mean `orders_reader`?"),
        "{d:#}"
    );
    let (code, report) = check_json(mesh_with_roles("orders_reader").path());
    assert_eq!(code, 0, "a defined role is fine: {report:#}");
}

#[test]
fn the_access_panel_says_roles_approvers_price_and_the_change_to_make() {
    let mesh = mesh_with_roles("orders_reader");
    let config = mesh.path().join("meshport.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}\n[repository]\nurl = \"https://github.com/org/mesh\"\n"),
    )
    .unwrap();
    build_ok(mesh.path(), &[]);
    let site = mesh.path().join("public");
    let contract = visible_text(&read(&site, "contracts/orders-contract-1-0-0.html"));
    for needle in [
        "Get access",
        "orders_reader",
        "read access",
        "Grants: Read every order.",
        "Approval: Approved first by Sam Owner, then by Data Protection Office.",
        "Price 2 EUR per month",
        "Usage Join on order_id only.",
        "contractId: orders-contract",
        "property: accessRole",
        "value: orders_reader",
        "data product owner: Sam Owner",
        "Data Steward: Sia Steward",
    ] {
        assert!(contract.contains(needle), "contract page lacks {needle:?}:\n{contract}");
    }
    let html = read(&site, "contracts/orders-contract-1-0-0.html");
    assert!(
        html.contains("href=\"mailto:sam@example.test\">Sam Owner</a>"),
        "owner with a mail link"
    );
    // With a GitHub repository: a list of the other products' editor pages, and a new file.
    assert!(
        html.contains("<a href=\"https://github.com/org/mesh/edit/main/content/products/revenue.odps.yaml\" rel=\"noopener noreferrer\">Order Revenue</a>"),
        "an edit link per consumer product"
    );
    assert!(
        !html.contains("edit/main/content/products/orders.odps.yaml\" rel"),
        "not the producer's own"
    );
    assert!(html.contains("href=\"https://github.com/org/mesh/new/main/content/products\""));
    let producer = visible_text(&read(&site, "products/sales-orders.html"));
    assert!(
        producer.contains("Get access") && producer.contains("value: orders_reader"),
        "the output port carries the panel:\n{producer}"
    );
    // A contract without roles says whom to ask: its owner team, named once on the page (the
    // sidebar card with the team's contacts), so the panel links there.
    let revenue_html = read(&site, "contracts/revenue-contract-1-0-0.html");
    let revenue = visible_text(&revenue_html);
    assert!(
        revenue.contains("This contract defines no access roles. Ask the owner team how access is granted.")
            && revenue_html.contains("Ask <a href=\"#owner\">the owner team</a>")
            && revenue.contains("finance-data@example.test"),
        "{revenue}"
    );
    assert_eq!(
        revenue.matches("Finance Data Team").count(),
        2,
        "header and sidebar only: {revenue}"
    );
    let grants: serde_json::Value = serde_json::from_str(&read(&site, "api/access.json")).unwrap();
    assert_eq!(
        grants["grants"],
        serde_json::json!([{
            "consumer": "finance-revenue", "consumerTeam": "finance-team", "port": "orders",
            "contractId": "orders-contract", "contractVersion": "1.0.0", "role": "orders_reader",
            "access": "read", "firstLevelApprovers": "Sam Owner",
            "secondLevelApprovers": "Data Protection Office", "producingTeam": "sales-team",
        }])
    );
}

// ---------------------------------------------------------------------------------------
// Personal data and people on valid-basic: `orders.customer_email` is tagged pii.
// ---------------------------------------------------------------------------------------

const ORDERS_PAGE: &str = "products/sales-orders.html";
const FORECAST_PAGE: &str = "products/finance-revenue-forecast.html";

/// The catalogue row of the product page `link` (its `<tr>`).
fn catalogue_row(html: &str, link: &str) -> String {
    let at = html.find(&format!("{link}\"")).expect("catalogue links the product");
    let start = html[..at].rfind("<tr").unwrap();
    let end = at + html[at..].find("</tr>").unwrap();
    html[start..end].to_string()
}

fn header(html: &str) -> String {
    let start = html.find("<header class=\"page-header\">").unwrap();
    let end = start + html[start..].find("</header>").unwrap();
    visible_text(&html[start..end])
}

#[test]
fn personal_data_shows_in_the_header_catalogue_search_and_field_pages() {
    let mesh = copy_fixture("valid-basic");
    build_ok(mesh.path(), &[]);
    let site = mesh.path().join("public");
    let orders = header(&read(&site, ORDERS_PAGE));
    assert!(
        orders.contains("Contains personal data: customer_email (restricted)."),
        "{orders}"
    );
    assert!(
        orders.contains("Data Product Owner: Ana Perez"),
        "the owner near the top: {orders}"
    );
    let forecast = header(&read(&site, FORECAST_PAGE));
    assert!(!forecast.contains("personal data"), "{forecast}");

    let catalogue = read(&site, "products/index.html");
    assert!(visible_text(&catalogue).contains("Personal data"), "a column heading");
    let with = catalogue_row(&catalogue, "sales-orders.html");
    assert!(
        with.contains("data-personal=\"yes\"") && visible_text(&with).contains("Personal data"),
        "{with}"
    );
    let without = catalogue_row(&catalogue, "finance-revenue-forecast.html");
    assert!(
        without.contains("data-personal=\"no\"") && visible_text(&without).contains("None"),
        "{without}"
    );
    assert!(
        catalogue.contains("<select id=\"catalogue-personal\" data-filter=\"personal\">"),
        "a filter on the column"
    );

    let search = read(&site, "search.html");
    assert!(
        search
            .contains("data-facet=\"personal\" value=\"yes\"> <span class=\"facet-label\">Holds personal data</span>"),
        "a search facet"
    );
    let field = visible_text(&read(&site, "fields/customer_email.html"));
    assert!(
        field.contains("Holds personal data in every contract listed."),
        "{field}"
    );
}

#[test]
fn a_classification_the_policies_name_as_personal_makes_a_field_personal() {
    let mesh = copy_fixture("valid-basic");
    std::fs::write(
        mesh.path().join("content/governance/policies.yaml"),
        "personalClassifications: [Internal]\n",
    )
    .unwrap();
    let (code, report) = check_json(mesh.path());
    assert_eq!(code, 0, "the policies key is known: {report:#}");
    build_ok(mesh.path(), &[]);
    let forecast = header(&read(&mesh.path().join("public"), FORECAST_PAGE));
    assert!(
        forecast.contains("Contains personal data: month (internal), forecast_eur (internal)."),
        "{forecast}"
    );
}
