//! Rules the mesh's policies define: required tags, allowed values and naming patterns.

use super::policy::Policies;
use crate::check::rules::RuleId;
use crate::diag::{Diagnostic, Diagnostics, Related};
use crate::model::{raw, Contract, Mesh, Product};

/// `d` with the policy setting that judged it as a related place.
fn judged_by(d: Diagnostic, policies: &Policies, domain: Option<&str>, pointer: &str) -> Diagnostic {
    d.with_related_opt(policies.setting(domain, pointer))
}

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
            diags.push(judged_by(
                RuleId::PolicyRequiredTag
                    .at(
                        file,
                        p.origin.doc.span(pointer),
                        format!("product `{}` lacks the required tag `{tag}`", p.id),
                    )
                    .with_hint(format!(
                        "add `{tag}` to the product's `tags` (required by content/governance/policies.yaml)"
                    )),
                policies,
                domain,
                "/requiredTags",
            ));
        }
    }
    if let Some(allowed) = policies.product_status(domain) {
        if !allowed.iter().any(|s| s.eq_ignore_ascii_case(&p.status)) {
            diags.push(judged_by(
                RuleId::PolicyAllowedValue
                    .at(
                        file,
                        p.origin.doc.span("/status"),
                        format!("status `{}` is not allowed; allowed: {}", p.status, allowed.join(", ")),
                    )
                    .with_hint("use one of the statuses listed in content/governance/policies.yaml"),
                policies,
                domain,
                "/allowedValues/productStatus",
            ));
        }
    }
    for re in policies.id_patterns(domain, false) {
        if !re.is_match(&p.id) {
            diags.push(judged_by(
                RuleId::PolicyNaming
                    .at(
                        file,
                        p.origin.doc.span("/id"),
                        format!(
                            "product id `{}` does not match the naming pattern `{}`",
                            p.id,
                            re.as_str()
                        ),
                    )
                    .with_hint("rename the id to follow the mesh's naming standard"),
                policies,
                domain,
                "/naming/productId",
            ));
        }
    }
}

fn contract(c: &Contract, policies: &Policies, diags: &mut Diagnostics) {
    let domain = c.domain.as_deref();
    for re in policies.id_patterns(domain, true) {
        if !re.is_match(&c.key.id) {
            diags.push(judged_by(
                RuleId::PolicyNaming
                    .at(
                        &c.origin.file,
                        c.origin.doc.span("/id"),
                        format!(
                            "contract id `{}` does not match the naming pattern `{}`",
                            c.key.id,
                            re.as_str()
                        ),
                    )
                    .with_hint("rename the id to follow the mesh's naming standard (and update the ports that use it)"),
                policies,
                domain,
                "/naming/contractId",
            ));
        }
    }
    let Some(allowed) = policies.classification(domain) else {
        return;
    };
    let judged = Judged {
        allowed,
        setting: policies.setting(domain, "/allowedValues/classification"),
    };
    for (i, o) in c.raw.schema.iter().enumerate() {
        classifications(c, &o.properties, &format!("/schema/{i}"), &judged, diags);
    }
}

/// The classifications a contract's fields may have, and where the policies say so.
struct Judged<'a> {
    allowed: &'a [String],
    setting: Option<Related>,
}

fn classifications(c: &Contract, props: &[raw::Property], parent: &str, judged: &Judged, diags: &mut Diagnostics) {
    let allowed = judged.allowed;
    for (j, p) in props.iter().enumerate() {
        let pointer = format!("{parent}/properties/{j}");
        if let Some(class) = &p.classification {
            if !allowed.iter().any(|a| a.eq_ignore_ascii_case(class)) {
                diags.push(
                    RuleId::PolicyAllowedValue
                        .at(
                            &c.origin.file,
                            c.origin.doc.span(&format!("{pointer}/classification")),
                            format!(
                                "classification `{class}` is not allowed; allowed: {}",
                                allowed.join(", ")
                            ),
                        )
                        .with_hint("use one of the classifications listed in content/governance/policies.yaml")
                        .with_related_opt(judged.setting.clone()),
                );
            }
        }
        classifications(c, &p.properties, &pointer, judged, diags);
    }
}
