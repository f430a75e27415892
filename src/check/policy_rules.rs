//! Rules the mesh's policies define: required tags, allowed values and naming patterns.

use super::policy::Policies;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{raw, Contract, Mesh, Product};

pub fn run(mesh: &Mesh, policies: &Policies, diags: &mut Diagnostics) {
    for p in mesh.products.values() {
        product(p, policies, diags);
    }
    for c in mesh.contracts.values() {
        contract(c, policies, diags);
    }
}

fn product(p: &Product, policies: &Policies, diags: &mut Diagnostics) {
    let domain = p.domain.as_deref();
    let file = p.origin.file.as_str();
    for tag in policies.required_tags(domain) {
        if !p.raw.tags.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
            let pointer = if p.raw.tags.is_empty() { "" } else { "/tags" };
            diags.push(
                Diagnostic::error(
                    "policy.required-tag",
                    file,
                    p.origin.doc.pos(pointer),
                    format!("product `{}` lacks the required tag `{tag}`", p.id),
                )
                .with_hint(format!(
                    "add `{tag}` to the product's `tags` (required by content/governance/policies.yaml)"
                )),
            );
        }
    }
    if let Some(allowed) = policies.product_status(domain) {
        if !allowed.iter().any(|s| s.eq_ignore_ascii_case(&p.status)) {
            diags.push(
                Diagnostic::error(
                    "policy.allowed-value",
                    file,
                    p.origin.doc.pos("/status"),
                    format!("status `{}` is not allowed; allowed: {}", p.status, allowed.join(", ")),
                )
                .with_hint("use one of the statuses listed in content/governance/policies.yaml"),
            );
        }
    }
    for re in policies.id_patterns(domain, false) {
        if !re.is_match(&p.id) {
            diags.push(
                Diagnostic::error(
                    "policy.naming",
                    file,
                    p.origin.doc.pos("/id"),
                    format!(
                        "product id `{}` does not match the naming pattern `{}`",
                        p.id,
                        re.as_str()
                    ),
                )
                .with_hint("rename the id to follow the mesh's naming standard"),
            );
        }
    }
}

fn contract(c: &Contract, policies: &Policies, diags: &mut Diagnostics) {
    let domain = c.domain.as_deref();
    for re in policies.id_patterns(domain, true) {
        if !re.is_match(&c.key.id) {
            diags.push(
                Diagnostic::error(
                    "policy.naming",
                    &c.origin.file,
                    c.origin.doc.pos("/id"),
                    format!(
                        "contract id `{}` does not match the naming pattern `{}`",
                        c.key.id,
                        re.as_str()
                    ),
                )
                .with_hint("rename the id to follow the mesh's naming standard (and update the ports that use it)"),
            );
        }
    }
    let Some(allowed) = policies.classification(domain) else {
        return;
    };
    for (i, o) in c.raw.schema.iter().enumerate() {
        classifications(c, &o.properties, &format!("/schema/{i}"), allowed, diags);
    }
}

fn classifications(c: &Contract, props: &[raw::Property], parent: &str, allowed: &[String], diags: &mut Diagnostics) {
    for (j, p) in props.iter().enumerate() {
        let pointer = format!("{parent}/properties/{j}");
        if let Some(class) = &p.classification {
            if !allowed.iter().any(|a| a.eq_ignore_ascii_case(class)) {
                diags.push(
                    Diagnostic::error(
                        "policy.allowed-value",
                        &c.origin.file,
                        c.origin.doc.pos(&format!("{pointer}/classification")),
                        format!(
                            "classification `{class}` is not allowed; allowed: {}",
                            allowed.join(", ")
                        ),
                    )
                    .with_hint("use one of the classifications listed in content/governance/policies.yaml"),
                );
            }
        }
        classifications(c, &p.properties, &pointer, allowed, diags);
    }
}
