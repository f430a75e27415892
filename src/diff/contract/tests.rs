use crate::diff::testutil::{contract, mesh};
use crate::diff::{compare, Pair, Side};

const FIELDS: &str = "      - name: order_id
        logicalType: string
        physicalType: varchar(36)
        required: true
        primaryKey: true
        primaryKeyPosition: 1
      - name: amount
        logicalType: number
        description: Order amount
      - name: status
        logicalType: string
        quality:
          - metric: invalidValues
            mustBe: 0
            arguments:
              validValues: [open, shipped, cancelled]
      - name: lines
        logicalType: array
        items:
          logicalType: object
          properties:
            - name: sku
              logicalType: string
";
const SLA: &str = "  - property: latency
    value: 4
    unit: h
  - property: availability
    value: \"99.9%\"
";

/// (kind, breaking, line, side) of every change from the base contract to `head`.
fn changes(head: &str) -> Vec<(&'static str, bool, u32, Side, String)> {
    let base = mesh(&[("contracts/orders.odcs.yaml", &contract("1.0.0", FIELDS, SLA))]);
    let head = mesh(&[("contracts/orders.odcs.yaml", head)]);
    compare(Pair {
        base: &base,
        head: &head,
    })
    .into_iter()
    .map(|c| (c.kind.id, c.breaking, c.at.line, c.at.side, c.message))
    .collect()
}

fn kinds(head: &str) -> Vec<&'static str> {
    changes(head).into_iter().map(|c| c.0).collect()
}

#[test]
fn identical_contracts_have_no_changes() {
    assert!(changes(&contract("1.0.0", FIELDS, SLA)).is_empty());
}

#[test]
fn removed_field_points_at_the_base_line() {
    let head = FIELDS.replace(
        "      - name: amount\n        logicalType: number\n        description: Order amount\n",
        "",
    );
    let c = changes(&contract("1.0.0", &head, SLA));
    assert_eq!(c.len(), 1, "{c:?}");
    // Line 16 of the base file: `- name: amount` (10 header lines, then order_id's six).
    assert_eq!(
        (c[0].0, c[0].1, c[0].2, c[0].3),
        ("field.removed", true, 16, Side::Base)
    );
    assert!(c[0].4.contains("orders.amount"), "{}", c[0].4);
}

#[test]
fn nested_field_removal_and_parent_removal_report_once() {
    let head = FIELDS.replace(
        "          properties:\n            - name: sku\n              logicalType: string\n",
        "",
    );
    assert_eq!(kinds(&contract("1.0.0", &head, SLA)), ["field.removed"]);
    let cut = FIELDS.find("      - name: lines").unwrap();
    let c = changes(&contract("1.0.0", &FIELDS[..cut], SLA));
    assert_eq!(c.len(), 1, "children of a removed field are not listed: {c:?}");
    assert!(c[0].4.contains("`orders.lines`"));
}

#[test]
fn type_change_points_at_the_new_type() {
    let head = FIELDS.replace("        logicalType: number\n", "        logicalType: string\n");
    let c = changes(&contract("1.0.0", &head, SLA));
    assert_eq!(
        (c[0].0, c[0].1, c[0].2, c[0].3),
        ("field.type-changed", true, 17, Side::Head)
    );
    let head = FIELDS.replace("varchar(36)", "VARCHAR(64)");
    assert_eq!(kinds(&contract("1.0.0", &head, SLA)), ["field.type-changed"]);
    // Case alone is not a type change.
    let head = FIELDS.replace("varchar(36)", "VARCHAR(36)");
    assert!(kinds(&contract("1.0.0", &head, SLA)).is_empty());
}

#[test]
fn required_and_primary_key() {
    let head = FIELDS.replace(
        "        description: Order amount\n",
        "        description: Order amount\n        required: true\n",
    );
    assert_eq!(kinds(&contract("1.0.0", &head, SLA)), ["field.made-required"]);
    let head = FIELDS.replace("        required: true\n        primaryKey", "        primaryKey");
    assert_eq!(kinds(&contract("1.0.0", &head, SLA)), ["field.made-optional"]);
    let head = FIELDS.replace("primaryKeyPosition: 1", "primaryKeyPosition: 2");
    assert_eq!(kinds(&contract("1.0.0", &head, SLA)), ["field.primary-key-changed"]);
    let head = FIELDS.replace("        primaryKey: true\n        primaryKeyPosition: 1\n", "");
    assert_eq!(kinds(&contract("1.0.0", &head, SLA)), ["field.primary-key-changed"]);
}

#[test]
fn added_fields_are_breaking_only_when_required() {
    let optional = format!("{FIELDS}      - name: note\n        logicalType: string\n");
    assert_eq!(changes(&contract("1.0.0", &optional, SLA))[0].0, "field.added");
    assert!(!changes(&contract("1.0.0", &optional, SLA))[0].1);
    let required = format!("{FIELDS}      - name: note\n        logicalType: string\n        required: true\n");
    assert_eq!(kinds(&contract("1.0.0", &required, SLA)), ["field.added-required"]);
}

#[test]
fn allowed_values_removed_added_and_in_enum_form() {
    let head = FIELDS.replace("[open, shipped, cancelled]", "[open, shipped]");
    let c = changes(&contract("1.0.0", &head, SLA));
    assert_eq!((c[0].0, c[0].1), ("field.enum-value-removed", true));
    assert!(c[0].4.contains("`cancelled`"), "{}", c[0].4);
    let head = FIELDS.replace("[open, shipped, cancelled]", "[open, shipped, cancelled, returned]");
    assert_eq!(kinds(&contract("1.0.0", &head, SLA)), ["field.enum-value-added"]);
    // The v3.2 `enum` list counts as well.
    let enum_form = "        quality:\n          - metric: invalidValues\n            mustBe: 0\n            arguments:\n              validValues: [open, shipped, cancelled]\n";
    let head = FIELDS.replace(
        enum_form,
        "        enum:\n          - value: open\n          - value: shipped\n",
    );
    assert!(kinds(&contract("1.0.0", &head, SLA)).contains(&"field.enum-value-removed"));
}

#[test]
fn description_edit_is_not_breaking() {
    let head = FIELDS.replace("Order amount", "Order amount in EUR");
    let c = changes(&contract("1.0.0", &head, SLA));
    assert_eq!((c[0].0, c[0].1, c[0].2), ("field.changed", false, 18));
    let with_desc = contract("1.0.0", FIELDS, SLA)
        .replace("name: Orders\n", "name: Orders\ndescription:\n  purpose: All orders.\n");
    assert_eq!(kinds(&with_desc), ["contract.changed"]);
}

#[test]
fn sla_weakened_removed_and_uncomparable() {
    let c = changes(&contract(
        "1.0.0",
        FIELDS,
        &SLA.replace("value: 4\n    unit: h", "value: 1\n    unit: d"),
    ));
    assert_eq!((c[0].0, c[0].1), ("sla.weakened", true));
    assert!(c[0].4.contains("4 h → 1 d"), "{}", c[0].4);
    assert_eq!(
        kinds(&contract(
            "1.0.0",
            FIELDS,
            &SLA.replace("value: 4\n    unit: h", "value: 120\n    unit: min")
        )),
        ["sla.improved"]
    );
    assert_eq!(
        kinds(&contract("1.0.0", FIELDS, &SLA.replace("99.9%", "99%"))),
        ["sla.weakened"]
    );
    assert_eq!(
        kinds(&contract("1.0.0", FIELDS, &SLA.replace("unit: h", "unit: sprints"))),
        ["sla.changed"]
    );
    let head = contract("1.0.0", FIELDS, "  - property: latency\n    value: 4\n    unit: h\n");
    assert_eq!(changes(&head)[0].3, Side::Base);
    assert_eq!(kinds(&head), ["sla.removed"]);
}

#[test]
fn unused_contract_removal_is_not_breaking() {
    let base = mesh(&[("contracts/orders.odcs.yaml", &contract("1.0.0", FIELDS, SLA))]);
    let head = mesh(&[]);
    let c = compare(Pair {
        base: &base,
        head: &head,
    });
    assert_eq!(
        (c[0].kind.id, c[0].breaking, c[0].at.line, c[0].at.side),
        ("contract.removed-unused", false, 1, Side::Base)
    );
}

#[test]
fn a_replaced_version_is_compared_with_the_one_it_replaces() {
    let head = FIELDS.replace(
        "      - name: amount\n        logicalType: number\n        description: Order amount\n",
        "",
    );
    let c = changes(&contract("2.0.0", &head, SLA));
    let got: Vec<(&str, &str)> = c.iter().map(|c| (c.0, c.4.as_str())).collect();
    assert_eq!(
        got,
        [
            ("field.removed", "field `orders.amount` removed (since 1.0.0)"),
            ("contract.removed-unused", "removed"),
            ("contract.added", "added"),
        ]
    );
    // The removal is located in the old version's file, as it was at the base.
    assert_eq!((c[0].2, c[0].3), (16, Side::Base));
}
