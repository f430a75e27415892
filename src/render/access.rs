//! The "Get access" panel: a contract's roles, approvers, price and terms in words, whom to ask,
//! and the input port a consumer adds to its own product to ask for a role (see
//! `model::access` for why the role is a custom property).

use super::values::{extra_html, safe_url, scalar_text};
use super::views::{AccessView, KeyValue, Link, RoleView};
use super::Ctx;
use crate::highlight::Highlighter;
use crate::markdown::render_inline;
use crate::model::access::{self, Role, ACCESS_ROLE};
use crate::model::Contract;
use serde_json::Value;

/// The panel of contract `c` on a page whose owner team is `page_team`.
pub fn panel(ctx: &Ctx, c: &Contract, page_team: Option<&str>) -> AccessView {
    let owner = access::producing_team(ctx.mesh, c);
    let (price, price_extra_html) = price(c.raw.extra.get("price"));
    let roles = access::roles(c);
    let (request_yaml, request_html) = request(&c.key.id, None);
    let granted = ctx
        .mesh
        .index
        .consumers
        .get(&c.key.id)
        .map_or(0, |consumers| consumers.len());
    AccessView {
        contract: ctx.contract_link(&c.key),
        version: c.key.version.clone(),
        links: links(c),
        roles: roles.iter().map(|r| role_view(&c.key.id, r)).collect(),
        price,
        price_extra_html,
        usage_html: c.description.usage.as_deref().map(render_inline).unwrap_or_default(),
        limitations_html: c
            .description
            .limitations
            .as_deref()
            .map(render_inline)
            .unwrap_or_default(),
        terms: terms(c),
        owner_is_page_team: owner.is_some() && owner.as_deref() == page_team,
        owner: owner.map(|t| ctx.team_summary(&t)),
        granted,
        request_yaml,
        request_html,
        edit_products: edit_products(ctx, c),
        new_product_url: ctx
            .mesh
            .config
            .repository
            .as_ref()
            .and_then(|r| r.new_file_url(&products_dir(ctx))),
    }
}

/// Products listed with their edit links; a larger mesh's readers edit from their product's
/// page (a list of thousands would weigh on every contract page).
pub const EDIT_LIST_MAX: usize = 50;

/// Every product but the contract's producers, with the forge page editing its descriptor.
fn edit_products(ctx: &Ctx, c: &Contract) -> Vec<Link> {
    let mesh = ctx.mesh;
    if mesh.config.repository.is_none() || mesh.products.len() > EDIT_LIST_MAX {
        return Vec::new();
    }
    let producers = mesh.index.producers.get(&c.key.id);
    mesh.products
        .values()
        .filter(|p| !producers.is_some_and(|ids| ids.contains(&p.id)))
        .filter_map(|p| {
            Some(Link {
                title: p.name.clone(),
                url: Some(ctx.edit_url(&p.origin.file)?),
            })
        })
        .collect()
}

/// The mesh's products folder as a repository path (the mesh may sit below the repository root).
fn products_dir(ctx: &Ctx) -> String {
    let prefix = ctx.git.map_or("", |g| g.prefix.as_str());
    crate::git::repo_path(prefix, "content/products")
}

fn role_view(contract_id: &str, r: &Role) -> RoleView {
    let (request_yaml, request_html) = request(contract_id, Some(&r.name));
    RoleView {
        name: r.name.clone(),
        access: r.access.as_deref().map(access_words),
        grants_html: r.description.as_deref().map(render_inline).unwrap_or_default(),
        first_approvers: r.first_approvers.clone(),
        second_approvers: r.second_approvers.clone(),
        approval: approval(r),
        request_yaml,
        request_html,
        extra_html: extra_html(&r.extra),
    }
}

/// "read access", "write access": the value as written, so a reader can match it to the
/// contract (and every value of a descriptor stays on its page).
fn access_words(access: &str) -> String {
    let written = access.trim();
    match written.to_ascii_lowercase().as_str() {
        "readwrite" | "read-write" | "read_write" => format!("read and write access ({written})"),
        _ => format!("{written} access"),
    }
}

/// Who approves a request, in the order ODCS gives them.
fn approval(r: &Role) -> String {
    match (&r.first_approvers, &r.second_approvers) {
        (Some(first), Some(second)) => format!("Approved first by {first}, then by {second}."),
        (Some(first), None) => format!("Approved by {first}."),
        (None, Some(second)) => format!("Approved by {second}."),
        (None, None) => "No approvers named: the owner team reviews the request.".into(),
    }
}

/// ODCS `price` ("0.04 EUR per gigabyte scanned") and its other keys, as written.
fn price(v: Option<&Value>) -> (Option<String>, String) {
    let Some(Value::Object(map)) = v else {
        return (v.filter(|v| !v.is_null()).map(scalar_text), String::new());
    };
    let text = |k: &str| map.get(k).filter(|v| !v.is_null()).map(scalar_text);
    let amount = [text("priceAmount"), text("priceCurrency")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let line = match (amount.is_empty(), text("priceUnit")) {
        (true, _) => None,
        (false, Some(unit)) => Some(format!("{amount} per {unit}")),
        (false, None) => Some(amount),
    };
    let rest = map
        .iter()
        .filter(|(k, _)| !["priceAmount", "priceCurrency", "priceUnit"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (line, extra_html(&rest))
}

/// Terms of use beyond usage and limitations: ODCS `description.customProperties` and any
/// other key of the description, labelled in words.
fn terms(c: &Contract) -> Vec<KeyValue> {
    let d = &c.description;
    let custom = d.custom_properties.iter().filter_map(|p| {
        let key = p.get("property").map(scalar_text)?;
        Some(KeyValue {
            key: super::values::key_label(&key),
            value_html: p.get("value").map(super::values::value_html).unwrap_or_default(),
        })
    });
    let other = d.extra.iter().map(|(k, v)| KeyValue {
        key: super::values::key_label(k),
        value_html: super::values::value_html(v),
    });
    custom.chain(other).collect()
}

/// Authoritative definitions of the contract (top level or in its description) and of its
/// roles that are about access: their `type` or URL says so.
fn links(c: &Contract) -> Vec<Link> {
    let top = c.raw.extra.get("authoritativeDefinitions").and_then(Value::as_array);
    let roles = c.raw.extra.get("roles").and_then(Value::as_array);
    let in_roles = roles
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("authoritativeDefinitions")?.as_array())
        .flatten();
    let mut out: Vec<Link> = top
        .into_iter()
        .flatten()
        .chain(c.description.authoritative_definitions.iter())
        .filter(|d| about_access(d))
        .chain(in_roles)
        .filter_map(|d| {
            let url = safe_url(&d.get("url").map(scalar_text)?)?;
            let title = d
                .get("description")
                .or_else(|| d.get("type"))
                .map(scalar_text)
                .unwrap_or_else(|| url.clone());
            Some(Link { title, url: Some(url) })
        })
        .collect();
    out.dedup();
    out
}

fn about_access(d: &Value) -> bool {
    ["type", "url"]
        .iter()
        .filter_map(|k| d.get(*k).and_then(Value::as_str))
        .any(|s| s.to_ascii_lowercase().contains("access"))
}

/// The input port that asks for `role` (or, without one, simply reads the contract), as YAML
/// a consumer pastes into its product descriptor, and the same highlighted.
fn request(contract_id: &str, role: Option<&str>) -> (String, String) {
    let id = yaml_scalar(contract_id);
    let mut yaml =
        format!("inputPorts:\n  - name: {id}\n    version: 1.0.0   # this port's own version\n    contractId: {id}\n");
    if let Some(role) = role {
        yaml.push_str(&format!(
            "    customProperties:\n      - property: {ACCESS_ROLE}\n        value: {}\n",
            yaml_scalar(role)
        ));
    }
    let html = Highlighter::global().highlight(&yaml, "yaml");
    (yaml, html)
}

/// A plain scalar when it reads back as the same string, else a double-quoted one (JSON string
/// syntax is valid YAML).
fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c))
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !["true", "false", "null", "yes", "no", "on", "off"].contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn price_reads_as_amount_per_unit() {
        let (line, rest) = price(Some(
            &json!({"priceAmount": 0.04, "priceCurrency": "EUR", "priceUnit": "gigabyte scanned", "note": "q"}),
        ));
        assert_eq!(line.as_deref(), Some("0.04 EUR per gigabyte scanned"));
        assert!(rest.contains("q"), "other keys stay visible: {rest}");
        assert_eq!(price(None), (None, String::new()));
    }

    #[test]
    fn approvers_in_order() {
        let mut r = Role {
            name: "r".into(),
            access: Some("read".into()),
            description: None,
            first_approvers: Some("Priya Raman".into()),
            second_approvers: Some("Data Protection Office".into()),
            extra: Default::default(),
        };
        assert_eq!(
            approval(&r),
            "Approved first by Priya Raman, then by Data Protection Office."
        );
        r.second_approvers = None;
        assert_eq!(approval(&r), "Approved by Priya Raman.");
        assert_eq!(access_words("read"), "read access");
        assert_eq!(access_words("readWrite"), "read and write access (readWrite)");
    }

    #[test]
    fn the_request_is_valid_yaml_naming_the_role() {
        let (yaml, html) = request("orders: eu", Some("reader"));
        let doc = crate::source::yaml::parse(&yaml).unwrap().value;
        let port = &doc["inputPorts"][0];
        assert_eq!(port["contractId"], "orders: eu");
        assert_eq!(port["customProperties"][0]["property"], ACCESS_ROLE);
        assert_eq!(port["customProperties"][0]["value"], "reader");
        assert!(html.contains("accessRole"));
    }
}
