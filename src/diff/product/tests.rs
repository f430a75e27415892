use crate::diff::testutil::{contract, mesh, product};
use crate::diff::{compare, Affected, Pair, Side};

const FIELDS: &str = "      - name: id\n        logicalType: string\n";

/// Producer `a` → `b` → `c` (b reads orders, outputs totals; c reads totals).
fn chain(a: &str) -> Vec<(String, String)> {
    vec![
        (
            "contracts/orders.odcs.yaml".into(),
            contract("1.0.0", FIELDS, "  - property: latency\n    value: 1\n    unit: h\n"),
        ),
        (
            "contracts/orders-0.9.odcs.yaml".into(),
            contract("0.9.0", FIELDS, "  - property: latency\n    value: 1\n    unit: h\n"),
        ),
        (
            "contracts/totals.odcs.yaml".into(),
            contract("1.0.0", FIELDS, "  - property: latency\n    value: 1\n    unit: h\n")
                .replace("id: orders", "id: totals"),
        ),
        ("products/a.odps.yaml".into(), a.to_string()),
        (
            "products/b.odps.yaml".into(),
            product("b", "team-b", Some("orders"), Some("totals")),
        ),
        (
            "products/c.odps.yaml".into(),
            product("c", "team-c", Some("totals"), None),
        ),
    ]
}

fn run(head_a: Option<&str>) -> Vec<crate::diff::Change> {
    let base_files = chain(&product("a", "team-a", None, Some("orders")));
    let base = mesh(
        &base_files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect::<Vec<_>>(),
    );
    let mut head_files = chain(head_a.unwrap_or(""));
    if head_a.is_none() {
        head_files.retain(|(p, _)| p != "products/a.odps.yaml");
    }
    let head = mesh(
        &head_files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect::<Vec<_>>(),
    );
    compare(Pair {
        base: &base,
        head: &head,
    })
}

fn chain_below_a() -> Vec<Affected> {
    vec![
        Affected {
            product: "b".into(),
            via: None,
        },
        Affected {
            product: "c".into(),
            via: Some("b".into()),
        },
    ]
}

#[test]
fn retiring_a_consumed_product_is_breaking_and_reaches_the_chain() {
    let c = run(Some(
        &product("a", "team-a", None, Some("orders")).replace("status: active", "status: retired"),
    ));
    assert_eq!(c.len(), 1);
    assert_eq!(
        (c[0].kind.id, c[0].breaking, c[0].at.line),
        ("product.retired", true, 5)
    );
    assert_eq!(c[0].affected, chain_below_a());
}

#[test]
fn removing_a_consumed_product_points_at_the_base_file() {
    let c = run(None);
    assert_eq!(
        (c[0].kind.id, c[0].at.side, c[0].at.file.as_str()),
        ("product.removed", Side::Base, "content/products/a.odps.yaml")
    );
    assert_eq!(c[0].affected, chain_below_a());
}

#[test]
fn output_ports_removed_added_and_version_moves() {
    let c = run(Some(&product("a", "team-a", None, None)));
    assert_eq!(
        (c[0].kind.id, c[0].at.side, c[0].port_contract.as_deref()),
        ("port.output-removed", Side::Base, Some("orders"))
    );
    assert_eq!(c[0].affected, chain_below_a());
    let up = product("a", "team-a", None, Some("orders")).replace("version: 1.0.0", "version: 1.1.0");
    let c = run(Some(&up));
    // No contract version 1.1.0: the port still binds to orders 1.0.0, the newest active.
    assert_eq!(
        (c[0].kind.id, c[0].breaking, c[0].message.as_str()),
        (
            "port.output-changed",
            false,
            "output port `out`: port version 1.0.0 → 1.1.0 (the contract version it binds to is unchanged)"
        )
    );
    let down = product("a", "team-a", None, Some("orders")).replace("version: 1.0.0", "version: 0.9.0");
    let c = run(Some(&down));
    assert_eq!(
        (c[0].kind.id, c[0].message.as_str()),
        (
            "port.version-downgraded",
            "output port `out`: contract `orders` version 1.0.0 → 0.9.0"
        )
    );
    let more = format!(
        "{}  - name: extra\n    version: 1.0.0\n    contractId: totals\n",
        product("a", "team-a", None, Some("orders"))
    );
    let c = run(Some(&more));
    assert_eq!((c[0].kind.id, c[0].breaking), ("port.output-added", false));
}

#[test]
fn metadata_edits_are_not_breaking() {
    let a = product("a", "team-a", None, Some("orders")).replace("name: a\n", "name: a\ntags: [new]\n");
    let c = run(Some(&a));
    assert_eq!(
        (c[0].kind.id, c[0].breaking, c[0].message.as_str()),
        ("product.changed", false, "`tags` changed")
    );
    assert!(c[0].affected.is_empty());
}
