//! Contract views: schema tables (nested fields flattened with their depth), quality rules,
//! SLA, servers with a "how to consume" snippet, and the full contract page.

use super::values::{extra_html, key_values, scalar_text};
use super::views::*;
use super::Ctx;
use crate::highlight::Highlighter;
use crate::markdown::render_inline;
use crate::model::{raw, Contract};
use serde_json::Value;

/// Classifications that mean personal data needs care, besides an explicit `pii` tag.
const PII_CLASSES: &[&str] = &["pii", "personal", "sensitive"];

pub fn detail(ctx: &Ctx, c: &Contract) -> ContractDetail {
    ContractDetail {
        link: ctx.contract_link(&c.key),
        version: c.key.version.clone(),
        status: c.status.clone(),
        objects: c.raw.schema.iter().enumerate().map(|(i, o)| object(o, i)).collect(),
        sla: c.raw.sla_properties.iter().map(|s| key_values(s, &["property"], "SLA property")).collect(),
        servers: c.raw.servers.iter().enumerate().map(|(i, s)| server(c, s, i)).collect(),
    }
}

fn opt_md(s: &Option<String>) -> String {
    s.as_deref().map(render_inline).unwrap_or_default()
}

fn object(o: &raw::SchemaObject, index: usize) -> SchemaObjectView {
    let name = o.name.clone().or_else(|| o.physical_name.clone()).unwrap_or_else(|| format!("object {}", index + 1));
    let mut fields = Vec::new();
    for p in &o.properties {
        flatten(p, 0, &name, &mut fields);
    }
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
        fields,
        quality: quality(&o.quality),
        extra_html: extra_html(&o.extra),
    }
}

fn quality(rules: &[Value]) -> Vec<KeyValues> {
    rules.iter().map(|q| key_values(q, &["name", "metric", "rule", "type"], "quality rule")).collect()
}

/// Depth-first, parents before children, so a table shows the nesting by indentation.
fn flatten(p: &raw::Property, depth: usize, parent: &str, out: &mut Vec<FieldView>) {
    let name = p.name.clone().or_else(|| p.physical_name.clone()).unwrap_or_else(|| "(unnamed)".into());
    let path = format!("{parent}.{name}");
    out.push(field(p, depth, name, path.clone()));
    for child in &p.properties {
        flatten(child, depth + 1, &path, out);
    }
    if let Some(items) = &p.items {
        flatten(items, depth + 1, &format!("{path}[]"), out);
    }
}

fn field(p: &raw::Property, depth: usize, name: String, path: String) -> FieldView {
    let classification = p.classification.clone();
    let lower = classification.as_deref().unwrap_or("").to_lowercase();
    let pii = p.tags.iter().any(|t| t.eq_ignore_ascii_case("pii")) || PII_CLASSES.iter().any(|c| lower.contains(c));
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
        name: get("server").or_else(|| get("id")).unwrap_or_else(|| format!("server {}", index + 1)),
        server_type: get("type"),
        environment: get("environment"),
        properties: key_values(s, &["server"], "server"),
        snippet_html: consume_snippet(c, s).map(|(lang, code)| Highlighter::global().highlight(&code, lang)),
    }
}

/// A starting point for reading the contract's first object from this server, by server type.
fn consume_snippet(c: &Contract, s: &Value) -> Option<(&'static str, String)> {
    let get = |k: &str| s.get(k).filter(|v| !v.is_null()).map(scalar_text);
    let object = c.raw.schema.first().and_then(|o| o.physical_name.clone().or_else(|| o.name.clone())).unwrap_or_else(|| "<table>".into());
    let kind = get("type")?.to_lowercase();
    let qualified = |parts: &[Option<String>]| {
        let mut v: Vec<String> = parts.iter().flatten().cloned().collect();
        v.push(object.clone());
        v.join(".")
    };
    let snippet = match kind.as_str() {
        "postgres" | "postgresql" | "mysql" | "sqlserver" | "oracle" | "redshift" | "snowflake" | "trino" | "presto" | "duckdb" | "synapse" | "vertica" => {
            ("sql", format!("-- {}\nSELECT *\nFROM {}\nLIMIT 100;", connection_comment(&kind, &get), qualified(&[get("database"), get("schema")])))
        }
        "databricks" => ("sql", format!("SELECT *\nFROM {}\nLIMIT 100;", qualified(&[get("catalog"), get("schema")]))),
        "bigquery" => ("sql", format!("SELECT *\nFROM `{}`\nLIMIT 100;", qualified(&[get("project"), get("dataset")]))),
        "kafka" | "pubsub" | "kinesis" => {
            let topic = get("topic").unwrap_or_else(|| object.clone());
            let host = get("host").unwrap_or_else(|| "<bootstrap-server>".into());
            ("bash", format!("kafka-console-consumer --bootstrap-server {host} \\\n  --topic {topic} --from-beginning --max-messages 10"))
        }
        "s3" | "gcs" | "azure" | "local" | "sftp" => {
            let location = get("location").or_else(|| get("path")).unwrap_or_else(|| "<location>".into());
            let format = get("format").unwrap_or_else(|| "parquet".into()).to_lowercase();
            let reader = match format.as_str() { "csv" => "read_csv", "json" => "read_json", "delta" => "read_parquet", _ => "read_parquet" };
            ("python", format!("import pandas as pd\n\ndf = pd.{reader}(\"{location}\")\nprint(df.head())"))
        }
        "api" | "http" | "https" => ("bash", format!("curl -sS '{}'", get("location").or_else(|| get("host")).unwrap_or_else(|| "<url>".into()))),
        _ => return None,
    };
    Some(snippet)
}

fn connection_comment(kind: &str, get: &dyn Fn(&str) -> Option<String>) -> String {
    let host = get("host").or_else(|| get("account")).unwrap_or_else(|| "<host>".into());
    match get("port") {
        Some(port) => format!("{kind} at {host}:{port}"),
        None => format!("{kind} at {host}"),
    }
}

pub fn view(ctx: &Ctx, c: &Contract) -> ContractView {
    let url = ctx.urls.contract(&c.key).unwrap_or_default().to_string();
    let team_block = c.raw.team.clone().map(|t| t.into_block());
    let d = &c.description;
    let product = c.raw.data_product.as_deref().map(|p| ctx.product_link_by_id_or_name(p));
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
        members: team_block.as_ref().map(|b| b.members.iter().map(super::member).collect()).unwrap_or_default(),
        tags: c.raw.tags.clone(),
        purpose_html: opt_md(&d.purpose),
        usage_html: opt_md(&d.usage),
        limitations_html: opt_md(&d.limitations),
        description_extra_html: super::description_extra(d),
        detail: detail(ctx, c),
        support: c.contacts.iter().map(super::contact).collect(),
        producers: ctx.mesh.index.producers.get(&c.key.id).into_iter().flatten().map(|p| ctx.product_link(p)).collect(),
        consumers: ctx.mesh.index.consumers.get(&c.key.id).into_iter().flatten().map(|p| ctx.product_link(p)).collect(),
        other_versions: ctx.mesh.index.contract_versions.get(&c.key.id).into_iter().flatten()
            .filter(|k| **k != c.key).map(|k| ctx.contract_link(k)).collect(),
        lineage_svg: super::lineage::svg(ctx.lineage.contract(&c.key)),
        lineage_note: super::lineage::note(ctx.lineage.contract(&c.key)),
        field_lineage: super::lineage::field_rows(ctx, c),
        extra_html: contract_extra(c),
        source: ctx.source_view(&c.origin.file, &url),
        url,
    }
}

/// Keys shown generically: the contract's own unknown keys plus its `team` block as written.
fn contract_extra(c: &Contract) -> String {
    let mut extra = c.raw.extra.clone();
    if let Some(team) = c.origin.doc.value.get("team") {
        extra.insert("team".into(), team.clone());
    }
    extra_html(&extra)
}
