//! Governance scorecards: how many of the scored rules each product passes (its own file and
//! the contracts of its output ports), rolled up per domain and for the whole mesh. The same
//! findings that `check` prints feed these numbers.

use super::rules::{self, Rule};
use crate::diag::{Diagnostics, Severity};
use crate::model::Mesh;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize)]
pub struct FailedRule {
    pub rule: String,
    pub severity: Severity,
    pub findings: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductScore {
    pub product: String,
    /// Percentage of scored rules passed, 0–100.
    pub score: u32,
    pub passed: Vec<&'static str>,
    pub failed: Vec<FailedRule>,
    pub errors: usize,
    pub warnings: usize,
    /// What CI artifacts observed, counted apart from the descriptor's rules.
    pub observed: ObservedScore,
}

/// Observed quality and freshness, counted apart from descriptor completeness: checks passed of
/// those run, and tables fresh of those observed, over the newest results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ObservedScore {
    /// Products with any observation (1 or 0 for one product).
    pub products: usize,
    pub checks_passed: usize,
    pub checks_run: usize,
    pub fresh: usize,
    pub freshness_observed: usize,
}

impl ObservedScore {
    fn of(mesh: &Mesh, id: &str) -> ObservedScore {
        let r = mesh.observed.of_product(mesh, id);
        let run = r
            .checks
            .iter()
            .filter(|c| c.status != crate::observe::Status::Skip)
            .count();
        ObservedScore {
            products: usize::from(!r.is_empty()),
            checks_passed: r.passed(),
            checks_run: run,
            fresh: r.freshness.iter().filter(|f| !f.stale).count(),
            freshness_observed: r.freshness.len(),
        }
    }

    fn sum<'a>(all: impl Iterator<Item = &'a ObservedScore>) -> ObservedScore {
        all.fold(ObservedScore::default(), |a, b| ObservedScore {
            products: a.products + b.products,
            checks_passed: a.checks_passed + b.checks_passed,
            checks_run: a.checks_run + b.checks_run,
            fresh: a.fresh + b.fresh,
            freshness_observed: a.freshness_observed + b.freshness_observed,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DomainScore {
    pub domain: String,
    /// Mean of its products' scores (100 for a domain without products).
    pub score: u32,
    pub products: usize,
    pub errors: usize,
    pub warnings: usize,
    pub observed: ObservedScore,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub score: u32,
    pub observed: ObservedScore,
    pub products: BTreeMap<String, ProductScore>,
    /// Ranked: best score first, then by name.
    pub domains: Vec<DomainScore>,
}

/// Files whose findings count against a product: its descriptor and its output contracts.
fn product_files(mesh: &Mesh, id: &str) -> BTreeSet<String> {
    let p = &mesh.products[id];
    let mut files = BTreeSet::from([p.origin.file.clone()]);
    for port in &p.outputs {
        if let Some(c) = port.contract.as_ref().and_then(|k| mesh.contracts.get(k)) {
            files.insert(c.origin.file.clone());
        }
    }
    files
}

fn product_score(mesh: &Mesh, id: &str, by_file: &BTreeMap<&str, Vec<(&str, Severity)>>) -> ProductScore {
    let files = product_files(mesh, id);
    let mut failed: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    for f in &files {
        for (rule, sev) in by_file.get(f.as_str()).into_iter().flatten() {
            let entry = failed.entry(rule).or_insert((*sev, 0));
            entry.0 = entry.0.min(*sev);
            entry.1 += 1;
        }
    }
    let scored: Vec<&Rule> = rules::scored().collect();
    let passed: Vec<&'static str> = scored
        .iter()
        .filter(|r| !failed.contains_key(r.id))
        .map(|r| r.id)
        .collect();
    let failed_scored = scored.len() - passed.len();
    let score = (100 * (scored.len() - failed_scored) / scored.len().max(1)) as u32;
    let count = |s: Severity| failed.values().filter(|(sev, _)| *sev == s).map(|(_, n)| n).sum();
    ProductScore {
        product: id.to_string(),
        score,
        passed,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        observed: ObservedScore::of(mesh, id),
        failed: failed
            .into_iter()
            .map(|(rule, (severity, findings))| FailedRule {
                rule: rule.to_string(),
                severity,
                findings,
            })
            .collect(),
    }
}

pub fn compute(mesh: &Mesh, diags: &Diagnostics) -> Scorecard {
    let mut by_file: BTreeMap<&str, Vec<(&str, Severity)>> = BTreeMap::new();
    for d in diags.iter().filter(|d| d.severity != Severity::Info) {
        by_file
            .entry(d.file.as_str())
            .or_default()
            .push((d.rule.as_str(), d.severity));
    }
    let products: BTreeMap<String, ProductScore> = mesh
        .products
        .keys()
        .map(|id| (id.clone(), product_score(mesh, id, &by_file)))
        .collect();
    let mut domains: Vec<DomainScore> = mesh.domains.keys().map(|d| domain_score(mesh, d, &products)).collect();
    // Domains without products have nothing to score: they rank after every scored domain.
    domains.sort_by(|a, b| {
        (a.products == 0)
            .cmp(&(b.products == 0))
            .then(b.score.cmp(&a.score))
            .then_with(|| a.domain.cmp(&b.domain))
    });
    let score = mean(products.values().map(|p| p.score));
    Scorecard {
        score,
        observed: ObservedScore::sum(products.values().map(|p| &p.observed)),
        products,
        domains,
    }
}

fn domain_score(mesh: &Mesh, domain: &str, products: &BTreeMap<String, ProductScore>) -> DomainScore {
    let ids = mesh.index.products_by_domain.get(domain).cloned().unwrap_or_default();
    let scores: Vec<&ProductScore> = ids.iter().filter_map(|id| products.get(id)).collect();
    DomainScore {
        domain: domain.to_string(),
        score: mean(scores.iter().map(|p| p.score)),
        products: scores.len(),
        errors: scores.iter().map(|p| p.errors).sum(),
        warnings: scores.iter().map(|p| p.warnings).sum(),
        observed: ObservedScore::sum(scores.iter().map(|p| &p.observed)),
    }
}

fn mean(values: impl Iterator<Item = u32>) -> u32 {
    let v: Vec<u32> = values.collect();
    if v.is_empty() {
        100
    } else {
        (v.iter().sum::<u32>() as f64 / v.len() as f64).round() as u32
    }
}
