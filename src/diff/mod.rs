//! What a change to the mesh breaks, and whom to tell: compares the mesh at a base revision
//! with the mesh in the working tree, classifies every product and contract change by the
//! kinds in `kinds`, and lists the products downstream of each breaking change.
//!
//! The comparison works on the resolved models (ids, ports, lineage edges) and on the
//! documents as written (`Origin::doc`), whose JSON Pointers give every change a line.

pub mod access;
mod contract;
pub mod format;
mod impact;
pub mod kinds;
mod product;
pub mod report;
mod sla;
#[cfg(test)]
mod testutil;
mod values;

pub use kinds::Kind;

use crate::model::{ContractKey, Mesh, Origin};
use serde::Serialize;

/// Which mesh a location is in: removals point at the base revision's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Base,
    Head,
}

/// `file:line:column` in one of the two meshes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub side: Side,
}

impl Location {
    /// The key (or, without one, the value) at `pointer` in `origin`'s document.
    pub fn of(origin: &Origin, pointer: &str, side: Side) -> Location {
        let pos = origin.doc.key_pos(pointer);
        Location {
            file: origin.file.clone(),
            line: pos.line,
            column: pos.column,
            side,
        }
    }
}

/// What changed: a product or a contract version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Subject {
    Contract { id: String, version: String },
    Product { id: String },
}

impl Subject {
    fn contract(key: &ContractKey) -> Subject {
        Subject::Contract {
            id: key.id.clone(),
            version: key.version.clone(),
        }
    }
}

/// A product downstream of a breaking change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Affected {
    pub product: String,
    /// The upstream product it is reached through; `None` for a direct consumer.
    pub via: Option<String>,
}

/// One classified change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    #[serde(serialize_with = "kind_id")]
    pub kind: &'static Kind,
    pub breaking: bool,
    pub subject: Subject,
    /// What changed, specifically (the kind's sentence says what it means).
    pub message: String,
    pub at: Location,
    /// For a port change: the contract id the port delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_contract: Option<String>,
    /// Downstream products, transitively; filled for breaking changes only.
    pub affected: Vec<Affected>,
}

fn kind_id<S: serde::Serializer>(k: &&'static Kind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.id)
}

/// A change found by a comparison, before its subject and downstream products are known.
pub(crate) struct Found {
    pub kind: &'static Kind,
    pub message: String,
    pub at: Location,
    pub port_contract: Option<String>,
}

impl Found {
    pub fn new(kind: &'static Kind, message: impl Into<String>, at: Location) -> Found {
        Found {
            kind,
            message: message.into(),
            at,
            port_contract: None,
        }
    }

    /// The change concerns a port delivering or reading contract `id`.
    pub fn port(mut self, id: Option<&str>) -> Found {
        self.port_contract = id.map(str::to_string);
        self
    }
}

/// The two meshes being compared.
#[derive(Clone, Copy)]
pub struct Pair<'a> {
    pub base: &'a Mesh,
    pub head: &'a Mesh,
}

/// Every change from `base` to `head`, breaking first, then by subject and position.
pub fn compare(pair: Pair<'_>) -> Vec<Change> {
    let mut changes = Vec::new();
    contract::compare_all(pair, &mut changes);
    product::compare_all(pair, &mut changes);
    for c in changes.iter_mut().filter(|c| c.breaking) {
        c.affected = impact::downstream(pair, c);
    }
    changes.sort_by(|a, b| {
        (!a.breaking, &a.subject, &a.at, a.kind.id, &a.message).cmp(&(
            !b.breaking,
            &b.subject,
            &b.at,
            b.kind.id,
            &b.message,
        ))
    });
    changes
}

/// Turns findings about one subject into changes.
pub(crate) fn push(out: &mut Vec<Change>, subject: &Subject, found: Vec<Found>) {
    out.extend(found.into_iter().map(|f| Change {
        breaking: f.kind.breaking,
        kind: f.kind,
        subject: subject.clone(),
        message: f.message,
        at: f.at,
        port_contract: f.port_contract,
        affected: Vec::new(),
    }));
}
