//! Compiling the policies in the worker: parse each file, reject recursion (as OPA does), let
//! regorus prepare the rest, and find the `deny_*` rules to evaluate. A file that fails any
//! step is reported and left out; the others still run.

use super::finding;
use super::protocol::{Message, Scope, Target};
use super::recursion;
use crate::check::rules::RuleId;
use crate::diag::{Diagnostic, Pos};
use regorus::Engine;
use std::collections::BTreeSet;

pub struct Compiled {
    /// Prepared once, so every clone starts compiled.
    pub engine: Engine,
    pub findings: Vec<Diagnostic>,
    pub targets: Vec<Target>,
}

/// `say` hears which file is parsed before it is, so a worker that dies there is blamed on it.
pub fn compile(policies: &[(String, String)], excluded: &BTreeSet<String>, say: &mut dyn FnMut(Message)) -> Compiled {
    let mut findings = Vec::new();
    let mut loaded: Vec<(&str, &str)> = Vec::new();
    let mut engine = Engine::new();
    for (file, text) in policies.iter().filter(|(f, _)| !excluded.contains(f)) {
        say(Message::Parsing { file: file.clone() });
        match engine.add_policy(file.clone(), text.clone()) {
            Ok(_) => loaded.push((file, text)),
            Err(e) => findings.push(syntax_error(file, &e, "does not parse")),
        }
    }
    say(Message::Compiling);
    reject_recursion(&mut engine, &mut loaded, &mut findings);
    let engine = prepare(engine, &mut loaded, &mut findings).map(|mut e| {
        // `print` output comes back with the results (the worker's stderr is for its death).
        e.set_gather_prints(true);
        e
    });
    let targets = engine
        .as_ref()
        .map(|e| targets(e, &loaded, &mut findings))
        .unwrap_or_default();
    Compiled {
        engine: engine.unwrap_or_default(),
        findings,
        targets,
    }
}

fn engine_of(loaded: &[(&str, &str)]) -> Engine {
    let mut engine = Engine::new();
    for &(file, text) in loaded {
        // Parsed once already, so this cannot fail; the error is ignored only for that reason.
        let _ = engine.add_policy(file.to_string(), text.to_string());
    }
    engine
}

/// Leaves out every file holding a reference of a dependency cycle, reporting it there, until
/// no cycle is left.
fn reject_recursion(engine: &mut Engine, loaded: &mut Vec<(&str, &str)>, findings: &mut Vec<Diagnostic>) {
    loop {
        let cycles = recursion::cycles(engine.get_modules());
        if cycles.is_empty() {
            return;
        }
        let mut out: BTreeSet<String> = BTreeSet::new();
        for cycle in &cycles {
            let mut sites: Vec<&recursion::Site> = cycle.steps.iter().map(|s| &s.reference).collect();
            sites.sort();
            sites.dedup_by(|a, b| a.file == b.file);
            for site in sites {
                out.insert(site.file.clone());
                findings.push(RuleId::RegoRecursion.at(
                    &site.file,
                    site.pos,
                    format!(
                        "Rego rules must not depend on themselves: {}; the policy is not evaluated",
                        cycle.describe()
                    ),
                ));
            }
        }
        loaded.retain(|(f, _)| !out.contains(*f));
        *engine = engine_of(loaded);
    }
}

/// Prepares the engine; a module that parses but does not compile is reported and left out,
/// and the rest compiled again. `None` when nothing is left.
fn prepare(mut engine: Engine, loaded: &mut Vec<(&str, &str)>, findings: &mut Vec<Diagnostic>) -> Option<Engine> {
    while !loaded.is_empty() {
        let Err(e) = engine.eval_query("true".to_string(), false) else {
            return Some(engine);
        };
        let (at, _) = finding::parse_error(&format!("{e}"));
        let culprit = at
            .and_then(|(f, _)| loaded.iter().position(|(l, _)| *l == f))
            .unwrap_or(0);
        findings.push(syntax_error(loaded[culprit].0, &e, "does not compile"));
        loaded.remove(culprit);
        engine = engine_of(loaded);
    }
    None
}

fn syntax_error(file: &str, e: &anyhow::Error, what: &str) -> Diagnostic {
    let (at, message) = finding::parse_error(&format!("{e}"));
    let pos = at.filter(|(f, _)| f == file).map(|(_, p)| p).unwrap_or(Pos::new(1, 1));
    RuleId::RegoSyntax.at(file, pos, format!("Rego policy {what}: {message}"))
        .with_hint("fix the policy at this position; policies use Rego v1 syntax, as OPA 1.x does (`if` before a rule body, `contains` for set rules)")
}

/// The `deny_product` / `deny_mesh` rules of every `meshport.<name>` package, once each even
/// when a package spans several files.
fn targets(engine: &Engine, loaded: &[(&str, &str)], findings: &mut Vec<Diagnostic>) -> Vec<Target> {
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
                findings.push(RuleId::RegoPackage.at(
                    file,
                    line_of(text, "package"),
                    format!(
                        "`{}` is only evaluated in a package `meshport.<name>`; this one is `{}`",
                        scope.rule(),
                        comps.join(".")
                    ),
                ));
                continue;
            }
            let path = rule_path(comps, scope.rule());
            if out.iter().any(|t| t.path == path) {
                continue;
            }
            let id = format!("rego.{}", comps[1..].join("."));
            out.push(Target {
                id,
                path,
                scope,
                file: file.to_string(),
                pos: line_of(text, scope.rule()),
            });
        }
    }
    out
}

/// `data.a.b.rule`, with bracket notation for components that are not identifiers.
pub fn rule_path(components: &[String], rule: &str) -> String {
    let mut path = String::from("data");
    for c in components {
        let ident = c.chars().next().is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_')
            && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if ident {
            path.push('.');
            path.push_str(c)
        } else {
            path.push_str(&format!("[{}]", serde_json::Value::from(c.as_str())))
        }
    }
    format!("{path}.{rule}")
}

/// Position of the first line starting with `word` (a rule head or the package clause).
fn line_of(text: &str, word: &str) -> Pos {
    let found = text.lines().position(|l| {
        l.strip_prefix(word)
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
    });
    found.map(|i| Pos::new(i as u32 + 1, 1)).unwrap_or(Pos::new(1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings as (rule, file, line, column).
    type Found = Vec<(String, String, u32, u32)>;

    /// Findings, target paths and what the compiler said, for the given policies.
    fn compiled(policies: &[(&str, &str)]) -> (Found, Vec<String>, Vec<String>) {
        let owned: Vec<(String, String)> = policies.iter().map(|(f, t)| (f.to_string(), t.to_string())).collect();
        let mut said = Vec::new();
        let c = compile(&owned, &BTreeSet::new(), &mut |m| said.push(format!("{m:?}")));
        let findings = c
            .findings
            .iter()
            .map(|d| (d.rule.clone(), d.file.clone(), d.line, d.column))
            .collect();
        (findings, c.targets.iter().map(|t| t.path.clone()).collect(), said)
    }

    #[test]
    fn recursive_policy_is_left_out_and_the_others_compile() {
        let bad = "package meshport.bad\n\nf(x) := y if {\n  y := f(x)\n}\n\ndeny_product contains \"m\" if f(1)\n";
        let good = "package meshport.good\n\ndeny_product contains \"m\" if true\n";
        let (findings, targets, said) = compiled(&[("r/bad.rego", bad), ("r/good.rego", good)]);
        assert_eq!(
            findings,
            vec![("rego.recursion".to_string(), "r/bad.rego".to_string(), 4, 8)]
        );
        assert_eq!(targets, vec!["data.meshport.good.deny_product"]);
        assert_eq!(
            said,
            vec![
                "Parsing { file: \"r/bad.rego\" }",
                "Parsing { file: \"r/good.rego\" }",
                "Compiling"
            ]
        );
    }

    #[test]
    fn a_cycle_across_files_is_reported_in_each() {
        let a =
            "package meshport.a\n\nimport data.lib\n\nlimit := lib.max\n\ndeny_product contains \"m\" if limit > 1\n";
        let lib = "package lib\n\nmax := data.meshport.a.limit + 1\n";
        let (findings, targets, _) = compiled(&[("r/a.rego", a), ("r/lib.rego", lib)]);
        let at: Vec<(&str, u32)> = findings.iter().map(|(_, f, l, _)| (f.as_str(), *l)).collect();
        assert_eq!(at, vec![("r/a.rego", 5), ("r/lib.rego", 3)]);
        assert!(targets.is_empty());
    }

    #[test]
    fn rule_paths_quote_non_identifier_components() {
        let comps = ["meshport".to_string(), "my-rules".to_string()];
        assert_eq!(rule_path(&comps, "deny_mesh"), r#"data.meshport["my-rules"].deny_mesh"#);
    }
}
