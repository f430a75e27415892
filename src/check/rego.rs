//! Custom governance rules written in Rego (OPA's policy language), evaluated in-process with
//! regorus.
//!
//! # Convention
//! Policies are the files `content/governance/rules/**/*.rego` (Rego v1 syntax: `if` and
//! `contains` are required). All of them are loaded into one engine, so a policy may import
//! helper packages from another file. A policy's package is `meshport.<name>`; it may define:
//!
//! - `deny_product`: a set (or array) of findings, evaluated once per product with `input` =
//!   `{product, file, contracts: [{contract, file, direction}], team: {id, name, email, oncall,
//!   contacts, members}, domain: {id, name, owner}, upstream: [ids], downstream: [ids]}`.
//!   `product` and `contract` are the descriptors as written; `team`/`domain` are null when
//!   the product names none; `direction` is `output` or `input`.
//! - `deny_mesh`: evaluated once with `input` = `{products: [the bundles above], contracts:
//!   [{contract, file}], teams, domains, edges: [{from, to, contractId, version}]}`; `from` is
//!   null when the edge comes from outside the mesh.
//!
//! A finding is an object: `msg` (required); `rule` (the diagnostic's id becomes
//! `rego.<name>.<rule>`, or `rego.<name>` without it); `severity` (`error` | `warning` | `info`,
//! default `error`); `path` (JSON Pointer such as `/outputPorts/0/contractId`, or an array of
//! keys and indexes) into the product's file, or into `file` when the finding names one (a
//! contract's `file` from the input, say); `hint`. A bare string is short for `{"msg": …}`.
//! Without `file`, a `deny_mesh` finding points at the rule in the policy file.
//!
//! A runtime error, a builtin error (regorus is strict, like `opa eval
//! --strict-builtin-errors`: `trim_space(null)` fails instead of making the rule undefined) or a
//! malformed finding is one `rego.eval` error per rule at the policy, never a silent miss.
//!
//! # Bounds
//! Each evaluation (one rule, one input) stops after [`EVAL_TIME_LIMIT`] of wall-clock time,
//! checked cooperatively by regorus' interpreter; a rule that hits it is not evaluated for the
//! remaining products. regorus cannot bound memory without its mimalloc allocator (a C build),
//! so a policy that builds a huge collection in a single builtin call (`numbers.range(1, 1e10)`)
//! can still exhaust memory: policies are code in the repository, reviewed like code. The
//! engine has no `http.send`, `time.*` or `opa.runtime` builtins (not compiled in), so a policy
//! cannot reach the network or the environment and results are deterministic.

mod finding;
mod input;

use crate::diag::{Diagnostic, Diagnostics, Pos, Severity};
use crate::model::{Mesh, Product};
use finding::{Anchor, Locator};
use rayon::prelude::*;
use regorus::Engine;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Where policies live, relative to the mesh root.
pub const RULES_DIR: &str = "content/governance/rules/";

/// Wall-clock budget of one evaluation. Real rules over one product take microseconds; the
/// budget only stops runaway policies (nested iteration over large ranges).
pub const EVAL_TIME_LIMIT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Product,
    Mesh,
}

impl Scope {
    fn rule(self) -> &'static str {
        match self {
            Scope::Product => "deny_product",
            Scope::Mesh => "deny_mesh",
        }
    }
}

/// One `deny_*` rule of one package.
#[derive(Debug, Clone)]
struct Target {
    /// Diagnostic id base: `rego.<name>`.
    id: String,
    /// Rule path for `eval_rule`, e.g. `data.meshport.naming.deny_product`.
    path: String,
    scope: Scope,
    /// First policy file declaring the rule, and the rule's line there.
    file: String,
    pos: Pos,
}

/// Compiles the mesh's policies and adds their findings to `diags`.
pub fn run(mesh: &Mesh, diags: &mut Diagnostics) {
    let files = policy_files(mesh, diags);
    if files.is_empty() {
        return;
    }
    let Some((engine, loaded)) = compile(&files, diags) else { return };
    let targets = targets(&engine, &loaded, diags);
    if targets.is_empty() {
        return;
    }
    let loc = Locator::new(mesh);
    let inputs = input::Inputs::new(mesh);
    let bundles = inputs.products();
    let product_targets: Vec<&Target> = targets.iter().filter(|t| t.scope == Scope::Product).collect();
    if !product_targets.is_empty() {
        eval_products(&engine, &product_targets, &bundles, &loc, diags);
    }
    let mesh_targets: Vec<&Target> = targets.iter().filter(|t| t.scope == Scope::Mesh).collect();
    if !mesh_targets.is_empty() {
        let doc = inputs.mesh(&bundles);
        for t in mesh_targets {
            eval_mesh(&engine, t, &doc, &loc, diags);
        }
    }
}

/// The policy texts, by file. A `.rego` file elsewhere under content/ is reported, since a
/// policy put in the wrong folder would otherwise never run.
fn policy_files<'m>(mesh: &'m Mesh, diags: &mut Diagnostics) -> Vec<(&'m str, &'m str)> {
    let mut out = Vec::new();
    for (file, text) in &mesh.texts {
        if !file.ends_with(".rego") {
            continue;
        }
        if file.starts_with(RULES_DIR) {
            out.push((file.as_str(), text.as_str()));
        } else {
            diags.push(Diagnostic::warning("rego.misplaced", file, Pos::new(1, 1), "Rego policy outside content/governance/rules/ is not evaluated")
                .with_hint("move the file under content/governance/rules/"));
        }
    }
    out
}

fn new_engine() -> Engine {
    let mut engine = Engine::new();
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: EVAL_TIME_LIMIT,
        check_interval: std::num::NonZeroU32::new(64).expect("non-zero"),
    });
    engine
}

/// Parses every policy (a file that does not parse is reported and left out), then prepares
/// the engine once so every clone starts compiled. A module that parses but does not compile
/// is reported and left out too, and the rest compiled again.
fn compile<'m>(files: &[(&'m str, &'m str)], diags: &mut Diagnostics) -> Option<(Engine, Vec<(&'m str, &'m str)>)> {
    let mut engine = new_engine();
    let mut loaded = Vec::new();
    for &(file, text) in files {
        match engine.add_policy(file.to_string(), text.to_string()) {
            Ok(_) => loaded.push((file, text)),
            Err(e) => diags.push(syntax_error(file, &e, "does not parse")),
        }
    }
    while !loaded.is_empty() {
        let Err(e) = engine.eval_query("true".to_string(), false) else { return Some((engine, loaded)) };
        let (at, _) = finding::parse_error(&format!("{e}"));
        let culprit = at.and_then(|(f, _)| loaded.iter().position(|(l, _)| *l == f)).unwrap_or(0);
        diags.push(syntax_error(loaded[culprit].0, &e, "does not compile"));
        loaded.remove(culprit);
        engine = new_engine();
        for &(file, text) in &loaded {
            // Parsed once already, so this cannot fail; the error is ignored only for that reason.
            let _ = engine.add_policy(file.to_string(), text.to_string());
        }
    }
    None
}

fn syntax_error(file: &str, e: &anyhow::Error, what: &str) -> Diagnostic {
    let (at, message) = finding::parse_error(&format!("{e}"));
    let pos = at.filter(|(f, _)| f == file).map(|(_, p)| p).unwrap_or(Pos::new(1, 1));
    Diagnostic::error("rego.syntax", file, pos, format!("Rego policy {what}: {message}"))
        .with_hint("fix the policy at this position; policies use Rego v1 syntax, as OPA 1.x does (`if` before a rule body, `contains` for set rules)")
}

/// The `deny_product` / `deny_mesh` rules of every `meshport.<name>` package, once each even
/// when a package spans several files.
fn targets(engine: &Engine, loaded: &[(&str, &str)], diags: &mut Diagnostics) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for module in engine.get_policy_package_components().unwrap_or_default() {
        let file = module.source_file.as_str();
        let text = loaded.iter().find(|(f, _)| *f == file).map(|(_, t)| *t).unwrap_or("");
        for scope in [Scope::Product, Scope::Mesh] {
            if !engine.has_declared_rule_rooted_at(file, scope.rule()).unwrap_or(false) {
                continue;
            }
            let comps = &module.components;
            if comps.len() < 2 || comps[0] != "meshport" {
                diags.push(Diagnostic::warning("rego.package", file, line_of(text, "package"),
                    format!("`{}` is only evaluated in a package `meshport.<name>`; this one is `{}`", scope.rule(), comps.join(".")))
                    .with_hint("start the policy with `package meshport.<name>`, e.g. `package meshport.naming`"));
                continue;
            }
            let path = rule_path(comps, scope.rule());
            if out.iter().any(|t| t.path == path) {
                continue;
            }
            let id = format!("rego.{}", comps[1..].join("."));
            out.push(Target { id, path, scope, file: file.to_string(), pos: line_of(text, scope.rule()) });
        }
    }
    out
}

/// `data.a.b.rule`, with bracket notation for components that are not identifiers.
fn rule_path(components: &[String], rule: &str) -> String {
    let mut path = String::from("data");
    for c in components {
        let ident = c.chars().next().is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_')
            && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if ident { path.push('.'); path.push_str(c) } else { path.push_str(&format!("[{}]", serde_json::Value::from(c.as_str()))) }
    }
    format!("{path}.{rule}")
}

/// Position of the first line starting with `word` (a rule head or the package clause).
fn line_of(text: &str, word: &str) -> Pos {
    let found = text.lines().position(|l| {
        l.strip_prefix(word).is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
    });
    found.map(|i| Pos::new(i as u32 + 1, 1)).unwrap_or(Pos::new(1, 1))
}

/// What one evaluation gave: the findings as JSON, or the error text.
enum Outcome {
    Value(serde_json::Value),
    Error(String),
    /// Not evaluated: the rule already hit the time limit on another product.
    Skipped,
}

fn eval_one(engine: &mut Engine, t: &Target) -> (Outcome, bool) {
    match engine.eval_rule(t.path.clone()) {
        Ok(regorus::Value::Undefined) => (Outcome::Value(serde_json::Value::Null), false),
        Ok(v) => match serde_json::to_value(&v) {
            Ok(json) => (Outcome::Value(json), false),
            Err(e) => (Outcome::Error(format!("result is not JSON: {e}")), false),
        },
        Err(e) => {
            let timeout = e.chain().any(|c| c.downcast_ref::<regorus::LimitError>().is_some());
            (Outcome::Error(format!("{e}")), timeout)
        }
    }
}

/// Every product against every `deny_product` rule, in parallel. Engine clones share the
/// compiled policy (reference-counted), so one clone per rayon worker split is cheap.
fn eval_products(engine: &Engine, targets: &[&Target], bundles: &[(&Product, regorus::Value)], loc: &Locator, diags: &mut Diagnostics) {
    let tripped: Vec<AtomicBool> = targets.iter().map(|_| AtomicBool::new(false)).collect();

    let outcomes: Vec<Vec<Outcome>> = bundles
        .par_iter()
        .map_init(|| engine.clone(), |eng, (_, bundle)| {
            eng.set_input(bundle.clone());
            targets.iter().zip(&tripped).map(|(t, stop)| {
                if stop.load(Ordering::Relaxed) {
                    return Outcome::Skipped;
                }
                let (outcome, timeout) = eval_one(eng, t);
                if timeout {
                    stop.store(true, Ordering::Relaxed);
                }
                outcome
            }).collect()
        })
        .collect();
    for (i, t) in targets.iter().enumerate() {
        let mut problems = Problems::default();
        for ((p, _), row) in bundles.iter().zip(&outcomes) {
            let anchor = Anchor { file: &p.origin.file, doc: Some(&p.origin.doc), pos: p.origin.doc.pos("") };
            report(&row[i], t, &anchor, loc, &format!("product `{}`", p.id), &mut problems, diags);
        }
        problems.report(t, diags);
    }
}

fn eval_mesh(engine: &Engine, t: &Target, mesh_input: &regorus::Value, loc: &Locator, diags: &mut Diagnostics) {
    let mut eng = engine.clone();
    eng.set_input(mesh_input.clone());
    let (outcome, _) = eval_one(&mut eng, t);
    let anchor = Anchor { file: &t.file, doc: None, pos: t.pos };
    let mut problems = Problems::default();
    report(&outcome, t, &anchor, loc, "the mesh", &mut problems, diags);
    problems.report(t, diags);
}

fn report(outcome: &Outcome, t: &Target, anchor: &Anchor, loc: &Locator, subject: &str, problems: &mut Problems, diags: &mut Diagnostics) {
    match outcome {
        Outcome::Value(v) => {
            for f in finding::findings(v, &t.id, anchor, loc) {
                match f {
                    Ok(d) => diags.push(d),
                    Err(e) => problems.add(subject, e),
                }
            }
        }
        Outcome::Error(e) => problems.add(subject, e.clone()),
        Outcome::Skipped => problems.skipped += 1,
    }
}

/// Evaluation errors and malformed findings of one rule, reported as one `rego.eval` finding
/// (the first problem and a count), so a rule failing on every product does not bury the
/// report under identical errors.
#[derive(Default)]
struct Problems {
    first: Option<(String, String)>,
    count: usize,
    skipped: usize,
}

impl Problems {
    fn add(&mut self, subject: &str, error: String) {
        self.count += 1;
        self.first.get_or_insert_with(|| (subject.to_string(), error));
    }

    fn report(self, t: &Target, diags: &mut Diagnostics) {
        let Some((subject, error)) = self.first else { return };
        let (at, message) = finding::parse_error(&error);
        // The error may sit in a helper package of another policy file: point there.
        let (file, pos) = at.filter(|(f, _)| f.starts_with(RULES_DIR)).unwrap_or((t.file.clone(), t.pos));
        let mut text = format!("`{}` failed for {subject}: {message}", t.path.trim_start_matches("data."));
        if self.count > 1 {
            text.push_str(&format!(" (and {} more)", self.count - 1));
        }
        if self.skipped > 0 {
            text.push_str(&format!("; not evaluated for {} more products after exceeding the {} s limit", self.skipped, EVAL_TIME_LIMIT.as_secs()));
        }
        diags.push(Diagnostic::new(Severity::Error, "rego.eval", &file, pos, text)
            .with_hint("fix the policy: each finding needs `msg` text; `severity` is error, warning or info; rules must not produce conflicting values"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::source::{read_descriptor, SourceSet};

    const PRODUCT: &str = "apiVersion: v1.0.0
kind: DataProduct
id: sales-orders
status: active
tags: []
outputPorts:
  - name: orders
    contractId: orders
    version: 1.0.0
";
    const CONTRACT: &str = "apiVersion: v3.1.0
kind: DataContract
id: orders
version: 1.0.0
status: active
schema:
  - name: orders
    physicalName: sales.orders.v1
";
    const PRODUCT_FILE: &str = "content/products/orders.odps.yaml";
    const CONTRACT_FILE: &str = "content/contracts/orders.odcs.yaml";

    /// The findings of `run` over a one-product mesh with the given policies.
    fn rego(policies: &[(&str, &str)]) -> Vec<Diagnostic> {
        let mut set = SourceSet::default();
        for (rel, text) in [(PRODUCT_FILE, PRODUCT), (CONTRACT_FILE, CONTRACT)].iter().chain(policies) {
            set.texts.insert(rel.to_string(), text.to_string());
            if rel.ends_with(".yaml") {
                set.files.push(read_descriptor(rel, text).expect("fixture parses"));
            }
        }
        let mut diags = Diagnostics::new();
        let mesh = crate::model::resolve(Config::default(), set, &mut diags);
        let mut diags = Diagnostics::new();
        run(&mesh, &mut diags);
        diags.finish();
        diags.iter().cloned().collect()
    }

    fn policy(body: &str) -> (&'static str, String) {
        ("content/governance/rules/test.rego", format!("package meshport.test\n\n{body}"))
    }

    fn one(body: &str) -> Diagnostic {
        let (file, text) = policy(body);
        let found = rego(&[(file, &text)]);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.into_iter().next().unwrap()
    }

    #[test]
    fn product_finding_path_maps_to_line_and_column() {
        let d = one(r#"deny_product contains {"msg": "m", "path": "/outputPorts/0/contractId"} if input.product.status == "active""#);
        assert_eq!((d.file.as_str(), d.line, d.column), (PRODUCT_FILE, 8, 17));
        let d = one(r#"deny_product contains {"msg": "m", "path": ["outputPorts", 0, "version"]} if true"#);
        assert_eq!((d.line, d.column), (9, 14));
        // A missing key points at its nearest ancestor: the port.
        let d = one(r#"deny_product contains {"msg": "m", "path": "/outputPorts/0/description"} if true"#);
        assert_eq!((d.line, d.column), (7, 5));
    }

    #[test]
    fn rule_severity_and_hint_are_mapped() {
        let d = one(r#"deny_product contains {"msg": "no tags", "rule": "tags", "severity": "warning", "hint": "add tags", "path": "/tags"} if count(input.product.tags) == 0"#);
        assert_eq!((d.rule.as_str(), d.severity, d.hint.as_deref()), ("rego.test.tags", Severity::Warning, Some("add tags")));
        assert_eq!((d.message.as_str(), d.line, d.column), ("no tags", 5, 7));
        let d = one(r#"deny_product contains "plain text" if true"#);
        assert_eq!((d.rule.as_str(), d.severity, d.hint), ("rego.test", Severity::Error, None));
        let d = one(r#"deny_product contains {"msg": "i", "severity": "info"} if true"#);
        assert_eq!(d.severity, Severity::Info);
    }

    #[test]
    fn finding_may_point_into_a_contract_file() {
        let d = one(r#"deny_product contains {"msg": "topic", "file": c.file, "path": "/schema/0/physicalName"} if {
    some c in input.contracts
    c.direction == "output"
}"#);
        assert_eq!((d.file.as_str(), d.line, d.column), (CONTRACT_FILE, 8, 19));
    }

    #[test]
    fn mesh_finding_defaults_to_the_rule_in_the_policy() {
        let d = one("deny_mesh contains {\"msg\": sprintf(\"%d products\", [count(input.products)])} if true");
        assert_eq!((d.file.as_str(), d.line, d.column, d.message.as_str()), ("content/governance/rules/test.rego", 3, 1, "1 products"));
        let d = one(r#"deny_mesh contains {"msg": "e", "file": input.products[0].file, "path": "/status"} if count(input.edges) == 0"#);
        assert_eq!((d.file.as_str(), d.line, d.column), (PRODUCT_FILE, 4, 9));
    }

    #[test]
    fn syntax_error_is_reported_at_regorus_position() {
        let d = one("deny_product contains {\"msg\": \"m\"} if {\n  input.a ==\n}\n");
        assert_eq!((d.rule.as_str(), d.severity), ("rego.syntax", Severity::Error));
        assert_eq!((d.file.as_str(), d.line, d.column), ("content/governance/rules/test.rego", 5, 1));
        assert!(d.message.contains("expecting expression"), "{}", d.message);
    }

    #[test]
    fn broken_policy_does_not_stop_the_others() {
        let (file, good) = policy(r#"deny_product contains "still here" if true"#);
        let bad = "package meshport.bad\n\ndeny_product contains x if {\n";
        let found = rego(&[(file, &good), ("content/governance/rules/bad.rego", bad)]);
        let rules: Vec<&str> = found.iter().map(|d| d.rule.as_str()).collect();
        assert_eq!(rules, vec!["rego.syntax", "rego.test"]);
    }

    #[test]
    fn policy_that_does_not_compile_is_left_out() {
        let (file, good) = policy(r#"deny_product contains "still here" if true"#);
        let bad = "package meshport.bad\n\ndeny_product contains \"m\" if {\n  [a, b] := [1, 2, 3]\n  a < b\n}\n";
        let found = rego(&[(file, &good), ("content/governance/rules/bad.rego", bad)]);
        let got: Vec<(&str, &str, u32)> = found.iter().map(|d| (d.rule.as_str(), d.file.as_str(), d.line)).collect();
        assert_eq!(got, vec![("rego.syntax", "content/governance/rules/bad.rego", 4), ("rego.test", PRODUCT_FILE, 1)]);
        assert!(found[0].message.contains("does not compile"), "{}", found[0].message);
    }

    #[test]
    fn runtime_error_is_an_eval_finding_at_the_policy() {
        let d = one("n := to_number(input.product.id)\n\ndeny_product contains \"m\" if n > 1");
        assert_eq!((d.rule.as_str(), d.severity), ("rego.eval", Severity::Error));
        // At the failing call in the policy (regorus picks the column), not at the product.
        assert_eq!((d.file.as_str(), d.line), ("content/governance/rules/test.rego", 3));
        assert!(d.column > 1);
        assert!(d.message.contains("product `sales-orders`"), "{}", d.message);
        let d = one("x := 1 if true\nx := 2 if true\n\ndeny_mesh contains \"m\" if x > 0");
        assert_eq!((d.rule.as_str(), d.line), ("rego.eval", 4));
    }

    #[test]
    fn malformed_findings_are_eval_errors_not_dropped() {
        for body in [
            r#"deny_product contains {"message": "typo"} if true"#,
            r#"deny_product contains {"msg": "m", "severity": "fatal"} if true"#,
            r#"deny_product contains {"msg": "m", "file": "content/nowhere.yaml"} if true"#,
            r#"deny_product contains {"msg": "m", "path": 3} if true"#,
            r#"deny_product := "not a set" if true"#,
        ] {
            let d = one(body);
            assert_eq!(d.rule, "rego.eval", "{body}: {d:?}");
        }
    }

    #[test]
    fn deny_rules_outside_meshport_packages_are_reported() {
        let found = rego(&[("content/governance/rules/x.rego", "package naming\n\ndeny_product contains \"m\" if true\n")]);
        assert_eq!(found.iter().map(|d| (d.rule.as_str(), d.line)).collect::<Vec<_>>(), vec![("rego.package", 1)]);
    }

    #[test]
    fn helper_packages_in_other_files_can_be_imported() {
        let lib = "package lib.text\n\nblank(s) if trim_space(s) == \"\"\n";
        let (file, text) = policy("import data.lib.text\n\ndeny_product contains \"blank\" if text.blank(\" \")");
        let found = rego(&[("content/governance/rules/lib.rego", lib), (file, &text)]);
        assert_eq!(found.iter().map(|d| d.rule.as_str()).collect::<Vec<_>>(), vec!["rego.test"]);
    }

    #[test]
    fn runaway_evaluation_stops_at_the_time_limit() {
        let d = one("deny_product contains x if {\n  some a in numbers.range(1, 100000)\n  some b in numbers.range(1, 100000)\n  x := a * b\n  x < 0\n}");
        assert_eq!(d.rule, "rego.eval");
        assert!(d.message.contains("time limit"), "{}", d.message);
    }

    #[test]
    fn regorus_error_positions_are_parsed() {
        let (at, msg) = finding::parse_error("\n--> a/b.rego:4:12\n  |\n4 | x\n  |   ^\nerror: boom");
        assert_eq!((at, msg.as_str()), (Some(("a/b.rego".to_string(), Pos::new(4, 12))), "boom"));
        assert_eq!(finding::parse_error("plain"), (None, "plain".to_string()));
    }

    #[test]
    fn rule_paths_quote_non_identifier_components() {
        let comps = ["meshport".to_string(), "my-rules".to_string()];
        assert_eq!(rule_path(&comps, "deny_mesh"), r#"data.meshport["my-rules"].deny_mesh"#);
    }
}
