//! dbt artifacts: `run_results.json` (test outcomes), `manifest.json` (which model, source and
//! column each test is attached to) and `sources.json` (source freshness). Only the fields
//! meshport shows are deserialised; everything else in these often huge files is skipped as it
//! streams past (`IgnoredAny` through serde's default handling of unknown keys).

use super::time::{parse, Secs};
use super::{Anchor, RawCheck, RawFreshness, Status, Target};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// `metadata` of any dbt artifact.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Metadata {
    pub dbt_schema_version: Option<String>,
    pub generated_at: Option<String>,
}

/// One entry of `results` in run_results.json or sources.json (the two share the key).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResultEntry {
    pub unique_id: Option<String>,
    pub status: Option<String>,
    pub message: Option<String>,
    pub failures: Option<i64>,
    pub max_loaded_at: Option<String>,
    pub snapshotted_at: Option<String>,
}

/// A node of manifest.json: a model, seed, snapshot or test.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ManifestNode {
    pub resource_type: Option<String>,
    pub name: Option<String>,
    pub alias: Option<String>,
    pub column_name: Option<String>,
    pub attached_node: Option<String>,
    pub test_metadata: Option<TestMetadata>,
    pub depends_on: Option<DependsOn>,
    pub meta: Option<HashMap<String, Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TestMetadata {
    pub name: Option<String>,
    pub kwargs: Option<Kwargs>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Kwargs {
    pub column_name: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DependsOn {
    pub nodes: Vec<String>,
}

/// A source table of manifest.json.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ManifestSource {
    pub name: Option<String>,
    pub identifier: Option<String>,
    pub meta: Option<HashMap<String, Value>>,
}

/// What the manifests say about models, sources and tests, by `unique_id`.
#[derive(Debug, Default)]
pub struct Index {
    tables: HashMap<String, Table>,
    tests: HashMap<String, Test>,
}

/// A model or source: the relation it writes, and the contract its `meta` may name.
#[derive(Debug, Clone)]
struct Table {
    name: String,
    contract: Option<String>,
    version: Option<String>,
}

#[derive(Debug, Clone)]
struct Test {
    name: String,
    kind: Option<String>,
    column: Option<String>,
    attached: Option<String>,
}

impl Index {
    /// Adds one manifest's models, sources and tests (a later manifest wins for the same id).
    pub fn add(&mut self, nodes: HashMap<String, ManifestNode>, sources: HashMap<String, ManifestSource>) {
        for (id, node) in nodes {
            if node.resource_type.as_deref() == Some("test") || id.starts_with("test.") {
                self.tests.insert(id.clone(), test_of(&id, node));
            } else if let Some(name) = node.alias.clone().or(node.name.clone()) {
                self.tables.insert(id, table_of(name, node.meta.as_ref()));
            }
        }
        for (id, source) in sources {
            if let Some(name) = source.identifier.clone().or(source.name.clone()) {
                self.tables.insert(id, table_of(name, source.meta.as_ref()));
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.tests.is_empty()
    }

    /// The table a model or source id names: the manifest's, else the id's last segment
    /// (`source.shop.raw.orders` → `orders`), which is what dbt names it by default.
    fn table(&self, unique_id: &str) -> Table {
        self.tables.get(unique_id).cloned().unwrap_or_else(|| Table {
            name: unique_id.rsplit('.').next().unwrap_or(unique_id).to_string(),
            contract: None,
            version: None,
        })
    }
}

fn test_of(id: &str, node: ManifestNode) -> Test {
    let meta = node.test_metadata.unwrap_or_default();
    let kwarg_column = meta
        .kwargs
        .and_then(|k| k.column_name)
        .and_then(|c| c.as_str().map(str::to_string));
    let attached = node.attached_node.or_else(|| {
        node.depends_on
            .and_then(|d| d.nodes.into_iter().find(|n| !n.starts_with("macro.")))
    });
    Test {
        name: node
            .name
            .unwrap_or_else(|| id.split('.').nth(2).unwrap_or(id).to_string()),
        kind: meta.name,
        column: node.column_name.or(kwarg_column),
        attached,
    }
}

/// dbt `meta` may name the contract a model fulfils: `contract` (an id) and `contract_version`.
fn table_of(name: String, meta: Option<&HashMap<String, Value>>) -> Table {
    let text = |k: &str| meta.and_then(|m| m.get(k)).and_then(Value::as_str).map(str::to_string);
    Table {
        name,
        contract: text("contract"),
        version: text("contract_version"),
    }
}

/// dbt's test statuses, and the freshness statuses of sources.json.
fn status(text: Option<&str>) -> Status {
    match text.unwrap_or("").to_ascii_lowercase().as_str() {
        "pass" | "success" => Status::Pass,
        "warn" => Status::Warn,
        "fail" => Status::Fail,
        "skipped" | "skip" => Status::Skip,
        _ => Status::Error,
    }
}

/// Test outcomes of run_results.json, tied through `index` to a table and column; test ids no
/// manifest knows come back in the second list.
pub fn checks(entries: Vec<ResultEntry>, at: Secs, index: &Index) -> (Vec<RawCheck>, Vec<String>) {
    let (mut out, mut untied) = (Vec::new(), Vec::new());
    for e in entries {
        let Some(id) = e.unique_id else { continue };
        if !id.starts_with("test.") && !id.starts_with("unit_test.") {
            continue;
        }
        let Some(test) = index.tests.get(&id) else {
            untied.push(id);
            continue;
        };
        let Some(table) = test.attached.as_deref().map(|n| index.table(n)) else {
            untied.push(id);
            continue;
        };
        let st = status(e.status.as_deref());
        let message = e.message.filter(|m| !m.trim().is_empty() && st != Status::Pass);
        out.push(RawCheck {
            target: Target::Table {
                name: table.name,
                contract: table.contract,
                version: table.version,
            },
            column: test.column.clone(),
            name: test.name.clone(),
            kind: test.kind.clone(),
            status: st,
            message,
            value: e.failures.filter(|f| *f > 0).map(|f| format!("{f} failing rows")),
            at,
            anchor: Anchor::Needle(id),
        });
    }
    (out, untied)
}

/// Source freshness of sources.json; entries without both times come back as their ids.
pub fn freshness(
    entries: Vec<ResultEntry>,
    generated: Option<Secs>,
    index: &Index,
) -> (Vec<RawFreshness>, Vec<String>) {
    let (mut out, mut bad) = (Vec::new(), Vec::new());
    for e in entries {
        let Some(id) = e.unique_id else { continue };
        let loaded = e.max_loaded_at.as_deref().and_then(parse);
        let observed = e.snapshotted_at.as_deref().and_then(parse).or(generated);
        let (Some(loaded_at), Some(observed_at)) = (loaded, observed) else {
            bad.push(id);
            continue;
        };
        let table = index.table(&id);
        out.push(RawFreshness {
            target: Target::Table {
                name: table.name,
                contract: table.contract,
                version: table.version,
            },
            loaded_at,
            observed_at,
            failed: matches!(status(e.status.as_deref()), Status::Warn | Status::Error | Status::Fail),
            anchor: Anchor::Needle(id),
        });
    }
    (out, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let nodes: HashMap<String, ManifestNode> = serde_json::from_value(serde_json::json!({
            "model.shop.orders": {"resource_type": "model", "name": "orders", "alias": "fct_orders", "raw_code": "select 1"},
            "test.shop.not_null_orders_id.1": {"resource_type": "test", "name": "not_null_orders_id",
                "attached_node": "model.shop.orders", "column_name": "id", "test_metadata": {"name": "not_null", "kwargs": {"column_name": "id", "model": "x"}}},
            "test.shop.old_style.2": {"resource_type": "test", "name": "old_style",
                "depends_on": {"macros": [], "nodes": ["macro.x", "model.shop.orders"]}, "test_metadata": {"name": "unique", "kwargs": {"column_name": "sku"}}}
        }))
        .unwrap();
        let mut ix = Index::default();
        ix.add(nodes, HashMap::new());
        ix
    }

    #[test]
    fn tests_are_tied_to_their_model_and_column() {
        let entries: Vec<ResultEntry> = serde_json::from_value(serde_json::json!([
            {"unique_id": "test.shop.not_null_orders_id.1", "status": "fail", "message": "Got 3 results", "failures": 3, "timing": []},
            {"unique_id": "test.shop.old_style.2", "status": "pass", "failures": 0},
            {"unique_id": "model.shop.orders", "status": "success"},
            {"unique_id": "test.shop.unknown.3", "status": "pass"}
        ]))
        .unwrap();
        let (checks, untied) = checks(entries, 0, &index());
        assert_eq!(untied, ["test.shop.unknown.3"]);
        assert_eq!(checks.len(), 2);
        let first = &checks[0];
        assert!(matches!(&first.target, Target::Table { name, .. } if name == "fct_orders"));
        assert_eq!(first.column.as_deref(), Some("id"));
        assert_eq!(first.status, Status::Fail);
        assert_eq!(first.message.as_deref(), Some("Got 3 results"));
        assert_eq!(
            checks[1].column.as_deref(),
            Some("sku"),
            "column from test_metadata kwargs"
        );
    }

    #[test]
    fn freshness_needs_both_times() {
        let entries: Vec<ResultEntry> = serde_json::from_value(serde_json::json!([
            {"unique_id": "source.shop.raw.orders", "max_loaded_at": "2026-12-01T00:00:00+00:00", "snapshotted_at": "2026-12-01T06:00:00Z", "status": "pass"},
            {"unique_id": "source.shop.raw.broken", "status": "runtime error"}
        ]))
        .unwrap();
        let (fresh, bad) = freshness(entries, None, &Index::default());
        assert_eq!(bad, ["source.shop.raw.broken"]);
        assert_eq!(fresh[0].observed_at - fresh[0].loaded_at, 6 * 3600);
        assert!(matches!(&fresh[0].target, Target::Table { name, .. } if name == "orders"));
    }
}
