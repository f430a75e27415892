//! Where each observation goes: the matching rules of docs/observations.md. A dbt model or
//! source table matches an ODCS schema object by `physicalName`, then by `name`; a test on a
//! column matches that property; a test named like a quality rule's `name` or `id` is that
//! rule's. Of several versions of a contract, the one the artifact names wins, else the newest
//! active one, else the newest.

use super::time::{sla_seconds, Secs};
use super::{Check, Freshness, Promise, RawCheck, RawFreshness, Target};
use crate::model::raw::{Property, SchemaObject};
use crate::model::{compare_versions, Contract, ContractKey, Mesh};
use serde_json::Value;
use std::collections::HashMap;

/// Where an observation belongs.
pub enum Home {
    Contract(ContractKey),
    Product(String),
}

/// A home, with the contract and schema object index the observation names, when it names one.
type Placed<'a> = (Home, Option<(&'a Contract, usize)>);

pub struct Matcher<'a> {
    mesh: &'a Mesh,
    /// Contract ids with a schema object of this (lower-cased) physical name, or name.
    by_physical: HashMap<String, Vec<String>>,
    by_name: HashMap<String, Vec<String>>,
}

fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// `analytics.fct_orders` is written for the relation `fct_orders` too.
fn relation_names(physical: &str) -> Vec<String> {
    let lower = physical.to_ascii_lowercase();
    let last = lower.rsplit('.').next().unwrap_or(&lower).to_string();
    if last == lower {
        vec![lower]
    } else {
        vec![lower, last]
    }
}

impl<'a> Matcher<'a> {
    pub fn new(mesh: &'a Mesh) -> Self {
        let (mut by_physical, mut by_name) = (
            HashMap::<String, Vec<String>>::new(),
            HashMap::<String, Vec<String>>::new(),
        );
        for c in mesh.contracts.values() {
            for o in &c.raw.schema {
                for p in o.physical_name.iter().flat_map(|p| relation_names(p)) {
                    by_physical.entry(p).or_default().push(c.key.id.clone());
                }
                if let Some(n) = &o.name {
                    by_name
                        .entry(n.to_ascii_lowercase())
                        .or_default()
                        .push(c.key.id.clone());
                }
            }
        }
        for ids in by_physical.values_mut().chain(by_name.values_mut()) {
            ids.sort();
            ids.dedup();
        }
        Matcher {
            mesh,
            by_physical,
            by_name,
        }
    }

    /// The version of contract `id` results go to.
    pub fn contract(&self, id: &str, version: Option<&str>) -> Option<&'a Contract> {
        let keys = self.mesh.index.contract_versions.get(id)?;
        let all: Vec<&Contract> = keys.iter().filter_map(|k| self.mesh.contracts.get(k)).collect();
        if let Some(c) = version.and_then(|v| all.iter().find(|c| c.key.version == v)) {
            return Some(c);
        }
        let newest = |list: Vec<&'a Contract>| {
            list.into_iter()
                .max_by(|a, b| compare_versions(&a.key.version, &b.key.version))
        };
        let active: Vec<&Contract> = all.iter().copied().filter(|c| c.status == "active").collect();
        newest(active).or_else(|| newest(all))
    }

    /// Contracts (one version each) with a schema object for the table `name`.
    fn tables(&self, name: &str, id: Option<&str>, version: Option<&str>) -> Vec<(&'a Contract, usize)> {
        let lower = name.to_ascii_lowercase();
        let (ids, physical) = match self.by_physical.get(&lower) {
            Some(ids) => (ids.clone(), true),
            None => (self.by_name.get(&lower).cloned().unwrap_or_default(), false),
        };
        ids.iter()
            .filter(|i| id.is_none_or(|want| want == i.as_str()))
            .filter_map(|i| self.contract(i, version))
            .filter_map(|c| {
                let found = c.raw.schema.iter().position(|o| {
                    if physical {
                        o.physical_name.iter().any(|p| relation_names(p).contains(&lower))
                    } else {
                        o.name.as_deref().is_some_and(|n| same(n, name))
                    }
                });
                found.map(|i| (c, i))
            })
            .collect()
    }

    /// The homes of a target with the schema object it names (by index), or the name that
    /// matched nothing.
    fn homes(&self, target: &Target) -> Result<Vec<Placed<'a>>, String> {
        let contract_home = |c: &'a Contract, o: Option<usize>| (Home::Contract(c.key.clone()), o.map(|i| (c, i)));
        match target {
            Target::Product(id) if self.mesh.products.contains_key(id) => Ok(vec![(Home::Product(id.clone()), None)]),
            Target::Product(id) => Err(format!("product `{id}`")),
            Target::Contract { id, version, object } => {
                let c = self
                    .contract(id, version.as_deref())
                    .ok_or(format!("contract `{id}`"))?;
                let o = object.as_deref().and_then(|n| object_index(&c.raw.schema, n));
                Ok(vec![contract_home(c, o)])
            }
            Target::Named(names) => names
                .iter()
                .find_map(|n| {
                    let (id, version) = n.split_once('@').map_or((n.as_str(), None), |(i, v)| (i, Some(v)));
                    if let Some(c) = self.contract(id, version) {
                        return Some(vec![contract_home(c, None)]);
                    }
                    self.mesh
                        .products
                        .contains_key(n)
                        .then(|| vec![(Home::Product(n.clone()), None)])
                })
                .ok_or_else(|| format!("`{}`", names.first().map(String::as_str).unwrap_or("(unnamed)"))),
            Target::Table {
                name,
                contract,
                version,
            } => {
                let found = self.tables(name, contract.as_deref(), version.as_deref());
                if found.is_empty() {
                    return Err(format!("table `{name}`"));
                }
                Ok(found.into_iter().map(|(c, i)| contract_home(c, Some(i))).collect())
            }
        }
    }

    pub fn check(&self, raw: &RawCheck, file: &str) -> Result<Vec<(Home, Check)>, String> {
        let homes = self.homes(&raw.target)?;
        Ok(homes
            .into_iter()
            .map(|(home, object)| {
                let obj = object.map(|(c, i)| (c, &c.raw.schema[i]));
                let property = obj.and_then(|(_, o)| raw.column.as_deref().and_then(|col| property_of(o, col)));
                let contract = match &home {
                    Home::Contract(k) => self.mesh.contracts.get(k),
                    Home::Product(_) => None,
                };
                let rule = contract.and_then(|c| quality_rule(c, obj.map(|(_, o)| o), property, &raw.name));
                let check = Check {
                    name: raw.name.clone(),
                    kind: raw.kind.clone(),
                    status: raw.status,
                    message: raw.message.clone(),
                    value: raw.value.clone(),
                    at: raw.at,
                    file: file.to_string(),
                    contract: contract.map(|c| c.key.clone()),
                    object: obj.and_then(|(_, o)| o.name.clone()),
                    property: property.and_then(|p| p.name.clone()).or(raw.column.clone()),
                    rule,
                };
                (home, check)
            })
            .collect())
    }

    pub fn freshness(&self, raw: &RawFreshness, file: &str) -> Result<Vec<(Home, Freshness)>, String> {
        let homes = self.homes(&raw.target)?;
        Ok(homes
            .into_iter()
            .map(|(home, object)| {
                let contract = match &home {
                    Home::Contract(k) => self.mesh.contracts.get(k),
                    Home::Product(_) => None,
                };
                let object = object.and_then(|(c, i)| c.raw.schema[i].name.clone());
                let promise = contract.and_then(|c| promise(&c.raw.sla_properties, object.as_deref()));
                let age = raw.observed_at - raw.loaded_at;
                let fresh = Freshness {
                    contract: contract.map(|c| c.key.clone()),
                    object,
                    loaded_at: raw.loaded_at,
                    observed_at: raw.observed_at,
                    file: file.to_string(),
                    stale: promise.as_ref().is_some_and(|p| age > p.seconds) || raw.failed,
                    promise,
                };
                (home, fresh)
            })
            .collect())
    }
}

fn object_index(schema: &[SchemaObject], name: &str) -> Option<usize> {
    schema
        .iter()
        .position(|o| {
            o.physical_name
                .iter()
                .any(|p| relation_names(p).contains(&name.to_ascii_lowercase()))
        })
        .or_else(|| {
            schema
                .iter()
                .position(|o| o.name.as_deref().is_some_and(|n| same(n, name)))
        })
}

fn property_of<'c>(object: &'c SchemaObject, column: &str) -> Option<&'c Property> {
    let named = |p: &&Property| p.physical_name.as_deref().is_some_and(|n| same(n, column));
    let by_name = |p: &&Property| p.name.as_deref().is_some_and(|n| same(n, column));
    object
        .properties
        .iter()
        .find(named)
        .or_else(|| object.properties.iter().find(by_name))
}

/// The quality rule a check is named after (its `name` or `id`): the column's rules first,
/// then the table's, then any of the contract's.
fn quality_rule(
    c: &Contract,
    object: Option<&SchemaObject>,
    property: Option<&Property>,
    check: &str,
) -> Option<String> {
    let matches = |q: &Value| {
        ["name", "id"]
            .iter()
            .find_map(|k| q.get(*k).and_then(Value::as_str).filter(|v| *v == check))
            .map(str::to_string)
    };
    let everywhere = c.raw.schema.iter().flat_map(|o| {
        o.quality
            .iter()
            .chain(o.properties.iter().flat_map(|p| p.quality.iter()))
    });
    let near = property
        .into_iter()
        .flat_map(|p| p.quality.iter())
        .chain(object.into_iter().flat_map(|o| o.quality.iter()));
    near.chain(everywhere).find_map(matches)
}

/// The contract's tightest freshness promise (`latency`, `frequency`) that applies to `object`
/// (an SLA property whose `element` names another table does not).
fn promise(props: &[Value], object: Option<&str>) -> Option<Promise> {
    props
        .iter()
        .filter_map(|p| {
            let property = p.get("property")?.as_str()?.to_string();
            if !["latency", "frequency"].contains(&property.to_ascii_lowercase().as_str()) {
                return None;
            }
            let element = p.get("element").and_then(Value::as_str);
            let table = element.map(|e| e.split('.').next().unwrap_or(e));
            if let (Some(t), Some(o)) = (table, object) {
                if !same(t, o) {
                    return None;
                }
            }
            let value = match p.get("value")? {
                Value::Number(n) => n.as_f64()?,
                Value::String(s) => s.trim().parse().ok()?,
                _ => return None,
            };
            let unit = p.get("unit").and_then(Value::as_str).unwrap_or("");
            let seconds: Secs = sla_seconds(value, unit)?;
            Some(Promise { property, seconds })
        })
        .min_by_key(|p| p.seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_tightest_applicable_promise_wins() {
        let props = [
            json!({"property": "latency", "value": 1, "unit": "h"}),
            json!({"property": "frequency", "value": "15", "unit": "m", "element": "other.col"}),
            json!({"property": "retention", "value": 1, "unit": "d"}),
            json!({"property": "frequency", "value": 1, "unit": "d"}),
        ];
        assert_eq!(promise(&props, Some("orders")).map(|p| p.seconds), Some(3600));
        assert_eq!(promise(&props, Some("other")).map(|p| p.seconds), Some(900));
        assert!(promise(&[json!({"property": "latency", "value": 1, "unit": "parsec"})], None).is_none());
    }
}
