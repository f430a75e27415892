//! View structs: the only data templates see. They borrow nothing from templates' point of
//! view: ids are already turned into names and site-relative URLs (`products/x.html`), and
//! user text is already sanitised HTML in fields ending in `_html`.
//!
//! Every page context has `site` (SiteView), `root` (prefix to reach the site root from this
//! page, e.g. `../`), `page_url` (this page's site-relative URL) and one page-specific value
//! named after the template (`product`, `contract`, `domain`, …). See docs/templates.md.

pub use super::observed::{ObservedScoreView, ObservedView};
use serde::Serialize;

// The access panel's and the people's views have a file of their own.
pub use super::views_access::*;

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub counts: Counts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub products: usize,
    pub contracts: usize,
    pub domains: usize,
    pub teams: usize,
    pub guides: usize,
    pub governance: usize,
}

/// A link to another page of the site.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Link {
    pub title: String,
    /// Site-relative URL; `None` when the target has no page.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    pub channel: String,
    /// Only safe schemes (http, https, mailto, relative) ever reach a template.
    pub url: Option<String>,
    pub tool: Option<String>,
    pub scope: Option<String>,
    pub description: Option<String>,
    pub extra_html: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub name: String,
    pub username: Option<String>,
    pub role: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
    pub date_in: Option<String>,
    pub date_out: Option<String>,
    pub replaced_by: Option<String>,
    pub extra_html: String,
}

/// A team as shown in a product's sidebar or a list.
#[derive(Debug, Clone, Serialize)]
pub struct TeamSummary {
    pub link: Link,
    pub email: Option<String>,
    pub oncall: Option<String>,
    pub contacts: Vec<ContactView>,
}

/// One row of the product catalogue, also used in domain and team pages.
#[derive(Debug, Clone, Serialize)]
pub struct ProductRow {
    pub link: Link,
    pub id: String,
    pub status: String,
    pub product_type: String,
    pub domain: Option<Link>,
    pub team: Option<Link>,
    /// At most `lists::ROW_ITEMS` tags and output port names, and how many more there are.
    pub tags: Vec<String>,
    pub tags_more: usize,
    pub output_ports: Vec<String>,
    pub output_ports_more: usize,
    pub purpose: String,
    /// Whether a contract the product outputs holds personal data (`model::personal`).
    pub personal_data: bool,
    /// `failing or stale`, `passing`, or empty without observations (the catalogue's filter).
    pub observed: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContractRow {
    pub link: Link,
    pub id: String,
    pub version: String,
    pub status: String,
    pub domain: Option<Link>,
    pub product: Option<Link>,
    pub objects: usize,
    pub fields: usize,
}

/// A product upstream or downstream of another, through a contract.
#[derive(Debug, Clone, Serialize)]
pub struct LineageLink {
    pub node: Link,
    /// `product` or `external`.
    pub kind: String,
    pub contract: Link,
    pub version: Option<String>,
    pub owner: Option<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PortView {
    pub name: String,
    pub anchor: String,
    pub port_type: Option<String>,
    pub version: Option<String>,
    pub description_html: String,
    pub contract_id: Option<String>,
    pub contract: Option<Link>,
    pub input_contracts: Vec<Link>,
    pub extra_html: String,
    /// `input` or `output`.
    pub direction: String,
    /// For output ports on the product page: the contract's schema (the first fields), quality,
    /// SLA and servers …
    pub detail: Option<ContractDetail>,
    /// … or, when an earlier port of the page outputs the same contract, that port (its
    /// name, and its section's `#anchor` as the URL).
    pub detail_shown_under: Option<Link>,
    /// For output ports on the product page: how to get access to the port's contract.
    pub access: Option<AccessView>,
}

/// A page of a product's ports (`products/<slug>/ports.html`, template `ports.html`, variable
/// `ports`): input ports, then output ports, without the contracts' detail.
#[derive(Debug, Clone, Serialize)]
pub struct PortsPageView {
    pub product: Link,
    pub pager: PagerView,
    pub ports: Vec<PortView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    /// Nesting depth (0 = a top-level property).
    pub depth: usize,
    /// The ODCS stable `id` of the property, when given.
    pub id: Option<String>,
    pub name: String,
    pub path: String,
    pub anchor: String,
    pub business_name: Option<String>,
    pub logical_type: Option<String>,
    pub physical_type: Option<String>,
    pub physical_name: Option<String>,
    pub required: bool,
    pub unique: bool,
    pub primary_key: bool,
    pub primary_key_position: Option<i64>,
    pub partitioned: bool,
    pub partition_key_position: Option<i64>,
    pub critical: bool,
    pub classification: Option<String>,
    pub pii: bool,
    pub description_html: String,
    pub tags: Vec<String>,
    pub examples: Vec<String>,
    pub transform_sources: Vec<String>,
    pub transform_logic: Option<String>,
    pub transform_description: Option<String>,
    pub quality: Vec<QualityRule>,
    pub extra_html: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchemaObjectView {
    pub name: String,
    pub id: Option<String>,
    pub anchor: String,
    pub business_name: Option<String>,
    pub logical_type: Option<String>,
    pub physical_type: Option<String>,
    pub physical_name: Option<String>,
    pub description_html: String,
    pub tags: Vec<String>,
    pub fields: Vec<FieldView>,
    /// The object began on an earlier page of the schema (its description and rules are there).
    pub continued: bool,
    pub quality: Vec<QualityRule>,
    pub extra_html: String,
}

/// One ODCS quality rule in words (`readable::quality_rule`): the line (escaped HTML: the
/// dimension, what is checked, the threshold), its severity, and what the line does not say.
#[derive(Debug, Clone, Serialize)]
pub struct QualityRule {
    pub line_html: String,
    pub severity: String,
    pub description_html: String,
    pub query: String,
    /// Keys the line has no words for, labelled in words (the key itself in each `title`).
    pub extra_html: String,
}

/// One SLA property as a table row: a label and the commitment in words, the element it is
/// measured on, the declaration as written (property, value, unit) and its notes.
#[derive(Debug, Clone, Serialize)]
pub struct SlaRow {
    pub label: String,
    pub commitment: String,
    pub element: String,
    pub declared: String,
    pub notes: String,
    /// Every other key of the SLA property (id, schedule, custom properties, links…), as
    /// written: every value of a descriptor stays visible.
    pub extra_html: String,
}

/// A generic record (quality rule, SLA property, role, server): labelled values in file order.
#[derive(Debug, Clone, Serialize)]
pub struct KeyValues {
    pub title: String,
    pub items: Vec<KeyValue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyValue {
    pub key: String,
    pub value_html: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerView {
    pub name: String,
    pub server_type: Option<String>,
    pub environment: Option<String>,
    pub properties: KeyValues,
    /// Syntax-highlighted "how to consume" snippet.
    pub snippet_html: Option<String>,
}

/// The parts of a contract shown both on its own page and under each output port.
#[derive(Debug, Clone, Serialize)]
pub struct ContractDetail {
    pub link: Link,
    pub version: String,
    pub status: String,
    /// The schema objects with `fields_shown` of the contract's `fields_total` fields; the
    /// contract's own pages show them all.
    pub objects: Vec<SchemaObjectView>,
    pub fields_total: usize,
    pub fields_shown: usize,
    /// The service levels in one line of words ("refreshed every 15 min · kept 25 months").
    pub sla_summary: String,
    pub sla: Vec<SlaRow>,
    pub servers: Vec<ServerView>,
}

/// A later page of a contract's schema (`contracts/<slug>/page/<n>.html`, template
/// `schema.html`, variable `schema`).
#[derive(Debug, Clone, Serialize)]
pub struct SchemaPageView {
    pub contract: Link,
    pub status: String,
    pub objects: Vec<SchemaObjectView>,
    pub pager: PagerView,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub severity: String,
    pub rule: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    pub hint: Option<String>,
}

/// A commit that changed a file, from git (absent outside a repository).
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// Author date, ISO format, UTC.
    pub date: String,
    /// Author name after the repository's mailmap.
    pub author: String,
    /// Abbreviated commit id.
    pub commit: String,
    /// The commit's page on GitHub or GitLab, when `[repository]` names one.
    pub commit_url: Option<String>,
    /// First line of the commit message.
    pub subject: String,
}

/// Facts common to every descriptor page.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub file: String,
    pub edit_url: Option<String>,
    /// The last commit that changed the file; `None` outside git or beyond a shallow clone.
    pub last_change: Option<ChangeView>,
    /// Said instead when the file has no commit ("Not committed yet").
    pub change_note: Option<String>,
    pub api_url: String,
    /// The file's first `RAW_SHOWN` bytes, highlighted; `raw_lines_shown` of `raw_lines`.
    pub raw_html: String,
    pub raw_lines: usize,
    pub raw_lines_shown: usize,
    /// The first `FINDINGS_SHOWN` findings of the file; `finding_counts` counts them all.
    pub findings: Vec<FindingView>,
    pub finding_counts: FindingCounts,
    /// Set when the file is written in an older format (Data Contract or Data Product
    /// Specification), which the page shows translated.
    pub written_in: Option<WrittenInView>,
}

/// The older format a descriptor is written in, with the command that upgrades it.
#[derive(Debug, Clone, Serialize)]
pub struct WrittenInView {
    /// `Data Contract Specification` or `Data Product Specification`.
    pub format: String,
    /// `DCS` or `DPS`.
    pub short: String,
    /// The version the file declares, e.g. `1.1.0`.
    pub version: String,
    /// What the file is read as, e.g. `ODCS v3.1.0`.
    pub read_as: String,
    /// The command that rewrites the file in that standard.
    pub convert_command: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingCounts {
    pub total: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductView {
    pub id: String,
    pub name: String,
    pub url: String,
    pub version: Option<String>,
    pub status: String,
    pub product_type: Option<String>,
    /// `kind` as written (`DataProduct`).
    pub kind: Option<String>,
    pub api_version: Option<String>,
    pub tenant: Option<String>,
    pub domain: Option<Link>,
    pub team: Option<TeamSummary>,
    /// The owner and steward among the team's members (`[people]` in meshport.toml).
    pub people: Vec<PersonView>,
    /// The personal fields of its output contracts ("email", "full_name (restricted)"), the
    /// first `PERSONAL_SHOWN` distinct names of `personal_data_total`.
    pub personal_data: Vec<String>,
    pub personal_data_total: usize,
    pub tags: Vec<String>,
    pub purpose_html: String,
    pub usage_html: String,
    pub limitations_html: String,
    pub description_extra_html: String,
    /// The first input ports and output ports of `inputs_total` and `outputs_total`; when some
    /// are not shown, `ports_url` is the first of the pages listing every port.
    pub inputs: Vec<PortView>,
    pub inputs_total: usize,
    pub outputs: Vec<PortView>,
    pub outputs_total: usize,
    pub ports_url: Option<String>,
    pub support: Vec<ContactView>,
    /// At most `[pages] size` products each way, of `upstream_total` and `downstream_total`.
    pub upstream: Vec<LineageLink>,
    pub upstream_total: usize,
    pub downstream: Vec<LineageLink>,
    pub downstream_total: usize,
    /// Lineage diagram (inline SVG markup, links relative to this page) of the neighbourhood;
    /// `None` when not drawn, with `lineage_note` saying why.
    pub lineage_svg: Option<String>,
    pub lineage_note: Option<String>,
    /// Hops up- and downstream the diagram shows (`[lineage] depth`).
    pub lineage_depth: usize,
    /// Diagram of input contracts feeding output ports (`inputContracts`), when declared.
    pub ports_svg: Option<String>,
    /// Every product downstream, transitively (nearest first, at most 50 listed) …
    pub impact: Vec<ImpactView>,
    /// … how many there are in all …
    pub impact_total: usize,
    /// … the owner teams to tell, with their contacts …
    pub impact_teams: Vec<ImpactTeamView>,
    /// … and how many products are 1, 2, … hops downstream.
    pub impact_hops: Vec<HopCount>,
    /// Every other key of the descriptor (custom properties, management ports, …).
    pub extra_html: String,
    /// What CI artifacts observed for it and its output contracts (`partials/observed.html`).
    pub observed: Option<ObservedView>,
    pub scorecard: ScoreView,
    pub source: SourceView,
    /// Recent commits touching the descriptor or its output ports' contracts, newest first.
    pub history: Vec<ChangeView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContractView {
    pub id: String,
    pub name: String,
    pub url: String,
    pub version: String,
    pub status: String,
    /// `kind` as written (`DataContract`).
    pub kind: Option<String>,
    pub api_version: Option<String>,
    pub tenant: Option<String>,
    pub domain: Option<Link>,
    pub product: Option<Link>,
    pub team: Option<TeamSummary>,
    pub members: Vec<MemberView>,
    pub tags: Vec<String>,
    pub purpose_html: String,
    pub usage_html: String,
    pub limitations_html: String,
    pub description_extra_html: String,
    /// Page 1 of the schema (with SLA and servers); `schema_pager` leads to the others.
    pub detail: ContractDetail,
    pub schema_pager: PagerView,
    /// How to get access: roles, approvers, price, terms and the change that asks for a role.
    pub access: AccessView,
    /// The owner and steward among the team's members (`[people]` in meshport.toml).
    pub people: Vec<PersonView>,
    pub support: Vec<ContactView>,
    /// At most `[pages] size` producers and consumers, with their totals.
    pub producers: Vec<Link>,
    pub producers_total: usize,
    pub consumers: Vec<Link>,
    pub consumers_total: usize,
    pub other_versions: Vec<Link>,
    /// Field-level lineage diagram (`transformSourceObjects`), when the contract declares any.
    pub lineage_svg: Option<String>,
    pub lineage_note: Option<String>,
    /// The same field-level lineage as rows (the diagram's text alternative), at most
    /// `[pages] size` of `field_lineage_total`; each field's row in the schema says it too.
    pub field_lineage: Vec<FieldLineageView>,
    pub field_lineage_total: usize,
    pub extra_html: String,
    pub source: SourceView,
    /// What CI artifacts observed for this version (`partials/observed.html`).
    pub observed: Option<ObservedView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DomainView {
    pub id: String,
    pub name: String,
    pub url: String,
    pub description: Option<String>,
    pub owner: Option<TeamSummary>,
    pub contacts: Vec<ContactView>,
    pub body_html: String,
    /// The first page of the domain's products; `products_pager` leads to the others.
    pub products: Vec<ProductRow>,
    pub products_pager: PagerView,
    pub contracts: Vec<ContractRow>,
    pub contracts_pager: PagerView,
    pub teams: Vec<Link>,
    /// Products of other domains exchanging data with this one (at most 50 each way;
    /// `exchanges` counts them all, per other domain).
    pub upstream: Vec<LineageLink>,
    pub downstream: Vec<LineageLink>,
    pub upstream_total: usize,
    pub downstream_total: usize,
    pub exchanges: Vec<ExchangeView>,
    /// Diagram of the domain's products and their direct exchanges (inline SVG).
    pub lineage_svg: Option<String>,
    pub lineage_note: Option<String>,
    pub status_mix: Vec<StatusCount>,
    pub scorecard: Option<DomainScoreView>,
    pub source: Option<PageSource>,
}

/// Product links between a domain and another domain (or external sources: `domain` None).
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeView {
    pub domain: Option<Link>,
    /// Links from the other domain into this one, and from this one out to it.
    pub upstream: usize,
    pub downstream: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamView {
    pub id: String,
    pub name: String,
    pub url: String,
    pub description: Option<String>,
    pub domain: Option<Link>,
    pub email: Option<String>,
    pub oncall: Option<String>,
    pub contacts: Vec<ContactView>,
    pub members: Vec<MemberView>,
    pub body_html: String,
    /// The first page of the team's products; `products_pager` leads to the others.
    pub products: Vec<ProductRow>,
    pub products_pager: PagerView,
    pub domains_owned: Vec<Link>,
    pub source: Option<PageSource>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageSource {
    pub file: String,
    pub edit_url: Option<String>,
    pub last_change: Option<ChangeView>,
    pub change_note: Option<String>,
    pub extra_html: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TocView {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A guide or governance document.
#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    pub title: String,
    pub url: String,
    pub description: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub date: Option<String>,
    pub section: String,
    pub body_html: String,
    pub toc: Vec<TocView>,
    pub source: PageSource,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusCount {
    pub status: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DomainCount {
    pub domain: Link,
    pub products: usize,
    pub contracts: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    pub title: String,
    pub body_html: String,
    pub domains: Vec<DomainCount>,
    pub status_mix: Vec<StatusCount>,
    pub guides: Vec<Link>,
    pub recent: Vec<ProductRow>,
}

/// A list page (domains, teams, guides, governance docs).
#[derive(Debug, Clone, Serialize)]
pub struct ListItem {
    pub link: Link,
    pub description: Option<String>,
    pub meta: Vec<String>,
}

/// A product downstream of another, directly or through others ("who to tell").
#[derive(Debug, Clone, Serialize)]
pub struct ImpactView {
    pub product: Link,
    /// Hops from the changed product (1 = reads it directly).
    pub depth: usize,
    pub status: String,
    pub domain: Option<Link>,
    pub team: Option<Link>,
}

/// How many impacted products are this many hops downstream.
#[derive(Debug, Clone, Serialize)]
pub struct HopCount {
    pub hops: usize,
    pub products: usize,
}

/// An owner team of impacted products, with its contacts; `team` is `None` for products
/// without a declared owner.
#[derive(Debug, Clone, Serialize)]
pub struct ImpactTeamView {
    pub team: Option<TeamSummary>,
    pub products: usize,
}

/// One `transformSourceObjects` hint: a source object feeding a field of the contract.
#[derive(Debug, Clone, Serialize)]
pub struct FieldLineageView {
    pub source: String,
    /// The contract page (and schema anchor) of the source object, when the mesh has it.
    pub source_url: Option<String>,
    pub field: String,
    pub anchor: String,
    /// The field's row on the contract's pages (site-relative, with the anchor).
    pub field_url: String,
}

/// Data flowing between two domains: how many product-to-product links.
#[derive(Debug, Clone, Serialize)]
pub struct DomainLinkView {
    pub from: Link,
    pub to: Link,
    pub links: usize,
}

/// The mesh map page (`lineage/index.html`, template `map.html`, variable `map`).
#[derive(Debug, Clone, Serialize)]
pub struct MapView {
    pub domains_svg: Option<String>,
    pub domains_note: Option<String>,
    pub products_svg: Option<String>,
    pub products_note: Option<String>,
    pub domain_links: Vec<DomainLinkView>,
    /// Sources outside the mesh and the products reading them: the first `[pages] size` of
    /// `external_total`.
    pub external: Vec<LineageLink>,
    pub external_total: usize,
    pub products: usize,
    pub edges: usize,
    pub max_nodes: usize,
}

/// A rule as listed on the rules page and in scorecards.
#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    pub id: String,
    pub severity: String,
    pub scope: String,
    pub summary: String,
    pub hint: String,
    /// Site-relative link to the rule on the rules page.
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailedRuleView {
    pub rule: RuleView,
    /// The worst severity among its findings.
    pub severity: String,
    pub findings: usize,
}

/// A product's governance score: passed and failed scored rules.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreView {
    pub score: u32,
    pub passed: Vec<RuleView>,
    pub failed: Vec<FailedRuleView>,
    pub errors: usize,
    pub warnings: usize,
    /// Observed quality and freshness, apart from the score (`partials/observed.html`).
    pub observed: ObservedScoreView,
}

#[derive(Debug, Clone, Serialize)]
pub struct DomainScoreView {
    pub domain: Link,
    pub rank: usize,
    pub score: u32,
    pub products: usize,
    pub errors: usize,
    pub warnings: usize,
    pub observed: ObservedScoreView,
}

/// One open finding on the governance page.
#[derive(Debug, Clone, Serialize)]
pub struct OpenFinding {
    pub severity: String,
    pub rule: RuleView,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// The page of the product, contract, team or domain the file belongs to.
    pub page: Option<Link>,
}

/// A rule whose level the mesh's policies set.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRow {
    pub rule: RuleView,
    pub global: String,
    /// `domain: level` for each domain that is stricter.
    pub domains: Vec<String>,
}

/// The mesh-wide governance page.
#[derive(Debug, Clone, Serialize)]
pub struct GovernanceView {
    pub score: u32,
    /// Observed quality and freshness of all products, apart from the score.
    pub observed: ObservedScoreView,
    pub policies: Vec<PolicyRow>,
    /// `domain: tag, tag` for every required tag setting (`*` for global).
    pub required_tags: Vec<String>,
    pub domains: Vec<DomainScoreView>,
    /// The first page of products (lowest score first) and of open findings; the pagers
    /// lead to the others (`scorecard/products/…`, `scorecard/findings/…`).
    pub products: Vec<ProductScoreRow>,
    pub products_pager: PagerView,
    /// Open findings per rule, most first.
    pub rules: Vec<RuleCountView>,
    pub findings: Vec<OpenFinding>,
    pub findings_pager: PagerView,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCountView {
    pub rule: RuleView,
    /// The worst severity among its findings.
    pub severity: String,
    pub findings: usize,
}

/// A later page of the scorecard's product or finding list (template `scorecard_list.html`,
/// variable `list`); one of `products` and `findings` is empty.
#[derive(Debug, Clone, Serialize)]
pub struct ScorecardListView {
    pub heading: String,
    pub pager: PagerView,
    pub products: Vec<ProductScoreRow>,
    pub findings: Vec<OpenFinding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductScoreRow {
    pub product: Link,
    pub domain: Option<Link>,
    pub score: u32,
    pub errors: usize,
    pub warnings: usize,
}

/// Where a page sits in a list split into pages (`[pages] size` rows each): numbered links to
/// the first and last pages and those around this one, so every page is reachable without
/// JavaScript. Templates show it only when `pages > 1`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct PagerView {
    /// This page, from 1.
    pub page: usize,
    pub pages: usize,
    /// Rows in the whole list, and the 1-based positions of this page's first and last row.
    pub total: usize,
    pub from: usize,
    pub to: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub links: Vec<PagerLink>,
}

/// One numbered link of a pager; `url` is `None` for the current page, and `gap` marks pages
/// left out before this one.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PagerLink {
    pub number: usize,
    pub url: Option<String>,
    pub gap: bool,
}

/// A group of a list (a domain in the catalogue) with its size and where its rows are.
#[derive(Debug, Clone, Serialize)]
pub struct GroupLink {
    pub link: Link,
    pub count: usize,
}
