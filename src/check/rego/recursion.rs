//! Recursion between rules, found in the policies' syntax trees before anything is evaluated.
//!
//! OPA rejects a policy whose rules depend on themselves (`rego_recursion_error`); regorus does
//! not, and a recursive function overflows its stack at run time. So meshport builds the rule
//! dependency graph itself, as regorus resolves names when it evaluates:
//! - a call `f(x)` goes to a user function when one exists at the resolved path (through an
//!   import alias, an absolute `data.` path, or the current package), else to a builtin, so a
//!   function that shares a builtin's name is only a dependency where regorus would call it;
//!   `with g as f` calls `f` too;
//! - a name in a rule body refers to a rule of the same package unless the rule declares it
//!   (`some`, `:=`, `some … in`, `every`, a function argument), as regorus' scheduler decides;
//! - a reference `data.a.b` (or through an import alias) depends on every rule at or below
//!   `data.a.b`, and on a rule at one of its prefixes; a dynamic index (`data.a[x]`) stops the
//!   static path there, so it depends on everything under `data.a`, as in OPA.
//!
//! Rules with the same path (incremental definitions, `else`, several files of one package)
//! are one node. A cycle is reported once per policy file holding one of its references, at
//! that reference, naming the whole cycle.

use crate::diag::Pos;
use petgraph::graph::{DiGraph, NodeIndex};
use regorus::unstable::{AssignOp, Expr, ExprRef, Literal, Module, Query, Ref, Rule, RuleHead, Span};
use regorus::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

type Path = Vec<String>;

/// A place in a policy file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Site {
    pub file: String,
    pub pos: Pos,
}

impl Site {
    /// Where a span starts, its column counted in characters (regorus counts a tab as four).
    fn of(span: &Span) -> Site {
        let text = span.source.contents();
        let start = span.start as usize;
        let column = text.get(..start).map(|before| {
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            before[line_start..].chars().count() as u32 + 1
        });
        Site {
            file: span.source.file().to_string(),
            pos: Pos::new(span.line, column.unwrap_or(span.col)),
        }
    }
}

/// One step of a cycle: a rule, where it is defined, and the reference in it that leads to
/// the next rule of the cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The rule's path without `data.`, e.g. `meshport.naming.f`.
    pub rule: String,
    pub defined: Site,
    pub reference: Site,
}

/// Rules that depend on themselves, in order; the last step leads back to the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    pub steps: Vec<Step>,
}

impl Cycle {
    /// `a.f → a.g → a.f`, for messages.
    pub fn describe(&self) -> String {
        let mut names: Vec<String> = self
            .steps
            .iter()
            .map(|s| format!("`{}` ({}:{})", s.rule, s.defined.file, s.defined.pos.line))
            .collect();
        names.push(format!("`{}`", self.steps[0].rule));
        names.join(" → ")
    }
}

/// Every cycle of the rule dependency graph, one per strongly connected component, in the
/// order of their first rule's definition.
pub fn cycles(modules: &[Ref<Module>]) -> Vec<Cycle> {
    let graph = Graph::build(modules);
    graph.cycles()
}

struct Node {
    path: Path,
    function: bool,
    /// First definition (the smallest site), for ordering and messages.
    defined: Site,
}

struct Graph {
    nodes: Vec<Node>,
    /// The first reference site of each dependency.
    edges: BTreeMap<(usize, usize), Site>,
}

/// What names mean inside one module.
struct Names<'g> {
    package: Path,
    /// Root names of the rules of the package (all its files).
    globals: &'g BTreeSet<String>,
    /// Import alias → the imported `data` path.
    imports: BTreeMap<String, Path>,
    /// Rule paths → nodes, for value rules and functions apart.
    values: &'g BTreeMap<Path, usize>,
    functions: &'g BTreeMap<Path, usize>,
}

impl Graph {
    fn build(modules: &[Ref<Module>]) -> Graph {
        let mut nodes: Vec<Node> = Vec::new();
        let mut index: BTreeMap<Path, usize> = BTreeMap::new();
        let mut globals: BTreeMap<Path, BTreeSet<String>> = BTreeMap::new();
        for m in modules {
            let package = package_path(m);
            for rule in &m.policy {
                let Some((root, path)) = rule_path(&package, rule) else {
                    continue;
                };
                globals.entry(package.clone()).or_default().insert(root);
                let function = head_of(rule).1;
                let site = Site::of(rule.span());
                match index.get(&path) {
                    Some(&i) => nodes[i].defined = nodes[i].defined.clone().min(site),
                    None => {
                        index.insert(path.clone(), nodes.len());
                        nodes.push(Node {
                            path,
                            function,
                            defined: site,
                        });
                    }
                }
            }
        }
        let (functions, values): (BTreeMap<Path, usize>, BTreeMap<Path, usize>) = index
            .iter()
            .map(|(p, &i)| (p.clone(), i))
            .partition(|(_, i)| nodes[*i].function);
        let empty = BTreeSet::new();
        let mut edges = BTreeMap::new();
        for m in modules {
            let package = package_path(m);
            let names = Names {
                globals: globals.get(&package).unwrap_or(&empty),
                imports: imports(m),
                package,
                values: &values,
                functions: &functions,
            };
            for rule in &m.policy {
                let Some(&from) = rule_path(&names.package, rule).and_then(|(_, path)| index.get(&path)) else {
                    continue;
                };
                let mut walker = Walker {
                    names: &names,
                    scopes: Vec::new(),
                    refs: Vec::new(),
                };
                walker.rule(rule);
                for (to, site) in walker.refs {
                    edges
                        .entry((from, to))
                        .and_modify(|s: &mut Site| *s = s.clone().min(site.clone()))
                        .or_insert(site);
                }
            }
        }
        Graph { nodes, edges }
    }

    fn cycles(&self) -> Vec<Cycle> {
        let mut g: DiGraph<usize, ()> = DiGraph::new();
        let ids: Vec<NodeIndex> = (0..self.nodes.len()).map(|i| g.add_node(i)).collect();
        for &(from, to) in self.edges.keys() {
            g.add_edge(ids[from], ids[to], ());
        }
        // Kosaraju: petgraph's Tarjan recurses once per node of a chain, Kosaraju walks iteratively.
        let mut out: Vec<Cycle> = petgraph::algo::kosaraju_scc(&g)
            .into_iter()
            .filter(|scc| scc.len() > 1 || self.edges.contains_key(&(g[scc[0]], g[scc[0]])))
            .map(|scc| {
                let members: BTreeSet<usize> = scc.iter().map(|&n| g[n]).collect();
                self.cycle_in(&members)
            })
            .collect();
        out.sort_by(|a, b| a.steps[0].defined.cmp(&b.steps[0].defined));
        out
    }

    /// A shortest cycle through the component's first rule (by definition site).
    fn cycle_in(&self, members: &BTreeSet<usize>) -> Cycle {
        let start = *members
            .iter()
            .min_by(|&&a, &&b| self.nodes[a].defined.cmp(&self.nodes[b].defined))
            .expect("non-empty component");
        let mut came_from: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        'search: while let Some(at) = queue.pop_front() {
            for &(from, to) in self
                .edges
                .range((at, 0)..(at + 1, 0))
                .map(|(k, _)| k)
                .filter(|(_, t)| members.contains(t))
            {
                if came_from.contains_key(&to) {
                    continue;
                }
                came_from.insert(to, from);
                if to == start {
                    break 'search;
                }
                queue.push_back(to);
            }
        }
        // Walk back from `start` (reached last) to itself.
        let mut order = vec![start];
        let mut at = came_from[&start];
        while at != start {
            order.push(at);
            at = came_from[&at];
        }
        order.reverse();
        order.rotate_right(1);
        let steps = order
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let next = order[(i + 1) % order.len()];
                Step {
                    rule: display(&self.nodes[n].path),
                    defined: self.nodes[n].defined.clone(),
                    reference: self.edges[&(n, next)].clone(),
                }
            })
            .collect();
        Cycle { steps }
    }
}

impl Names<'_> {
    /// The `data` path a non-local name (with the static part of its reference) stands for.
    fn value_path(&self, name: &str, comps: &[String]) -> Option<Path> {
        let mut path = match name {
            "input" => return None,
            "data" => vec!["data".to_string()],
            _ => match self.imports.get(name) {
                Some(target) => target.clone(),
                None if self.globals.contains(name) => {
                    let mut p = self.package.clone();
                    p.push(name.to_string());
                    p
                }
                None => return None,
            },
        };
        path.extend(comps.iter().cloned());
        Some(path)
    }

    /// The user function a call reaches, as regorus looks it up: through an import alias when
    /// that names a function, else the absolute or package-relative path.
    fn function(&self, name: &str, comps: &[String]) -> Option<usize> {
        let find = |path: &Path| self.functions.get(path).copied();
        if let Some(target) = self.imports.get(name) {
            let mut path = target.clone();
            path.extend(comps.iter().cloned());
            if let Some(i) = find(&path) {
                return Some(i);
            }
        }
        let mut path = if name == "data" {
            Vec::new()
        } else {
            self.package.clone()
        };
        path.push(name.to_string());
        path.extend(comps.iter().cloned());
        find(&path)
    }

    /// Rules a read of `path` evaluates: those at or below it, and one at a prefix of it.
    fn rules_read(&self, path: &Path) -> Vec<usize> {
        let below = self
            .values
            .range(path.clone()..)
            .take_while(|(p, _)| p.starts_with(path))
            .map(|(_, &i)| i);
        let above = (1..path.len()).filter_map(|k| self.values.get(&path[..k])).copied();
        below.chain(above).collect()
    }
}

/// Collects the references of one rule, with the names its bodies declare in scope.
struct Walker<'n, 'g> {
    names: &'n Names<'g>,
    scopes: Vec<BTreeSet<String>>,
    refs: Vec<(usize, Site)>,
}

impl Walker<'_, '_> {
    fn is_local(&self, name: &str) -> bool {
        name == "_" || self.scopes.iter().any(|s| s.contains(name))
    }

    fn rule(&mut self, rule: &Rule) {
        match rule {
            Rule::Spec { head, bodies, .. } => {
                let (refr, key, assign, args, partial) = match head {
                    RuleHead::Compr { refr, assign, .. } => (
                        refr,
                        None,
                        assign.as_ref(),
                        &[][..],
                        matches!(refr.as_ref(), Expr::RefBrack { .. }),
                    ),
                    RuleHead::Set { refr, key, .. } => (refr, key.as_ref(), None, &[][..], true),
                    RuleHead::Func { refr, args, assign, .. } => (refr, None, assign.as_ref(), &args[..], false),
                };
                self.scopes.push(args.iter().flat_map(vars_in).collect());
                let head = |w: &mut Self| {
                    w.head_indexes(refr);
                    key.into_iter().chain(assign.map(|a| &a.value)).for_each(|e| w.expr(e));
                };
                if bodies.is_empty() {
                    head(self);
                }
                for (i, body) in bodies.iter().enumerate() {
                    let with_head = i == 0 || (partial && body.assign.is_none());
                    self.query(&body.query, &mut |w| {
                        if with_head {
                            head(w);
                        }
                        if let Some(a) = &body.assign {
                            w.expr(&a.value);
                        }
                    });
                }
                self.scopes.pop();
            }
            Rule::Default { args, value, .. } => {
                self.scopes.push(args.iter().flat_map(vars_in).collect());
                self.expr(value);
                self.scopes.pop();
            }
        }
    }

    /// The dynamic indexes of a rule head (`a[x] := …`) are evaluated like body expressions.
    fn head_indexes(&mut self, refr: &ExprRef) {
        if let Some(Chain { dynamic, .. }) = flatten(refr) {
            dynamic.into_iter().for_each(|e| self.expr(e));
        }
    }

    /// A query in its own scope (its declared names), then `tail` (head values) in that scope.
    fn query(&mut self, q: &Query, tail: &mut dyn FnMut(&mut Self)) {
        self.scopes.push(declared(q));
        for stmt in &q.stmts {
            for w in &stmt.with_mods {
                // `with g as f` makes the statement call `f` wherever it calls `g`.
                self.call(&w.r#as);
                self.expr(&w.r#as);
            }
            match &stmt.literal {
                Literal::SomeVars { .. } => {}
                Literal::SomeIn { collection, .. } => self.expr(collection),
                Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => self.expr(expr),
                Literal::Every {
                    key,
                    value,
                    domain,
                    query,
                    ..
                } => {
                    self.expr(domain);
                    self.scopes
                        .push(key.iter().chain([value]).map(|s| s.text().to_string()).collect());
                    self.query(query, &mut |_| {});
                    self.scopes.pop();
                }
            }
        }
        tail(self);
        self.scopes.pop();
    }

    fn expr(&mut self, e: &ExprRef) {
        match e.as_ref() {
            Expr::Var { .. } | Expr::RefDot { .. } | Expr::RefBrack { .. } => self.reference(e),
            Expr::Call { fcn, params, .. } => {
                self.call(fcn);
                params.iter().for_each(|p| self.expr(p));
            }
            Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
                self.query(query, &mut |w| w.expr(term))
            }
            Expr::ObjectCompr { key, value, query, .. } => self.query(query, &mut |w| {
                w.expr(key);
                w.expr(value);
            }),
            Expr::Array { items, .. } | Expr::Set { items, .. } => items.iter().for_each(|i| self.expr(i)),
            Expr::Object { fields, .. } => fields.iter().for_each(|(_, k, v)| {
                self.expr(k);
                self.expr(v);
            }),
            Expr::UnaryExpr { expr, .. } => self.expr(expr),
            Expr::BinExpr { lhs, rhs, .. }
            | Expr::BoolExpr { lhs, rhs, .. }
            | Expr::ArithExpr { lhs, rhs, .. }
            | Expr::AssignExpr { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            Expr::Membership {
                key, value, collection, ..
            } => {
                key.iter().chain([value, collection]).for_each(|x| self.expr(x));
            }
            _ => {}
        }
    }

    fn reference(&mut self, e: &ExprRef) {
        let Some(Chain { root, comps, dynamic }) = flatten(e) else {
            // A reference into a value that is not a name (`f(x).a`, `[1][0]`).
            match e.as_ref() {
                Expr::RefDot { refr, .. } => self.expr(refr),
                Expr::RefBrack { refr, index, .. } => {
                    self.expr(refr);
                    self.expr(index);
                }
                _ => {}
            }
            return;
        };
        let name = root.text();
        if !self.is_local(name) {
            if let Some(path) = self.names.value_path(name, &static_prefix(&comps)) {
                // At the start of the reference (regorus spans a dotted one at its last name).
                let site = Site::of(root);
                let found = self.names.rules_read(&path);
                self.refs.extend(found.into_iter().map(|to| (to, site.clone())));
            }
        }
        dynamic.into_iter().for_each(|d| self.expr(d));
    }

    fn call(&mut self, fcn: &ExprRef) {
        let Some(Chain { root, comps, dynamic }) = flatten(fcn) else {
            return;
        };
        if !dynamic.is_empty() {
            return;
        }
        let comps: Vec<String> = comps.into_iter().flatten().collect();
        if let Some(to) = self.names.function(root.text(), &comps) {
            self.refs.push((to, Site::of(root)));
        }
    }
}

/// `data.a.b` of a package clause.
fn package_path(m: &Module) -> Path {
    let mut path = vec!["data".to_string()];
    if let Some(Chain { root, comps, .. }) = flatten(&m.package.refr) {
        path.push(root.text().to_string());
        path.extend(static_prefix(&comps));
    }
    path
}

/// A rule's root name and the static path of its head: `data.pkg.a.b` for `a.b[x] := …`.
fn rule_path(package: &Path, rule: &Rule) -> Option<(String, Path)> {
    let Chain { root, comps, .. } = flatten(head_of(rule).0)?;
    let mut path = package.clone();
    path.push(root.text().to_string());
    path.extend(static_prefix(&comps));
    Some((root.text().to_string(), path))
}

fn head_of(rule: &Rule) -> (&ExprRef, bool) {
    match rule {
        Rule::Spec {
            head: RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. },
            ..
        } => (refr, false),
        Rule::Spec {
            head: RuleHead::Func { refr, .. },
            ..
        } => (refr, true),
        Rule::Default { refr, args, .. } => (refr, !args.is_empty()),
    }
}

/// Import aliases of a module that name `data` documents.
fn imports(m: &Module) -> BTreeMap<String, Path> {
    let mut out = BTreeMap::new();
    for import in &m.imports {
        let Some(Chain { root, comps, .. }) = flatten(&import.refr) else {
            continue;
        };
        if root.text() != "data" {
            continue;
        }
        let mut path = vec!["data".to_string()];
        path.extend(static_prefix(&comps));
        let alias = match &import.r#as {
            Some(alias) => alias.text().to_string(),
            None => match path.last() {
                Some(last) if path.len() > 1 => last.clone(),
                _ => continue,
            },
        };
        out.insert(alias, path);
    }
    out
}

/// A reference chain: `root.a["b"][x]`.
struct Chain<'e> {
    root: &'e Span,
    /// The components after the root, `None` for a dynamic index.
    comps: Vec<Option<String>>,
    /// The dynamic index expressions.
    dynamic: Vec<&'e ExprRef>,
}

/// `None` when the chain does not start at a name.
fn flatten(e: &ExprRef) -> Option<Chain<'_>> {
    match e.as_ref() {
        Expr::Var { span, .. } => Some(Chain {
            root: span,
            comps: Vec::new(),
            dynamic: Vec::new(),
        }),
        Expr::RefDot { refr, field, .. } => {
            let mut chain = flatten(refr)?;
            chain.comps.push(Some(field.0.text().to_string()));
            Some(chain)
        }
        Expr::RefBrack { refr, index, .. } => {
            let mut chain = flatten(refr)?;
            match index.as_ref() {
                Expr::String {
                    value: Value::String(s),
                    ..
                }
                | Expr::RawString {
                    value: Value::String(s),
                    ..
                } => chain.comps.push(Some(s.to_string())),
                _ => {
                    chain.comps.push(None);
                    chain.dynamic.push(index);
                }
            }
            Some(chain)
        }
        _ => None,
    }
}

/// The components before the first dynamic index.
fn static_prefix(comps: &[Option<String>]) -> Vec<String> {
    comps.iter().map_while(|c| c.clone()).collect()
}

/// Every name an argument pattern or a declaration binds (arrays and objects included).
fn vars_in(e: &ExprRef) -> Vec<String> {
    let mut out = Vec::new();
    collect_vars(e, &mut out);
    out
}

fn collect_vars(e: &ExprRef, out: &mut Vec<String>) {
    match e.as_ref() {
        Expr::Var { span, .. } => out.push(span.text().to_string()),
        Expr::Array { items, .. } | Expr::Set { items, .. } => items.iter().for_each(|i| collect_vars(i, out)),
        Expr::Object { fields, .. } => fields.iter().for_each(|(_, k, v)| {
            collect_vars(k, out);
            collect_vars(v, out);
        }),
        _ => {}
    }
}

/// The names a query declares for itself: `some x`, `some k, v in …`, and `x := …`. As in
/// regorus, a declaration anywhere in the query shadows a rule of that name in all of it.
fn declared(q: &Query) -> BTreeSet<String> {
    let mut out = Vec::new();
    for stmt in &q.stmts {
        match &stmt.literal {
            Literal::SomeVars { vars, .. } => out.extend(vars.iter().map(|v| v.text().to_string())),
            Literal::SomeIn { key, value, .. } => key.iter().chain([value]).for_each(|e| collect_vars(e, &mut out)),
            Literal::Expr { expr, .. } => {
                if let Expr::AssignExpr {
                    op: AssignOp::ColEq,
                    lhs,
                    ..
                } = expr.as_ref()
                {
                    collect_vars(lhs, &mut out);
                }
            }
            _ => {}
        }
    }
    out.into_iter().collect()
}

fn display(path: &Path) -> String {
    path.iter().skip(1).map(String::as_str).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cycles of the given policies, each as its rule names.
    fn found(policies: &[(&str, &str)]) -> Vec<Vec<String>> {
        let mut engine = regorus::Engine::new();
        for (file, text) in policies {
            engine
                .add_policy(file.to_string(), text.to_string())
                .expect("policy parses");
        }
        cycles(engine.get_modules())
            .into_iter()
            .map(|c| c.steps.into_iter().map(|s| s.rule).collect())
            .collect()
    }

    fn one(text: &str) -> Vec<Vec<String>> {
        found(&[("p.rego", text)])
    }

    #[test]
    fn self_recursive_function_is_found_at_the_call() {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy(
                "p.rego".into(),
                "package meshport.p\n\nf(x) := y if {\n\ty := f(x)\n}\n".into(),
            )
            .unwrap();
        let c = cycles(engine.get_modules());
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].steps[0].rule, "meshport.p.f");
        // Columns count characters: the tab is one.
        assert_eq!(
            c[0].steps[0].reference,
            Site {
                file: "p.rego".into(),
                pos: Pos::new(4, 7)
            }
        );
        assert_eq!(c[0].steps[0].defined.pos.line, 3);
        assert_eq!(c[0].describe(), "`meshport.p.f` (p.rego:3) → `meshport.p.f`");
    }

    #[test]
    fn mutual_recursion_of_rules_and_functions() {
        assert_eq!(one("package a\n\np if q\n\nq if p\n"), vec![vec!["a.p", "a.q"]]);
        assert_eq!(
            one("package a\n\nf(x) := g(x)\n\ng(x) := h(x) + 1\n\nh(x) := f(x)\n"),
            vec![vec!["a.f", "a.g", "a.h"]]
        );
        // Through a rule and a function.
        assert_eq!(
            one("package a\n\np if f(1)\n\nf(x) if { p; x > 0 }\n"),
            vec![vec!["a.p", "a.f"]]
        );
    }

    #[test]
    fn recursion_across_packages_and_files() {
        let a = "package meshport.a\n\nimport data.lib.util\n\ndeny_product contains \"m\" if util.check(1)\n\nhelper(x) := util.check(x)\n";
        let lib = "package lib.util\n\ncheck(x) if data.meshport.a.helper(x)\n";
        assert_eq!(
            found(&[("a.rego", a), ("lib.rego", lib)]),
            vec![vec!["meshport.a.helper", "lib.util.check"]]
        );
        // The same, through an aliased import and a value rule.
        let a = "package meshport.a\n\nimport data.lib.util as u\n\nlimit := u.max\n";
        let lib = "package lib.util\n\nmax := data.meshport.a.limit + 1\n";
        assert_eq!(
            found(&[("a.rego", a), ("lib.rego", lib)]),
            vec![vec!["meshport.a.limit", "lib.util.max"]]
        );
    }

    #[test]
    fn same_names_elsewhere_are_not_recursion() {
        // Each policy below would be a cycle if a name resolved to the wrong rule.
        // A builtin, not another package's function of the same name:
        let a = "package a\n\nimport data.b\n\nn := count([1])\n";
        let b = "package b\n\ncount(xs) := data.a.n\n";
        assert!(found(&[("a.rego", a), ("b.rego", b)]).is_empty());
        // Another package's rule of the same name, not this one:
        let a = "package a\n\nimport data.b\n\nf(x) := b.f(x)\n\ng := b.g\n";
        let b = "package b\n\nf(x) := x + 1\n\ng := 2\n";
        assert!(found(&[("a.rego", a), ("b.rego", b)]).is_empty());
        // Locals that shadow a rule's name: `some … in`, `:=`, arguments, comprehensions, `every`.
        assert!(one("package a\n\np contains q if {\n  some q in [1, 2]\n}\n\nq := count(p)\n").is_empty());
        assert!(one("package a\n\nr if {\n  p := 1\n  p > 0\n}\n\np := r\n").is_empty());
        assert!(one("package a\n\nr if {\n  some p\n  [1][p] > 0\n}\n\np := r\n").is_empty());
        assert!(one("package a\n\nf(p) := p + 1\n\np := f(1)\n").is_empty());
        assert!(one("package a\n\np := [x | some x in [1]; x > 0]\n\nx := p\n").is_empty());
        assert!(one("package a\n\np if every x in [1] { x > 0 }\n\nx := p\n").is_empty());
    }

    #[test]
    fn a_long_chain_is_analysed_without_deep_recursion() {
        let mut text = String::from("package a\n\n");
        for i in 0..19_000 {
            text.push_str(&format!("p{i} := p{} + 1\n", i + 1));
        }
        let mut engine = regorus::Engine::new();
        engine.add_policy("p.rego".into(), text).unwrap();
        let modules = engine.get_modules().clone();
        // A recursive graph walk would need far more than this stack for 19,000 rules.
        let small_stack = std::thread::Builder::new().stack_size(256 << 10);
        let found = small_stack
            .spawn(move || cycles(&modules).len())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(found, 0);
    }

    #[test]
    fn a_function_swapped_in_with_with_is_called() {
        let text = "package a\n\ng(x) := x\n\nf(x) := y if {\n  y := g(x) with g as f\n}\n";
        assert_eq!(one(text), vec![vec!["a.f"]]);
        assert!(
            one("package a\n\ng(x) := x\n\nh(x) := x + 1\n\nf(x) := y if {\n  y := g(x) with g as h\n}\n").is_empty()
        );
    }

    #[test]
    fn unification_with_a_rule_name_is_a_reference() {
        // `=` does not declare a rule's name: regorus compares with the rule, so this recurses.
        assert_eq!(one("package a\n\np if {\n  p = true\n}\n"), vec![vec!["a.p"]]);
    }

    #[test]
    fn dynamic_references_depend_on_the_whole_subtree() {
        let text = "package meshport.a\n\ndeny_mesh contains m if {\n  some name\n  m := data.meshport[name].deny_product[_]\n}\n";
        assert_eq!(one(text), vec![vec!["meshport.a.deny_mesh"]]);
        // A static path to another package is not.
        let text = "package meshport.a\n\ndeny_mesh contains m if {\n  m := data.meshport.b.deny_product[_]\n}\n";
        assert!(one(text).is_empty());
    }

    #[test]
    fn else_and_comprehension_references_count() {
        assert_eq!(
            one("package a\n\np := 1 if false\nelse := q\n\nq := p\n"),
            vec![vec!["a.p", "a.q"]]
        );
        assert_eq!(
            one("package a\n\np := {x | some x in q}\n\nq := p\n"),
            vec![vec!["a.p", "a.q"]]
        );
    }
}
