//! Rendering a `Report`: Markdown for a pull-request comment, JSON for scripts.

use super::report::{plural, product_name, Downstream, Owner, Report, JSON_VERSION};
use super::{Change, Side, Subject};
use serde_json::{json, Value};

/// The comment: summary line, table of changes, who to tell, findings note.
pub fn markdown(r: &Report<'_>) -> String {
    let mut out = format!("### meshport diff against `{}` ({})\n\n", escape(r.base_rev), r.base_commit);
    if r.changes.is_empty() {
        out.push_str("No changes to products or contracts.\n");
    } else {
        let downstream = r.downstream();
        out.push_str(&format!("**{}**\n\n", r.summary_line(downstream.len())));
        out.push_str("| Breaking | Kind | Change | Where |\n|---|---|---|---|\n");
        for c in r.changes {
            out.push_str(&row(c));
        }
        if !downstream.is_empty() {
            out.push_str("\n#### Who to tell\n\n");
            for owner in r.owners(&downstream) {
                out.push_str(&owner_block(r, &owner, &downstream));
            }
        }
    }
    if let Some(note) = r.findings_note() {
        out.push_str(&format!("\n> {note}\n"));
    }
    out
}

fn row(c: &Change) -> String {
    let breaking = if c.breaking { "**yes**" } else { "no" };
    let side = if c.at.side == Side::Base { " (base, removed)" } else { "" };
    format!(
        "| {breaking} | `{}` | {}: {} | `{}:{}`{side} |\n",
        c.kind.id,
        subject(&c.subject),
        escape(&c.message),
        escape(&c.at.file),
        c.at.line
    )
}

fn subject(s: &Subject) -> String {
    match s {
        Subject::Contract { id, version } => format!("contract `{}` {}", escape(id), escape(version)),
        Subject::Product { id } => format!("product `{}`", escape(id)),
    }
}

fn owner_block(r: &Report<'_>, owner: &Owner, downstream: &[Downstream]) -> String {
    let mut channels: Vec<String> = Vec::new();
    channels.extend(owner.email.iter().map(|e| escape(e)));
    channels.extend(owner.oncall.iter().map(|o| format!("on call: {}", escape(o))));
    for c in &owner.contacts {
        channels.push(match &c.url {
            Some(url) if url != &c.channel => format!("`{}` ({})", escape(&c.channel), escape(url)),
            _ => format!("`{}`", escape(&c.channel)),
        });
    }
    let reach = if channels.is_empty() { "no contact channel listed".to_string() } else { channels.join(", ") };
    let id = owner.id.as_deref().map(|i| format!(" (`{}`)", escape(i))).unwrap_or_default();
    let mut out = format!("- **{}**{id}: {reach}\n", escape(&owner.name));
    for d in downstream.iter().filter(|d| owner.products.contains(&d.product)) {
        let how = match &d.via {
            None => "reads it directly".to_string(),
            Some(v) => format!("through `{}`", escape(product_name(r.pair.head, r.pair.base, v))),
        };
        let mut kinds: Vec<&str> = d.changes.iter().map(|i| r.changes[*i].kind.id).collect();
        kinds.sort();
        kinds.dedup();
        let kinds: Vec<String> = kinds.iter().map(|k| format!("`{k}`")).collect();
        out.push_str(&format!("  - {} (`{}`), {how}: {}\n", escape(&d.name), escape(&d.product), kinds.join(", ")));
    }
    out
}

/// Keeps text from breaking the table or turning into markup: pipes, angle brackets and
/// line breaks are escaped.
fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;").replace(['\n', '\r'], " ")
}

/// The JSON document (shape documented in docs/diff.md).
pub fn json(r: &Report<'_>) -> Value {
    let downstream = r.downstream();
    let owners = r.owners(&downstream);
    json!({
        "version": JSON_VERSION,
        "base": { "rev": r.base_rev, "commit": r.base_commit },
        "summary": {
            "changes": r.changes.len(),
            "breaking": r.breaking(),
            "downstream_products": downstream.len(),
            "text": if r.changes.is_empty() { "No changes to products or contracts.".to_string() } else { r.summary_line(downstream.len()) },
            "findings": { "base": r.base_findings, "head": r.head_findings },
        },
        "changes": r.changes.iter().map(change_json).collect::<Vec<_>>(),
        "downstream": downstream,
        "owners": owners,
    })
}

fn change_json(c: &Change) -> Value {
    let mut v = json!({
        "kind": c.kind.id,
        "breaking": c.breaking,
        "subject": c.subject,
        "message": c.message,
        "file": c.at.file,
        "line": c.at.line,
        "column": c.at.column,
        "side": c.at.side,
        "affected": c.affected,
    });
    if let Some(cid) = &c.port_contract {
        v["port_contract"] = json!(cid);
    }
    v
}

/// "1 change" / "2 changes" (re-exported for the command's stderr line).
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}
