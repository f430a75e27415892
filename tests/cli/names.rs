//! Ids as page names: any script gets a readable page of its own, an id too long for a file
//! name or sharing a page name with another is an error at its position (never a build that
//! fails without one, never a page silently taken over), and text from descriptors can neither
//! drive a terminal nor reorder what a reviewer reads.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

fn write(mesh: &Path, rel: &str, text: &str) {
    let path = mesh.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A product whose `id:` value starts at line 3, column 5.
fn product(id: &str, extra: &str) -> String {
    format!("apiVersion: v1.0.0\nkind: DataProduct\nid: {id}\nname: A product\nstatus: active\nteam:\n  name: legacy-team\n{extra}")
}

/// A contract whose `id:` value starts at line 3, column 5.
fn contract(id: &str, version: &str, field: &str) -> String {
    format!("apiVersion: v3.0.2\nkind: DataContract\nid: {id}\nversion: {version}\nstatus: active\nschema:\n  - name: t\n    properties:\n      - name: {field}\n        classification: internal\n")
}

fn errors_of(report: &Value, rule: &str) -> Vec<(String, u64, u64, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule && d["severity"] == "error")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Each of `files` (file, line, column) has a `id.page-collision` error whose message names
/// every other one with its position.
fn assert_collision(report: &Value, files: &[(&str, u64, u64)]) {
    let found = errors_of(report, "id.page-collision");
    for (file, line, column) in files {
        let (_, _, _, message) = found
            .iter()
            .find(|(f, l, c, _)| f == file && l == line && c == column)
            .unwrap_or_else(|| panic!("no id.page-collision at {file}:{line}:{column}: {report:#}"));
        for (other, ol, oc) in files.iter().filter(|o| o.0 != *file) {
            assert!(
                message.contains(&format!("{other}:{ol}:{oc}")),
                "{file}: `{message}` does not name {other}:{ol}:{oc}"
            );
        }
    }
}

#[test]
fn ids_in_any_script_get_pages_of_their_own_and_references_resolve() {
    let mesh = copy_fixture("valid-legacy");
    let root = mesh.path();
    write(
        root,
        "content/products/clients.odps.yaml",
        &product("Клиенты", "domain: Zählerstände\n"),
    );
    write(
        root,
        "content/products/orders.odps.yaml",
        &product("Заказы", "domain: zahlerstande\n"),
    );
    write(root, "content/products/cjk.odps.yaml", &product("客户订单", ""));
    write(
        root,
        "content/domains/Zählerstände.md",
        "---\nname: Zählerstände\nowner: legacy-team\n---\n\n## Über Zählerstände\n\nMeter readings.\n",
    );
    let (code, report) = check_json(root);
    assert_eq!(code, 0, "{report:#}");
    let undocumented = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["rule"] == "ref.domain-undocumented" && d["message"].as_str().unwrap().contains("zahlerstande"));
    assert!(!undocumented, "both spellings reach the domain page: {report:#}");
    build_ok(root, &[]);
    let site = root.join("public");
    for page in [
        "products/klienty.html",
        "products/zakazy.html",
        "products/ke-hu-ding-dan.html",
        "domains/zahlerstande.html",
    ] {
        assert!(
            site.join(page).is_file(),
            "{page} missing: {:?}",
            read_tree(&site)
                .keys()
                .filter(|k| k.starts_with("products/"))
                .collect::<Vec<_>>()
        );
    }
    assert!(!site.join("products/x.html").exists(), "no id falls back to `x`");
    let domain = read(&site, "domains/zahlerstande.html");
    assert!(
        domain.contains("id=\"uber-zahlerstande\""),
        "heading anchor transliterated"
    );
    assert!(
        hrefs(&domain).iter().any(|h| h.ends_with("products/klienty.html"))
            && hrefs(&domain).iter().any(|h| h.ends_with("products/zakazy.html")),
        "the domain page lists both products"
    );
}

#[test]
fn an_id_too_long_for_a_file_name_is_an_error_at_its_position() {
    let mesh = copy_fixture("valid-legacy");
    let root = mesh.path();
    write(
        root,
        "content/products/long.odps.yaml",
        &product(&"a".repeat(5_000), ""),
    );
    // id and version fit alone, not together: `contracts/<id>-<version>.html`.
    write(
        root,
        "content/contracts/long.odcs.yaml",
        &contract(
            &"c".repeat(150),
            &format!("\"{}\"", "1".repeat(60)),
            &format!("f{}", "i".repeat(300)),
        ),
    );
    // Cyrillic grows when transliterated: 100 characters, 200 bytes, 400 bytes of slug.
    write(root, "content/products/grows.odps.yaml", &product(&"Щ".repeat(100), ""));
    let (code, report) = check_json(root);
    assert_eq!(code, 1, "{report:#}");
    let found: Vec<(String, u64, u64)> = errors_of(&report, "id.too-long")
        .into_iter()
        .map(|(f, l, c, _)| (f, l, c))
        .collect();
    for expected in [
        ("content/products/long.odps.yaml", 3, 5),
        ("content/contracts/long.odcs.yaml", 3, 5),
        ("content/contracts/long.odcs.yaml", 9, 15),
        ("content/products/grows.odps.yaml", 3, 5),
    ] {
        assert!(
            found.contains(&(expected.0.to_string(), expected.1, expected.2)),
            "no id.too-long at {expected:?}: {found:?}"
        );
    }
    let message = &errors_of(&report, "id.too-long")[0].3;
    assert!(
        message.len() < 400,
        "the message does not repeat a 5,000-character id: {message}"
    );
    let built = build(root, &[]);
    assert_eq!(built.code, 1, "{}", built.stderr);
    assert!(
        has_human_finding(
            &built.stderr,
            "content/products/long.odps.yaml:3:5",
            "error[id.too-long]"
        ),
        "{}",
        built.stderr
    );
    assert!(!built.stderr.contains("File name too long"), "{}", built.stderr);
}

#[test]
fn two_products_sharing_a_page_name_are_errors_naming_each_other() {
    let mesh = copy_fixture("valid-legacy");
    let root = mesh.path();
    build_ok(root, &[]);
    write(root, "content/products/a.odps.yaml", &product("CUSTOMER-ACCOUNTS", ""));
    write(root, "content/products/b.odps.yaml", &product("customer-accounts", ""));
    write(root, "content/products/dots.odps.yaml", &product("\"..\"", ""));
    write(root, "content/products/x.odps.yaml", &product("x", ""));
    let (code, report) = check_json(root);
    assert_eq!(code, 1, "{report:#}");
    assert_collision(
        &report,
        &[
            ("content/products/a.odps.yaml", 3, 5),
            ("content/products/b.odps.yaml", 3, 5),
        ],
    );
    assert_collision(
        &report,
        &[
            ("content/products/dots.odps.yaml", 3, 5),
            ("content/products/x.odps.yaml", 3, 5),
        ],
    );
    let built = build(root, &[]);
    assert_eq!(built.code, 1, "{}", built.stderr);
    assert!(
        !root.join("public/products/customer-accounts.html").exists(),
        "no product took the page"
    );
    assert!(!root.join("public/products/customer-accounts-2.html").exists());
}

#[test]
fn contracts_teams_domains_guides_and_fields_sharing_a_page_name_are_errors() {
    let mesh = copy_fixture("valid-legacy");
    let root = mesh.path();
    // `orders` 1.0-0 and `orders-1.0` 0 both want contracts/orders-1-0-0.html.
    write(
        root,
        "content/contracts/one.odcs.yaml",
        &contract("orders", "1.0-0", "customer_id"),
    );
    write(
        root,
        "content/contracts/two.odcs.yaml",
        &contract("orders-1.0", "\"0\"", "Customer_ID"),
    );
    write(
        root,
        "content/teams/Data-Team.md",
        "---\nname: Data Team\nemail: a@example.test\n---\n",
    );
    write(
        root,
        "content/teams/data-team.md",
        "---\nname: Data team\nemail: b@example.test\n---\n",
    );
    write(root, "content/domains/sales.md", "---\nname: Sales\n---\n");
    write(
        root,
        "content/domains/other.md",
        "---\nid: Sales\nname: Also sales\n---\n",
    );
    write(root, "content/guides/consume/intro.md", "---\ntitle: Consuming\n---\n");
    write(root, "content/guides/publish/Intro.md", "---\ntitle: Publishing\n---\n");
    write(root, "content/governance/index.md", "---\ntitle: Index\n---\n");
    write(
        root,
        "content/governance/more.md",
        "---\nid: index page\ntitle: Index page\n---\n",
    );
    let (code, report) = check_json(root);
    assert_eq!(code, 1, "{report:#}");
    assert_collision(
        &report,
        &[
            ("content/contracts/one.odcs.yaml", 3, 5),
            ("content/contracts/two.odcs.yaml", 3, 5),
        ],
    );
    assert_collision(
        &report,
        &[
            ("content/contracts/one.odcs.yaml", 9, 15),
            ("content/contracts/two.odcs.yaml", 9, 15),
        ],
    );
    assert_collision(
        &report,
        &[
            ("content/teams/Data-Team.md", 1, 1),
            ("content/teams/data-team.md", 1, 1),
        ],
    );
    assert_collision(
        &report,
        &[("content/domains/other.md", 2, 5), ("content/domains/sales.md", 1, 1)],
    );
    assert_collision(
        &report,
        &[
            ("content/guides/consume/intro.md", 1, 1),
            ("content/guides/publish/Intro.md", 1, 1),
        ],
    );
    assert_collision(
        &report,
        &[
            ("content/governance/index.md", 1, 1),
            ("content/governance/more.md", 2, 5),
        ],
    );
}

/// A port name carrying an OSC title change, a screen clear and a C1 CSI, and a description
/// with a right-to-left override.
const HOSTILE: &str = "inputPorts:\n  - name: \"x\\e]0;pwned\\a\\e[2J\\u009b31m\\u202Ey\"\ndescription:\n  purpose: \"paid \u{202E}dlo\u{2066} now\"\n";

#[test]
fn terminal_escapes_from_descriptors_are_shown_escaped_in_every_format() {
    let mesh = copy_fixture("valid-legacy");
    let root = mesh.path();
    write(root, "content/products/hostile.odps.yaml", &product("hostile", HOSTILE));
    let r = root.to_str().unwrap();
    let unsafe_char = |s: &str| {
        s.chars()
            .find(|c| matches!(c, '\u{1b}' | '\u{7}' | '\u{9b}' | '\u{202e}' | '\u{2066}'))
    };
    for format in ["human", "github", "json", "sarif"] {
        let out = run(&["check", "--root", r, "--format", format]);
        assert_eq!(out.code, 0, "warnings only ({format}): {}{}", out.stdout, out.stderr);
        let text = format!("{}{}", out.stdout, out.stderr);
        assert_eq!(
            unsafe_char(&text),
            None,
            "{format} output passes a control character through:\n{text:?}"
        );
        assert!(text.contains("port.contract-missing"), "{format}: {text}");
    }
    let human = run(&["check", "--root", r]).stderr;
    assert!(
        human.contains("input port `x\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}31m\\u{202e}y`"),
        "{human}"
    );
    let (_, report) = check_json(root);
    let bidi = findings(&report, "warning")
        .into_iter()
        .filter(|f| f.rule == "source.bidi")
        .collect::<Vec<_>>();
    assert_eq!(
        bidi,
        [finding(
            "source.bidi",
            "warning",
            "content/products/hostile.odps.yaml",
            11,
            18
        )],
        "{report:#}"
    );
    // JSON keeps the text itself, escaped: a parser gets the original characters back.
    let json = run(&["check", "--root", r, "--format", "json"]).stdout;
    assert!(json.contains("\\u009b") && json.contains("\\u202e"), "{json}");
}

#[test]
fn an_undocumented_domain_is_reported_once_however_many_products_name_it() {
    let mesh = copy_fixture("valid-legacy");
    let root = mesh.path();
    for name in ["Alpha", "Beta", "Gamma"] {
        let file = format!("content/products/{}.odps.yaml", name.to_lowercase());
        write(root, &file, &product(name, "domain: harbour\n"));
    }
    let (_, report) = check_json(root);
    let harbour: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "ref.domain-undocumented" && d["message"].as_str().unwrap().contains("harbour"))
        .collect();
    assert_eq!(harbour.len(), 1, "{harbour:#?}");
    assert_eq!(harbour[0]["file"], "content/products/alpha.odps.yaml");
    assert!(
        harbour[0]["message"].as_str().unwrap().contains("named by 3 products"),
        "{harbour:#?}"
    );
}
