//! Access requests: an input port may only ask for a role its contract defines.

use crate::check::rules::RuleId;
use crate::diag::Diagnostics;
use crate::model::access::{requested_role, roles};
use crate::model::{Mesh, Product};

/// Ports whose contract is not in the mesh are left to `ref.contract-missing`.
pub fn undefined_roles(mesh: &Mesh, p: &Product, diags: &mut Diagnostics) {
    for (port, raw) in p.inputs.iter().zip(&p.raw.input_ports) {
        let Some((asked, pointer)) = requested_role(raw, &port.pointer) else {
            continue;
        };
        let Some(c) = port.contract.as_ref().and_then(|k| mesh.contracts.get(k)) else {
            continue;
        };
        let defined = roles(c);
        if defined.iter().any(|r| r.name == asked) {
            continue;
        }
        let names: Vec<String> = defined.iter().map(|r| format!("`{}`", r.name)).collect();
        let (known, hint) = if names.is_empty() {
            (
                "defines no roles".to_string(),
                format!(
                    "contract `{}` defines no roles: ask its owner team how access is granted, or remove the accessRole property",
                    c.key.id
                ),
            )
        } else {
            let hint = match super::schema::closest(&asked, defined.iter().map(|r| r.name.as_str())) {
                Some(close) => format!("did you mean `{close}`? The contract defines {}", names.join(", ")),
                None => format!("use one of {}", names.join(", ")),
            };
            (format!("defines {}", names.join(", ")), hint)
        };
        diags.push(
            RuleId::AccessRoleUndefined
                .at(
                    &p.origin.file,
                    p.origin.doc.span(&pointer),
                    format!(
                        "input port `{}` asks for role `{asked}`, but contract `{}` {} {known}",
                        port.name, c.key.id, c.key.version
                    ),
                )
                .with_hint(hint),
        );
    }
}
