//! Rendering a `Report`: Markdown for a pull-request comment, JSON for scripts.

use super::access::AccessRequest;
use super::report::{plural, product_name, Downstream, Owner, Report, JSON_VERSION};
use super::{Change, Side, Subject};
use serde_json::{json, Value};

/// Products listed per team in the comment; past it a count stands in, so a change deep in a
/// large mesh still fits in one pull-request comment (GitHub caps them at 65,536 characters).
const MAX_LISTED_PER_TEAM: usize = 50;

/// The comment: summary line, table of changes, who to tell, findings note.
pub fn markdown(r: &Report<'_>) -> String {
    let mut out = format!(
        "### meshport diff against `{}` ({})\n\n",
        escape(r.base_rev),
        r.base_commit
    );
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
    out.push_str(&access_block(&super::access::requests(r.pair)));
    if let Some(note) = r.findings_note() {
        out.push_str(&format!("\n> {note}\n"));
    }
    out
}

fn row(c: &Change) -> String {
    let breaking = if c.breaking { "**yes**" } else { "no" };
    let side = if c.at.side == Side::Base {
        " (base, removed)"
    } else {
        ""
    };
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
    let reach = if channels.is_empty() {
        "no contact channel listed".to_string()
    } else {
        channels.join(", ")
    };
    let id = owner
        .id
        .as_deref()
        .map(|i| format!(" (`{}`)", escape(i)))
        .unwrap_or_default();
    let mut out = format!("- **{}**{id}: {reach}\n", escape(&owner.name));
    let mine: Vec<&Downstream> = downstream
        .iter()
        .filter(|d| owner.products.contains(&d.product))
        .collect();
    for d in mine.iter().take(MAX_LISTED_PER_TEAM) {
        let how = match &d.via {
            None => "reads it directly".to_string(),
            Some(v) => format!("through `{}`", escape(product_name(r.pair.head, r.pair.base, v))),
        };
        let mut kinds: Vec<&str> = d.changes.iter().map(|i| r.changes[*i].kind.id).collect();
        kinds.sort();
        kinds.dedup();
        let kinds: Vec<String> = kinds.iter().map(|k| format!("`{k}`")).collect();
        out.push_str(&format!(
            "  - {} (`{}`), {how}: {}\n",
            escape(&d.name),
            escape(&d.product),
            kinds.join(", ")
        ));
    }
    if mine.len() > MAX_LISTED_PER_TEAM {
        let more = mine.len() - MAX_LISTED_PER_TEAM;
        out.push_str(&format!(
            "  - … and {more} more {} (`--format json` lists every one)\n",
            plural(more, "product", "products")
        ));
    }
    out
}

/// Access requests: what each asks for, who approves, and the producing team whose review
/// grants it (the pull request edits the consumer's file, so nothing else asks them).
fn access_block(requests: &[AccessRequest]) -> String {
    if requests.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n#### Access {}: review by the producing team\n\n",
        plural(requests.len(), "request", "requests")
    );
    for a in requests {
        let team = match (&a.producing_team_name, &a.producing_team) {
            (Some(name), Some(id)) => format!("**{}** (`{}`)", escape(name), escape(id)),
            (None, Some(id)) => format!("`{}`", escape(id)),
            _ => "the contract's owners (no producing team declared)".to_string(),
        };
        let reviewers = if a.reviewers.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = a.reviewers.iter().map(|u| format!("@{}", escape(u))).collect();
            format!("; reviewers: {}", names.join(", "))
        };
        out.push_str(&format!(
            "- **{}** (`{}`), input port `{}` on contract `{}` {}: {}. Review: {team}{reviewers}. `{}:{}`\n",
            escape(&a.consumer_name),
            escape(&a.consumer),
            escape(&a.port),
            escape(&a.contract_id),
            escape(&a.contract_version),
            escape(&super::access::sentence(a)),
            escape(&a.at.file),
            a.at.line
        ));
    }
    out
}

/// Keeps text from breaking the table or turning into markup: pipes, angle brackets and
/// line breaks are escaped; control and bidi characters are shown as escapes, since the
/// comment is also read in terminals and CI logs.
fn escape(s: &str) -> String {
    crate::diag::escape_controls(s)
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

/// The JSON document (shape documented in docs/diff.md).
pub fn json(r: &Report<'_>) -> Value {
    let downstream = r.downstream();
    let owners = r.owners(&downstream);
    let access = super::access::requests(r.pair);
    json!({
        "version": JSON_VERSION,
        "base": { "rev": r.base_rev, "commit": r.base_commit },
        "summary": {
            "changes": r.changes.len(),
            "breaking": r.breaking(),
            "downstream_products": downstream.len(),
            "access_requests": access.len(),
            "text": if r.changes.is_empty() { "No changes to products or contracts.".to_string() } else { r.summary_line(downstream.len()) },
            "findings": { "base": r.base_findings, "head": r.head_findings },
        },
        "changes": r.changes.iter().map(change_json).collect::<Vec<_>>(),
        "downstream": downstream,
        "owners": owners,
        "access_requests": access,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::report::FindingCount;
    use crate::diff::testutil::{contract, mesh, product};
    use crate::diff::{compare, Pair};

    #[test]
    fn descriptor_text_cannot_drive_a_terminal_or_break_the_table() {
        assert_eq!(
            escape("a\u{1b}]0;t\u{7}|\u{202e}<b>\nc"),
            "a\\u{1b}]0;t\\u{7}\\|\\u{202e}&lt;b&gt; c"
        );
    }

    /// A producer, 52 consumers owned by one team, and the contract with or without a field.
    fn wide(fields: &str) -> crate::model::Mesh {
        let mut files = vec![
            (
                "contracts/orders.odcs.yaml".to_string(),
                contract("1.0.0", fields, "  - property: latency\n    value: 1\n    unit: h\n"),
            ),
            (
                "products/a.odps.yaml".to_string(),
                product("a", "producers", None, Some("orders")),
            ),
        ];
        for i in 0..52 {
            files.push((
                format!("products/c{i:02}.odps.yaml"),
                product(&format!("c{i:02}"), "readers", Some("orders"), None),
            ));
        }
        mesh(&files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect::<Vec<_>>())
    }

    #[test]
    fn long_team_lists_are_cut_with_a_count() {
        let one = "      - name: id\n        logicalType: string\n";
        let (base, head) = (
            wide(&format!("{one}      - name: gone\n        logicalType: string\n")),
            wide(one),
        );
        let pair = Pair {
            base: &base,
            head: &head,
        };
        let changes = compare(pair);
        let report = Report {
            base_rev: "main",
            base_commit: "abc1234",
            pair,
            changes: &changes,
            base_findings: FindingCount::default(),
            head_findings: FindingCount::default(),
        };
        let md = markdown(&report);
        assert!(
            md.contains("**1 breaking change affecting 52 downstream products.**"),
            "{md}"
        );
        assert_eq!(md.matches("reads it directly").count(), MAX_LISTED_PER_TEAM);
        assert!(
            md.contains("  - … and 2 more products (`--format json` lists every one)\n"),
            "{md}"
        );
        assert_eq!(json(&report)["downstream"].as_array().unwrap().len(), 52);
    }

    #[test]
    fn table_cells_cannot_break_the_table() {
        assert_eq!(escape("a|b <script>\nc"), "a\\|b &lt;script&gt; c");
    }
}
