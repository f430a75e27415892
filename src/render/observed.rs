//! Observations on product and contract pages ("Last run 1 Dec 2026 06:00 UTC: 14 of 15
//! checks passed", failing checks, freshness against the SLA) and `api/observations.json`.
//! Times are absolute UTC, so the same artifacts give the same bytes.

use super::views::Link;
use super::Ctx;
use crate::observe::time::{iso, show, span};
use crate::observe::{Check, Freshness, Record, Status};
use crate::output::Sink;
use serde::Serialize;
use serde_json::json;

/// What a page shows of its observations (template partial `partials/observed.html`).
#[derive(Debug, Clone, Serialize)]
pub struct ObservedView {
    /// Newest artifact time, `1 Dec 2026 06:00 UTC`, and the same in RFC 3339.
    pub last_run: String,
    pub last_run_iso: String,
    /// Checks that passed, of those that ran (skipped ones are not counted).
    pub passed: usize,
    pub total: usize,
    pub skipped: usize,
    /// Failing and erroring checks first, then warnings, then passed and skipped ones.
    pub failing: Vec<CheckView>,
    pub others: Vec<CheckView>,
    pub freshness: Vec<FreshnessView>,
    /// Some data is older than its contract promises.
    pub stale: bool,
    /// The newest run is older than the allowed age (`max_age_days`) against "now".
    pub outdated: bool,
    pub max_age_days: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckView {
    pub name: String,
    /// `pass`, `warn`, `fail`, `error` or `skip`.
    pub status: String,
    pub message: Option<String>,
    pub value: Option<String>,
    /// What the check is on: `orders.order_id`, `orders`, or empty.
    pub on: String,
    /// The quality rule (`name` or `id`) it tests, when one is named like it.
    pub rule: Option<String>,
    /// The contract it reported for, on product pages.
    pub contract: Option<Link>,
    pub at: String,
    pub at_iso: String,
    /// The artifact it came from, relative to the mesh root.
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FreshnessView {
    pub object: Option<String>,
    pub contract: Option<Link>,
    pub loaded_at: String,
    pub loaded_at_iso: String,
    pub observed_at: String,
    pub observed_at_iso: String,
    /// How old the data was when observed, `6 h`.
    pub age: String,
    /// The promise it is judged against, `latency 1 h`; `None` without a duration SLA.
    pub promise: Option<String>,
    pub stale: bool,
    pub file: String,
}

/// Observed quality and freshness on a scorecard, apart from the governance score.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ObservedScoreView {
    /// Products with any observation.
    pub products: usize,
    /// Checks that passed, of those that ran, over the newest results.
    pub checks_passed: usize,
    pub checks_run: usize,
    /// Tables within their freshness promise, of those observed.
    pub fresh: usize,
    pub freshness_observed: usize,
}

impl From<crate::check::score::ObservedScore> for ObservedScoreView {
    fn from(o: crate::check::score::ObservedScore) -> Self {
        ObservedScoreView {
            products: o.products,
            checks_passed: o.checks_passed,
            checks_run: o.checks_run,
            fresh: o.fresh,
            freshness_observed: o.freshness_observed,
        }
    }
}

/// The view of a record; `None` when nothing was observed.
pub fn view(ctx: &Ctx, record: &Record, show_contract: bool) -> Option<ObservedView> {
    let last = record.last_run()?;
    let observed = &ctx.mesh.observed;
    let ran = record.checks.iter().filter(|c| c.status != Status::Skip).count();
    let (mut failing, mut others): (Vec<&Check>, Vec<&Check>) = record.checks.iter().partition(|c| c.status.failing());
    failing.sort_by_key(|c| c.status == Status::Fail);
    others.sort_by_key(|c| match c.status {
        Status::Warn => 0,
        Status::Pass => 1,
        _ => 2,
    });
    let check = |c: &&Check| check_view(ctx, c, show_contract);
    Some(ObservedView {
        last_run: show(last),
        last_run_iso: iso(last),
        passed: record.passed(),
        total: ran,
        skipped: record.checks.len() - ran,
        failing: failing.iter().map(check).collect(),
        others: others.iter().map(check).collect(),
        freshness: record
            .freshness
            .iter()
            .map(|f| freshness_view(ctx, f, show_contract))
            .collect(),
        stale: record.is_stale(),
        outdated: observed.is_outdated(last),
        max_age_days: observed.max_age_days,
    })
}

fn status_text(s: Status) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn check_view(ctx: &Ctx, c: &Check, show_contract: bool) -> CheckView {
    let on = [c.object.as_deref(), c.property.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(".");
    CheckView {
        name: c.name.clone(),
        status: status_text(c.status),
        message: c.message.clone(),
        value: c.value.clone(),
        on,
        rule: c.rule.clone(),
        contract: c
            .contract
            .as_ref()
            .filter(|_| show_contract)
            .map(|k| ctx.contract_link(k)),
        at: show(c.at),
        at_iso: iso(c.at),
        file: c.file.clone(),
    }
}

fn freshness_view(ctx: &Ctx, f: &Freshness, show_contract: bool) -> FreshnessView {
    FreshnessView {
        object: f.object.clone(),
        contract: f
            .contract
            .as_ref()
            .filter(|_| show_contract)
            .map(|k| ctx.contract_link(k)),
        loaded_at: show(f.loaded_at),
        loaded_at_iso: iso(f.loaded_at),
        observed_at: show(f.observed_at),
        observed_at_iso: iso(f.observed_at),
        age: span(f.age()),
        promise: f
            .promise
            .as_ref()
            .map(|p| format!("{} {}", p.property, span(p.seconds))),
        stale: f.stale,
        file: f.file.clone(),
    }
}

/// A product's observations: its own and those of its output ports' contracts.
pub fn product(ctx: &Ctx, id: &str) -> Option<ObservedView> {
    view(ctx, &ctx.mesh.observed.of_product(ctx.mesh, id), true)
}

/// A product's state for the catalogue filter: `failing or stale`, `passing`, or empty.
pub fn catalogue_state(ctx: &Ctx, id: &str) -> &'static str {
    let record = ctx.mesh.observed.of_product(ctx.mesh, id);
    match (record.is_empty(), record.needs_attention()) {
        (true, _) => "",
        (false, true) => "failing or stale",
        (false, false) => "passing",
    }
}

/// `api/observations.json`: every artifact read, and per product and contract what was
/// observed, with times in RFC 3339.
pub fn api(ctx: &Ctx, site: &dyn Sink) {
    let observed = &ctx.mesh.observed;
    if observed.is_empty() && ctx.mesh.config.observations.paths.is_empty() {
        return;
    }
    let record_json = |r: &Record| {
        json!({
            "lastRun": r.last_run().map(iso),
            "passed": r.passed(),
            "checks": r.checks.iter().map(|c| json!({
                "name": c.name, "kind": c.kind, "status": c.status, "message": c.message, "value": c.value,
                "at": iso(c.at), "file": c.file, "contract": c.contract, "object": c.object,
                "property": c.property, "qualityRule": c.rule,
            })).collect::<Vec<_>>(),
            "freshness": r.freshness.iter().map(|f| json!({
                "contract": f.contract, "object": f.object, "loadedAt": iso(f.loaded_at),
                "observedAt": iso(f.observed_at), "ageSeconds": f.age(),
                "promise": f.promise.as_ref().map(|p| json!({"property": p.property, "seconds": p.seconds})),
                "stale": f.stale, "file": f.file,
            })).collect::<Vec<_>>(),
            "failing": r.failing().count(),
            "stale": r.is_stale(),
        })
    };
    let products: Vec<_> = ctx
        .mesh
        .products
        .keys()
        .map(|id| (id, observed.of_product(ctx.mesh, id)))
        .filter(|(_, r)| !r.is_empty())
        .map(|(id, r)| {
            let mut v = record_json(&r);
            v["id"] = json!(id);
            v["outdated"] = json!(r.last_run().is_some_and(|t| observed.is_outdated(t)));
            v
        })
        .collect();
    let contracts: Vec<_> = observed
        .contracts
        .iter()
        .map(|(k, r)| {
            let mut v = record_json(r);
            v["id"] = json!(k.id);
            v["version"] = json!(k.version);
            v
        })
        .collect();
    let artifacts: Vec<_> = observed
        .artifacts
        .iter()
        .map(|a| json!({"file": a.file, "format": a.format, "at": a.at.map(iso), "outdated": a.at.is_some_and(|t| observed.is_outdated(t))}))
        .collect();
    let doc = json!({
        "version": 1,
        "now": observed.now.map(iso),
        "maxAgeDays": observed.max_age_days,
        "artifacts": artifacts,
        "products": products,
        "contracts": contracts,
    });
    site.add("api/observations.json".into(), super::api::to_bytes(&doc));
}
