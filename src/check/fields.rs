//! Field-level rules of contracts.

use crate::check::rules::RuleId;
use crate::diag::Diagnostics;
use crate::model::{raw, Contract};

/// Every field, nested ones included, needs a classification so consumers know how to
/// handle it (public, internal, confidential, restricted).
pub fn unclassified(c: &Contract, diags: &mut Diagnostics) {
    for (i, object) in c.raw.schema.iter().enumerate() {
        let name = object.name.clone().unwrap_or_default();
        walk(c, &object.properties, &format!("/schema/{i}"), &name, diags);
    }
}

fn walk(c: &Contract, props: &[raw::Property], parent: &str, path: &str, diags: &mut Diagnostics) {
    for (j, p) in props.iter().enumerate() {
        let pointer = format!("{parent}/properties/{j}");
        let name = p.name.clone().unwrap_or_else(|| format!("#{j}"));
        let field = format!("{path}.{name}");
        if p.classification.as_deref().is_none_or(|s| s.trim().is_empty()) {
            diags.push(RuleId::FieldClassificationMissing.at(
                &c.origin.file,
                c.origin.doc.span(&format!("{pointer}/name")),
                format!("field `{field}` has no classification"),
            ));
        }
        walk(c, &p.properties, &pointer, &field, diags);
        if let Some(items) = &p.items {
            walk(
                c,
                &items.properties,
                &format!("{pointer}/items"),
                &format!("{field}[]"),
                diags,
            );
        }
    }
}
