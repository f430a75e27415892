//! The diff as a pull-request comment (Markdown) or as JSON for scripts. Both come from one
//! `Report`, so they list the same changes and the same people.

use super::{Change, Pair};
use crate::model::{Contact, Mesh, Team};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Version of the JSON shape; raised on any incompatible change (documented in docs/diff.md).
pub const JSON_VERSION: u32 = 1;

/// Error and warning counts of one mesh.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct FindingCount {
    pub errors: usize,
    pub warnings: usize,
}

/// Everything the output shows.
pub struct Report<'a> {
    /// The revision as given (`origin/main`) and the commit it resolved to.
    pub base_rev: &'a str,
    pub base_commit: &'a str,
    pub pair: Pair<'a>,
    pub changes: &'a [Change],
    pub base_findings: FindingCount,
    pub head_findings: FindingCount,
}

/// A downstream product and the breaking changes that reach it.
#[derive(Debug, Serialize)]
pub struct Downstream {
    pub product: String,
    pub name: String,
    pub team: Option<String>,
    /// The product it is reached through, for the nearest change; `None` when it reads directly.
    pub via: Option<String>,
    /// Indexes into `changes`.
    pub changes: Vec<usize>,
}

/// An owner team to tell, with its channels.
#[derive(Debug, Serialize)]
pub struct Owner {
    pub id: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub oncall: Option<String>,
    pub contacts: Vec<ContactOut>,
    pub products: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ContactOut {
    pub channel: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Report<'_> {
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    /// Every product downstream of a breaking change, by id.
    pub fn downstream(&self) -> Vec<Downstream> {
        let mut by_product: BTreeMap<&str, Downstream> = BTreeMap::new();
        for (i, c) in self.changes.iter().enumerate() {
            for a in &c.affected {
                let entry = by_product.entry(&a.product).or_insert_with(|| {
                    let (name, team) = product_info(self.pair, &a.product);
                    Downstream {
                        product: a.product.clone(),
                        name,
                        team,
                        via: a.via.clone(),
                        changes: Vec::new(),
                    }
                });
                if a.via.is_none() {
                    entry.via = None;
                }
                entry.changes.push(i);
            }
        }
        by_product.into_values().collect()
    }

    /// Owner teams of the downstream products, by team id; products without a team last.
    pub fn owners(&self, downstream: &[Downstream]) -> Vec<Owner> {
        let mut teams: BTreeMap<Option<&str>, BTreeSet<&str>> = BTreeMap::new();
        for d in downstream {
            teams.entry(d.team.as_deref()).or_default().insert(&d.product);
        }
        let mut out: Vec<Owner> = teams
            .into_iter()
            .map(|(id, products)| owner(self.pair, id, products))
            .collect();
        out.sort_by_key(|o| o.id.is_none());
        out
    }

    pub fn summary_line(&self, downstream: usize) -> String {
        let breaking = self.breaking();
        let other = self.changes.len() - breaking;
        let others = if other > 0 {
            format!(", {other} other {}", plural(other, "change", "changes"))
        } else {
            String::new()
        };
        if breaking == 0 {
            return format!(
                "No breaking changes ({} {}).",
                self.changes.len(),
                plural(self.changes.len(), "change", "changes")
            );
        }
        format!(
            "{breaking} breaking {} affecting {downstream} downstream {}{others}.",
            plural(breaking, "change", "changes"),
            plural(downstream, "product", "products")
        )
    }

    /// "head has 2 errors: run `meshport check`", or nothing when both meshes are clean.
    pub fn findings_note(&self) -> Option<String> {
        let part = |name: &str, f: FindingCount| {
            let mut bits = Vec::new();
            if f.errors > 0 {
                bits.push(format!("{} {}", f.errors, plural(f.errors, "error", "errors")));
            }
            if f.warnings > 0 {
                bits.push(format!("{} {}", f.warnings, plural(f.warnings, "warning", "warnings")));
            }
            (!bits.is_empty()).then(|| format!("{name} has {}", bits.join(" and ")))
        };
        let parts: Vec<String> = [part("base", self.base_findings), part("head", self.head_findings)]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| format!("{}: run `meshport check` for details.", parts.join(", ")))
    }
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Name and owner team of a product, from the head mesh when it is still there.
fn product_info(pair: Pair<'_>, id: &str) -> (String, Option<String>) {
    let p = pair.head.products.get(id).or_else(|| pair.base.products.get(id));
    p.map(|p| (p.name.clone(), p.team.clone()))
        .unwrap_or_else(|| (id.to_string(), None))
}

fn team<'m>(pair: Pair<'m>, id: &str) -> Option<&'m Team> {
    pair.head.teams.get(id).or_else(|| pair.base.teams.get(id))
}

fn owner(pair: Pair<'_>, id: Option<&str>, products: BTreeSet<&str>) -> Owner {
    let products = products.into_iter().map(str::to_string).collect();
    let Some(t) = id.and_then(|id| team(pair, id)) else {
        let name = id.map(str::to_string).unwrap_or_else(|| "(no owner team)".to_string());
        return Owner {
            id: id.map(str::to_string),
            name,
            email: None,
            oncall: None,
            contacts: Vec::new(),
            products,
        };
    };
    let contacts = t
        .contacts
        .iter()
        .map(|c: &Contact| ContactOut {
            channel: c.channel.clone(),
            url: c.url.clone(),
        })
        .collect();
    Owner {
        id: Some(t.id.clone()),
        name: t.name.clone(),
        email: t.email.clone(),
        oncall: t.oncall.clone(),
        contacts,
        products,
    }
}

/// The human name of a product in either mesh.
pub fn product_name<'m>(mesh: &'m Mesh, fallback: &'m Mesh, id: &'m str) -> &'m str {
    mesh.products
        .get(id)
        .or_else(|| fallback.products.get(id))
        .map(|p| p.name.as_str())
        .unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "change", "changes"), "change");
        assert_eq!(plural(0, "change", "changes"), "changes");
    }
}
