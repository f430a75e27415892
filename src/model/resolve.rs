//! Turning raw files into the resolved `Mesh`: typed deserialisation with error positions,
//! required keys, duplicate ids, domains and teams (merged from pages and descriptor blocks),
//! contract references, reverse indexes and lineage edges.

use super::{lineage, raw, Contact, Contract, ContractKey, Domain, Mesh, Origin, Page, Port, Product, Team, WrittenIn};
use crate::check::rules::RuleId;
use crate::check::schema::DocKind;
use crate::check::versions::{self, Declared};
use crate::config::Config;
use crate::diag::{Diagnostics, Related, Span};
use crate::source::{Document, Section, SourceFile, SourceSet, YamlDoc};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;

/// Builds the mesh from everything read; problems become findings in `diags`.
pub fn resolve(config: Config, sources: SourceSet, diags: &mut Diagnostics) -> Mesh {
    let mut mesh = Mesh {
        config,
        texts: sources.texts,
        ..Default::default()
    };
    let mut duplicates = Duplicates::default();
    for file in sources.files {
        add_file(&mut mesh, file, &mut duplicates, diags);
    }
    duplicates.report(diags);
    mesh.guides.sort_by_cached_key(page_order);
    mesh.governance.sort_by_cached_key(page_order);
    link_teams_and_domains(&mut mesh);
    build_indexes(&mut mesh);
    resolve_ports(&mut mesh);
    mesh.edges = lineage::edges(&mesh);
    lineage::index_edges(&mut mesh);
    mesh
}

fn page_order(p: &Page) -> (i64, String, String) {
    (
        p.front.weight.unwrap_or(i64::MAX),
        p.title.to_lowercase(),
        p.slug.clone(),
    )
}

fn add_file(mesh: &mut Mesh, file: SourceFile, duplicates: &mut Duplicates, diags: &mut Diagnostics) {
    let rel = file.rel;
    match file.doc {
        Document::Product(doc) => {
            if let Some(p) = product(&rel, doc, written_in(&file.legacy), diags) {
                insert_unique_product(mesh, p, duplicates);
            }
        }
        Document::Contract(doc) => {
            if let Some(c) = contract(&rel, doc, written_in(&file.legacy), diags) {
                insert_unique_contract(mesh, c, duplicates);
            }
        }
        Document::Policies(doc) => {
            mesh.policies = Some(Origin {
                file: rel,
                doc,
                written_in: None,
            })
        }
        Document::Page {
            section,
            front,
            body,
            body_line,
        } => {
            if let Some(page) = page(&rel, front, body, body_line, diags) {
                add_page(mesh, section, page, diags);
            }
        }
    }
}

fn written_in(legacy: &Option<Box<crate::source::legacy::Legacy>>) -> Option<WrittenIn> {
    legacy.as_ref().map(|l| WrittenIn {
        format: l.format,
        version: l.version.clone(),
    })
}

/// Deserialises a typed view of `doc`; a type error is reported at the offending value.
pub fn typed<T: DeserializeOwned>(rel: &str, doc: &YamlDoc, diags: &mut Diagnostics) -> Option<T> {
    typed_as(RuleId::DescriptorType, rel, doc, diags)
}

/// Like `typed`, reporting under another rule (for files that are not descriptors).
pub fn typed_as<T: DeserializeOwned>(rule: RuleId, rel: &str, doc: &YamlDoc, diags: &mut Diagnostics) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(&doc.value) {
        Ok(v) => Some(v),
        Err(e) => {
            let pointer = path_to_pointer(e.path());
            let msg = e.inner().to_string();
            let at = if pointer.is_empty() {
                String::new()
            } else {
                format!(" at `{}`", pointer)
            };
            diags.push(
                rule.at(
                    rel,
                    doc.span(&pointer),
                    format!(
                        "{}{at}: {msg}",
                        if msg.starts_with("unknown field") {
                            "unknown key"
                        } else {
                            "wrong type"
                        }
                    ),
                )
                .with_hint("check the value's type against the standard (text, number, true/false, list or mapping)"),
            );
            None
        }
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out.push_str(&format!("/{}", crate::source::yaml::escape_token(key))),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// The identity keys of a descriptor, read from the document itself rather than its typed
/// view: they are checked even when another part of the file (`schema`, `servers`) has a shape
/// the typed view cannot read.
fn identity(doc: &YamlDoc, key: &str) -> Option<String> {
    match doc.value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reports a missing or empty identity key; true when it has a value.
fn required(rel: &str, doc: &YamlDoc, key: &str, what: &str, diags: &mut Diagnostics) -> bool {
    let value = identity(doc, key);
    if value.as_deref().is_some_and(|v| !v.trim().is_empty()) {
        return true;
    }
    let message = match (&value, doc.value.get(key)) {
        (Some(_), _) => format!("`{key}` is empty"),
        (None, Some(v)) if !v.is_null() => return true, // a wrong type: the schema check reports it
        _ => format!("`{key}` is required"),
    };
    let hint = match value {
        Some(_) => format!("write {what} after `{key}:`"),
        None => format!("add `{key}:` with {what}"),
    };
    diags.push(
        RuleId::DescriptorRequired
            .at(rel, doc.span(&format!("/{key}")), message)
            .with_hint(hint),
    );
    false
}

/// Checks `apiVersion`; false when the file declares a version older than any meshport reads,
/// which gets this one finding and nothing else (its structure is another standard's).
fn check_api_version(rel: &str, doc: &YamlDoc, kind: DocKind, diags: &mut Diagnostics) -> bool {
    let Some(v) = versions::api_version_of(&doc.value) else {
        return true;
    };
    let (standard, upgrade) = match kind {
        DocKind::Product => ("ODPS", "rewrite it in ODPS v1.0.0 or later (see the ODPS changelog)"),
        DocKind::Contract => (
            "ODCS",
            "upgrade it to ODCS v3 (`dataset` became `schema`, columns became `properties`; \
             datacontract-cli `datacontract import --format odcs` converts v2 files)",
        ),
    };
    let allowed = versions::supported_list(kind);
    match versions::declared(kind, &v) {
        Declared::Supported => true,
        Declared::Older => {
            diags.push(
                RuleId::DescriptorApiVersion
                    .at(
                        rel,
                        doc.span("/apiVersion"),
                        format!(
                            "{standard} `{v}` is older than {}, the oldest version meshport reads; the file was not checked further nor rendered",
                            versions::oldest(kind)
                        ),
                    )
                    .with_hint(format!("{upgrade}; meshport reads {allowed}")),
            );
            false
        }
        Declared::Unknown => {
            diags.push(
                RuleId::DescriptorApiVersion
                    .at(rel, doc.span("/apiVersion"), format!("unsupported apiVersion `{v}`"))
                    .with_hint(format!("use one of {allowed}")),
            );
            true
        }
    }
}

fn product(rel: &str, doc: YamlDoc, written_in: Option<WrittenIn>, diags: &mut Diagnostics) -> Option<Product> {
    // A file in an older format has its identity keys checked as written (check::schema).
    let mut translated_only = Diagnostics::new();
    let identity = if written_in.is_some() {
        &mut translated_only
    } else {
        &mut *diags
    };
    if !check_api_version(rel, &doc, DocKind::Product, identity) {
        return None;
    }
    let has_id = required(rel, &doc, "id", "a unique id for the product", identity);
    required(rel, &doc, "apiVersion", "the ODPS version, e.g. v1.0.0", identity);
    let raw: raw::Product = typed(rel, &doc, diags)?;
    if !has_id {
        return None;
    }
    let id = raw.id.clone().unwrap_or_default();
    let ports = |list: Vec<(Option<String>, Option<String>, Option<String>)>, key: &str| {
        list.into_iter()
            .enumerate()
            .map(|(i, (name, contract_id, version))| Port {
                name: name.unwrap_or_else(|| format!("{key} {}", i + 1)),
                contract_id,
                version,
                contract: None,
                source_system: None,
                pointer: format!("/{key}/{i}"),
            })
            .collect::<Vec<_>>()
    };
    let mut inputs = ports(
        raw.input_ports
            .iter()
            .map(|p| (p.name.clone(), p.contract_id.clone(), p.version.clone()))
            .collect(),
        "inputPorts",
    );
    for (port, written) in inputs.iter_mut().zip(&raw.input_ports) {
        port.source_system = custom_text(&written.extra, "sourceSystemId");
    }
    let outputs = ports(
        raw.output_ports
            .iter()
            .map(|p| (p.name.clone(), p.contract_id.clone(), p.version.clone()))
            .collect(),
        "outputPorts",
    );
    Some(Product {
        name: raw.name.clone().unwrap_or_else(|| id.clone()),
        status: raw.status.clone().unwrap_or_else(|| "unknown".into()).to_lowercase(),
        domain: raw.domain.as_deref().map(super::slugify),
        team: raw.team.clone().map(|t| t.into_block()).and_then(|b| team_ref(&b)),
        team_written: doc.value.get("team").cloned(),
        description: raw
            .description
            .clone()
            .map(|d| d.into_description())
            .unwrap_or_default(),
        id,
        inputs,
        outputs,
        raw,
        origin: Origin {
            file: rel.to_string(),
            doc,
            written_in,
        },
    })
}

/// The text of the custom property `property` in the `customProperties` of `extra`.
fn custom_text(extra: &raw::Extra, property: &str) -> Option<String> {
    extra
        .get("customProperties")?
        .as_array()?
        .iter()
        .find(|p| p.get("property").and_then(Value::as_str) == Some(property))?
        .get("value")?
        .as_str()
        .map(str::to_string)
}

/// The team id a descriptor's `team` block refers to: its id, else its name, slugified.
fn team_ref(block: &raw::TeamBlock) -> Option<String> {
    block.id.as_deref().or(block.name.as_deref()).map(super::slugify)
}

fn contract(rel: &str, doc: YamlDoc, written_in: Option<WrittenIn>, diags: &mut Diagnostics) -> Option<Contract> {
    let mut translated_only = Diagnostics::new();
    let identity = if written_in.is_some() {
        &mut translated_only
    } else {
        &mut *diags
    };
    if !check_api_version(rel, &doc, DocKind::Contract, identity) {
        return None;
    }
    let has_id = required(rel, &doc, "id", "the contract id that ports reference", identity);
    let has_version = required(rel, &doc, "version", "the contract version, e.g. 1.0.0", identity);
    required(rel, &doc, "apiVersion", "the ODCS version, e.g. v3.1.0", identity);
    required(rel, &doc, "status", "e.g. active, draft, deprecated", identity);
    let raw: raw::Contract = typed(rel, &doc, diags)?;
    if !(has_id && has_version) {
        return None;
    }
    let key = ContractKey {
        id: raw.id.clone().unwrap_or_default(),
        version: raw.version.clone().unwrap_or_default(),
    };
    Some(Contract {
        name: raw.name.clone().unwrap_or_else(|| key.id.clone()),
        status: raw.status.clone().unwrap_or_else(|| "unknown".into()).to_lowercase(),
        domain: raw.domain.as_deref().map(super::slugify),
        team: raw.team.clone().map(|t| t.into_block()).and_then(|b| team_ref(&b)),
        team_written: doc.value.get("team").cloned(),
        contacts: raw.support.as_ref().map(contacts_from_value).unwrap_or_default(),
        description: raw
            .description
            .clone()
            .map(|d| d.into_description())
            .unwrap_or_default(),
        key,
        raw,
        origin: Origin {
            file: rel.to_string(),
            doc,
            written_in,
        },
    })
}

/// ODCS `support` is a list of channels (3.1) or, in some drafts, a single mapping.
fn contacts_from_value(v: &Value) -> Vec<Contact> {
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => vec![v],
        _ => vec![],
    };
    items
        .into_iter()
        .filter_map(|i| serde_json::from_value::<raw::SupportChannel>(i.clone()).ok())
        .filter_map(|s| contact(&s))
        .collect()
}

pub fn contact(s: &raw::SupportChannel) -> Option<Contact> {
    let channel = s.channel.clone().or_else(|| s.url.clone())?;
    let mut extra = s.extra.clone();
    for (k, v) in [("id", &s.id), ("invitationUrl", &s.invitation_url)] {
        if let Some(v) = v {
            extra.insert(k.to_string(), Value::String(v.clone()));
        }
    }
    Some(Contact {
        channel,
        url: s.url.clone(),
        tool: s.tool.clone(),
        scope: s.scope.clone(),
        description: s.description.clone(),
        extra,
    })
}

fn insert_unique_product(mesh: &mut Mesh, p: Product, duplicates: &mut Duplicates) {
    if let Some(first) = mesh.products.get(&p.id) {
        duplicates.add("product", format!("`{}`", p.id), &first.origin, &p.origin);
        return;
    }
    mesh.products.insert(p.id.clone(), p);
}

fn insert_unique_contract(mesh: &mut Mesh, c: Contract, duplicates: &mut Duplicates) {
    if let Some(first) = mesh.contracts.get(&c.key) {
        let label = format!("`{}` version {}", c.key.id, c.key.version);
        duplicates.add("contract", label, &first.origin, &c.origin);
        return;
    }
    mesh.contracts.insert(c.key.clone(), c);
}

/// Every place each duplicated id is defined, the kept (first) one first: a group of n
/// definitions is one finding naming all n places, not a finding per pair.
#[derive(Default)]
struct Duplicates(BTreeMap<(&'static str, String), Vec<(String, Span)>>);

impl Duplicates {
    fn add(&mut self, what: &'static str, label: String, first: &Origin, again: &Origin) {
        let place = |o: &Origin| (o.file.clone(), o.doc.span("/id"));
        self.0
            .entry((what, label))
            .or_insert_with(|| vec![place(first)])
            .push(place(again));
    }

    fn report(self, diags: &mut Diagnostics) {
        for ((what, label), places) in self.0 {
            let Some(((file, at), others)) = places.split_first() else {
                continue;
            };
            let listed: Vec<String> = others
                .iter()
                .map(|(f, s)| format!("{f}:{}:{}", s.start.line, s.start.column))
                .collect();
            let message = format!(
                "{what} id {label} is defined {} times: here and at {}",
                places.len(),
                listed.join(", ")
            );
            let mut finding = RuleId::IdDuplicate
                .at(file, *at, message)
                .with_hint("ids must be unique across the mesh: rename all but one, or bump the version of a contract; the portal shows the one defined here");
            for (f, s) in others {
                finding = finding.with_related(Related::new(f, *s, format!("{what} {label} also defined here")));
            }
            diags.push(finding);
        }
    }
}

fn page(rel: &str, front_doc: YamlDoc, body: String, body_line: u32, diags: &mut Diagnostics) -> Option<Page> {
    let front: raw::FrontMatter = typed(rel, &front_doc, diags)?;
    let stem = rel.rsplit('/').next().unwrap_or(rel).trim_end_matches(".md");
    let slug = super::slugify(front.id.as_deref().unwrap_or(stem));
    let title = front
        .title
        .clone()
        .or_else(|| front.name.clone())
        .unwrap_or_else(|| stem.replace('-', " "));
    Some(Page {
        file: rel.to_string(),
        slug,
        title,
        front,
        front_doc,
        body,
        body_line,
    })
}

fn add_page(mesh: &mut Mesh, section: Section, page: Page, diags: &mut Diagnostics) {
    match section {
        Section::Home => mesh.home = Some(page),
        Section::Guide => mesh.guides.push(page),
        Section::Governance => mesh.governance.push(page),
        Section::Domain => match mesh.domains.get(&page.slug).and_then(|d| d.page.as_ref()) {
            Some(first) => same_page_id(diags, "domain", first, &page),
            None => {
                let d = domain_from_page(page);
                mesh.domains.insert(d.id.clone(), d);
            }
        },
        Section::Team => match mesh.teams.get(&page.slug).and_then(|t| t.page.as_ref()) {
            Some(first) => same_page_id(diags, "team", first, &page),
            None => {
                let t = team_from_page(page);
                mesh.teams.insert(t.id.clone(), t);
            }
        },
    }
}

/// Two domain or team pages with one id: the first keeps it, and both files get a finding
/// naming the other. The same written id is a duplicate; different ids with one slug (`Sales`
/// and `sales`, `Über` and `uber`) collide on the page name.
fn same_page_id(diags: &mut Diagnostics, what: &str, first: &Page, second: &Page) {
    let written = |p: &Page| p.written_id().to_string();
    let at = |p: &Page| -> Span {
        if p.front.id.is_some() {
            p.front_doc.span("/id")
        } else {
            crate::diag::Pos::new(1, 1).into()
        }
    };
    let (rule, hint) = if written(first) == written(second) {
        (
            RuleId::IdDuplicate,
            "ids must be unique across the mesh: rename one of the files (or its `id:`)",
        )
    } else {
        (RuleId::IdPageCollision, "page names are ids lower-cased and transliterated to ASCII: rename one file, or set `id:` in its front matter, so they differ after that")
    };
    for (this, other) in [(first, second), (second, first)] {
        let pos = at(other);
        let msg = format!(
            "{what} `{}` and {what} `{}` ({}:{}:{}) would share the page `{what}s/{}.html`",
            written(this),
            written(other),
            other.file,
            pos.start.line,
            pos.start.column,
            this.slug
        );
        let related = Related::new(&other.file, pos, format!("{what} `{}`", written(other)));
        diags.push(rule.at(&this.file, at(this), msg).with_hint(hint).with_related(related));
    }
}

fn domain_from_page(page: Page) -> Domain {
    let f = &page.front;
    Domain {
        id: page.slug.clone(),
        name: f.name.clone().unwrap_or_else(|| page.title.clone()),
        description: f.description.clone(),
        owner: f.owner.as_deref().map(super::slugify),
        contacts: f.contacts.iter().filter_map(contact).collect(),
        page: Some(page),
    }
}

fn team_from_page(page: Page) -> Team {
    let f = &page.front;
    let mut contacts: Vec<Contact> = f.contacts.iter().filter_map(contact).collect();
    if let Some(chat) = f.chat.as_ref().and_then(chat_contact) {
        contacts.insert(0, chat);
    }
    Team {
        id: page.slug.clone(),
        name: f.name.clone().unwrap_or_else(|| page.title.clone()),
        description: f.description.clone(),
        domain: f.domain.as_deref().map(super::slugify),
        email: f.email.clone(),
        oncall: f.oncall.clone(),
        contacts,
        members: f.members.clone(),
        page: Some(page),
        mentioned_in: Vec::new(),
    }
}

/// `chat:` is either a channel name or `{channel, url}`.
fn chat_contact(v: &Value) -> Option<Contact> {
    match v {
        Value::String(s) => Some(Contact {
            channel: s.clone(),
            url: None,
            tool: Some("chat".into()),
            scope: None,
            description: None,
            extra: Default::default(),
        }),
        Value::Object(_) => serde_json::from_value::<raw::SupportChannel>(v.clone())
            .ok()
            .and_then(|s| {
                contact(&s).map(|mut c| {
                    c.tool.get_or_insert_with(|| "chat".into());
                    c
                })
            }),
        _ => None,
    }
}

/// Teams named in descriptors but without a page are created from the descriptor's `team`
/// block (members merged); domains named anywhere but without a page get a bare entry.
fn link_teams_and_domains(mesh: &mut Mesh) {
    let mut blocks: Vec<(String, raw::TeamBlock, Vec<Contact>, Option<String>)> = Vec::new();
    for p in mesh.products.values() {
        if let (Some(id), Some(t)) = (&p.team, &p.raw.team) {
            let support = p.raw.support.iter().filter_map(contact).collect();
            blocks.push((id.clone(), t.clone().into_block(), support, Some(p.origin.file.clone())));
        }
    }
    for c in mesh.contracts.values() {
        if let (Some(id), Some(t)) = (&c.team, &c.raw.team) {
            blocks.push((
                id.clone(),
                t.clone().into_block(),
                c.contacts.clone(),
                Some(c.origin.file.clone()),
            ));
        }
    }
    for (id, block, support, file) in blocks {
        merge_team_block(mesh, id, block, support, file);
    }
    let named: Vec<String> = mesh
        .products
        .values()
        .filter_map(|p| p.domain.clone())
        .chain(mesh.contracts.values().filter_map(|c| c.domain.clone()))
        .chain(mesh.teams.values().filter_map(|t| t.domain.clone()))
        .collect();
    for id in named {
        mesh.domains.entry(id.clone()).or_insert_with(|| Domain {
            name: id.clone(),
            id,
            ..Default::default()
        });
    }
}

fn merge_team_block(mesh: &mut Mesh, id: String, block: raw::TeamBlock, support: Vec<Contact>, file: Option<String>) {
    let team = mesh.teams.entry(id.clone()).or_insert_with(|| Team {
        name: block.name.clone().unwrap_or_else(|| id.clone()),
        description: block.description.clone(),
        id: id.clone(),
        ..Default::default()
    });
    let has_page = team.page.is_some();
    for m in block.members {
        let known = team
            .members
            .iter()
            .any(|k| k.username.is_some() && k.username == m.username);
        if !known && !has_page {
            team.members.push(m);
        }
    }
    if !has_page {
        for c in support {
            if !team.contacts.contains(&c) {
                team.contacts.push(c);
            }
        }
    }
    team.mentioned_in.extend(file);
}

fn build_indexes(mesh: &mut Mesh) {
    let idx = &mut mesh.index;
    for p in mesh.products.values() {
        if let Some(d) = &p.domain {
            idx.products_by_domain.entry(d.clone()).or_default().push(p.id.clone());
        }
        if let Some(t) = &p.team {
            idx.products_by_team.entry(t.clone()).or_default().push(p.id.clone());
        }
        for port in &p.outputs {
            if let Some(c) = &port.contract_id {
                push_unique(idx.producers.entry(c.clone()).or_default(), &p.id);
            }
        }
        for port in &p.inputs {
            if let Some(c) = &port.contract_id {
                push_unique(idx.consumers.entry(c.clone()).or_default(), &p.id);
            }
        }
    }
    for c in mesh.contracts.values() {
        idx.contract_versions
            .entry(c.key.id.clone())
            .or_default()
            .push(c.key.clone());
        if let Some(d) = &c.domain {
            idx.contracts_by_domain
                .entry(d.clone())
                .or_default()
                .push(c.key.clone());
        }
    }
    for versions in idx.contract_versions.values_mut() {
        versions.sort_by(|a, b| compare_versions(&a.version, &b.version));
    }
}

/// Products are indexed one at a time, so a product already in the list is its last entry:
/// comparing with the last keeps this O(1) (a scan made a contract read by 10,000 products
/// quadratic).
fn push_unique(list: &mut Vec<String>, id: &str) {
    if list.last().map(String::as_str) != Some(id) {
        list.push(id.to_string());
    }
}

/// Orders versions numerically where they are dotted numbers (`1.10.0` after `1.9.0`).
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| -> Vec<(u64, String)> {
        s.trim_start_matches('v')
            .split(['.', '-'])
            .map(|p| (p.parse().unwrap_or(0), p.to_string()))
            .collect()
    };
    parts(a).cmp(&parts(b))
}

fn resolve_ports(mesh: &mut Mesh) {
    let keys: BTreeMap<(String, Option<String>), Option<super::ContractKey>> = mesh
        .products
        .values()
        .flat_map(|p| p.inputs.iter().chain(p.outputs.iter()))
        .filter_map(|port| port.contract_id.clone().map(|c| (c, port.version.clone())))
        .map(|(c, v)| {
            let found = mesh.find_contract(&c, v.as_deref()).cloned();
            ((c, v), found)
        })
        .collect();
    for p in mesh.products.values_mut() {
        for port in p.inputs.iter_mut().chain(p.outputs.iter_mut()) {
            if let Some(c) = &port.contract_id {
                port.contract = keys.get(&(c.clone(), port.version.clone())).cloned().flatten();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("1.10.0", "1.9.0"), Ordering::Greater);
        assert_eq!(compare_versions("v2", "1.0.0"), Ordering::Greater);
    }
}
