//! Access governed as code. A contract's ODCS `roles` say what can be granted and who approves
//! it; a consumer asks for a role by adding an input port with the contract's `contractId` to
//! its own product descriptor, naming the role in the port's `customProperties`:
//!
//! ```yaml
//! inputPorts:
//!   - name: customer-master
//!     version: 1.0.0          # the port's own version
//!     contractId: customer-master
//!     customProperties:
//!       - property: accessRole
//!         value: mkt_customer_master_reader
//! ```
//!
//! `customProperties` is the extension point ODPS v1.0.0 and v1.1.0 both allow on an input
//! port (their schemas forbid any other extra key), so the descriptor stays valid ODPS. The
//! pull request that adds the port is the access request; its merge is the grant.

use super::raw::{self, Extra};
use super::{Contract, ContractKey, Mesh, Product};
use serde::Serialize;
use serde_json::Value;

/// The custom property of an input port that names the requested role.
pub const ACCESS_ROLE: &str = "accessRole";

/// One ODCS `roles` entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Role {
    pub name: String,
    /// `access` as written (`read`, `write`, …).
    pub access: Option<String>,
    pub description: Option<String>,
    pub first_approvers: Option<String>,
    pub second_approvers: Option<String>,
    /// Every other key of the role, as written.
    pub extra: Extra,
}

/// Keys of a role the fields above hold.
const ROLE_KEYS: &[&str] = &[
    "role",
    "access",
    "description",
    "firstLevelApprovers",
    "secondLevelApprovers",
];

/// The contract's roles, in file order; entries without a `role` name are left out (schema
/// validation reports them).
pub fn roles(c: &Contract) -> Vec<Role> {
    let Some(list) = c.raw.extra.get("roles").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter().filter_map(role).collect()
}

fn role(v: &Value) -> Option<Role> {
    let text = |k: &str| match v.get(k) {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(items.iter().map(scalar_text).collect::<Vec<_>>().join(", ")),
        Some(other) => Some(scalar_text(other)),
    };
    let name = text("role").filter(|n| !n.trim().is_empty())?;
    let extra = v
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !ROLE_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    Some(Role {
        name,
        access: text("access"),
        description: text("description"),
        first_approvers: text("firstLevelApprovers"),
        second_approvers: text("secondLevelApprovers"),
        extra,
    })
}

/// The role an input port asks for, and the JSON Pointer of its value.
pub fn requested_role(port: &raw::InputPort, port_pointer: &str) -> Option<(String, String)> {
    let custom = port.extra.get("customProperties")?.as_array()?;
    custom.iter().enumerate().find_map(|(i, p)| {
        (p.get("property").and_then(Value::as_str) == Some(ACCESS_ROLE))
            .then(|| p.get("value").filter(|v| !v.is_null()).map(scalar_text))
            .flatten()
            .map(|role| (role, format!("{port_pointer}/customProperties/{i}/value")))
    })
}

/// The team whose review grants access to a contract: the contract's own team, else the owner
/// of the first product that outputs it.
pub fn producing_team(mesh: &Mesh, c: &Contract) -> Option<String> {
    c.team.clone().or_else(|| {
        mesh.index
            .producers
            .get(&c.key.id)?
            .iter()
            .find_map(|p| mesh.products.get(p)?.team.clone())
    })
}

/// A consumer's input port that asks for a role the contract defines: what the platform's
/// access automation grants once it is merged.
#[derive(Debug, Clone, Serialize)]
pub struct Grant {
    pub consumer: String,
    pub consumer_team: Option<String>,
    pub port: String,
    pub contract: ContractKey,
    pub role: Role,
    pub producing_team: Option<String>,
}

/// Every grant of the mesh, by consumer, then port order.
pub fn grants(mesh: &Mesh) -> Vec<Grant> {
    mesh.products.values().flat_map(|p| product_grants(mesh, p)).collect()
}

fn product_grants<'m>(mesh: &'m Mesh, p: &'m Product) -> impl Iterator<Item = Grant> + 'm {
    p.inputs.iter().zip(&p.raw.input_ports).filter_map(move |(port, raw)| {
        let (asked, _) = requested_role(raw, &port.pointer)?;
        let c = mesh.contracts.get(port.contract.as_ref()?)?;
        let role = roles(c).into_iter().find(|r| r.name == asked)?;
        Some(Grant {
            consumer: p.id.clone(),
            consumer_team: p.team.clone(),
            port: port.name.clone(),
            contract: c.key.clone(),
            role,
            producing_team: producing_team(mesh, c),
        })
    })
}

/// A scalar as text (`1.0` stays `1.0`); lists and mappings as compact JSON.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(yaml: &str) -> raw::InputPort {
        serde_json::from_value(crate::source::yaml::parse(yaml).unwrap().value).unwrap()
    }

    #[test]
    fn the_requested_role_is_the_access_role_custom_property() {
        let p = port("name: a\ncontractId: c\ncustomProperties:\n  - property: other\n    value: x\n  - property: accessRole\n    value: reader\n");
        assert_eq!(
            requested_role(&p, "/inputPorts/2"),
            Some(("reader".into(), "/inputPorts/2/customProperties/1/value".into()))
        );
        assert_eq!(requested_role(&port("name: a\ncontractId: c\n"), "/inputPorts/0"), None);
    }

    #[test]
    fn roles_keep_approver_lists_and_other_keys() {
        let v = crate::source::yaml::parse(
            "role: r\naccess: read\nfirstLevelApprovers: [Ann, Bo]\nsecondLevelApprovers: DPO\nid: x\n",
        )
        .unwrap()
        .value;
        let r = role(&v).unwrap();
        assert_eq!(r.first_approvers.as_deref(), Some("Ann, Bo"));
        assert_eq!(r.second_approvers.as_deref(), Some("DPO"));
        assert_eq!(r.extra.keys().collect::<Vec<_>>(), ["id"]);
        assert!(role(&crate::source::yaml::parse("access: read\n").unwrap().value).is_none());
    }
}
