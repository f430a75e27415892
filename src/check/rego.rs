//! Custom governance rules written in Rego (OPA's policy language), evaluated with regorus in a
//! worker process.
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
//! A policy cannot take meshport down, whatever it does:
//! - Recursion between rules is rejected when the policies are compiled, as OPA does
//!   (`rego.recursion`, [`recursion`]).
//! - Policies are compiled and evaluated in a worker process ([`worker`]) with an address-space
//!   limit ([`memory_limit`]) and a CPU-time limit ([`CPU_SECONDS`]); a worker that dies (stack
//!   overflow, an allocation beyond the limit, the CPU limit) is a `rego.eval` finding naming
//!   the rule it was evaluating, and a new worker carries on with the other rules
//!   ([`supervisor`]).
//! - Work is counted in interpreter steps ([`budget`]): one `deny_product` evaluation may take
//!   [`budget::EVAL_STEPS`], a `deny_mesh` one [`budget::mesh_eval_steps`] (a rule that needs
//!   more is a `rego.eval` finding and is not evaluated for the remaining products), and all
//!   Rego in a build shares a budget
//!   (`rego.steps` in policies.yaml, default [`budget::BUILD_STEPS`]); the rule in which it runs
//!   out is a `rego.budget` finding naming the products not evaluated. Steps do not depend on
//!   the machine or its load, so neither do the findings; the CPU limit is the last line of
//!   defence, for builtins that do much work in one step.
//!
//! The engine has no `http.send`, `time.*` or `opa.runtime` builtins (not compiled in), so a
//! policy cannot reach the network or the environment and results are deterministic.

mod budget;
mod compile;
mod finding;
mod input;
mod protocol;
mod recursion;
mod supervisor;
pub mod worker;

use crate::check::policy::Policies;
use crate::check::rules::RuleId;
use crate::diag::{Diagnostic, Diagnostics, Pos, Related};
use crate::model::{Mesh, Product};
use finding::{Anchor, Locator};
use protocol::{Evaluated, Stop, Target};

pub use supervisor::use_executable;

/// Where policies live, relative to the mesh root.
pub const RULES_DIR: &str = "content/governance/rules/";

/// CPU time a Rego worker may use: the last line of defence, far above what the step budget
/// allows rules to do, for builtins that do much work in one step.
pub const CPU_SECONDS: u64 = 180;

/// Address space of a Rego worker: 1 GiB, plus 24 bytes for each byte of the mesh's files (the
/// worker holds every descriptor as JSON and as a regorus value). Measured (debug build, the
/// example rules plus the tests' ones): the example mesh's worker peaks at 241 MiB of address
/// space (24 MiB resident), 1,000 products (1.8 MB of files) at 262 MiB, 10,000 products
/// (18 MB) at 460 MiB (247 MiB resident), against limits of 1 GiB, 1.04 GiB and 1.4 GiB.
pub fn memory_limit(mesh: &Mesh) -> u64 {
    let text: u64 = mesh.texts.values().map(|t| t.len() as u64).sum();
    (1 << 30) + 24 * text
}

/// Compiles the mesh's policies, evaluates them in a worker and adds their findings to `diags`.
pub fn run(mesh: &Mesh, policies: &Policies, diags: &mut Diagnostics) {
    let files = policy_files(mesh, diags);
    if files.is_empty() {
        return;
    }
    let budget = policies.rego_steps.unwrap_or(budget::BUILD_STEPS);
    let limits = worker::Limits {
        memory: memory_limit(mesh),
        cpu_seconds: CPU_SECONDS,
    };
    let session = supervisor::evaluate(&files, &input::Wire::new(mesh), budget, limits);
    diags.extend(session.findings.iter().cloned());
    let report = Report {
        products: mesh.products.values().collect(),
        loc: Locator::new(mesh),
        budget,
    };
    for t in &session.targets {
        if let Some(e) = session.evaluated.iter().find(|e| e.target == t.path) {
            report.evaluated(t, e, diags);
        } else if let Some((_, death)) = session.died.iter().find(|(p, _)| *p == t.path) {
            diags.push(eval_error(
                &t.file,
                t.pos,
                format!(
                    "`{}` stopped the Rego worker: it {death}; the rule was not evaluated",
                    t.name()
                ),
            ));
        } else if let Some(why) = &session.abandoned {
            diags.push(eval_error(
                &t.file,
                t.pos,
                format!("`{}` was not evaluated: {why}", t.name()),
            ));
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
            diags.push(RuleId::RegoMisplaced.at(
                file,
                Pos::new(1, 1),
                "Rego policy outside content/governance/rules/ is not evaluated",
            ));
        }
    }
    out
}

/// A finding about a descriptor also points at the Rego rule that judged it, so a reader can
/// open the policy as well as the file to fix.
fn with_rule_site(d: Diagnostic, t: &Target) -> Diagnostic {
    if d.file == t.file {
        return d;
    }
    let note = format!("reported by the Rego rule `{}`", t.name());
    d.with_related(Related::new(&t.file, t.pos, note))
}

fn eval_error(file: &str, pos: Pos, text: String) -> Diagnostic {
    RuleId::RegoEval.at(file, pos, text)
        .with_hint("fix the policy: each finding needs `msg` text; `severity` is error, warning or info; rules must not produce conflicting values, nor do unbounded work")
}

/// Turns what the worker said about each rule into diagnostics.
struct Report<'m> {
    /// In id order, as the worker numbers them.
    products: Vec<&'m Product>,
    loc: Locator<'m>,
    budget: u64,
}

impl Report<'_> {
    fn subject(&self, product: Option<usize>) -> String {
        match product.and_then(|i| self.products.get(i)) {
            Some(p) => format!("product `{}`", p.id),
            None => "the mesh".to_string(),
        }
    }

    fn evaluated(&self, t: &Target, e: &Evaluated, diags: &mut Diagnostics) {
        let mut problems = Problems::default();
        for o in &e.outcomes {
            let anchor = match o.product.and_then(|i| self.products.get(i)) {
                Some(p) => Anchor {
                    file: &p.origin.file,
                    doc: Some(&p.origin.doc),
                    pos: p.origin.doc.pos(""),
                },
                None => Anchor {
                    file: &t.file,
                    doc: None,
                    pos: t.pos,
                },
            };
            match &o.result {
                Ok(v) => {
                    for f in finding::findings(v, &t.id, &anchor, &self.loc) {
                        match f {
                            Ok(d) => diags.push(with_rule_site(d, t)),
                            Err(e) => problems.add(self.subject(o.product), e),
                        }
                    }
                }
                Err(error) => problems.add(self.subject(o.product), error.clone()),
            }
        }
        match &e.stop {
            Some(Stop::StepLimit {
                product,
                limit,
                skipped,
            }) => {
                problems.add(
                    self.subject(*product),
                    format!("it needed more than {limit} steps, the limit of one evaluation"),
                );
                problems.skipped = *skipped;
            }
            Some(Stop::Budget { product, not_evaluated }) => {
                diags.push(self.budget_finding(t, *product, not_evaluated))
            }
            Some(Stop::Starved { by }) => diags.push(budget_error(
                t,
                format!(
                    "`{}` was not evaluated: the build's Rego budget of {} steps ran out in `{by}`",
                    t.name(),
                    self.budget
                ),
            )),
            None => {}
        }
        problems.report(t, diags);
    }

    fn budget_finding(&self, t: &Target, product: Option<usize>, not_evaluated: &[usize]) -> Diagnostic {
        let name = t.name();
        let text = match product {
            None => format!(
                "the build's Rego budget of {} steps ran out while `{name}` evaluated the mesh; it gave no findings",
                self.budget
            ),
            Some(_) => {
                let ids: Vec<&str> = not_evaluated
                    .iter()
                    .filter_map(|&i| self.products.get(i))
                    .map(|p| p.id.as_str())
                    .collect();
                let shown = ids
                    .iter()
                    .take(5)
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let more = if ids.len() > 5 {
                    format!(" and {} more", ids.len() - 5)
                } else {
                    String::new()
                };
                format!("the build's Rego budget of {} steps ran out in `{name}` at {}; not evaluated for {} products: {shown}{more}", self.budget, self.subject(product), ids.len())
            }
        };
        budget_error(t, text)
    }
}

fn budget_error(t: &Target, text: String) -> Diagnostic {
    RuleId::RegoBudget.at(&t.file, t.pos, text)
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
    fn add(&mut self, subject: String, error: String) {
        self.count += 1;
        self.first.get_or_insert((subject, error));
    }

    fn report(self, t: &Target, diags: &mut Diagnostics) {
        let Some((subject, error)) = self.first else { return };
        let (at, message) = finding::parse_error(&error);
        // The error may sit in a helper package of another policy file: point there.
        let (file, pos) = at
            .filter(|(f, _)| f.starts_with(RULES_DIR))
            .unwrap_or((t.file.clone(), t.pos));
        let mut text = format!("`{}` failed for {subject}: {message}", t.name());
        if self.count > 1 {
            text.push_str(&format!(" (and {} more)", self.count - 1));
        }
        if self.skipped > 0 {
            text.push_str(&format!(
                "; not evaluated for {} more product{}",
                self.skipped,
                if self.skipped == 1 { "" } else { "s" }
            ));
        }
        diags.push(eval_error(&file, pos, text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::diag::Severity;
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
        for (rel, text) in [(PRODUCT_FILE, PRODUCT), (CONTRACT_FILE, CONTRACT)]
            .iter()
            .chain(policies)
        {
            set.texts.insert(rel.to_string(), text.to_string());
            if rel.ends_with(".yaml") {
                set.files.push(read_descriptor(rel, text).expect("fixture parses"));
            }
        }
        let mut diags = Diagnostics::new();
        let mesh = crate::model::resolve(Config::default(), set, &mut diags);
        let mut diags = Diagnostics::new();
        run(&mesh, &Policies::default(), &mut diags);
        diags.finish();
        diags.iter().cloned().collect()
    }

    fn policy(body: &str) -> (&'static str, String) {
        (
            "content/governance/rules/test.rego",
            format!("package meshport.test\n\n{body}"),
        )
    }

    fn one(body: &str) -> Diagnostic {
        let (file, text) = policy(body);
        let found = rego(&[(file, &text)]);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.into_iter().next().unwrap()
    }

    #[test]
    fn product_finding_path_maps_to_line_and_column() {
        let d = one(
            r#"deny_product contains {"msg": "m", "path": "/outputPorts/0/contractId"} if input.product.status == "active""#,
        );
        assert_eq!((d.file.as_str(), d.line, d.column), (PRODUCT_FILE, 8, 17));
        let d = one(r#"deny_product contains {"msg": "m", "path": ["outputPorts", 0, "version"]} if true"#);
        assert_eq!((d.line, d.column), (9, 14));
        // A missing key points at its nearest ancestor: the port.
        let d = one(r#"deny_product contains {"msg": "m", "path": "/outputPorts/0/description"} if true"#);
        assert_eq!((d.line, d.column), (7, 5));
    }

    #[test]
    fn rule_severity_and_hint_are_mapped() {
        let d = one(
            r#"deny_product contains {"msg": "no tags", "rule": "tags", "severity": "warning", "hint": "add tags", "path": "/tags"} if count(input.product.tags) == 0"#,
        );
        assert_eq!(
            (d.rule.as_str(), d.severity, d.hint.as_deref()),
            ("rego.test.tags", Severity::Warning, Some("add tags"))
        );
        assert_eq!((d.message.as_str(), d.line, d.column), ("no tags", 5, 7));
        let d = one(r#"deny_product contains "plain text" if true"#);
        assert_eq!(
            (d.rule.as_str(), d.severity, d.hint),
            ("rego.test", Severity::Error, None)
        );
        let d = one(r#"deny_product contains {"msg": "i", "severity": "info"} if true"#);
        assert_eq!(d.severity, Severity::Info);
    }

    #[test]
    fn finding_may_point_into_a_contract_file() {
        let d = one(
            r#"deny_product contains {"msg": "topic", "file": c.file, "path": "/schema/0/physicalName"} if {
    some c in input.contracts
    c.direction == "output"
}"#,
        );
        assert_eq!((d.file.as_str(), d.line, d.column), (CONTRACT_FILE, 8, 19));
    }

    #[test]
    fn mesh_finding_defaults_to_the_rule_in_the_policy() {
        let d = one("deny_mesh contains {\"msg\": sprintf(\"%d products\", [count(input.products)])} if true");
        assert_eq!(
            (d.file.as_str(), d.line, d.column, d.message.as_str()),
            ("content/governance/rules/test.rego", 3, 1, "1 products")
        );
        let d = one(
            r#"deny_mesh contains {"msg": "e", "file": input.products[0].file, "path": "/status"} if count(input.edges) == 0"#,
        );
        assert_eq!((d.file.as_str(), d.line, d.column), (PRODUCT_FILE, 4, 9));
    }

    #[test]
    fn syntax_error_is_reported_at_regorus_position() {
        let d = one("deny_product contains {\"msg\": \"m\"} if {\n  input.a ==\n}\n");
        assert_eq!((d.rule.as_str(), d.severity), ("rego.syntax", Severity::Error));
        assert_eq!(
            (d.file.as_str(), d.line, d.column),
            ("content/governance/rules/test.rego", 5, 1)
        );
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
        let got: Vec<(&str, &str, u32)> = found
            .iter()
            .map(|d| (d.rule.as_str(), d.file.as_str(), d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("rego.syntax", "content/governance/rules/bad.rego", 4),
                ("rego.test", PRODUCT_FILE, 1)
            ]
        );
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
        let found = rego(&[(
            "content/governance/rules/x.rego",
            "package naming\n\ndeny_product contains \"m\" if true\n",
        )]);
        assert_eq!(
            found.iter().map(|d| (d.rule.as_str(), d.line)).collect::<Vec<_>>(),
            vec![("rego.package", 1)]
        );
    }

    #[test]
    fn helper_packages_in_other_files_can_be_imported() {
        let lib = "package lib.text\n\nblank(s) if trim_space(s) == \"\"\n";
        let (file, text) = policy("import data.lib.text\n\ndeny_product contains \"blank\" if text.blank(\" \")");
        let found = rego(&[("content/governance/rules/lib.rego", lib), (file, &text)]);
        assert_eq!(
            found.iter().map(|d| d.rule.as_str()).collect::<Vec<_>>(),
            vec!["rego.test"]
        );
    }

    #[test]
    fn runaway_evaluation_stops_at_the_step_limit() {
        let d = one("deny_product contains x if {\n  some a in numbers.range(1, 100000)\n  some b in numbers.range(1, 100000)\n  x := a * b\n  x < 0\n}");
        assert_eq!((d.rule.as_str(), d.line), ("rego.eval", 3));
        assert!(d.message.contains("needed more than 4194304 steps"), "{}", d.message);
    }

    #[test]
    fn regorus_error_positions_are_parsed() {
        let (at, msg) = finding::parse_error("\n--> a/b.rego:4:12\n  |\n4 | x\n  |   ^\nerror: boom");
        assert_eq!(
            (at, msg.as_str()),
            (Some(("a/b.rego".to_string(), Pos::new(4, 12))), "boom")
        );
        assert_eq!(finding::parse_error("plain"), (None, "plain".to_string()));
    }
}
