//! Observations: what the data actually did, read from the CI artifacts `[observations]` of
//! meshport.toml names (dbt run_results/manifest/sources, JUnit XML, the meshport JSON format)
//! and placed beside the contracts' promises (docs/observations.md). Reading never fails the
//! build: a bad artifact is a finding and the rest is shown.

mod attach;
mod dbt;
mod junit;
mod load;
mod read;
pub mod time;

pub use load::load;
pub use read::NATIVE_FORMAT;

use crate::model::{ContractKey, Mesh};
use serde::Serialize;
use std::collections::BTreeMap;
use time::Secs;

/// A check's outcome, in the words every input format is mapped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Error,
    Skip,
}

impl Status {
    /// The meshport format's statuses (and the usual synonyms).
    pub fn from_text(s: &str) -> Option<Status> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "pass" | "passed" | "success" | "ok" => Status::Pass,
            "warn" | "warning" => Status::Warn,
            "fail" | "failed" | "failure" => Status::Fail,
            "error" => Status::Error,
            "skip" | "skipped" => Status::Skip,
            _ => return None,
        })
    }

    pub fn failing(self) -> bool {
        matches!(self, Status::Fail | Status::Error)
    }
}

/// What an artifact's results are about, before matching against the mesh.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Product(String),
    Contract {
        id: String,
        version: Option<String>,
        object: Option<String>,
    },
    /// A dbt model or source relation, with the contract its `meta` may name.
    Table {
        name: String,
        contract: Option<String>,
        version: Option<String>,
    },
    /// JUnit: names that may be a contract id (`id` or `id@version`) or a product id, in order.
    Named(Vec<String>),
}

/// Where in its file an observation was found, for findings.
#[derive(Debug, Clone, PartialEq)]
pub enum Anchor {
    /// A string written in the file (a dbt `unique_id`, a check name).
    Needle(String),
    /// A byte offset (XML elements).
    Offset(u64),
}

#[derive(Debug, Clone)]
pub struct RawCheck {
    pub target: Target,
    pub column: Option<String>,
    pub name: String,
    /// The kind of test (dbt `test_metadata.name`: `not_null`, `unique` …).
    pub kind: Option<String>,
    pub status: Status,
    pub message: Option<String>,
    pub value: Option<String>,
    pub at: Secs,
    pub anchor: Anchor,
}

#[derive(Debug, Clone)]
pub struct RawFreshness {
    pub target: Target,
    pub loaded_at: Secs,
    pub observed_at: Secs,
    /// The tool's own freshness criteria failed (dbt `warn`/`error`).
    pub failed: bool,
    pub anchor: Anchor,
}

/// One check as shown: the newest report of it across all artifacts.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: String,
    pub kind: Option<String>,
    pub status: Status,
    pub message: Option<String>,
    pub value: Option<String>,
    /// The artifact's own time of this result.
    pub at: Secs,
    pub file: String,
    pub contract: Option<ContractKey>,
    pub object: Option<String>,
    pub property: Option<String>,
    /// The quality rule (its `name` or `id`) this check is named after.
    pub rule: Option<String>,
}

/// A contract's freshness promise: the SLA property and its amount.
#[derive(Debug, Clone, Serialize)]
pub struct Promise {
    pub property: String,
    pub seconds: Secs,
}

/// How old the data was when the artifact was written, against the promise.
#[derive(Debug, Clone, Serialize)]
pub struct Freshness {
    pub contract: Option<ContractKey>,
    pub object: Option<String>,
    pub loaded_at: Secs,
    pub observed_at: Secs,
    pub file: String,
    pub promise: Option<Promise>,
    pub stale: bool,
}

impl Freshness {
    pub fn age(&self) -> Secs {
        self.observed_at - self.loaded_at
    }
}

/// Everything observed about one contract version or product.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Record {
    pub checks: Vec<Check>,
    pub freshness: Vec<Freshness>,
}

impl Record {
    /// The newest time any artifact of this record was written.
    pub fn last_run(&self) -> Option<Secs> {
        let checks = self.checks.iter().map(|c| c.at);
        checks.chain(self.freshness.iter().map(|f| f.observed_at)).max()
    }

    pub fn passed(&self) -> usize {
        self.checks.iter().filter(|c| c.status == Status::Pass).count()
    }

    pub fn failing(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status.failing())
    }

    pub fn is_stale(&self) -> bool {
        self.freshness.iter().any(|f| f.stale)
    }

    pub fn is_empty(&self) -> bool {
        self.checks.is_empty() && self.freshness.is_empty()
    }

    /// Checks failing, or data stale.
    pub fn needs_attention(&self) -> bool {
        self.failing().next().is_some() || self.is_stale()
    }

    fn extend(&mut self, other: &Record) {
        self.checks.extend(other.checks.iter().cloned());
        self.freshness.extend(other.freshness.iter().cloned());
    }
}

/// One artifact read, for the API and the outdated finding.
#[derive(Debug, Clone, Serialize)]
pub struct Artifact {
    pub file: String,
    pub format: &'static str,
    pub at: Option<Secs>,
}

/// All observations of the mesh.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub contracts: BTreeMap<ContractKey, Record>,
    pub products: BTreeMap<String, Record>,
    pub artifacts: Vec<Artifact>,
    /// "Now" for ages: `SOURCE_DATE_EPOCH`, else the newest artifact's time.
    pub now: Option<Secs>,
    /// Artifacts older than this are outdated.
    pub max_age_days: u32,
}

impl Observed {
    /// A product's own record joined with those of its output ports' contracts.
    pub fn of_product(&self, mesh: &Mesh, id: &str) -> Record {
        let mut record = self.products.get(id).cloned().unwrap_or_default();
        let mut keys: Vec<&ContractKey> = mesh
            .products
            .get(id)
            .map(|p| p.outputs.iter().filter_map(|port| port.contract.as_ref()).collect())
            .unwrap_or_default();
        keys.sort();
        keys.dedup();
        for key in keys {
            if let Some(r) = self.contracts.get(key) {
                record.extend(r);
            }
        }
        record
    }

    /// Whether `at` is older than the allowed age.
    pub fn is_outdated(&self, at: Secs) -> bool {
        self.now
            .is_some_and(|now| now.saturating_sub(at) > i64::from(self.max_age_days) * 86_400)
    }

    pub fn is_empty(&self) -> bool {
        self.artifacts.is_empty()
    }
}

/// A JSON value as one short text (`1200`, `"ok"` → `ok`).
pub fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
