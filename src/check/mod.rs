//! Rules over the resolved mesh. Each rule has a stable id, a severity and a hint saying how to
//! fix it; findings point at the exact key or value in the file.

mod access;
mod cycles;
pub mod features;
mod fields;
mod names;
pub mod policy;
mod policy_rules;
pub mod rego;
pub mod rules;
pub mod schema;
pub mod score;
pub mod versions;

use crate::check::rules::RuleId;
use crate::diag::{Diagnostics, Pos, Span};
use crate::model::{Mesh, Port, Product};

/// Runs every rule and appends the findings.
pub fn run(mesh: &Mesh, policies: &policy::Policies, diags: &mut Diagnostics) {
    policy_rules::run(mesh, policies, diags);
    names::check(mesh, diags);
    for p in mesh.products.values() {
        product_rules(mesh, p, diags);
    }
    for c in mesh.contracts.values() {
        fields::unclassified(c, diags);
    }
    upstream_status_rules(mesh, diags);
    team_rules(mesh, diags);
    domain_rules(mesh, diags);
    cycles::check(mesh, diags);
}

/// Reading a deprecated product is a warning (plan the migration); reading a retired one is an
/// error (its data is no longer maintained).
fn upstream_status_rules(mesh: &Mesh, diags: &mut Diagnostics) {
    for e in &mesh.edges {
        let crate::model::NodeRef::Product(from) = &e.from else {
            continue;
        };
        let (Some(up), Some(consumer)) = (mesh.products.get(from), mesh.products.get(&e.to)) else {
            continue;
        };
        let rule = match up.status.as_str() {
            "deprecated" => RuleId::LineageDeprecatedInput,
            "retired" => RuleId::LineageRetiredInput,
            _ => continue,
        };
        let port = consumer
            .inputs
            .iter()
            .find(|i| i.contract_id.as_deref() == Some(e.contract_id.as_str()));
        let pointer = port.map(|p| format!("{}/contractId", p.pointer)).unwrap_or_default();
        diags.push(
            rule.at(
                &consumer.origin.file,
                at(consumer, &pointer),
                format!(
                    "reads contract `{}` of {} product `{}`",
                    e.contract_id, up.status, up.id
                ),
            )
            .with_hint(format!(
                "migrate to a replacement of `{}` (ask its owner) and remove this input port",
                up.id
            )),
        );
    }
}

fn at(p: &Product, pointer: &str) -> Span {
    p.origin.doc.span(pointer)
}

fn product_rules(mesh: &Mesh, p: &Product, diags: &mut Diagnostics) {
    let file = p.origin.file.as_str();
    if p.team.is_none() {
        diags.push(RuleId::ProductOwnerMissing.at(file, at(p, ""), format!("product `{}` names no owner team", p.id)));
    }
    for port in &p.outputs {
        output_port_rules(mesh, p, port, diags);
    }
    for port in &p.inputs {
        match &port.contract_id {
            // A source system named instead (Data Product Specification) is drawn in lineage.
            None if port.source_system.is_some() => {}
            None => diags.push(
                RuleId::PortContractMissing
                    .at(
                        file,
                        at(p, &port.pointer),
                        format!(
                            "input port `{}` names no contractId, so its lineage is unknown",
                            port.name
                        ),
                    )
                    .with_hint("add `contractId:` with the id of the contract this port reads"),
            ),
            // Read from outside the mesh is fine, but only with a contract saying what is read;
            // without one a typo in the id would silently look like an external source.
            Some(cid) if !mesh.index.contract_versions.contains_key(cid) && !mesh.index.producers.contains_key(cid) => {
                diags.push(
                    RuleId::RefContractMissing
                        .at(
                            file,
                            at(p, &format!("{}/contractId", port.pointer)),
                            format!(
                                "input port `{}` reads contract `{cid}`, which no file defines and no product outputs",
                                port.name
                            ),
                        )
                        .with_hint(format!(
                            "fix the id, or add an ODCS file with `id: {cid}` describing the external source"
                        )),
                );
            }
            Some(_) => version_rule(mesh, p, port, diags),
        }
    }
    input_contract_rules(p, diags);
    access::undefined_roles(mesh, p, diags);
}

fn output_port_rules(mesh: &Mesh, p: &Product, port: &Port, diags: &mut Diagnostics) {
    let file = p.origin.file.as_str();
    let Some(cid) = &port.contract_id else {
        diags.push(
            RuleId::PortContractMissing
                .at(
                    file,
                    at(p, &port.pointer),
                    format!("output port `{}` has no contract", port.name),
                )
                .with_hint("add `contractId:` and a contract file (ODCS) describing what this port delivers"),
        );
        return;
    };
    if !mesh.index.contract_versions.contains_key(cid) {
        diags.push(
            RuleId::RefContractMissing
                .at(
                    file,
                    at(p, &format!("{}/contractId", port.pointer)),
                    format!(
                        "output port `{}` references contract `{cid}`, which no file in the mesh defines",
                        port.name
                    ),
                )
                .with_hint(format!(
                    "add an ODCS file with `id: {cid}` under content/contracts/, or fix the id"
                )),
        );
        return;
    }
    version_rule(mesh, p, port, diags);
    status_rule(mesh, p, port, diags);
}

/// An active product promises its output; a contract still in draft, or already deprecated or
/// retired, contradicts that promise.
fn status_rule(mesh: &Mesh, p: &Product, port: &Port, diags: &mut Diagnostics) {
    let Some(c) = port.contract.as_ref().and_then(|k| mesh.contracts.get(k)) else {
        return;
    };
    if p.status == "active" && matches!(c.status.as_str(), "draft" | "proposed" | "deprecated" | "retired") {
        diags.push(RuleId::RefContractStatus.at(
            &p.origin.file,
            at(p, &format!("{}/contractId", port.pointer)),
            format!(
                "active product `{}` publishes port `{}` under contract `{}` {}, whose status is {}",
                p.id, port.name, c.key.id, c.key.version, c.status
            ),
        ));
    }
}

/// A port's version is the port's own (ODPS); it picks a contract version only when one is
/// equal. When none is, the port binds to the newest active version: worth a note, no more.
fn version_rule(mesh: &Mesh, p: &Product, port: &Port, diags: &mut Diagnostics) {
    let (Some(cid), Some(v), Some(bound)) = (&port.contract_id, &port.version, &port.contract) else {
        return;
    };
    if &bound.version == v {
        return;
    }
    let which = match mesh.contracts.get(bound).is_some_and(|c| c.status == "active") {
        true => "the newest active version",
        false => "the newest version (none is active)",
    };
    diags.push(RuleId::RefContractVersion.at(
        &p.origin.file,
        at(p, &format!("{}/version", port.pointer)),
        format!(
            "port `{}` has version {v}, which no version of contract `{cid}` has; it binds to `{cid}` {}, {which}",
            port.name, bound.version
        ),
    ));
}

/// `outputPorts[].inputContracts` must name contracts the product actually reads.
fn input_contract_rules(p: &Product, diags: &mut Diagnostics) {
    // Looked up, not scanned per entry: outputs × inputs grew quadratic on generated products.
    let read: std::collections::BTreeSet<&str> = p.inputs.iter().filter_map(|inp| inp.contract_id.as_deref()).collect();
    for (i, out) in p.raw.output_ports.iter().enumerate() {
        for (j, ic) in out.input_contracts.iter().enumerate() {
            let Some(id) = &ic.id else { continue };
            if !read.contains(id.as_str()) {
                diags.push(RuleId::RefInputContract.at(
                    &p.origin.file,
                    at(p, &format!("/outputPorts/{i}/inputContracts/{j}/id")),
                    format!("inputContracts names `{id}`, which no input port of this product reads"),
                ));
            }
        }
    }
}

fn team_rules(mesh: &Mesh, diags: &mut Diagnostics) {
    for t in mesh.teams.values() {
        if t.has_contact() {
            continue;
        }
        let (file, pos) = match (&t.page, t.mentioned_in.first()) {
            (Some(page), _) => (page.file.clone(), Pos::new(1, 1).into()),
            (None, Some(f)) => (f.clone(), team_pos(mesh, f)),
            (None, None) => continue,
        };
        diags.push(RuleId::TeamContactMissing.at(&file, pos, format!("team `{}` has no contact channel", t.name)));
    }
}

fn team_pos(mesh: &Mesh, file: &str) -> Span {
    let doc = mesh
        .products
        .values()
        .map(|p| &p.origin)
        .chain(mesh.contracts.values().map(|c| &c.origin))
        .find(|o| o.file == file)
        .map(|o| &o.doc);
    doc.map(|d| d.key_span("/team")).unwrap_or(Pos::new(1, 1).into())
}

fn domain_rules(mesh: &Mesh, diags: &mut Diagnostics) {
    for d in mesh.domains.values() {
        let Some(page) = &d.page else { continue };
        if let Some(owner) = &d.owner {
            if !mesh.teams.contains_key(owner) {
                diags.push(RuleId::RefTeamMissing.at(
                    &page.file,
                    page.front_doc.span("/owner"),
                    format!("domain owner `{owner}` is not a known team"),
                ));
            }
        }
    }
    // Once per domain, at the first product naming it: at 10,000 products a finding per
    // product buried everything else in the report.
    let mut undocumented: std::collections::BTreeMap<&str, (&Product, usize)> = Default::default();
    for p in mesh.products.values() {
        let Some(d) = &p.domain else { continue };
        if mesh.domains.get(d).is_some_and(|d| d.page.is_none()) {
            undocumented.entry(d.as_str()).or_insert((p, 0)).1 += 1;
        }
    }
    for (d, (p, named_by)) in undocumented {
        let others = match named_by {
            1 => String::new(),
            n => format!(" (named by {n} products; this is the first)"),
        };
        diags.push(
            RuleId::RefDomainUndocumented
                .at(
                    &p.origin.file,
                    at(p, "/domain"),
                    format!("domain `{d}` has no page{others}"),
                )
                .with_hint(format!(
                    "add content/domains/{d}.md with the domain's name, owner team and contacts"
                )),
        );
    }
}
