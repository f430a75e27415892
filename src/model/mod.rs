//! The resolved mesh: one in-memory model built from every source file. Relations are ids;
//! reverse indexes (products of a domain or team, producers and consumers of a contract) are
//! built once here so later stages never scan.

pub mod access;
pub mod lineage;
pub mod personal;
pub mod raw;
mod resolve;

pub use lineage::{Edge, NodeRef};
pub use resolve::{compare_versions, contact as contact_of, resolve, typed, typed_as};

use crate::config::Config;
use crate::source::YamlDoc;
use serde::Serialize;
use std::collections::BTreeMap;

/// A contract is identified by its id and version: a product may consume two versions of one
/// contract, and both files exist side by side.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ContractKey {
    pub id: String,
    pub version: String,
}

/// Where a model object came from, for findings and the raw view.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: String,
    /// The descriptor (for a file in an older format: its ODCS/ODPS translation).
    pub doc: YamlDoc,
    /// Set when the file is written in an older format.
    pub written_in: Option<WrittenIn>,
}

/// The older format a descriptor is written in, and the version it declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenIn {
    pub format: crate::source::legacy::Format,
    pub version: String,
}

/// A contact channel (chat, email, ticket queue …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub channel: String,
    pub url: Option<String>,
    pub tool: Option<String>,
    pub scope: Option<String>,
    pub description: Option<String>,
    /// Other keys of the channel (tags, custom properties …), shown as they are.
    pub extra: raw::Extra,
}

#[derive(Debug, Clone)]
pub struct Port {
    pub name: String,
    pub contract_id: Option<String>,
    pub version: Option<String>,
    /// The contract this port binds to (see [`Mesh::find_contract`]), when the mesh has a
    /// contract with its `contractId`.
    pub contract: Option<ContractKey>,
    /// An input port's source system (the `sourceSystemId` custom property, as a Data Product
    /// Specification port names it): lineage draws it when the port names no contract.
    pub source_system: Option<String>,
    /// JSON Pointer of the port in its file.
    pub pointer: String,
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub origin: Origin,
    pub raw: raw::Product,
    pub description: raw::Description,
    /// Lower-cased ODPS status (`active`, `draft`, `deprecated`, `retired`, …).
    pub status: String,
    pub domain: Option<String>,
    pub team: Option<String>,
    /// The `team` block as written, for the page's generic view (the document itself is dropped
    /// before rendering, see `Mesh::forget_documents`).
    pub team_written: Option<serde_json::Value>,
    pub inputs: Vec<Port>,
    pub outputs: Vec<Port>,
}

#[derive(Debug, Clone)]
pub struct Contract {
    pub key: ContractKey,
    pub name: String,
    pub origin: Origin,
    pub raw: raw::Contract,
    pub description: raw::Description,
    pub status: String,
    pub domain: Option<String>,
    pub team: Option<String>,
    /// The `team` block as written (see `Product::team_written`).
    pub team_written: Option<serde_json::Value>,
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, Default)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub domain: Option<String>,
    pub email: Option<String>,
    pub oncall: Option<String>,
    pub contacts: Vec<Contact>,
    pub members: Vec<raw::Member>,
    /// The team's own page, when `content/teams/<id>.md` exists.
    pub page: Option<Page>,
    /// Descriptor files whose `team` block named this team.
    pub mentioned_in: Vec<String>,
}

impl Team {
    pub fn has_contact(&self) -> bool {
        self.email.is_some() || self.oncall.is_some() || !self.contacts.is_empty()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Domain {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub contacts: Vec<Contact>,
    pub page: Option<Page>,
}

/// A Markdown page (home, domain, team, guide, governance doc).
#[derive(Debug, Clone)]
pub struct Page {
    pub file: String,
    /// File stem, used for its URL.
    pub slug: String,
    pub title: String,
    pub front: raw::FrontMatter,
    pub front_doc: YamlDoc,
    pub body: String,
    pub body_line: u32,
}

impl Page {
    /// The page's id as its author wrote it: front matter `id`, else the file name.
    pub fn written_id(&self) -> &str {
        self.front
            .id
            .as_deref()
            .unwrap_or_else(|| self.file.rsplit('/').next().unwrap_or("").trim_end_matches(".md"))
    }
}

/// Reverse indexes, built once.
#[derive(Debug, Clone, Default)]
pub struct Indexes {
    pub products_by_domain: BTreeMap<String, Vec<String>>,
    pub products_by_team: BTreeMap<String, Vec<String>>,
    pub contracts_by_domain: BTreeMap<String, Vec<ContractKey>>,
    /// Products with an output port carrying the contract id.
    pub producers: BTreeMap<String, Vec<String>>,
    /// Products with an input port carrying the contract id.
    pub consumers: BTreeMap<String, Vec<String>>,
    /// Every version of a contract id, ascending.
    pub contract_versions: BTreeMap<String, Vec<ContractKey>>,
    /// Indexes into `Mesh::edges` by consuming product.
    pub edges_in: BTreeMap<String, Vec<usize>>,
    /// Indexes into `Mesh::edges` by producing product.
    pub edges_out: BTreeMap<String, Vec<usize>>,
}

#[derive(Debug, Default)]
pub struct Mesh {
    pub config: Config,
    pub home: Option<Page>,
    pub domains: BTreeMap<String, Domain>,
    pub teams: BTreeMap<String, Team>,
    pub products: BTreeMap<String, Product>,
    pub contracts: BTreeMap<ContractKey, Contract>,
    pub guides: Vec<Page>,
    pub governance: Vec<Page>,
    pub policies: Option<Origin>,
    pub edges: Vec<Edge>,
    pub index: Indexes,
    /// Source text of every file, by relative path.
    pub texts: BTreeMap<String, String>,
    /// What the CI artifacts of `[observations]` say the data did.
    pub observed: crate::observe::Observed,
}

impl Mesh {
    /// Drops the parsed document of every descriptor, positions and value tree (see
    /// `YamlDoc::forget`): for callers that only render from here on. Pages read the typed
    /// model; the JSON API parses a descriptor's text again (`Mesh::descriptor_value`). The
    /// tree was a third copy of the mesh, next to its text and its typed model.
    pub fn forget_documents(&mut self) {
        let origins = self.products.values_mut().map(|p| &mut p.origin);
        for o in origins.chain(self.contracts.values_mut().map(|c| &mut c.origin)) {
            o.doc.forget();
        }
    }

    /// A descriptor's content as a JSON value (a file in an older format as its ODCS/ODPS
    /// translation): its parsed document while the mesh still holds it, else its text read
    /// again, taking the document with this `id` (and `version`) when the file holds several
    /// (`Null` if the text is gone, which a loaded mesh never allows).
    pub fn descriptor_value(&self, origin: &Origin, id: &str, version: Option<&str>) -> serde_json::Value {
        use crate::source::Document;
        if !origin.doc.value.is_null() {
            return origin.doc.value.clone();
        }
        let Some(text) = self.texts.get(&origin.file) else {
            return serde_json::Value::Null;
        };
        let text_of = |v: Option<&serde_json::Value>| match v {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(other) if !other.is_null() => Some(other.to_string()),
            _ => None,
        };
        let values = crate::source::read_descriptors(&origin.file, text)
            .0
            .into_iter()
            .filter_map(|f| match f.doc {
                Document::Product(doc) | Document::Contract(doc) => Some(doc.value),
                _ => None,
            });
        let mut first = None;
        for value in values {
            let same_id = text_of(value.get("id")).as_deref() == Some(id);
            if same_id && version.is_none_or(|v| text_of(value.get("version")).as_deref() == Some(v)) {
                return value;
            }
            first.get_or_insert(value);
        }
        first.unwrap_or_default()
    }

    /// The contract version a reference binds to: THE binding rule of the mesh, used by port
    /// resolution (and so lineage, checks, `diff`, search and pages) and every link to a
    /// contract by id. ODPS gives a port a `version` of its own and no field for the contract's
    /// version, so the port's version picks a contract version only when one is equal to it;
    /// otherwise the reference binds to the newest active version, else the newest.
    pub fn find_contract(&self, id: &str, version: Option<&str>) -> Option<&ContractKey> {
        let versions = self.index.contract_versions.get(id)?;
        if let Some(same) = version.and_then(|v| versions.iter().find(|k| k.version == v)) {
            return Some(same);
        }
        let active = |k: &&ContractKey| self.contracts.get(*k).is_some_and(|c| c.status == "active");
        versions.iter().rev().find(active).or(versions.last())
    }
}

/// Domain and team ids are slugs, so a reference resolves whatever its case or script.
pub use crate::slug::slugify;
