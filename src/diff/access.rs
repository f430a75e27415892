//! Access requests: a product that starts reading a contract with roles (a new input port), or
//! asks for another role on an existing port, is asking for access. The pull request edits the
//! consumer's file, so the report names the producing team whose review grants it, and the
//! reviewers CI can request.

use super::{Location, Pair, Side};
use crate::model::access::{producing_team, requested_role, roles, Role};
use crate::model::{raw, Contract, Mesh, Product};
use serde::Serialize;

/// One access request.
#[derive(Debug, Clone, Serialize)]
pub struct AccessRequest {
    pub consumer: String,
    pub consumer_name: String,
    pub port: String,
    pub contract_id: String,
    pub contract_version: String,
    /// The role asked for (`accessRole`); `None` when the port names none.
    pub role: Option<String>,
    /// The role's definition, when the contract has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<String>,
    pub first_level_approvers: Option<String>,
    pub second_level_approvers: Option<String>,
    /// Whether the contract defines the role asked for.
    pub role_defined: bool,
    /// Every role the contract defines.
    pub roles: Vec<String>,
    /// The team whose review grants access, with its name.
    pub producing_team: Option<String>,
    pub producing_team_name: Option<String>,
    /// Forge usernames of the producing team's owners and stewards (`[people]`), else of every
    /// member with a username: whom CI asks for a review.
    pub reviewers: Vec<String>,
    pub at: Location,
}

/// Requests in the head mesh that the base did not make, by consumer and port order.
pub fn requests(pair: Pair<'_>) -> Vec<AccessRequest> {
    let mut out = Vec::new();
    for head in pair.head.products.values() {
        let base = pair.base.products.get(&head.id);
        for (port, raw) in head.inputs.iter().zip(&head.raw.input_ports) {
            let Some(c) = port.contract.as_ref().and_then(|k| pair.head.contracts.get(k)) else {
                continue;
            };
            let defined = roles(c);
            let asked = requested_role(raw, &port.pointer);
            if defined.is_empty() && asked.is_none() {
                continue;
            }
            let role = asked.as_ref().map(|(r, _)| r.clone());
            if base.is_some_and(|b| already_asked(b, &port.name, port.contract_id.as_deref(), role.as_deref())) {
                continue;
            }
            let pointer = asked.map_or_else(|| port.pointer.clone(), |(_, p)| p);
            let at = Location::of(&head.origin, &pointer, Side::Head);
            out.push(request(pair.head, head, &port.name, c, role, &defined, at));
        }
    }
    out
}

/// Whether the base revision's product already read the same contract through the same port
/// with the same role.
fn already_asked(base: &Product, port: &str, contract: Option<&str>, role: Option<&str>) -> bool {
    base.inputs.iter().zip(&base.raw.input_ports).any(|(p, raw)| {
        p.name == port
            && p.contract_id.as_deref() == contract
            && requested_role(raw, &p.pointer).map(|(r, _)| r).as_deref() == role
    })
}

fn request(
    mesh: &Mesh,
    consumer: &Product,
    port: &str,
    c: &Contract,
    role: Option<String>,
    defined: &[Role],
    at: Location,
) -> AccessRequest {
    let found = role.as_deref().and_then(|r| defined.iter().find(|d| d.name == r));
    let team = producing_team(mesh, c);
    let team_name = team.as_deref().and_then(|t| mesh.teams.get(t)).map(|t| t.name.clone());
    AccessRequest {
        consumer: consumer.id.clone(),
        consumer_name: consumer.name.clone(),
        port: port.to_string(),
        contract_id: c.key.id.clone(),
        contract_version: c.key.version.clone(),
        role_defined: found.is_some(),
        access: found.and_then(|r| r.access.clone()),
        first_level_approvers: found.and_then(|r| r.first_approvers.clone()),
        second_level_approvers: found.and_then(|r| r.second_approvers.clone()),
        role,
        roles: defined.iter().map(|r| r.name.clone()).collect(),
        reviewers: reviewers(mesh, c, team.as_deref()),
        producing_team: team,
        producing_team_name: team_name,
        at,
    }
}

/// Usernames of the producing team's owners and stewards, from the team page and the contract's
/// team block; every member with a username when none of them has one of those roles.
fn reviewers(mesh: &Mesh, c: &Contract, team: Option<&str>) -> Vec<String> {
    let block: Vec<raw::Member> = c.raw.team.clone().map(|t| t.into_block().members).unwrap_or_default();
    let page = team
        .and_then(|t| mesh.teams.get(t))
        .map(|t| t.members.as_slice())
        .unwrap_or(&[]);
    let people = &mesh.config.people;
    let key_role = |m: &raw::Member| {
        m.role.as_deref().is_some_and(|r| {
            people
                .owner_roles
                .iter()
                .chain(&people.steward_roles)
                .any(|k| k.trim().eq_ignore_ascii_case(r.trim()))
        })
    };
    let members: Vec<&raw::Member> = block.iter().chain(page).filter(|m| m.date_out.is_none()).collect();
    let chosen: Vec<&raw::Member> = members.iter().copied().filter(|m| key_role(m)).collect();
    let pool = if chosen.is_empty() { members } else { chosen };
    let mut names: Vec<String> = pool.iter().filter_map(|m| m.username.clone()).collect();
    names.sort();
    names.dedup();
    names
}

/// The request in one line of words, for the comment.
pub fn sentence(r: &AccessRequest) -> String {
    let what = match (&r.role, r.role_defined) {
        (Some(role), true) => format!("asks for role `{role}`"),
        (Some(role), false) => format!(
            "asks for role `{role}`, which the contract does not define ({})",
            listed(&r.roles)
        ),
        (None, _) => format!("reads it without naming a role ({})", listed(&r.roles)),
    };
    let approval = match (&r.first_level_approvers, &r.second_level_approvers) {
        (Some(a), Some(b)) => format!("; approved first by {a}, then by {b}"),
        (Some(a), None) | (None, Some(a)) => format!("; approved by {a}"),
        (None, None) => String::new(),
    };
    format!("{what}{approval}")
}

fn listed(roles: &[String]) -> String {
    if roles.is_empty() {
        return "it defines no roles".into();
    }
    let names: Vec<String> = roles.iter().map(|r| format!("`{r}`")).collect();
    format!("roles: {}", names.join(", "))
}
