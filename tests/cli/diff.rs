//! `meshport diff`: temporary git repositories holding the `diff-mesh` fixture (a producer,
//! a direct consumer and a consumer of the consumer, each owned by a different team), one
//! commit, then a change in the working tree per breaking kind.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

const ORDERS: &str = "content/contracts/orders.odcs.yaml";
const PRODUCER: &str = "content/products/orders.odps.yaml";

/// Runs `git` in `dir` with a fixed identity and dates, isolated from the user's config.
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Mesh Tester")
        .env("GIT_AUTHOR_EMAIL", "tester@example.test")
        .env("GIT_COMMITTER_NAME", "Mesh Tester")
        .env("GIT_COMMITTER_EMAIL", "tester@example.test")
        .env("GIT_AUTHOR_DATE", "2026-01-01T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T12:00:00Z")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with the fixture committed at `<repo>/<sub>` (the mesh root), on `main`.
struct Repo {
    dir: TempDir,
    sub: &'static str,
}

impl Repo {
    fn new(sub: &'static str) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture_dir("diff-mesh"), &dir.path().join(sub));
        git(dir.path(), &["init", "--quiet", "--initial-branch=main"]);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "--quiet", "-m", "mesh"]);
        Repo { dir, sub }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join(self.sub)
    }

    /// Replaces `from` (which must be there) by `to` in a file of the working tree.
    fn edit(&self, rel: &str, from: &str, to: &str) -> &Repo {
        let path = self.root().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    fn commit(&self, message: &str) {
        git(self.dir.path(), &["add", "-A"]);
        git(self.dir.path(), &["commit", "--quiet", "-m", message]);
    }

    fn diff(&self, extra: &[&str]) -> Run {
        let root = self.root();
        let mut args = vec!["diff", "--base", "main", "--root", root.to_str().unwrap()];
        args.extend_from_slice(extra);
        run(&args)
    }

    fn json(&self) -> Value {
        let r = self.diff(&["--format", "json"]);
        assert_eq!(r.code, 0, "diff --format json failed:\n{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", r.stdout))
    }
}

/// The one change of `kind` in the report (fails unless there is exactly one).
fn change<'a>(report: &'a Value, kind: &str) -> &'a Value {
    let found: Vec<&Value> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == kind)
        .collect();
    assert_eq!(found.len(), 1, "expected one {kind} change:\n{report:#}");
    found[0]
}

fn kinds(report: &Value) -> Vec<String> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap().to_string())
        .collect()
}

/// (product, via) pairs of a change's downstream list.
fn affected(change: &Value) -> Vec<(String, Option<String>)> {
    change["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["product"].as_str().unwrap().to_string(),
                a["via"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn pair(p: &str, via: Option<&str>) -> (String, Option<String>) {
    (p.to_string(), via.map(str::to_string))
}

/// Both consumers, transitively: finance-revenue reads orders directly, risk-forecast through it.
fn whole_chain() -> Vec<(String, Option<String>)> {
    vec![
        pair("finance-revenue", None),
        pair("risk-forecast", Some("finance-revenue")),
    ]
}

/// Asserts a breaking change of `kind` at `file:line` on `side`, reaching the whole chain, and
/// the exit codes with and without `--fail-on-breaking`.
fn assert_breaking(repo: &Repo, kind: &str, file: &str, line: u64, side: &str) -> Value {
    let report = repo.json();
    let c = change(&report, kind);
    assert_eq!(c["breaking"], true, "{c:#}");
    assert_eq!(
        (
            c["file"].as_str().unwrap(),
            c["line"].as_u64().unwrap(),
            c["side"].as_str().unwrap()
        ),
        (file, line, side),
        "{c:#}"
    );
    assert_eq!(affected(c), whole_chain(), "{c:#}");
    assert_eq!(repo.diff(&[]).code, 0, "breaking changes alone do not fail the run");
    assert_eq!(
        repo.diff(&["--fail-on-breaking"]).code,
        1,
        "--fail-on-breaking must exit 1 on {kind}"
    );
    report
}

#[test]
fn no_changes_say_so_and_exit_0() {
    let repo = Repo::new(".");
    let r = repo.diff(&["--fail-on-breaking"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("No changes to products or contracts."),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("| Breaking"),
        "no table when nothing changed:\n{}",
        r.stdout
    );
    let report = repo.json();
    assert_eq!(report["version"], 1);
    assert_eq!(report["summary"]["changes"], 0);
}

#[test]
fn field_removed() {
    let repo = Repo::new(".");
    repo.edit(ORDERS, "      - name: coupon\n        logicalType: string\n", "");
    // `- name: coupon` is line 32 of the committed file.
    let report = assert_breaking(&repo, "field.removed", ORDERS, 32, "base");
    assert_eq!(report["summary"]["breaking"], 1);
    assert_eq!(report["summary"]["downstream_products"], 2);
    assert_eq!(
        change(&report, "field.removed")["subject"],
        serde_json::json!({"type": "contract", "id": "orders-contract", "version": "1.0.0"})
    );
}

#[test]
fn field_type_changed() {
    let repo = Repo::new(".");
    repo.edit(ORDERS, "physicalType: decimal(12,2)", "physicalType: varchar(20)");
    assert_breaking(&repo, "field.type-changed", ORDERS, 23, "head");
}

#[test]
fn field_made_required() {
    let repo = Repo::new(".");
    repo.edit(
        ORDERS,
        "      - name: coupon\n        logicalType: string\n",
        "      - name: coupon\n        logicalType: string\n        required: true\n",
    );
    assert_breaking(&repo, "field.made-required", ORDERS, 34, "head");
}

#[test]
fn required_field_added() {
    let repo = Repo::new(".");
    repo.edit(
        ORDERS,
        "slaProperties:",
        "      - name: channel\n        logicalType: string\n        required: true\nslaProperties:",
    );
    assert_breaking(&repo, "field.added-required", ORDERS, 34, "head");
}

#[test]
fn primary_key_changed() {
    let repo = Repo::new(".");
    repo.edit(ORDERS, "        primaryKey: true\n        primaryKeyPosition: 1\n", "");
    assert_breaking(&repo, "field.primary-key-changed", ORDERS, 15, "head");
}

#[test]
fn enum_value_removed() {
    let repo = Repo::new(".");
    repo.edit(ORDERS, "[open, shipped, cancelled]", "[open, shipped]");
    let report = assert_breaking(&repo, "field.enum-value-removed", ORDERS, 31, "head");
    assert!(change(&report, "field.enum-value-removed")["message"]
        .as_str()
        .unwrap()
        .contains("`cancelled`"));
}

#[test]
fn sla_weakened_with_units_normalised() {
    let repo = Repo::new(".");
    // 4 h → 1 d is slower; the same edit the other way round (4 h → 120 min) is better.
    repo.edit(ORDERS, "    value: 4\n    unit: h", "    value: 1\n    unit: d");
    let report = assert_breaking(&repo, "sla.weakened", ORDERS, 36, "head");
    assert!(change(&report, "sla.weakened")["message"]
        .as_str()
        .unwrap()
        .contains("4 h → 1 d"));
    let repo = Repo::new(".");
    repo.edit(ORDERS, "    value: 4\n    unit: h", "    value: 120\n    unit: min");
    assert_eq!(kinds(&repo.json()), ["sla.improved"]);
    assert_eq!(repo.diff(&["--fail-on-breaking"]).code, 0);
}

#[test]
fn output_port_removed() {
    let repo = Repo::new(".");
    repo.edit(
        PRODUCER,
        "outputPorts:\n  - name: orders-table\n    version: 1.0.0\n    contractId: orders-contract\n",
        "",
    );
    let report = assert_breaking(&repo, "port.output-removed", PRODUCER, 9, "base");
    assert_eq!(
        change(&report, "port.output-removed")["port_contract"],
        "orders-contract"
    );
}

#[test]
fn output_port_version_downgraded() {
    let repo = Repo::new(".");
    // The port binds to the contract version equal to its own: 0.9.0 must exist to move to it.
    let older =
        std::fs::read_to_string(repo.root().join(ORDERS))
            .unwrap()
            .replacen("version: 1.0.0", "version: 0.9.0", 1);
    std::fs::write(repo.root().join("content/contracts/orders-0.9.0.odcs.yaml"), older).unwrap();
    repo.edit(
        PRODUCER,
        "    version: 1.0.0\n    contractId: orders-contract",
        "    version: 0.9.0\n    contractId: orders-contract",
    );
    assert_breaking(&repo, "port.version-downgraded", PRODUCER, 10, "head");
}

/// A port version no contract version equals binds to the same contract as before: a port
/// edit, not a contract downgrade.
#[test]
fn a_port_version_alone_does_not_move_the_contract() {
    let repo = Repo::new(".");
    repo.edit(
        PRODUCER,
        "    version: 1.0.0\n    contractId: orders-contract",
        "    version: 0.9.0\n    contractId: orders-contract",
    );
    let report = repo.json();
    assert!(
        !kinds(&report).contains(&"port.version-downgraded".to_string()),
        "{report:#}"
    );
    let c = change(&report, "port.output-changed");
    assert_eq!(c["breaking"], false, "{report:#}");
}

#[test]
fn contract_version_removed_while_consumed() {
    let repo = Repo::new(".");
    // The producer moves to 2.0.0 and the 1.0.0 file is gone, but finance-revenue pins 1.0.0.
    repo.edit(ORDERS, "version: 1.0.0", "version: 2.0.0");
    let report = assert_breaking(&repo, "contract.removed", ORDERS, 1, "base");
    assert!(kinds(&report).contains(&"contract.added".to_string()), "{report:#}");
}

#[test]
fn contract_removed_while_referenced() {
    let repo = Repo::new(".");
    std::fs::remove_file(repo.root().join(ORDERS)).unwrap();
    assert_breaking(&repo, "contract.removed", ORDERS, 1, "base");
}

#[test]
fn product_retired_while_consumed() {
    let repo = Repo::new(".");
    repo.edit(PRODUCER, "status: active", "status: retired");
    assert_breaking(&repo, "product.retired", PRODUCER, 5, "head");
    // Retiring the end of the chain, which nobody reads, is only a status change.
    let repo = Repo::new(".");
    repo.edit(
        "content/products/forecast.odps.yaml",
        "status: active",
        "status: retired",
    );
    let report = repo.json();
    assert_eq!(kinds(&report), ["product.status-changed"]);
    assert_eq!(change(&report, "product.status-changed")["breaking"], false);
}

#[test]
fn non_breaking_changes_pass_fail_on_breaking() {
    let repo = Repo::new(".");
    repo.edit(
        ORDERS,
        "slaProperties:",
        "      - name: gift_note\n        logicalType: string\nslaProperties:",
    );
    repo.edit(ORDERS, "Order amount in euros.", "Order amount in euros, VAT included.");
    let report = repo.json();
    assert_eq!(kinds(&report), ["field.changed", "field.added"], "{report:#}");
    assert!(report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["breaking"] == false && c["affected"].as_array().unwrap().is_empty()));
    assert_eq!(change(&report, "field.changed")["line"], 24);
    assert_eq!(change(&report, "field.added")["line"], 34);
    let r = repo.diff(&["--fail-on-breaking"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("No breaking changes (2 changes)."), "{}", r.stdout);
    assert!(!r.stdout.contains("Who to tell"), "{}", r.stdout);
}

#[test]
fn markdown_comment_names_owners_and_channels() {
    let repo = Repo::new(".");
    repo.edit(ORDERS, "      - name: coupon\n        logicalType: string\n", "");
    repo.edit(
        ORDERS,
        "Confirmed customer orders.",
        "Confirmed customer orders, one row each.",
    );
    let r = repo.diff(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = r.stdout;
    assert!(
        md.contains("**1 breaking change affecting 2 downstream products, 1 other change.**"),
        "{md}"
    );
    assert!(md.contains("| **yes** | `field.removed` | contract `orders-contract` 1.0.0: field `orders.coupon` removed | `content/contracts/orders.odcs.yaml:32` (base, removed) |"), "{md}");
    assert!(md.contains("| no | `contract.changed` |"), "{md}");
    let who = &md[md.find("#### Who to tell").expect("a Who to tell section")..];
    assert!(
        who.contains("- **Finance Data Team** (`finance-team`): finance-data@example.test, `#finance-data`"),
        "{who}"
    );
    assert!(
        who.contains("  - Order Revenue (`finance-revenue`), reads it directly: `field.removed`"),
        "{who}"
    );
    assert!(
        who.contains(
            "- **Risk Analytics** (`risk-team`): risk@example.test, on call: https://oncall.example.test/risk"
        ),
        "{who}"
    );
    assert!(
        who.contains("  - Revenue Forecast (`risk-forecast`), through `Order Revenue`: `field.removed`"),
        "{who}"
    );
    assert!(
        !who.contains("Sales Data Team"),
        "the producer's own team is not downstream:\n{who}"
    );
    let report = repo.json();
    let owners: Vec<&str> = report["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(owners, ["finance-team", "risk-team"]);
    assert_eq!(report["owners"][0]["contacts"][0]["channel"], "#finance-data");
}

#[test]
fn base_is_read_from_git_objects_not_the_working_tree() {
    let repo = Repo::new(".");
    // Uncommitted: the working tree loses `coupon` and gains a contract git has never seen.
    repo.edit(ORDERS, "      - name: coupon\n        logicalType: string\n", "");
    let extra =
        "apiVersion: v3.1.0\nkind: DataContract\nid: returns-contract\nname: Returns\nversion: 1.0.0\nstatus: draft\n";
    std::fs::write(repo.root().join("content/contracts/returns.odcs.yaml"), extra).unwrap();
    let report = repo.json();
    assert_eq!(kinds(&report), ["field.removed", "contract.added"], "{report:#}");
    // Committing the change makes the base equal to the working tree; an older base still differs.
    repo.commit("drop coupon");
    assert_eq!(repo.json()["summary"]["changes"], 0);
    let root = repo.root();
    let r = run(&[
        "diff",
        "--base",
        "HEAD~1",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let old: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(kinds(&old), ["field.removed", "contract.added"], "{old:#}");
    assert_eq!(old["base"]["rev"], "HEAD~1");
}

#[test]
fn mesh_in_a_subdirectory_of_the_repository() {
    let repo = Repo::new("platform/mesh");
    repo.edit(ORDERS, "[open, shipped, cancelled]", "[open, shipped]");
    let report = assert_breaking(&repo, "field.enum-value-removed", ORDERS, 31, "head");
    assert_eq!(report["summary"]["changes"], 1);
}

#[test]
fn unknown_revision_and_no_repository_exit_2() {
    let repo = Repo::new(".");
    let root = repo.root();
    let r = run(&["diff", "--base", "no-such-branch", "--root", root.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("unknown revision `no-such-branch`"), "{}", r.stderr);
    let plain = copy_fixture("diff-mesh");
    let r = run(&["diff", "--base", "main", "--root", plain.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not inside a git repository"), "{}", r.stderr);
    let r = run(&["diff", "--root", root.to_str().unwrap()]);
    assert_eq!(r.code, 2, "--base is required: {}", r.stderr);
}

#[test]
fn findings_are_summarised_not_fatal() {
    let repo = Repo::new(".");
    repo.edit(PRODUCER, "status: active", "status: retired");
    std::fs::write(
        repo.root().join("content/products/broken.odps.yaml"),
        "kind: DataProduct\nid: [unclosed\n",
    )
    .unwrap();
    let r = repo.diff(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("`product.retired`"), "{}", r.stdout);
    // The unparsable file, and finance-revenue now reading a retired product (lineage.retired-input).
    let note = r.stdout.lines().last().unwrap_or_default();
    assert!(
        note.starts_with("> base has 8 warnings, head has 2 errors and 8 warnings"),
        "{}",
        r.stdout
    );
    assert!(note.ends_with("run `meshport check` for details."), "{}", r.stdout);
    let report = repo.json();
    assert_eq!(report["summary"]["findings"]["head"]["errors"], 2);
    assert_eq!(report["summary"]["findings"]["base"]["errors"], 0);
}

/// Roles on the orders contract and usernames in its team, committed as the base.
const ORDERS_ROLES: &str = "team:\n  name: sales-team\n  members:\n    - username: sowner\n      name: Sam Owner\n      role: Data Product Owner\n    - username: sdev\n      name: Dee Dev\n      role: Data Engineer\nroles:\n  - role: orders_reader\n    access: read\n    firstLevelApprovers: Sam Owner\n    secondLevelApprovers: Data Protection Office\nschema:";

#[test]
fn a_new_input_port_asking_for_a_role_is_an_access_request_for_the_producing_team() {
    let repo = Repo::new(".");
    repo.edit(ORDERS, "team:\n  name: sales-team\nschema:", ORDERS_ROLES);
    repo.commit("roles");
    repo.edit(
        "content/products/forecast.odps.yaml",
        "inputPorts:\n",
        "inputPorts:\n  - name: orders\n    version: 1.0.0\n    contractId: orders-contract\n    customProperties:\n      - property: accessRole\n        value: orders_reader\n",
    );
    let json = repo.json();
    assert_eq!(json["summary"]["access_requests"], 1, "{json:#}");
    let request = &json["access_requests"][0];
    assert_eq!(request["consumer"], "risk-forecast");
    assert_eq!(request["contract_id"], "orders-contract");
    assert_eq!(request["role"], "orders_reader");
    assert_eq!(request["role_defined"], true);
    assert_eq!(request["first_level_approvers"], "Sam Owner");
    assert_eq!(request["second_level_approvers"], "Data Protection Office");
    assert_eq!(request["producing_team"], "sales-team");
    assert_eq!(request["producing_team_name"], "Sales Data Team");
    assert_eq!(
        request["reviewers"],
        serde_json::json!(["sowner"]),
        "owners, not every member"
    );
    assert_eq!(
        (request["at"]["file"].as_str(), request["at"]["line"].as_u64()),
        (Some("content/products/forecast.odps.yaml"), Some(12)),
        "the role's value in the consumer's file"
    );

    let md = repo.diff(&[]).stdout;
    assert!(md.contains("#### Access request: review by the producing team"), "{md}");
    assert!(
        md.contains("asks for role `orders_reader`; approved first by Sam Owner, then by Data Protection Office. Review: **Sales Data Team** (`sales-team`); reviewers: @sowner."),
        "{md}"
    );
}

#[test]
fn an_unchanged_role_is_no_new_request() {
    let repo = Repo::new(".");
    repo.edit(ORDERS, "team:\n  name: sales-team\nschema:", ORDERS_ROLES);
    repo.commit("roles");
    let json = repo.json();
    assert_eq!(json["summary"]["access_requests"], 0, "{json:#}");
    assert!(!repo.diff(&[]).stdout.contains("Access request"));
}
