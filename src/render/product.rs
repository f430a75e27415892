//! The product page view: everything in the descriptor, its output ports' contracts, lineage
//! neighbours and owners.

use super::lists;
use super::paging::{ports_paging, PORT_SECTIONS};
use super::values::extra_html;
use super::views::*;
use super::{contract, Ctx, PageJob};
use crate::lineage::Diagram;
use crate::markdown::render_inline;
use crate::model::{raw, ContractKey, Edge, NodeRef, Port, Product};
use std::collections::BTreeMap;

/// Input ports a product page lists; a product with more lists them on its ports pages.
const INPUT_ROWS: usize = 50;

/// Schema fields the output ports' contracts show on a product page, all ports together; each
/// contract's own pages show every field.
const EMBEDDED_FIELDS: usize = 100;

/// The product's page, and its ports pages when it has more ports than the page shows.
/// The product's view is built when its page renders (see `PageJob::with_lazy`).
pub fn jobs<'a>(ctx: &'a Ctx, p: &'a Product) -> Vec<PageJob<'a>> {
    let url = ctx.urls.product(&p.id).unwrap_or_default();
    let mut jobs = vec![PageJob::new(url, "product.html", "products").with_lazy("product", move || view(ctx, p))];
    if !all_ports_shown(p) {
        jobs.extend(ports_jobs(ctx, p));
    }
    jobs
}

/// Whether the product page lists every port (otherwise they are all on the ports pages).
fn all_ports_shown(p: &Product) -> bool {
    p.inputs.len() <= INPUT_ROWS && p.outputs.len() <= PORT_SECTIONS
}

/// `products/<slug>/ports.html` and its further pages: every port, input ports first.
fn ports_jobs(ctx: &Ctx, p: &Product) -> Vec<PageJob<'static>> {
    let url = ctx.urls.product(&p.id).unwrap_or_default();
    let inputs = p
        .inputs
        .iter()
        .zip(&p.raw.input_ports)
        .map(|(port, raw)| input_port(ctx, port, raw));
    let outputs = p
        .outputs
        .iter()
        .zip(&p.raw.output_ports)
        .map(|(port, raw)| output_port(ctx, port, raw, None, p.team.as_deref()));
    let product = ctx.product_link(&p.id);
    let pages = ports_paging(url, lists::page_size(ctx)).split(inputs.chain(outputs).collect());
    pages
        .into_iter()
        .map(|page| {
            let ports = PortsPageView {
                product: product.clone(),
                pager: page.pager,
                ports: page.rows,
            };
            PageJob::new(page.url, "ports.html", "products").with("ports", ports)
        })
        .collect()
}

pub fn view(ctx: &Ctx, p: &Product) -> ProductView {
    let url = ctx.urls.product(&p.id).unwrap_or_default().to_string();
    let impact = super::lineage::impact(ctx, &p.id);
    let (lineage_svg, lineage_note) = super::lineage::drawing(ctx, Diagram::Product(&p.id));
    let d = &p.description;
    let md = |s: &Option<String>| s.as_deref().map(render_inline).unwrap_or_default();
    let shown = lists::page_size(ctx);
    let upstream: Vec<&Edge> = ctx.mesh.upstream_of(&p.id).collect();
    let downstream: Vec<&Edge> = ctx.mesh.downstream_of(&p.id).collect();
    let all_shown = all_ports_shown(p);
    let personal = personal_names(ctx, p);
    ProductView {
        id: p.id.clone(),
        name: p.name.clone(),
        version: p.raw.version.clone(),
        status: p.status.clone(),
        product_type: p.raw.product_type(),
        kind: p.raw.kind.clone(),
        api_version: p.raw.api_version.clone(),
        tenant: p.raw.tenant.clone(),
        domain: p.domain.as_deref().map(|d| ctx.domain_link(d)),
        team: p.team.as_deref().map(|t| ctx.team_summary(t)),
        people: super::people::key_people(ctx, p.team.as_deref(), &team_members(p)),
        personal_data: personal.iter().take(PERSONAL_SHOWN).cloned().collect(),
        personal_data_total: personal.len(),
        tags: p.raw.tags.clone(),
        purpose_html: md(&d.purpose),
        usage_html: md(&d.usage),
        limitations_html: md(&d.limitations),
        description_extra_html: super::description_extra(d),
        inputs: p
            .inputs
            .iter()
            .zip(&p.raw.input_ports)
            .take(INPUT_ROWS)
            .map(|(port, raw)| input_port(ctx, port, raw))
            .collect(),
        inputs_total: p.inputs.len(),
        outputs: output_sections(ctx, p),
        outputs_total: p.outputs.len(),
        ports_url: (!all_shown).then(|| ports_paging(&url, shown).first),
        support: p
            .raw
            .support
            .iter()
            .filter_map(crate::model::contact_of)
            .map(|c| super::contact(&c))
            .collect(),
        upstream: upstream
            .iter()
            .take(shown)
            .map(|e| lineage_link(ctx, e, &e.from))
            .collect(),
        upstream_total: upstream.len(),
        downstream: downstream
            .iter()
            .take(shown)
            .map(|e| lineage_link(ctx, e, &NodeRef::Product(e.to.clone())))
            .collect(),
        downstream_total: downstream.len(),
        lineage_svg,
        lineage_note,
        lineage_depth: ctx.mesh.config.lineage.depth,
        ports_svg: super::lineage::drawing(ctx, Diagram::Ports(&p.id)).0,
        impact: impact.products,
        impact_total: impact.total,
        impact_teams: impact.teams,
        impact_hops: impact.hops,
        extra_html: product_extra(p),
        observed: super::observed::product(ctx, &p.id),
        scorecard: super::governance::product_score(ctx.scorecard.products.get(&p.id)),
        source: ctx.descriptor_source(&p.origin, &url),
        history: ctx.product_history(p),
        url,
    }
}

/// The first `PORT_SECTIONS` output ports, each with its contract's detail the first time
/// that contract appears (a product may output one contract through thousands of ports), and
/// no more than `EMBEDDED_FIELDS` schema fields in all.
fn output_sections(ctx: &Ctx, p: &Product) -> Vec<PortView> {
    let mut shown: BTreeMap<&ContractKey, Link> = BTreeMap::new();
    let mut room = EMBEDDED_FIELDS;
    let mut out = Vec::new();
    for (port, raw) in p.outputs.iter().zip(&p.raw.output_ports).take(PORT_SECTIONS) {
        let contract = port.contract.as_ref().and_then(|k| ctx.mesh.contracts.get(k));
        let detail = match contract {
            Some(c) if !shown.contains_key(&c.key) => {
                let anchor = format!("#out-{}", crate::model::slugify(&port.name));
                shown.insert(
                    &c.key,
                    Link {
                        title: port.name.clone(),
                        url: Some(anchor),
                    },
                );
                let d = contract::detail(ctx, c, room);
                room = room.saturating_sub(d.fields_shown);
                Some(d)
            }
            _ => None,
        };
        let mut view = output_port(ctx, port, raw, detail, p.team.as_deref());
        view.detail_shown_under = port
            .contract
            .as_ref()
            .and_then(|k| shown.get(k))
            .filter(|first| first.title != port.name)
            .cloned();
        out.push(view);
    }
    out
}

fn port_base(ctx: &Ctx, port: &Port, prefix: &str, extra: &raw::Extra) -> PortView {
    PortView {
        anchor: format!("{prefix}-{}", crate::model::slugify(&port.name)),
        name: port.name.clone(),
        port_type: None,
        version: port.version.clone(),
        description_html: String::new(),
        contract_id: port.contract_id.clone(),
        contract: port.contract.as_ref().map(|k| ctx.contract_link(k)).or_else(|| {
            port.contract_id.as_ref().map(|id| Link {
                title: id.clone(),
                url: None,
            })
        }),
        input_contracts: Vec::new(),
        extra_html: extra_html(extra),
        direction: "input".into(),
        detail: None,
        detail_shown_under: None,
        access: None,
    }
}

fn input_port(ctx: &Ctx, port: &Port, raw: &raw::InputPort) -> PortView {
    let mut extra = raw.extra.clone();
    if let Some(id) = &raw.id {
        extra.insert("id".into(), serde_json::Value::String(id.clone()));
    }
    port_base(ctx, port, "in", &extra)
}

/// `page_team`: the product's owner team, which its page already names.
fn output_port(
    ctx: &Ctx,
    port: &Port,
    raw: &raw::OutputPort,
    detail: Option<ContractDetail>,
    page_team: Option<&str>,
) -> PortView {
    let mut extra = raw.extra.clone();
    if let Some(id) = &raw.id {
        extra.insert("id".into(), serde_json::Value::String(id.clone()));
    }
    let mut view = port_base(ctx, port, "out", &extra);
    view.port_type = raw.port_type.clone();
    view.description_html = raw.description.as_deref().map(render_inline).unwrap_or_default();
    view.input_contracts = raw
        .input_contracts
        .iter()
        .map(|ic| input_contract_link(ctx, ic))
        .collect();
    view.direction = "output".into();
    view.detail = detail;
    view.access = port
        .contract
        .as_ref()
        .and_then(|k| ctx.mesh.contracts.get(k))
        .map(|c| super::access::panel(ctx, c, page_team));
    view
}

fn input_contract_link(ctx: &Ctx, ic: &raw::InputContract) -> Link {
    let id = ic.id.clone().unwrap_or_default();
    let title = match &ic.version {
        Some(v) => format!("{id} {v}"),
        None => id.clone(),
    };
    let url = ctx
        .mesh
        .find_contract(&id, ic.version.as_deref())
        .and_then(|k| ctx.urls.contract(k))
        .map(str::to_string);
    Link { title, url }
}

fn lineage_link(ctx: &Ctx, e: &Edge, node: &NodeRef) -> LineageLink {
    let contract_key = ctx.mesh.find_contract(&e.contract_id, e.version.as_deref());
    let contract = match contract_key {
        Some(k) => ctx.contract_link(k),
        None => Link {
            title: e.contract_id.clone(),
            url: None,
        },
    };
    match node {
        NodeRef::Product(id) => LineageLink {
            node: ctx.product_link(id),
            kind: "product".into(),
            contract,
            version: e.version.clone(),
            owner: ctx
                .mesh
                .products
                .get(id)
                .and_then(|p| p.team.as_deref())
                .map(|t| ctx.team_link(t)),
        },
        NodeRef::External(cid) => LineageLink {
            node: Link {
                title: format!("External source ({cid})"),
                url: contract.url.clone(),
            },
            kind: "external".into(),
            contract,
            version: e.version.clone(),
            owner: None,
        },
    }
}

/// Personal fields the product header names; the schema tables mark every one.
const PERSONAL_SHOWN: usize = 12;

/// "email", "full_name (restricted)": each distinct name and classification once.
fn personal_names(ctx: &Ctx, p: &Product) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for f in crate::model::personal::of_product(ctx.mesh, p) {
        let label = match &f.classification {
            Some(c) => format!("{} ({c})", f.name),
            None => f.name,
        };
        if !names.contains(&label) {
            names.push(label);
        }
    }
    names
}

/// The members the descriptor's own `team` block names.
fn team_members(p: &Product) -> Vec<raw::Member> {
    p.raw.team.clone().map(|t| t.into_block().members).unwrap_or_default()
}

/// The descriptor's unknown keys plus the team block's own keys (the team card shows only the
/// resolved team), so every field of the file is visible.
fn product_extra(p: &Product) -> String {
    let mut extra: BTreeMap<String, serde_json::Value> = p.raw.extra.clone();
    if let Some(team) = &p.team_written {
        extra.insert("team".into(), team.clone());
    }
    extra_html(&extra)
}
