//! A contract as a consumer reads it: service levels and quality rules in words, spec keys not
//! shown as labels outside the raw YAML, and the product type found where ODPS puts it.

use crate::common::*;

const CONTRACT: &str = "contracts/sales-orders-contract-1-0-0.html";

#[test]
fn contract_page_reads_service_levels_and_quality_rules_in_words() {
    let mesh = copy_fixture("valid-basic");
    build_ok(mesh.path(), &[]);
    let html = read(&mesh.path().join("public"), CONTRACT);
    let text = visible_text(&remove_between(&html, "<details class=\"raw\"", "</details>"));
    for words in [
        "available within 4 hours · kept 7 years",
        "completeness: null values must be 0",
        "completeness: row count must be more than 1000",
    ] {
        assert!(text.contains(words), "the contract page lacks {words:?}:\n{text}");
    }
    // The declaration as written stays on the page; the spec's comparison keys do not.
    assert!(text.contains("latency 4 h") && text.contains("rowCount"), "{text}");
    for key in ["mustBeGreaterThan", "mustBe ", "slaProperties"] {
        assert!(!text.contains(key), "{key:?} is shown outside the raw YAML:\n{text}");
    }
}

#[test]
fn product_type_comes_from_the_product_type_custom_property() {
    let mesh = copy_fixture("valid-basic");
    let file = mesh.path().join("content/products/order-revenue.odps.yaml");
    let yaml = std::fs::read_to_string(&file).unwrap().replace(
        "type: aggregate\n",
        "customProperties:\n  - property: productType\n    value: derivedRevenue\n",
    );
    std::fs::write(&file, yaml).unwrap();
    build_ok(mesh.path(), &[]);
    let catalogue = read(&mesh.path().join("public"), "products/index.html");
    assert!(
        catalogue.contains("data-type=\"derivedrevenue\""),
        "the catalogue row takes its type from customProperties.productType"
    );
}
