//! Rego that would take meshport down: recursion (rejected when compiled), a runaway builtin
//! allocation and a deep rule chain (the worker process dies, meshport reports the rule), one
//! evaluation over the step limit, and an expensive rule over many products that runs out of
//! the build's step budget, at the same product every time.
//!
//! Every run here that could allocate without bound runs meshport under `ulimit -v` (4 GiB), on
//! top of the worker's own limit, so a broken limit cannot take the machine's memory.

use crate::common::*;
use std::path::Path;

const RULES: &str = "content/governance/rules";

/// `meshport <args>` with its address space (and its worker's) capped at 4 GiB.
fn run_limited(args: &[&str]) -> Run {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_meshport"))
        .args(args)
        .output()
        .expect("run meshport under sh");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn check_limited(root: &Path) -> (i32, serde_json::Value) {
    let r = run_limited(&["check", "--root", root.to_str().unwrap(), "--format", "json"]);
    let report = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}), exit {}:\n{}\n{}", r.code, r.stdout, r.stderr));
    (r.code, report)
}

/// The rego-deny fixture (two products, a `deny_product` and a `deny_mesh` rule that each find
/// one thing) plus the policies given.
fn mesh_with(policies: &[(&str, &str)]) -> tempfile::TempDir {
    let mesh = copy_fixture("rego-deny");
    for (name, text) in policies {
        std::fs::write(mesh.path().join(RULES).join(name), text).unwrap();
    }
    mesh
}

fn rego_findings(report: &serde_json::Value) -> Vec<Finding> {
    let mut all: Vec<Finding> = ["error", "warning", "info"]
        .iter()
        .flat_map(|s| findings(report, s))
        .filter(|f| f.rule.starts_with("rego."))
        .collect();
    all.sort();
    all
}

fn message<'a>(report: &'a serde_json::Value, rule: &str, file: &str) -> &'a str {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == rule && d["file"] == file)
        .and_then(|d| d["message"].as_str())
        .unwrap_or_else(|| panic!("no {rule} in {file}: {report:#}"))
}

/// What the fixture's own rules find: they must keep working whatever the other policy does.
fn fixture_findings() -> Vec<Finding> {
    vec![
        finding("rego.orphans", "error", "content/contracts/legacy.odcs.yaml", 3, 5),
        finding("rego.ports.type", "error", "content/products/orders.odps.yaml", 11, 11),
    ]
}

fn with_fixture(mut extra: Vec<Finding>) -> Vec<Finding> {
    extra.extend(fixture_findings());
    extra.sort();
    extra
}

const RECURSIVE: &str =
    "package meshport.rec\n\nf(x) := y if {\n\ty := f(x)\n}\n\ndeny_product contains \"never\" if f(1)\n";

#[test]
fn a_recursive_rule_is_rejected_where_it_calls_itself() {
    let mesh = mesh_with(&[("rec.rego", RECURSIVE)]);
    let file = "content/governance/rules/rec.rego";
    let (code, report) = check_limited(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        rego_findings(&report),
        with_fixture(vec![finding("rego.recursion", "error", file, 4, 7)]),
        "{report:#}"
    );
    assert!(
        message(&report, "rego.recursion", file)
            .contains("`meshport.rec.f` (content/governance/rules/rec.rego:3) → `meshport.rec.f`"),
        "{report:#}"
    );
    let r = run_limited(&["build", "--root", mesh.path().to_str().unwrap(), "--quiet"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        has_human_finding(
            &r.stderr,
            "content/governance/rules/rec.rego:4:7",
            "error[rego.recursion]"
        ),
        "{}",
        r.stderr
    );
    assert!(!mesh.path().join("public").exists(), "a failed build publishes nothing");
}

#[test]
fn mutual_recursion_across_packages_is_reported_in_each_file() {
    let a =
        "package meshport.a\n\nimport data.lib.util\n\nlimit := util.max\n\ndeny_product contains \"m\" if limit > 1\n";
    let lib = "package lib.util\n\n# Shares its name with the builtin `max`: only the rule reference below makes a cycle.\nmax := data.meshport.a.limit + 1\n";
    let mesh = mesh_with(&[("a.rego", a), ("util.rego", lib)]);
    let (code, report) = check_limited(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        rego_findings(&report),
        with_fixture(vec![
            finding("rego.recursion", "error", "content/governance/rules/a.rego", 5, 10),
            finding("rego.recursion", "error", "content/governance/rules/util.rego", 4, 8),
        ]),
        "{report:#}"
    );
    let text = message(&report, "rego.recursion", "content/governance/rules/util.rego");
    assert!(
        text.contains("`meshport.a.limit`") && text.contains("`lib.util.max`"),
        "{text}"
    );
}

#[test]
fn a_runaway_allocation_ends_the_worker_not_meshport() {
    // 80 million numbers: about 1.9 GB in one builtin call, above the worker's 1 GiB.
    let hungry =
        "package meshport.hungry\n\ndeny_product contains \"never\" if {\n\tcount(numbers.range(1, 80000000)) < 0\n}\n";
    let mesh = mesh_with(&[("hungry.rego", hungry)]);
    let file = "content/governance/rules/hungry.rego";
    let (code, report) = check_limited(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        rego_findings(&report),
        with_fixture(vec![finding("rego.eval", "error", file, 3, 1)]),
        "{report:#}"
    );
    let text = message(&report, "rego.eval", file);
    assert!(text.contains("`meshport.hungry.deny_product` stopped the Rego worker: it ran out of memory (a Rego worker may use 1024 MiB)"), "{text}");
}

#[test]
fn a_worker_stack_overflow_is_a_finding() {
    // A chain of 10,000 rules, each reading the next: no recursion, but too deep to evaluate.
    let mut chain = String::from("package meshport.chain\n\ndeny_product contains \"deep\" if p0 > 0\n\n");
    for i in 0..10_000 {
        chain.push_str(&format!("p{i} := p{} + 1\n", i + 1));
    }
    chain.push_str("p10000 := 0\n");
    let mesh = mesh_with(&[("chain.rego", &chain)]);
    let file = "content/governance/rules/chain.rego";
    let (code, report) = check_limited(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        rego_findings(&report),
        with_fixture(vec![finding("rego.eval", "error", file, 3, 1)]),
        "{report:#}"
    );
    assert!(
        message(&report, "rego.eval", file).contains("overflowed its stack"),
        "{report:#}"
    );
}

#[test]
fn one_evaluation_over_the_step_limit_stops_the_rule() {
    // About 0.5 s per product before the step limit existed: 9 million loop steps each.
    let slow = "package meshport.slow\n\ndeny_product contains x if {\n\tsome a in numbers.range(1, 3000)\n\tsome b in numbers.range(1, 3000)\n\tx := a * b\n\tx < 0\n}\n";
    let mesh = mesh_with(&[("slow.rego", slow)]);
    let file = "content/governance/rules/slow.rego";
    let (code, report) = check_limited(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        rego_findings(&report),
        with_fixture(vec![finding("rego.eval", "error", file, 3, 1)]),
        "{report:#}"
    );
    let text = message(&report, "rego.eval", file);
    assert!(text.contains("`meshport.slow.deny_product` failed for product `finance-revenue`: it needed more than 4194304 steps, the limit of one evaluation; not evaluated for 1 more product"), "{text}");
}

/// A mesh of `n` products (`p00` …), the given policies and policies.yaml.
fn many_products(n: usize, policies_yaml: &str, rules: &[(&str, &str)]) -> tempfile::TempDir {
    let mesh = tempfile::tempdir().unwrap();
    let root = mesh.path();
    std::fs::create_dir_all(root.join("content/products")).unwrap();
    std::fs::create_dir_all(root.join(RULES)).unwrap();
    for i in 0..n {
        let text = format!("apiVersion: v1.0.0\nkind: DataProduct\nid: p{i:02}\nstatus: draft\n");
        std::fs::write(root.join(format!("content/products/p{i:02}.odps.yaml")), text).unwrap();
    }
    std::fs::write(root.join("content/governance/policies.yaml"), policies_yaml).unwrap();
    for (name, text) in rules {
        std::fs::write(root.join(RULES).join(name), text).unwrap();
    }
    mesh
}

#[test]
fn an_expensive_rule_over_many_products_runs_out_of_the_build_budget() {
    // About 12,000 steps per product, charged 21,504 (limits of 1,024, 4,096 and 16,384 steps):
    // a budget of 300,000 steps covers 13 products, so the 14th (`p13`) is where it runs out.
    let costly =
        "package meshport.costly\n\ndeny_product contains x if {\n\tsome x in numbers.range(1, 3000)\n\tx < 0\n}\n";
    let later = "package meshport.later\n\ndeny_product contains \"seen\" if true\n";
    let mesh = many_products(
        40,
        "rego:\n  steps: 300000\n",
        &[("costly.rego", costly), ("later.rego", later)],
    );
    let (code, report) = check_limited(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        rego_findings(&report),
        vec![
            finding("rego.budget", "error", "content/governance/rules/costly.rego", 3, 1),
            finding("rego.budget", "error", "content/governance/rules/later.rego", 3, 1),
        ],
        "{report:#}"
    );
    assert_eq!(message(&report, "rego.budget", "content/governance/rules/costly.rego"),
        "the build's Rego budget of 300000 steps ran out in `meshport.costly.deny_product` at product `p13`; not evaluated for 27 products: `p13`, `p14`, `p15`, `p16`, `p17` and 22 more");
    assert_eq!(message(&report, "rego.budget", "content/governance/rules/later.rego"),
        "`meshport.later.deny_product` was not evaluated: the build's Rego budget of 300000 steps ran out in `meshport.costly.deny_product`");
    // Steps, not seconds: the same findings on every run, however busy the machine.
    for _ in 0..2 {
        assert_eq!(check_limited(mesh.path()).1["diagnostics"], report["diagnostics"]);
    }
    // With the default budget everything is evaluated (`later` finds each product).
    std::fs::write(mesh.path().join("content/governance/policies.yaml"), "rules: {}\n").unwrap();
    let (_, report) = check_limited(mesh.path());
    let rules: Vec<String> = rego_findings(&report).into_iter().map(|f| f.rule).collect();
    assert_eq!(rules, vec!["rego.later"; 40], "{report:#}");
}

#[test]
fn the_budget_is_a_positive_global_setting_of_policies_yaml() {
    let policies = "content/governance/policies.yaml";
    let mesh = many_products(1, "rego:\n  steps: 0\n", &[]);
    let (code, report) = check_limited(mesh.path());
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        findings(&report, "error"),
        vec![finding("policy.invalid", "error", policies, 2, 10)],
        "{report:#}"
    );
    // A domain cannot have a budget of its own.
    let mesh = many_products(1, "domains:\n  sales:\n    rego:\n      steps: 5\n", &[]);
    let (_, report) = check_limited(mesh.path());
    assert_eq!(
        findings(&report, "error"),
        vec![finding("policy.invalid", "error", policies, 4, 7)],
        "{report:#}"
    );
    assert!(
        message(&report, "policy.invalid", policies).contains("unknown field `rego`"),
        "{report:#}"
    );
}

/// `meshport rego-worker` itself, asked to evaluate one builtin-heavy rule (few steps, much
/// work in each) over one product, with 1 s of CPU time.
fn start_worker() -> std::process::Child {
    use std::io::Write;
    let busy = "package meshport.busy\n\ndeny_product contains \"m\" if {\n\tsome i in numbers.range(1, 100000)\n\tcount(numbers.range(1, 1000000)) < 0\n}\n";
    let request = serde_json::json!({
        "policies": [["content/governance/rules/busy.rego", busy]],
        "excluded": [], "done": [],
        "steps": {"left": 1u64 << 30, "exhausted_by": null},
        "input": {"contracts": [], "teams": {}, "domains": {}, "edges": [], "products": [
            {"file": "content/products/p.odps.yaml", "product": {"id": "p"}, "ports": [], "team": null, "domain": null, "upstream": [], "downstream": []},
        ]},
    });
    let mut worker = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_meshport"))
        .args(["rego-worker", "--memory", &(2u64 << 30).to_string(), "--cpu", "1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdin = worker.stdin.as_mut().unwrap();
    writeln!(stdin, "{request}").unwrap();
    stdin.flush().unwrap();
    worker
}

/// Waits up to `limit` for the worker to end.
fn wait_for(worker: &mut std::process::Child, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = worker.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = worker.kill();
    let _ = worker.wait();
    None
}

#[cfg(unix)]
#[test]
fn the_worker_stops_at_its_cpu_limit() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let mut worker = start_worker();
    // Its standard input stays open (as meshport keeps it): only the CPU limit can stop it.
    let status = wait_for(&mut worker, std::time::Duration::from_secs(60)).expect("the worker ran past its CPU limit");
    assert_eq!(status.signal(), Some(libc::SIGXCPU), "{status}");
    let mut said = String::new();
    worker.stdout.take().unwrap().read_to_string(&mut said).unwrap();
    // What it said last names the rule meshport will blame.
    assert!(
        said.trim_end()
            .ends_with(r#"{"kind":"evaluating","target":"data.meshport.busy.deny_product"}"#),
        "{said}"
    );
}

#[test]
fn the_worker_stops_when_meshport_goes() {
    let mut worker = start_worker();
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(worker.stdin.take());
    let status = wait_for(&mut worker, std::time::Duration::from_secs(5)).expect("the worker outlived meshport");
    assert_eq!(status.code(), Some(3), "{status}");
}
