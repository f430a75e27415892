//! The resolved mesh: one in-memory model built from every source file. Relations are ids;
//! reverse indexes (products of a domain or team, producers and consumers of a contract) are
//! built once here so later stages never scan.

pub mod lineage;
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
    pub doc: YamlDoc,
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
    /// The contract file this port resolves to, if there is one.
    pub contract: Option<ContractKey>,
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
    /// Drops the source positions of every descriptor (see `YamlDoc::forget_positions`): for
    /// callers that only render from here on.
    pub fn forget_positions(&mut self) {
        let origins = self.products.values_mut().map(|p| &mut p.origin);
        for o in origins.chain(self.contracts.values_mut().map(|c| &mut c.origin)) {
            o.doc.forget_positions();
        }
    }

    /// The contract a reference points at: the exact version when given and present,
    /// otherwise the newest version of that id.
    pub fn find_contract(&self, id: &str, version: Option<&str>) -> Option<&ContractKey> {
        let versions = self.index.contract_versions.get(id)?;
        match version {
            Some(v) => versions.iter().find(|k| k.version == v),
            None => versions.last(),
        }
    }
}

/// Domain and team ids are slugs, so a reference resolves whatever its case or script.
pub use crate::slug::slugify;
