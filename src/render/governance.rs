//! Governance views: each product's scorecard, domain roll-ups, the mesh-wide governance page,
//! the rules page and `api/governance.json`.

use super::paging::Paging;
use super::views::*;
use super::{Ctx, PageJob};
use crate::check::rules::{self, Rule};
use crate::check::score::{DomainScore, ProductScore};
use crate::output::Sink;
use std::collections::BTreeMap;

pub const GOVERNANCE_URL: &str = "scorecard.html";
pub const RULES_URL: &str = "rules.html";

fn lower<T: std::fmt::Debug>(v: T) -> String {
    format!("{v:?}").to_lowercase()
}

pub fn rule_view(r: &Rule) -> RuleView {
    RuleView {
        id: r.id.to_string(),
        severity: r.severity.to_string(),
        scope: lower(r.scope),
        summary: r.summary.to_string(),
        hint: r.hint.to_string(),
        url: format!("{RULES_URL}#{}", anchor(r.id)),
    }
}

/// Rules from Rego policies are not in the catalogue; they link to the rules page's top.
fn rule_view_by_id(id: &str) -> RuleView {
    match rules::find(id) {
        Some(r) => rule_view(r),
        None => RuleView {
            id: id.to_string(),
            severity: String::new(),
            scope: "custom".into(),
            summary: "Custom rule of this mesh.".into(),
            hint: String::new(),
            url: RULES_URL.into(),
        },
    }
}

fn anchor(id: &str) -> String {
    format!("rule-{}", id.replace('.', "-"))
}

pub fn product_score(s: Option<&ProductScore>) -> ScoreView {
    let Some(s) = s else {
        return ScoreView {
            score: 100,
            passed: Vec::new(),
            failed: Vec::new(),
            errors: 0,
            warnings: 0,
            observed: ObservedScoreView::default(),
        };
    };
    ScoreView {
        score: s.score,
        passed: s
            .passed
            .iter()
            .filter_map(|id| rules::find(id))
            .map(rule_view)
            .collect(),
        failed: s
            .failed
            .iter()
            .map(|f| FailedRuleView {
                rule: rule_view_by_id(&f.rule),
                severity: f.severity.to_string(),
                findings: f.findings,
            })
            .collect(),
        errors: s.errors,
        warnings: s.warnings,
        observed: s.observed.into(),
    }
}

fn domain_score(ctx: &Ctx, d: &DomainScore, rank: usize) -> DomainScoreView {
    DomainScoreView {
        domain: ctx.domain_link(&d.domain),
        rank,
        score: d.score,
        products: d.products,
        errors: d.errors,
        warnings: d.warnings,
        observed: d.observed.into(),
    }
}

pub fn domain_scorecard(ctx: &Ctx, domain: &str) -> Option<DomainScoreView> {
    let pos = ctx.scorecard.domains.iter().position(|d| d.domain == domain)?;
    Some(domain_score(ctx, &ctx.scorecard.domains[pos], pos + 1))
}

/// The page each source file belongs to, built once so listing findings never scans.
fn pages_by_file<'a>(ctx: &Ctx<'a>) -> BTreeMap<&'a str, Link> {
    let mesh = ctx.mesh;
    let mut map = BTreeMap::new();
    for p in mesh.products.values() {
        map.insert(p.origin.file.as_str(), ctx.product_link(&p.id));
    }
    for c in mesh.contracts.values() {
        map.insert(c.origin.file.as_str(), ctx.contract_link(&c.key));
    }
    for t in mesh.teams.values() {
        if let Some(page) = &t.page {
            map.insert(page.file.as_str(), ctx.team_link(&t.id));
        }
    }
    for d in mesh.domains.values() {
        if let Some(page) = &d.page {
            map.insert(page.file.as_str(), ctx.domain_link(&d.id));
        }
    }
    map
}

/// Every product's score row, lowest score first.
fn product_rows(ctx: &Ctx) -> Vec<ProductScoreRow> {
    let sc = ctx.scorecard;
    let mut products: Vec<ProductScoreRow> = sc
        .products
        .values()
        .map(|p| ProductScoreRow {
            product: ctx.product_link(&p.product),
            domain: ctx.mesh.products[&p.product]
                .domain
                .as_deref()
                .map(|d| ctx.domain_link(d)),
            score: p.score,
            errors: p.errors,
            warnings: p.warnings,
        })
        .collect();
    products.sort_by(|a, b| {
        a.score
            .cmp(&b.score)
            .then_with(|| a.product.title.cmp(&b.product.title))
    });
    products
}

fn finding_rows(ctx: &Ctx) -> Vec<OpenFinding> {
    let pages = pages_by_file(ctx);
    ctx.diags
        .iter()
        .map(|d| OpenFinding {
            severity: d.severity.to_string(),
            rule: rule_view_by_id(&d.rule),
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            page: pages.get(d.file.as_str()).cloned(),
        })
        .collect()
}

/// Open findings per rule, most first: what the mesh should fix first.
fn rule_counts(ctx: &Ctx) -> Vec<RuleCountView> {
    let mut counts: BTreeMap<&str, (crate::diag::Severity, usize)> = BTreeMap::new();
    for d in ctx.diags.iter() {
        let entry = counts.entry(d.rule.as_str()).or_insert((d.severity, 0));
        entry.0 = entry.0.min(d.severity);
        entry.1 += 1;
    }
    let mut rows: Vec<RuleCountView> = counts
        .into_iter()
        .map(|(id, (severity, findings))| RuleCountView {
            rule: rule_view_by_id(id),
            severity: severity.to_string(),
            findings,
        })
        .collect();
    rows.sort_by(|a, b| b.findings.cmp(&a.findings).then_with(|| a.rule.id.cmp(&b.rule.id)));
    rows
}

/// The scorecard page, and the further pages of its product and finding lists
/// (`scorecard/products/page/<n>.html`, `scorecard/findings/page/<n>.html`).
fn scorecard_jobs(ctx: &Ctx) -> Vec<PageJob<'static>> {
    let sc = ctx.scorecard;
    let size = ctx.mesh.config.pages.size;
    let products =
        Paging::new(format!("{GOVERNANCE_URL}#products"), "scorecard/products", size).split(product_rows(ctx));
    let findings =
        Paging::new(format!("{GOVERNANCE_URL}#open-findings"), "scorecard/findings", size).split(finding_rows(ctx));
    let mut jobs = Vec::new();
    let mut products = products.into_iter();
    let mut findings = findings.into_iter();
    let (first_products, first_findings) = (
        products.next().expect("one page at least"),
        findings.next().expect("one page at least"),
    );
    use crate::diag::Severity;
    let (policies, required_tags) = policy_rows(ctx);
    let view = GovernanceView {
        score: sc.score,
        observed: sc.observed.into(),
        policies,
        required_tags,
        domains: sc
            .domains
            .iter()
            .enumerate()
            .map(|(i, d)| domain_score(ctx, d, i + 1))
            .collect(),
        products: first_products.rows,
        products_pager: first_products.pager,
        rules: rule_counts(ctx),
        findings: first_findings.rows,
        findings_pager: first_findings.pager,
        errors: ctx.diags.count(Severity::Error),
        warnings: ctx.diags.count(Severity::Warning),
        infos: ctx.diags.count(Severity::Info),
    };
    jobs.push(PageJob::new(GOVERNANCE_URL, "scorecard.html", "scorecard").with("governance", view));
    for page in products {
        let list = ScorecardListView {
            heading: "Products, lowest score first".into(),
            pager: page.pager,
            products: page.rows,
            findings: Vec::new(),
        };
        jobs.push(PageJob::new(page.url, "scorecard_list.html", "scorecard").with("list", list));
    }
    for page in findings {
        let list = ScorecardListView {
            heading: "Open findings".into(),
            pager: page.pager,
            products: Vec::new(),
            findings: page.rows,
        };
        jobs.push(PageJob::new(page.url, "scorecard_list.html", "scorecard").with("list", list));
    }
    jobs
}

/// The policies as the page shows them (findings in the file were already reported by check).
fn policy_rows(ctx: &Ctx) -> (Vec<PolicyRow>, Vec<String>) {
    let policies = crate::check::policy::Policies::load(ctx.mesh, &mut crate::diag::Diagnostics::new());
    let rows = policies
        .overrides()
        .into_iter()
        .map(|(id, global, domains)| PolicyRow {
            rule: rule_view_by_id(&id),
            global: lower(global),
            domains: domains.into_iter().map(|(d, l)| format!("{d}: {}", lower(l))).collect(),
        })
        .collect();
    let mut tags = Vec::new();
    if !policies.global.required_tags.is_empty() {
        tags.push(format!("every domain: {}", policies.global.required_tags.join(", ")));
    }
    for (d, set) in &policies.domains {
        if !set.required_tags.is_empty() {
            tags.push(format!("{d}: {}", set.required_tags.join(", ")));
        }
    }
    (rows, tags)
}

pub fn jobs<'a>(ctx: &'a Ctx) -> Vec<PageJob<'a>> {
    let rules: Vec<RuleView> = rules::RULES.iter().map(rule_view).collect();
    let mut jobs = scorecard_jobs(ctx);
    jobs.push(PageJob::new(RULES_URL, "rules.html", "scorecard").with("rules", rules));
    jobs
}

/// `api/governance.json`: the scorecard and every open finding.
pub fn api(ctx: &Ctx, site: &dyn Sink) {
    use crate::diag::Severity;
    let count = |s| ctx.diags.count(s);
    let doc = serde_json::json!({
        "version": 1,
        "score": ctx.scorecard.score,
        "summary": {"errors": count(Severity::Error), "warnings": count(Severity::Warning), "infos": count(Severity::Info)},
        "domains": ctx.scorecard.domains,
        "products": ctx.scorecard.products.values().collect::<Vec<_>>(),
        "findings": ctx.diags.iter().collect::<Vec<_>>(),
    });
    site.add("api/governance.json".into(), super::api::to_bytes(&doc));
}
