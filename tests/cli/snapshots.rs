//! Snapshots of what users read: `check` in every format on each invalid fixture, and key
//! fragments of rendered pages (fragments, so a change elsewhere on a page does not churn them).
//!
//! A change shows as a diff; review it with `cargo insta review` (or accept all with
//! `INSTA_UPDATE=always cargo test --test cli snapshots`) and commit the `.snap` files.

use crate::common::*;

/// The fixtures with findings, one per kind of problem.
const INVALID: &[&str] = &[
    "invalid-api-version",
    "invalid-config",
    "invalid-duplicate-id",
    "invalid-duplicate-key",
    "invalid-empty-descriptor",
    "invalid-encoding",
    "invalid-frontmatter",
    "invalid-lineage-cycle",
    "invalid-list-descriptor",
    "invalid-missing-id",
    "invalid-tab-indent",
    "invalid-unknown-kind",
    "invalid-wrong-type",
    "invalid-yaml-syntax",
    "schema-bad-enum",
    "schema-org-invalid",
    "schema-path-escape",
    "schema-unknown-key",
    "rego-broken",
    "rego-deny",
];

/// `meshport check --format <format>` on a copy of the fixture: what the format writes (human
/// and github: stderr too, where the human report and the summary go).
fn check_output(fixture: &str, format: &str) -> String {
    let mesh = copy_fixture(fixture);
    if fixture == "invalid-encoding" {
        // Bytes git would not keep as text: Latin-1 `é` (0xE9) after `id: caf` on line 3.
        let dir = mesh.path().join("content/products");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("latin1.odps.yaml"),
            b"apiVersion: v1.0.0\nkind: DataProduct\nid: caf\xe9\n",
        )
        .unwrap();
    }
    let r = run(&["check", "--root", mesh.path().to_str().unwrap(), "--format", format]);
    // Exit 1 for errors, 0 for a fixture of warnings only; never 2 (a failure of meshport).
    assert!(
        r.code == 0 || r.code == 1,
        "{fixture}: check --format {format} exited {}:\n{}{}",
        r.code,
        r.stdout,
        r.stderr
    );
    let text = match format {
        "human" => r.stderr,
        "github" => format!("{}--- stderr ---\n{}", r.stdout, r.stderr),
        _ => r.stdout,
    };
    // SARIF names the tool's version: a release must not change every snapshot.
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    text.replace(&version, "\"version\": \"[version]\"")
}

#[test]
fn check_output_of_each_invalid_fixture_in_every_format() {
    for fixture in INVALID {
        for format in ["human", "json", "github", "sarif"] {
            let name = format!("check-{format}-{fixture}");
            insta::assert_snapshot!(name, check_output(fixture, format));
        }
    }
}

#[test]
fn human_output_has_no_colour_when_not_a_terminal() {
    let text = check_output("invalid-duplicate-id", "human");
    assert!(!text.contains('\u{1b}'), "{text}");
    let mesh = copy_fixture("invalid-duplicate-id");
    let root = mesh.path().to_str().unwrap();
    let forced = run(&["check", "--root", root, "--color", "always"]);
    assert!(
        forced.stderr.contains("\u{1b}["),
        "--color always colours:\n{}",
        forced.stderr
    );
}

/// The first element of `html` that starts with `start`, up to its `end` tag.
fn fragment<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no `{start}` in the page"));
    let to = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("`{start}` is not closed"))
        + from
        + end.len();
    &html[from..to]
}

#[test]
fn page_fragments() {
    let mesh = copy_fixture("valid-basic");
    build_ok(mesh.path(), &[]);
    let page = |path: &str| std::fs::read_to_string(mesh.path().join("public").join(path)).unwrap();
    let product = page("products/sales-orders.html");
    insta::assert_snapshot!(
        "product-header",
        fragment(&product, "<header class=\"page-header\">", "</header>")
    );
    insta::assert_snapshot!(
        "product-schema-row-pii",
        fragment(&product, "<tr id=\"field-orders-customer_email\"", "</tr>")
    );
    let contract = page("contracts/sales-orders-contract-1-0-0.html");
    insta::assert_snapshot!(
        "contract-header",
        fragment(&contract, "<header class=\"page-header\">", "</header>")
    );
    let team = page("teams/sales-team.html");
    insta::assert_snapshot!(
        "team-contact-card",
        fragment(&team, "<section class=\"card\" id=\"contact\">", "</section>")
    );
}
