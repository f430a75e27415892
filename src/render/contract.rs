//! Contract views: schema tables (nested fields flattened with their depth), quality rules,
//! SLA, servers with a "how to consume" snippet, and the full contract page.

use super::paging::schema_paging;
use super::values::{extra_html, key_values, scalar_text};
use super::views::*;
use super::{Ctx, PageJob};
use crate::highlight::Highlighter;
use crate::lineage::Diagram;
use crate::markdown::render_inline;
use crate::model::{personal, raw, Contract};
use serde_json::Value;

/// The contract's detail with at most `max_fields` schema fields (the first ones, in page
/// order), as output ports show it on a product page; the rest is on the contract's pages.
pub fn detail(ctx: &Ctx, c: &Contract, max_fields: usize) -> ContractDetail {
    let total = field_count(c);
    let objects = schema_pages(c, max_fields.max(1), 1, &personal::classes(ctx.mesh))
        .into_iter()
        .next()
        .unwrap_or_default();
    let shown = objects.iter().map(|o| o.fields.len()).sum();
    ContractDetail {
        link: ctx.contract_link(&c.key),
        version: c.key.version.clone(),
        status: c.status.clone(),
        objects,
        fields_total: total,
        fields_shown: shown,
        sla_summary: super::readable::sla_summary(&c.raw.sla_properties),
        sla: super::readable::sla_rows(&c.raw.sla_properties),
        servers: c.raw.servers.iter().enumerate().map(|(i, s)| server(c, s, i)).collect(),
    }
}

fn opt_md(s: &Option<String>) -> String {
    s.as_deref().map(render_inline).unwrap_or_default()
}

/// Every field of the contract, nested ones included.
pub fn field_count(c: &Contract) -> usize {
    c.raw
        .schema
        .iter()
        .map(|o| crate::lineage::graph::property_count(&o.properties))
        .sum()
}

/// The schema split into pages of `size` fields, at most `max_pages` of them (`usize::MAX`:
/// all). Fields are numbered across objects in page order (object by object, parents before
/// children); an object split across pages shows its description, quality rules and other
/// keys on its first page and is marked `continued` on the next. Objects without fields sit
/// on the page their position falls on. Field views are built once, only for pages returned.
pub fn schema_pages(c: &Contract, size: usize, max_pages: usize, classes: &[String]) -> Vec<Vec<SchemaObjectView>> {
    let pages = field_count(c).div_ceil(size).max(1);
    let kept = pages.min(max_pages);
    let limit = kept.saturating_mul(size);
    let mut out: Vec<Vec<SchemaObjectView>> = (0..kept).map(|_| Vec::new()).collect();
    let mut index = 0;
    for (i, o) in c.raw.schema.iter().enumerate() {
        let mut head = object(o, i);
        let mut fields = Vec::new();
        for p in &o.properties {
            flatten(p, 0, &head.name, &mut fields, limit.saturating_sub(index), classes);
        }
        if fields.is_empty() {
            if index < limit || (index == limit && kept == pages) {
                out[(index / size).min(kept - 1)].push(head);
            }
            continue;
        }
        let mut fields = fields.into_iter();
        while index < limit {
            let take = size - index % size;
            let chunk: Vec<FieldView> = fields.by_ref().take(take).collect();
            if chunk.is_empty() {
                break;
            }
            let page = index / size;
            index += chunk.len();
            let mut part = head.clone();
            part.fields = chunk;
            out[page].push(part);
            head = continued(head);
        }
    }
    out
}

/// An object's later part on another page: its name and types, not its description and rules.
fn continued(mut head: SchemaObjectView) -> SchemaObjectView {
    head.continued = true;
    head.description_html.clear();
    head.tags.clear();
    head.quality.clear();
    head.extra_html.clear();
    head
}

fn object(o: &raw::SchemaObject, index: usize) -> SchemaObjectView {
    let name = o.label(index);
    SchemaObjectView {
        anchor: format!("schema-{}", crate::model::slugify(&name)),
        name,
        id: o.id.clone(),
        business_name: o.business_name.clone(),
        logical_type: o.logical_type.clone(),
        physical_type: o.physical_type.clone(),
        physical_name: o.physical_name.clone(),
        description_html: opt_md(&o.description),
        tags: o.tags.clone(),
        fields: Vec::new(),
        continued: false,
        quality: quality(&o.quality),
        extra_html: extra_html(&o.extra),
    }
}

fn quality(rules: &[Value]) -> Vec<QualityRule> {
    rules.iter().map(super::readable::quality_rule).collect()
}

/// Depth-first, parents before children, so a table shows the nesting by indentation; at most
/// `room` fields are built (the rest of the walk only counts).
fn flatten(p: &raw::Property, depth: usize, parent: &str, out: &mut Vec<FieldView>, room: usize, classes: &[String]) {
    if out.len() >= room {
        return;
    }
    let name = p.label();
    let path = format!("{parent}.{name}");
    out.push(field(p, depth, name, path.clone(), personal::is_personal(p, classes)));
    for child in &p.properties {
        flatten(child, depth + 1, &path, out, room, classes);
    }
    if let Some(items) = &p.items {
        flatten(items, depth + 1, &format!("{path}[]"), out, room, classes);
    }
}

fn field(p: &raw::Property, depth: usize, name: String, path: String, pii: bool) -> FieldView {
    let classification = p.classification.clone();
    FieldView {
        depth,
        id: p.id.clone(),
        anchor: format!("field-{}", crate::model::slugify(&path)),
        name,
        path,
        business_name: p.business_name.clone(),
        logical_type: p.logical_type.clone(),
        physical_type: p.physical_type.clone(),
        physical_name: p.physical_name.clone(),
        required: p.required.unwrap_or(false),
        unique: p.unique.unwrap_or(false),
        primary_key: p.primary_key.unwrap_or(false),
        primary_key_position: p.primary_key_position.filter(|n| *n >= 0),
        partitioned: p.partitioned.unwrap_or(false),
        partition_key_position: p.partition_key_position.filter(|n| *n >= 0),
        critical: p.critical_data_element.unwrap_or(false),
        classification,
        pii,
        description_html: opt_md(&p.description),
        tags: p.tags.clone(),
        examples: p.examples.iter().map(scalar_text).collect(),
        transform_sources: p.transform_source_objects.clone(),
        transform_logic: p.transform_logic.clone(),
        transform_description: p.transform_description.clone(),
        quality: quality(&p.quality),
        extra_html: extra_html(&p.extra),
    }
}

fn server(c: &Contract, s: &Value, index: usize) -> ServerView {
    let get = |k: &str| s.get(k).filter(|v| !v.is_null()).map(scalar_text);
    ServerView {
        name: get("server")
            .or_else(|| get("id"))
            .unwrap_or_else(|| format!("server {}", index + 1)),
        server_type: get("type"),
        environment: get("environment"),
        properties: key_values(s, &["server"], "server"),
        snippet_html: consume_snippet(c, s).map(|(lang, code)| Highlighter::global().highlight(&code, lang)),
    }
}

/// A starting point for reading the contract's first object from this server, by server type.
fn consume_snippet(c: &Contract, s: &Value) -> Option<(&'static str, String)> {
    let get = |k: &str| s.get(k).filter(|v| !v.is_null()).map(scalar_text);
    let object = c
        .raw
        .schema
        .first()
        .and_then(|o| o.physical_name.clone().or_else(|| o.name.clone()))
        .unwrap_or_else(|| "<table>".into());
    let kind = get("type")?.to_lowercase();
    let qualified = |parts: &[Option<String>]| {
        let mut v: Vec<String> = parts.iter().flatten().cloned().collect();
        v.push(object.clone());
        v.join(".")
    };
    let snippet = match kind.as_str() {
        "postgres" | "postgresql" | "mysql" | "sqlserver" | "oracle" | "redshift" | "snowflake" | "trino"
        | "presto" | "duckdb" | "synapse" | "vertica" => (
            "sql",
            format!(
                "-- {}\nSELECT *\nFROM {}\nLIMIT 100;",
                connection_comment(&kind, &get),
                qualified(&[get("database"), get("schema")])
            ),
        ),
        "databricks" => (
            "sql",
            format!(
                "SELECT *\nFROM {}\nLIMIT 100;",
                qualified(&[get("catalog"), get("schema")])
            ),
        ),
        "bigquery" => (
            "sql",
            format!(
                "SELECT *\nFROM `{}`\nLIMIT 100;",
                qualified(&[get("project"), get("dataset")])
            ),
        ),
        "kafka" | "pubsub" | "kinesis" => {
            let topic = get("topic").unwrap_or_else(|| object.clone());
            let host = get("host").unwrap_or_else(|| "<bootstrap-server>".into());
            ("bash", format!("kafka-console-consumer --bootstrap-server {host} \\\n  --topic {topic} --from-beginning --max-messages 10"))
        }
        "s3" | "gcs" | "azure" | "local" | "sftp" => {
            let location = get("location")
                .or_else(|| get("path"))
                .unwrap_or_else(|| "<location>".into());
            let format = get("format").unwrap_or_else(|| "parquet".into()).to_lowercase();
            let reader = match format.as_str() {
                "csv" => "read_csv",
                "json" => "read_json",
                "delta" => "read_parquet",
                _ => "read_parquet",
            };
            (
                "python",
                format!("import pandas as pd\n\ndf = pd.{reader}(\"{location}\")\nprint(df.head())"),
            )
        }
        "api" | "http" | "https" => (
            "bash",
            format!(
                "curl -sS '{}'",
                get("location")
                    .or_else(|| get("host"))
                    .unwrap_or_else(|| "<url>".into())
            ),
        ),
        _ => return None,
    };
    Some(snippet)
}

fn connection_comment(kind: &str, get: &dyn Fn(&str) -> Option<String>) -> String {
    let host = get("host")
        .or_else(|| get("account"))
        .unwrap_or_else(|| "<host>".into());
    match get("port") {
        Some(port) => format!("{kind} at {host}:{port}"),
        None => format!("{kind} at {host}"),
    }
}

/// The contract's page and the further pages of its schema (`contracts/<slug>/page/<n>.html`).
/// The contract page's view is built when it renders; the further schema pages only exist for
/// contracts longer than a page, and are built here.
pub fn jobs<'a>(ctx: &'a Ctx, c: &'a Contract) -> Vec<PageJob<'a>> {
    let url = ctx.urls.contract(&c.key).unwrap_or_default().to_string();
    let size = ctx.mesh.config.pages.size;
    let total = field_count(c);
    let first = {
        let url = url.clone();
        move || {
            let first = schema_pages(c, size, 1, &personal::classes(ctx.mesh))
                .into_iter()
                .next()
                .unwrap_or_default();
            view(ctx, c, &url, first, schema_paging(&url, size).pager(1, total))
        }
    };
    let mut jobs = vec![PageJob::new(url.clone(), "contract.html", "contracts").with_lazy("contract", first)];
    if total <= size {
        return jobs;
    }
    let paging = schema_paging(&url, size);
    let link = ctx.contract_link(&c.key);
    let classes = personal::classes(ctx.mesh);
    for (i, objects) in schema_pages(c, size, usize::MAX, &classes)
        .into_iter()
        .enumerate()
        .skip(1)
    {
        let i = i - 1;
        let pager = paging.pager(i + 2, total);
        let page = SchemaPageView {
            contract: link.clone(),
            status: c.status.clone(),
            objects,
            pager,
        };
        jobs.push(PageJob::new(paging.url(i + 2), "schema.html", "contracts").with("schema", page));
    }
    jobs
}

fn view(ctx: &Ctx, c: &Contract, url: &str, objects: Vec<SchemaObjectView>, schema_pager: PagerView) -> ContractView {
    let team_block = c.raw.team.clone().map(|t| t.into_block());
    let d = &c.description;
    let product = c.raw.data_product.as_deref().map(|p| ctx.product_link_by_id_or_name(p));
    let shown = ctx.mesh.config.pages.size;
    let links = |ids: Option<&Vec<String>>| -> (Vec<Link>, usize) {
        let ids = ids.map_or(&[][..], Vec::as_slice);
        (ids.iter().take(shown).map(|p| ctx.product_link(p)).collect(), ids.len())
    };
    let (producers, producers_total) = links(ctx.mesh.index.producers.get(&c.key.id));
    let (consumers, consumers_total) = links(ctx.mesh.index.consumers.get(&c.key.id));
    let (field_lineage, field_lineage_total) = super::lineage::field_rows(ctx, c, shown);
    let (lineage_svg, lineage_note) = super::lineage::drawing(ctx, Diagram::Contract(&c.key));
    let detail = ContractDetail {
        link: ctx.contract_link(&c.key),
        version: c.key.version.clone(),
        status: c.status.clone(),
        fields_total: schema_pager.total,
        fields_shown: objects.iter().map(|o| o.fields.len()).sum(),
        objects,
        sla_summary: super::readable::sla_summary(&c.raw.sla_properties),
        sla: super::readable::sla_rows(&c.raw.sla_properties),
        servers: c.raw.servers.iter().enumerate().map(|(i, s)| server(c, s, i)).collect(),
    };
    ContractView {
        id: c.key.id.clone(),
        name: c.name.clone(),
        version: c.key.version.clone(),
        status: c.status.clone(),
        kind: c.raw.kind.clone(),
        api_version: c.raw.api_version.clone(),
        tenant: c.raw.tenant.clone(),
        domain: c.domain.as_deref().map(|d| ctx.domain_link(d)),
        product,
        team: c.team.as_deref().map(|t| ctx.team_summary(t)),
        members: team_block
            .as_ref()
            .map(|b| b.members.iter().map(super::member).collect())
            .unwrap_or_default(),
        tags: c.raw.tags.clone(),
        purpose_html: opt_md(&d.purpose),
        usage_html: opt_md(&d.usage),
        limitations_html: opt_md(&d.limitations),
        description_extra_html: super::description_extra(d),
        detail,
        schema_pager,
        access: super::access::panel(ctx, c, c.team.as_deref()),
        people: super::people::key_people(
            ctx,
            c.team.as_deref(),
            team_block.as_ref().map_or(&[][..], |b| b.members.as_slice()),
        ),
        support: c.contacts.iter().map(super::contact).collect(),
        producers,
        producers_total,
        consumers,
        consumers_total,
        other_versions: ctx
            .mesh
            .index
            .contract_versions
            .get(&c.key.id)
            .into_iter()
            .flatten()
            .filter(|k| **k != c.key)
            .map(|k| ctx.contract_link(k))
            .collect(),
        lineage_svg,
        lineage_note,
        field_lineage,
        field_lineage_total,
        observed: ctx
            .mesh
            .observed
            .contracts
            .get(&c.key)
            .and_then(|r| super::observed::view(ctx, r, false)),
        extra_html: contract_extra(c),
        source: ctx.descriptor_source(&c.origin, url),
        url: url.to_string(),
    }
}

/// Keys shown generically: the contract's own unknown keys plus its `team` block as written.
fn contract_extra(c: &Contract) -> String {
    let mut extra = c.raw.extra.clone();
    // Said in words by the "Get access" panel (and kept as written in the raw YAML).
    extra.remove("roles");
    extra.remove("price");
    if let Some(team) = &c.team_written {
        extra.insert("team".into(), team.clone());
    }
    extra_html(&extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wide_contract() -> (tempfile::TempDir, crate::model::Mesh) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("content/contracts");
        std::fs::create_dir_all(&dir).unwrap();
        let yaml = "apiVersion: v3.1.0\nkind: DataContract\nid: c\nversion: 1.0.0\nstatus: active\nschema:\n  - name: a\n    description: First.\n    properties:\n      - name: a1\n        properties:\n          - name: a1c\n      - name: a2\n      - name: a3\n  - name: b\n  - name: c\n    properties:\n      - name: c1\n      - name: c2\n      - name: c3\n      - name: c4\n      - name: c5\n";
        std::fs::write(dir.join("c.odcs.yaml"), yaml).unwrap();
        let loaded = crate::cmd::load(tmp.path(), None).unwrap();
        (tmp, loaded.mesh)
    }

    fn layout(pages: &[Vec<SchemaObjectView>]) -> Vec<Vec<String>> {
        pages
            .iter()
            .map(|page| {
                page.iter()
                    .map(|o| {
                        format!(
                            "{}{}:{}",
                            o.name,
                            if o.continued { "+" } else { "" },
                            o.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(",")
                        )
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn schema_pages_split_fields_in_order_across_objects() {
        let (_tmp, mesh) = wide_contract();
        let c = mesh.contracts.values().next().unwrap();
        assert_eq!(field_count(c), 9);
        let pages = schema_pages(c, 3, usize::MAX, &[]);
        assert_eq!(
            layout(&pages),
            [vec!["a:a1,a1c,a2"], vec!["a+:a3", "b:", "c:c1,c2"], vec!["c+:c3,c4,c5"]]
        );
        assert!(
            pages[0][0].description_html.contains("First"),
            "the object's description on its first page"
        );
        assert!(
            pages[1][0].description_html.is_empty(),
            "not repeated where it continues"
        );
        assert_eq!(
            layout(&schema_pages(c, 3, 1, &[])),
            [vec!["a:a1,a1c,a2"]],
            "only the pages asked for"
        );
        assert_eq!(
            layout(&schema_pages(c, 100, usize::MAX, &[])),
            [vec!["a:a1,a1c,a2,a3", "b:", "c:c1,c2,c3,c4,c5"]]
        );
    }
}
