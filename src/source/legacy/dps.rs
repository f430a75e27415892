//! Data Product Specification (`dataProductSpecification: 0.0.1`) to ODPS v1.1.0.
//!
//! `info` → name, status, domain, description.purpose, team; `archetype` → the
//! `productType` custom property (what the portal shows as the product's type); output ports
//! keep `dataContractId` as `contractId`; an input port's `sourceSystemId` becomes its
//! `sourceSystemId` custom property, which lineage reads. `links` → authoritativeDefinitions,
//! `custom` entries → customProperties; everything else goes to customProperties by its name
//! (the version line too, as the `dataProductSpecification` custom property).

use super::node::{child, is_text_list, links, Custom, Fields, Node};
use super::ODPS_TARGET;
use serde_json::Value;

/// The ODPS equivalent of a DPS document.
pub fn product(root: &Value) -> Node {
    let mut f = Fields::new(root, "");
    let mut out = Node::map("");
    let spec = "/dataProductSpecification";

    out.set("apiVersion", Node::leaf(ODPS_TARGET, spec));
    out.set("kind", Node::leaf("DataProduct", spec));
    out.set_some("id", f.text("id"));
    let mut custom = Custom::default();
    if let Some((info, p)) = f.take_if("info", Value::is_object) {
        info_block(info, &p, &mut out, &mut custom);
    }
    if let Some((list, p)) = f.take_if("inputPorts", ports_fit) {
        out.set_unless_empty("inputPorts", ports(list, &p, input_port));
    }
    if let Some((list, p)) = f.take_if("outputPorts", ports_fit) {
        out.set_unless_empty("outputPorts", ports(list, &p, output_port));
    }
    out.set_some("tags", f.copy_if("tags", is_text_list));
    out.set_some("authoritativeDefinitions", links(&mut f));
    custom_entries(&mut f, &mut custom);
    custom.add_rest(&f);
    custom.put_into(&mut out, "");
    out
}

fn ports_fit(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(Value::is_object))
}

fn info_block(info: &Value, p: &str, out: &mut Node, custom: &mut Custom) {
    let mut f = Fields::new(info, p);
    out.set_some("name", f.text("title"));
    out.set_some("status", f.text("status"));
    out.set_some("domain", f.text("domain"));
    super::node::purpose_and_owner(&mut f, p, out);
    if let Some((archetype, ap)) = f.take_if("archetype", Value::is_string) {
        custom.add("productType", archetype, &ap);
    }
    custom.add_rest(&f);
}

/// The entries of a `custom` mapping (name → text) as custom properties of their own.
fn custom_entries(f: &mut Fields, custom: &mut Custom) {
    if let Some((entries, cp)) = f.take_if("custom", Value::is_object) {
        for (k, v) in entries.as_object().into_iter().flatten() {
            custom.add(k, v, &child(&cp, k));
        }
    }
}

fn ports(list: &Value, p: &str, port: fn(&Value, &str) -> Node) -> Node {
    let items = list
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, v)| port(v, &child(p, &i.to_string())))
        .collect();
    Node::list(items, p)
}

/// `id`, `name` (the id when a port has no name: ODPS requires one), `tags`, `links`.
fn port_common(f: &mut Fields, p: &str) -> Node {
    let mut out = Node::map(p);
    let id = f.text("id");
    out.set_some("id", id.clone());
    match (f.text("name"), id) {
        (Some(name), _) => out.set("name", name),
        (None, Some(id)) => out.set("name", id),
        (None, None) => {}
    }
    out.set_some("tags", f.copy_if("tags", is_text_list));
    out.set_some("authoritativeDefinitions", links(f));
    out
}

fn input_port(v: &Value, p: &str) -> Node {
    let mut f = Fields::new(v, p);
    let mut out = port_common(&mut f, p);
    let mut custom = Custom::default();
    if let Some((system, sp)) = f.take_if("sourceSystemId", |s| s.is_string()) {
        custom.add("sourceSystemId", system, &sp);
    }
    custom_entries(&mut f, &mut custom);
    custom.add_rest(&f);
    custom.put_into(&mut out, p);
    out
}

fn output_port(v: &Value, p: &str) -> Node {
    let mut f = Fields::new(v, p);
    let mut out = port_common(&mut f, p);
    out.set_some("description", f.text("description"));
    out.set_some("type", f.text("type"));
    out.set_some("contractId", f.text("dataContractId"));
    let mut custom = Custom::default();
    custom_entries(&mut f, &mut custom);
    custom.add_rest(&f);
    custom.put_into(&mut out, p);
    out
}
