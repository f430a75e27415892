//! View structs of the "Get access" panel and of the people named near the top of a page (see
//! `views` for what views are); re-exported from `views`.

use super::views::{KeyValue, Link, TeamSummary};
use serde::Serialize;

/// The "Get access" panel of a contract (on its page, and under each output port delivering
/// it): its roles in words, price, usage terms, whom to ask, and the change a consumer makes
/// in its own product descriptor to ask for a role.
#[derive(Debug, Clone, Serialize)]
pub struct AccessView {
    pub contract: Link,
    pub version: String,
    /// ODCS `roles`, in file order; empty when the contract defines none (then `owner` is whom
    /// to ask).
    pub roles: Vec<RoleView>,
    /// "0.04 EUR per gigabyte scanned", from `price`.
    pub price: Option<String>,
    /// `price` keys the line does not say, as written.
    pub price_extra_html: String,
    pub usage_html: String,
    pub limitations_html: String,
    /// Other terms of use (`description.customProperties`, `termsAndConditions` …), labelled.
    pub terms: Vec<KeyValue>,
    /// Links about access (authoritative definitions of the contract or a role whose type or
    /// URL says access).
    pub links: Vec<Link>,
    /// The team whose review grants access: the contract's owner team, else its producer's.
    pub owner: Option<TeamSummary>,
    /// `owner` is the page's own owner team, already named (header and sidebar): the panel
    /// says "the owner team" and links there instead of naming it once more.
    pub owner_is_page_team: bool,
    /// Consumers whose input ports already ask for a role of this contract.
    pub granted: usize,
    /// The input port to add when the contract has no roles (no `accessRole` property).
    pub request_yaml: String,
    pub request_html: String,
    /// Where to make the change, when `[repository]` names a GitHub or GitLab repository: the
    /// forge's new-file page in the products folder.
    pub new_product_url: Option<String>,
    /// With `[repository]` set and a mesh of at most `access::EDIT_LIST_MAX` products: each
    /// other product with the forge page that edits its descriptor (`url` is absolute), so a
    /// reader picks their own without JavaScript.
    pub edit_products: Vec<Link>,
}

/// One ODCS role in words, with the input port that asks for it.
#[derive(Debug, Clone, Serialize)]
pub struct RoleView {
    pub name: String,
    /// "read access", from `access` (the value as written).
    pub access: Option<String>,
    /// What the role grants (its description), escaped HTML.
    pub grants_html: String,
    pub first_approvers: Option<String>,
    pub second_approvers: Option<String>,
    /// "Approved by Priya Raman, then by the Data Protection Office."
    pub approval: String,
    /// The change that asks for this role, as plain YAML and highlighted.
    pub request_yaml: String,
    pub request_html: String,
    /// Keys of the role the line does not say, labelled.
    pub extra_html: String,
}

/// A team member named near the top of a page: the data product owner or steward.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub name: String,
    /// "Data Product Owner" as written in the member's `role`.
    pub role: String,
    /// `owner` or `steward`.
    pub kind: String,
    /// A safe `mailto:` link when the member has an email.
    pub email_url: Option<String>,
    pub email: Option<String>,
}
