//! What `serve` adds to HTML responses (never to `build` output): the live-reload script
//! and, while the latest rebuild failed, a panel listing the findings.
//!
//! The panel is injected on the server side so it shows with JavaScript off, and it closes
//! with a CSS checkbox toggle rather than a script for the same reason.

use crate::diag::{Diagnostics, Severity};
use crate::render::text_html as esc;

/// Where the browser listens for rebuilds (server-sent events).
pub const EVENTS_PATH: &str = "/__meshport/events";

/// One line of the panel: a mesh finding, or a tool failure such as a template that does
/// not compile (which `build` would report as an error of its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `file:line:column`, or the file or folder when there is no position.
    pub location: String,
    pub severity: Severity,
    pub rule: String,
    pub message: String,
    pub hint: Option<String>,
}

/// The findings of a failed build, errors first (a long list of warnings must not push the
/// errors that block the build out of view), each group in file order.
pub fn problems_of(diags: &Diagnostics) -> Vec<Problem> {
    let mut out: Vec<Problem> = diags
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| Problem {
            location: format!("{}:{}:{}", d.file, d.line, d.column),
            severity: d.severity,
            rule: d.rule.clone(),
            message: d.message.clone(),
            hint: d.hint.clone(),
        })
        .collect();
    out.sort_by_key(|p| p.severity);
    out
}

/// A failure of the tool rather than a finding in a file: `location` names what failed.
pub fn failure(location: &str, rule: &str, message: String) -> Problem {
    Problem {
        location: location.to_string(),
        severity: Severity::Error,
        rule: rule.to_string(),
        message,
        hint: None,
    }
}

const STYLE: &str = "#meshport-overlay-x{display:none}\
#meshport-overlay-x:checked+#meshport-overlay{display:none}\
#meshport-overlay{position:fixed;z-index:2147483647;left:1rem;right:1rem;bottom:1rem;max-height:60vh;overflow:auto;\
background:#fff5f5;color:#1a1a1a;border:2px solid #c62828;border-radius:6px;box-shadow:0 4px 24px rgba(0,0,0,.35);\
padding:.75rem 1rem;font:14px/1.45 system-ui,sans-serif;text-align:left}\
#meshport-overlay h2{margin:0 2rem .5rem 0;font-size:16px;color:#c62828}\
#meshport-overlay ul{margin:0;padding:0;list-style:none}\
#meshport-overlay li{margin:.35rem 0;font-family:ui-monospace,monospace;font-size:13px;white-space:pre-wrap;word-break:break-word}\
#meshport-overlay .mp-error{color:#c62828;font-weight:bold}\
#meshport-overlay .mp-warning{color:#8a5a00;font-weight:bold}\
#meshport-overlay .mp-hint{display:block;color:#555;padding-left:1.5rem}\
#meshport-overlay label{position:absolute;top:.4rem;right:.7rem;cursor:pointer;font-size:22px;line-height:1;color:#555}\
#meshport-overlay p{margin:.5rem 0 0;color:#555}";

/// The panel for a failed rebuild. `serving_old` says whether an earlier good build is shown
/// under it (otherwise there is no site yet, only this page).
pub fn panel(problems: &[Problem], serving_old: bool) -> String {
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    let mut html = format!("<style>{STYLE}</style><input type=\"checkbox\" id=\"meshport-overlay-x\">");
    html.push_str("<div id=\"meshport-overlay\" role=\"alert\">");
    html.push_str("<label for=\"meshport-overlay-x\" title=\"Close\" aria-label=\"Close\">&times;</label>");
    html.push_str(&format!(
        "<h2>meshport: the last rebuild failed ({errors} error{})</h2><ul>",
        if errors == 1 { "" } else { "s" }
    ));
    for p in problems {
        html.push_str(&problem_item(p));
    }
    html.push_str("</ul><p>");
    html.push_str(if serving_old {
        "This page is from the last successful build. It updates as soon as the errors are fixed."
    } else {
        "There is no successful build yet. The portal appears as soon as the errors are fixed."
    });
    html.push_str("</p></div>");
    html
}

fn problem_item(p: &Problem) -> String {
    let hint = p
        .hint
        .as_deref()
        .map(|h| format!("<span class=\"mp-hint\">help: {}</span>", esc(h)))
        .unwrap_or_default();
    format!(
        "<li><code>{}</code> <span class=\"mp-{}\">{}[{}]</span> {}{hint}</li>",
        esc(&p.location),
        p.severity,
        p.severity,
        esc(&p.rule),
        esc(&p.message)
    )
}

/// Reloads the page on every rebuild. `generation` is the build the page came from: when the
/// event stream (re)connects after a rebuild the page missed, the page reloads too.
pub fn reload_script(generation: u64) -> String {
    format!(
        "<script>(function(){{var g=\"{generation}\";if(!window.EventSource)return;\
var es=new EventSource(\"{EVENTS_PATH}\");\
es.addEventListener(\"hello\",function(e){{if(e.data!==g)location.reload();}});\
es.addEventListener(\"reload\",function(){{es.close();location.reload();}});}})();</script>"
    )
}

/// Inserts `extra` before the last `</body>` (any case), or appends it when there is none.
pub fn inject(html: &[u8], extra: &str) -> Vec<u8> {
    let at = rfind_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The whole page while no build has succeeded yet; the overlay is injected into it like
/// into any other page.
pub fn placeholder_page() -> &'static str {
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>meshport: build failed</title></head>\
<body><h1>meshport serve</h1><p>The mesh has errors and no successful build yet.</p></body></html>"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::RuleId;
    use crate::diag::{Diagnostic, Pos};

    #[test]
    fn injects_before_the_last_body_close() {
        let out = inject(b"<html><BODY>x</Body></html>", "<i>1</i>");
        assert_eq!(out, b"<html><BODY>x<i>1</i></Body></html>");
        assert_eq!(inject(b"<p>no body", "!"), b"<p>no body!");
    }

    #[test]
    fn panel_escapes_and_lists_errors_first() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::custom(
            Severity::Warning,
            "w.rule",
            "a.yaml",
            Pos::new(1, 1),
            "warn",
        ));
        d.push(
            RuleId::YamlSyntax
                .at("b.yaml", Pos::new(3, 7), "bad <script>alert(1)</script>")
                .with_hint("fix & retry"),
        );
        d.finish();
        let problems = problems_of(&d);
        assert_eq!(problems[0].location, "b.yaml:3:7");
        let html = panel(&problems, true);
        assert!(html.contains("<code>b.yaml:3:7</code>"));
        assert!(html.contains("error[yaml.syntax]"));
        assert!(html.contains("bad &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("fix &amp; retry"));
        assert!(html.find("b.yaml:3:7").unwrap() < html.find("a.yaml:1:1").unwrap());
        assert!(html.contains("(1 error)"));
    }

    #[test]
    fn reload_script_carries_the_generation() {
        let s = reload_script(42);
        assert!(s.contains("var g=\"42\"") && s.contains(EVENTS_PATH));
    }
}
