//! Markdown for everything people write: guides, governance docs, domain and team pages,
//! and the description fields inside descriptors.
//!
//! Authors are trusted to write Markdown, not to write safe HTML, so every rendering goes
//! through the same sanitiser after pulldown-cmark has produced its HTML.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::sync::OnceLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::highlight::Highlighter;

/// One heading of a page's table of contents.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// Sanitised HTML plus the page's table of contents (h2–h4).
#[derive(Debug, Clone, Serialize)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
}

/// Renders a Markdown document to sanitised HTML with heading anchors and a TOC.
pub fn render(src: &str) -> Rendered {
    let (raw, toc) = to_html(src, RawHtml::Sanitise);
    Rendered {
        html: sanitise(&raw),
        toc,
    }
}

/// Renders a short description field of a descriptor; a lone paragraph loses its `<p>` so the
/// text can sit inside a table cell or a card without block spacing. HTML in such a field is
/// shown as text: descriptors describe types like `ARRAY<INT>` or `List<String>`, which the
/// sanitiser would otherwise strip as unknown tags.
pub fn render_inline(src: &str) -> String {
    let (raw, _) = to_html(src, RawHtml::AsText);
    strip_single_paragraph(&sanitise(&raw))
}

fn strip_single_paragraph(html: &str) -> String {
    let html = html.trim();
    match html.strip_prefix("<p>").and_then(|rest| rest.strip_suffix("</p>")) {
        // The sanitiser drops every attribute from `<p>`, so these two spellings are the
        // only way another paragraph can show up in the middle.
        Some(inner) if !inner.contains("<p>") && !inner.contains("</p>") => inner.to_string(),
        _ => html.to_string(),
    }
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What becomes of HTML written in the Markdown source.
#[derive(Clone, Copy, PartialEq)]
enum RawHtml {
    /// Kept, and cleaned by the sanitiser (pages written in Markdown).
    Sanitise,
    /// Shown as the text it is (descriptor fields).
    AsText,
}

/// Unsanitised HTML and the TOC; sanitising is left to the callers so it happens exactly once.
fn to_html(src: &str, raw_html: RawHtml) -> (String, Vec<TocEntry>) {
    let mut rewriter = Rewriter::default();
    let mut events = Parser::new_ext(src, parser_options()).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) if raw_html == RawHtml::AsText => Event::Text(h),
        other => other,
    });
    let mut out = Vec::new();
    while let Some(event) = events.next() {
        rewriter.rewrite(event, &mut events, &mut out);
    }
    let mut html = String::with_capacity(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    (html, rewriter.toc)
}

/// State carried across events while adjusting pulldown-cmark's stream.
#[derive(Default)]
struct Rewriter {
    used_ids: HashSet<String>,
    toc: Vec<TocEntry>,
    table_alignments: Vec<Alignment>,
    in_table_head: bool,
    column: usize,
}

impl Rewriter {
    fn rewrite<'a>(&mut self, event: Event<'a>, rest: &mut impl Iterator<Item = Event<'a>>, out: &mut Vec<Event<'a>>) {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => self.heading(level, id, rest, out),
            Event::Start(Tag::CodeBlock(kind)) => out.push(code_block(&kind, rest)),
            Event::Start(Tag::Table(alignments)) => {
                // pulldown-cmark would emit `style="text-align: …"`, which the sanitiser must
                // not allow; the cells get alignment classes from `table_cell` instead.
                self.table_alignments = alignments;
                out.push(Event::Start(Tag::Table(Vec::new())));
            }
            Event::Start(Tag::TableHead) => {
                self.in_table_head = true;
                self.column = 0;
                out.push(Event::Start(Tag::TableHead));
            }
            Event::End(TagEnd::TableHead) => {
                self.in_table_head = false;
                out.push(Event::End(TagEnd::TableHead));
            }
            Event::Start(Tag::TableRow) => {
                self.column = 0;
                out.push(Event::Start(Tag::TableRow));
            }
            Event::Start(Tag::TableCell) => out.push(self.table_cell(true)),
            Event::End(TagEnd::TableCell) => {
                out.push(self.table_cell(false));
                self.column += 1;
            }
            // A checkbox needs a name for screen readers (axe `label`); the list item's text
            // follows it, so the name says only its state.
            Event::TaskListMarker(done) => {
                let (checked, name) = if done { (" checked", "Done") } else { ("", "Not done") };
                let input = format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{name}\"> ");
                out.push(Event::InlineHtml(input.into()));
            }
            other => out.push(other),
        }
    }

    fn table_cell<'a>(&self, open: bool) -> Event<'a> {
        let tag = if self.in_table_head { "th" } else { "td" };
        if !open {
            return Event::Html(format!("</{tag}>").into());
        }
        let class = match self.table_alignments.get(self.column) {
            Some(Alignment::Left) => " class=\"align-left\"",
            Some(Alignment::Center) => " class=\"align-center\"",
            Some(Alignment::Right) => " class=\"align-right\"",
            Some(Alignment::None) | None => "",
        };
        Event::Html(format!("<{tag}{class}>").into())
    }

    /// Re-emits a heading with a unique id and a self-link, recording h2–h4 in the TOC.
    fn heading<'a>(
        &mut self,
        level: HeadingLevel,
        explicit_id: Option<pulldown_cmark::CowStr<'a>>,
        rest: &mut impl Iterator<Item = Event<'a>>,
        out: &mut Vec<Event<'a>>,
    ) {
        let inner: Vec<Event<'a>> = rest
            .by_ref()
            .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
            .collect();
        let title = plain_text(&inner);
        let base = explicit_id
            .map(|id| crate::slug::anchor(&id))
            .filter(|slug| !slug.is_empty())
            .unwrap_or_else(|| crate::slug::anchor(&title));
        let id = self.unique_id(base);
        if matches!(level, HeadingLevel::H2 | HeadingLevel::H3 | HeadingLevel::H4) {
            self.toc.push(TocEntry {
                level: level as u8,
                id: id.clone(),
                title,
            });
        }
        let anchor = format!("<a class=\"anchor\" href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>");
        // Classes and attributes from `{…}` are dropped: the sanitiser would strip them
        // anyway, and the id is the only one we promise to honour.
        out.push(Event::Start(Tag::Heading {
            level,
            id: Some(id.into()),
            classes: Vec::new(),
            attrs: Vec::new(),
        }));
        out.push(Event::InlineHtml(anchor.into()));
        out.extend(inner);
        out.push(Event::End(TagEnd::Heading(level)));
    }

    fn unique_id(&mut self, base: String) -> String {
        let base = if base.is_empty() { "section".to_string() } else { base };
        let mut candidate = base.clone();
        let mut n = 1;
        // A loop rather than a per-slug counter: an author may have written `{#intro-1}`
        // explicitly, and generated ids must step around it.
        while self.used_ids.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        self.used_ids.insert(candidate.clone());
        candidate
    }
}

/// Replaces a code block's events with highlighted HTML.
fn code_block<'a>(kind: &CodeBlockKind<'a>, rest: &mut impl Iterator<Item = Event<'a>>) -> Event<'a> {
    let code: String = rest
        .by_ref()
        .take_while(|e| !matches!(e, Event::End(TagEnd::CodeBlock)))
        .filter_map(|e| match e {
            Event::Text(text) => Some(text.into_string()),
            _ => None,
        })
        .collect();
    let lang = match kind {
        // Info strings may carry more than the language (`sql title="x"`, `rust,ignore`).
        CodeBlockKind::Fenced(info) => info
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()
            .unwrap_or(""),
        CodeBlockKind::Indented => "",
    };
    let mut html = Highlighter::global().highlight(&code, lang);
    html.push('\n');
    Event::Html(html.into())
}

/// Heading text without markup, with whitespace collapsed.
fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sanitise(html: &str) -> String {
    sanitiser().clean(html).to_string()
}

#[rustfmt::skip]
const ALLOWED_TAGS: &[&str] = &[
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "kbd", "li", "mark",
    "ol", "p", "pre", "s", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
];

/// Elements whose text would be noise if only the tags were removed.
#[rustfmt::skip]
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
];

/// The one sanitiser policy for all Markdown output.
fn sanitiser() -> &'static Builder<'static> {
    static SANITISER: OnceLock<Builder<'static>> = OnceLock::new();
    SANITISER.get_or_init(|| {
        let mut b = Builder::empty();
        b.add_tags(ALLOWED_TAGS)
            .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
            .generic_attributes(["title", "lang"].into_iter().collect())
            // Start from nothing: ammonia's defaults allow attributes we do not want.
            .tag_attributes(Default::default())
            .add_tag_attributes("a", &["href"])
            .add_tag_attribute_values("a", "aria-hidden", &["true"])
            .add_tag_attribute_values("a", "tabindex", &["-1"])
            .add_allowed_classes("a", &["anchor"])
            .add_tag_attributes("img", &["src", "alt", "width", "height"])
            .add_tag_attributes("span", &["class"])
            .add_tag_attributes("code", &["class"])
            .add_tag_attributes("pre", &["class", "data-lang"])
            .add_tag_attribute_values("pre", "tabindex", &["0"])
            .add_tag_attributes("ol", &["start"])
            .add_tag_attributes("th", &["colspan", "rowspan"])
            .add_tag_attributes("td", &["colspan", "rowspan"])
            .add_allowed_classes("th", &["align-left", "align-center", "align-right"])
            .add_allowed_classes("td", &["align-left", "align-center", "align-right"])
            .add_tag_attributes("div", &["id"])
            .add_allowed_classes("div", &["footnote-definition"])
            .add_allowed_classes("sup", &["footnote-reference", "footnote-definition-label"])
            // Task-list markers are the only inputs we emit; raw-HTML ones become checkboxes
            // too. Only one forced value: ammonia appends forced attributes in HashMap order,
            // which would make the output differ from run to run.
            .add_tag_attributes("input", &["checked", "disabled"])
            .add_tag_attribute_values("input", "type", &["checkbox"])
            .add_tag_attribute_values("input", "aria-label", &["Done", "Not done"])
            .set_tag_attribute_value("input", "type", "checkbox")
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .url_relative(UrlRelative::PassThrough)
            .link_rel(Some("noopener noreferrer"))
            .strip_comments(true)
            .attribute_filter(filter_attribute);
        for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(heading, &["id"]);
        }
        b
    })
}

thread_local! {
    /// Whether the `<a>` currently being filtered points off-site.
    static EXTERNAL_LINK: Cell<bool> = const { Cell::new(false) };
}

/// ammonia adds `rel` to every link, but only off-site links need it. Its filter sees one
/// attribute at a time, in order, and the `rel` it adds always comes last on an `<a>`; so
/// `href` records whether the link is external and `rel` consumes (and resets) that answer.
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        ("a", "href") => {
            EXTERNAL_LINK.set(is_external(value));
            Some(Cow::Borrowed(value))
        }
        ("a", "rel") => EXTERNAL_LINK.replace(false).then_some(Cow::Borrowed(value)),
        ("span" | "code" | "pre", "class") => highlight_classes(value),
        _ => Some(Cow::Borrowed(value)),
    }
}

fn is_external(href: &str) -> bool {
    let href = href.trim_start_matches(|c: char| c <= ' ');
    let lower = href.get(..8).unwrap_or(href).to_ascii_lowercase();
    // Browsers treat `\` like `/`, so `\\host` and `/\host` are protocol-relative too.
    let protocol_relative = href.len() >= 2 && href.bytes().take(2).all(|b| b == b'/' || b == b'\\');
    lower.starts_with("http:") || lower.starts_with("https:") || protocol_relative
}

/// Keeps only the classes our highlighter produces, so raw HTML cannot borrow site styles.
fn highlight_classes(value: &str) -> Option<Cow<'_, str>> {
    let kept: Vec<&str> = value
        .split_ascii_whitespace()
        .filter(|class| class.starts_with("hl-") || *class == "code")
        .collect();
    (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn toc(src: &str) -> Vec<(u8, String, String)> {
        render(src).toc.into_iter().map(|e| (e.level, e.id, e.title)).collect()
    }

    #[test]
    fn headings_get_ids_anchors_and_toc_entries() {
        let out = render("# Title\n\n## Getting *started*\n\n### The `orders` table\n\n##### Deep\n");
        assert!(
            out.html.contains(
                "<h2 id=\"getting-started\"><a class=\"anchor\" href=\"#getting-started\" \
             aria-hidden=\"true\" tabindex=\"-1\">#</a>Getting <em>started</em></h2>"
            ),
            "{}",
            out.html
        );
        assert!(out.html.contains("<h1 id=\"title\">"), "{}", out.html);
        assert!(out.html.contains("<h5 id=\"deep\">"), "{}", out.html);
        assert_eq!(
            toc("# Title\n\n## Getting *started*\n\n### The `orders` table\n\n##### Deep\n"),
            vec![
                (2, "getting-started".into(), "Getting started".into()),
                (3, "the-orders-table".into(), "The orders table".into()),
            ]
        );
    }

    #[test]
    fn internal_anchor_links_carry_no_rel() {
        let html = render("## Setup\n").html;
        assert!(!html.contains("rel="), "{html}");
    }

    #[test]
    fn duplicate_headings_get_unique_ids() {
        let ids: Vec<String> = toc("## Usage\n## Usage\n## Usage\n## Usage 1\n")
            .into_iter()
            .map(|(_, id, _)| id)
            .collect();
        assert_eq!(ids, ["usage", "usage-1", "usage-2", "usage-1-1"]);
    }

    #[test]
    fn explicit_ids_win_but_are_sanitised_and_deduplicated() {
        let ids: Vec<String> = toc("## Intro {#Über_Intro}\n## Intro 1\n## Other {#intro-1}\n## Odd {#A.b!C}\n")
            .into_iter()
            .map(|(_, id, _)| id)
            .collect();
        assert_eq!(ids, ["uber-intro", "intro-1", "intro-1-1", "abc"]);
        let ids: Vec<String> = toc("## First\n## {#first}\n## ???\n")
            .into_iter()
            .map(|e| e.1)
            .collect();
        assert_eq!(ids, ["first", "first-1", "section"]);
    }

    #[test]
    fn code_fences_are_highlighted() {
        let html = render("```sql title=\"q\"\nSELECT 1;\n```\n").html;
        assert!(
            html.contains("<pre class=\"code\" data-lang=\"sql\" tabindex=\"0\"><code>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-"), "{html}");
        let plain = render("    indented <b>\n").html;
        assert!(
            plain.contains("data-lang=\"text\" tabindex=\"0\"><code>indented &lt;b&gt;"),
            "{plain}"
        );
    }

    #[test]
    fn raw_html_classes_are_limited_to_highlight_classes() {
        let html = render("<span class=\"hl-keyword btn-danger\">x</span>").html;
        assert!(html.contains("<span class=\"hl-keyword\">x</span>"), "{html}");
        let html = render("<p class=\"hero\" style=\"color:red\" id=\"x\">y</p>").html;
        assert_eq!(html.trim(), "<p>y</p>");
    }

    #[test]
    fn script_injection_is_neutralised() {
        let cases = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<a href=\"java&#x09;script:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<a href=\"vbscript:msgbox(1)\">x</a>",
            "![x](data:text/html;base64,PHNjcmlwdD4=)",
            "<svg onload=alert(1)><script>alert(1)</script></svg>",
            "<style>body{display:none}</style>",
            "<div onclick=\"alert(1)\">x</div>",
            "## Head {onclick=alert(1)}",
        ];
        for src in cases {
            let html = render(src).html;
            let lower = html.to_ascii_lowercase();
            for bad in [
                "<script",
                "javascript:",
                "vbscript:",
                "data:",
                "<iframe",
                "<style",
                "<svg",
            ] {
                assert!(!lower.contains(bad), "{src:?} -> {html:?}");
            }
            assert_no_event_handlers(&html);
        }
        assert!(render("<img src=x onerror=alert(1)>").html.contains("<img src=\"x\">"));
    }

    #[test]
    fn external_links_get_rel_and_internal_ones_do_not() {
        let html = render("[a](https://example.com) [b](/guides/x.html) [c](#top) [d](//cdn.example)").html;
        assert!(
            html.contains("<a href=\"https://example.com\" rel=\"noopener noreferrer\">a</a>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"/guides/x.html\">b</a>"), "{html}");
        assert!(html.contains("<a href=\"#top\">c</a>"), "{html}");
        assert!(
            html.contains("<a href=\"//cdn.example\" rel=\"noopener noreferrer\">d</a>"),
            "{html}"
        );
        let html = render("<a>no href</a> <a href=\"mailto:x@example.com\">m</a>").html;
        assert!(!html.contains("rel="), "{html}");
    }

    #[test]
    fn tables_render_with_alignment_classes() {
        let html = render("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n").html;
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<th class=\"align-left\">a</th>"), "{html}");
        assert!(html.contains("<th class=\"align-center\">b</th>"), "{html}");
        assert!(html.contains("<td class=\"align-right\">3</td>"), "{html}");
        assert!(!html.contains("style"), "{html}");
        let plain = render("| a |\n|---|\n| 1 |\n").html;
        assert!(plain.contains("<th>a</th>") && plain.contains("<td>1</td>"), "{plain}");
    }

    #[test]
    fn task_lists_footnotes_and_strikethrough_survive() {
        let html = render("- [x] done\n- [ ] todo\n\n~~old~~ text[^n]\n\n[^n]: A note.\n").html;
        assert!(
            html.contains("<li><input type=\"checkbox\" disabled=\"\" checked=\"\" aria-label=\"Done\"> done</li>")
                && html.contains("<input type=\"checkbox\" disabled=\"\" aria-label=\"Not done\"> todo"),
            "{html}"
        );
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(
            html.contains("<sup class=\"footnote-reference\"><a href=\"#n\">1</a></sup>"),
            "{html}"
        );
        assert!(html.contains("<div class=\"footnote-definition\" id=\"n\">"), "{html}");
        let forced = render("<input type=\"text\" onfocus=\"x()\">").html;
        assert_eq!(forced.trim(), "<input type=\"checkbox\">");
    }

    #[test]
    fn descriptor_text_shows_what_looks_like_html() {
        assert_eq!(
            render_inline("ARRAY<INT>/array no items -> ARRAY<INT> (verbatim)"),
            "ARRAY&lt;INT&gt;/array no items -&gt; ARRAY&lt;INT&gt; (verbatim)"
        );
        assert_eq!(
            render_inline("List<String> of Map<K,V>"),
            "List&lt;String&gt; of Map&lt;K,V&gt;"
        );
        assert_eq!(
            render_inline("<div onclick=\"x()\">block</div>"),
            "&lt;div onclick=\"x()\"&gt;block&lt;/div&gt;"
        );
        // Pages written in Markdown keep their (sanitised) HTML.
        assert!(render("a <kbd>b</kbd> c").html.contains("<kbd>b</kbd>"));
    }

    #[test]
    fn render_inline_strips_a_single_paragraph() {
        assert_eq!(
            render_inline("Orders of the *EU* shop."),
            "Orders of the <em>EU</em> shop."
        );
        assert_eq!(render_inline("one\n\ntwo"), "<p>one</p>\n<p>two</p>");
        assert_eq!(render_inline("- a\n- b"), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>");
        assert_eq!(render_inline(""), "");
        assert_eq!(
            render_inline("<script>x</script>hi"),
            "&lt;script&gt;x&lt;/script&gt;hi",
            "shown, never run"
        );
        assert!(render_inline("## Heading\n").starts_with("<h2 id=\"heading\">"));
    }

    #[test]
    fn rendering_is_deterministic() {
        let src = "## A\n## A\n```python\nprint(1)\n```\n| x |\n|:-:|\n| y |\n";
        let (a, b) = (render(src), render(src));
        assert_eq!(a.html, b.html);
        assert_eq!(a.toc, b.toc);
    }

    /// Every `<` in ammonia's output opens a tag (text `<` is escaped), and attribute values
    /// are always double-quoted, so tags can be walked without a full HTML parser.
    fn tags(html: &str) -> Vec<&str> {
        let mut found = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            let tag = &rest[start..];
            let mut quoted = false;
            let end = tag
                .char_indices()
                .find(|&(_, c)| {
                    if c == '"' {
                        quoted = !quoted;
                    }
                    c == '>' && !quoted
                })
                .map_or(tag.len(), |(i, _)| i + 1);
            found.push(&tag[..end]);
            rest = &tag[end..];
        }
        found
    }

    /// Attribute (name, value) pairs of one serialised tag.
    fn attributes(tag: &str) -> Vec<(String, String)> {
        let body = tag.trim_start_matches(['<', '/']).trim_end_matches(['>', '/']);
        let mut attrs = Vec::new();
        let mut rest = body.split_once(char::is_whitespace).map_or("", |(_, r)| r);
        while !rest.trim().is_empty() {
            rest = rest.trim_start();
            let name_end = rest.find(['=', ' ']).unwrap_or(rest.len());
            let name = rest[..name_end].to_ascii_lowercase();
            rest = &rest[name_end..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix("=\"") {
                let close = after.find('"').unwrap_or(after.len());
                value = after[..close].to_string();
                rest = after.get(close + 1..).unwrap_or("");
            }
            attrs.push((name, value));
        }
        attrs
    }

    fn assert_no_event_handlers(html: &str) {
        for tag in tags(html) {
            for (name, value) in attributes(tag) {
                assert!(!name.starts_with("on"), "event handler in {tag:?} of {html:?}");
                assert!(name != "style", "style in {tag:?}");
                if name == "href" || name == "src" {
                    let v = value.trim().to_ascii_lowercase();
                    for scheme in ["javascript:", "data:", "vbscript:"] {
                        assert!(!v.starts_with(scheme), "{scheme} in {tag:?}");
                    }
                }
            }
        }
    }

    fn hostile_fragments() -> impl Strategy<Value = String> {
        const FRAGMENTS: &[&str] = &[
            "<script>",
            "</script>",
            "<ScRiPt src=x>",
            "javascript:alert(1)",
            "JaVaScRiPt:",
            "[x](",
            "](",
            ")",
            "<a href=\"",
            "<a href=",
            "\">",
            ">",
            "<",
            "\"",
            "'",
            "`",
            "```",
            "```sql\n",
            "\n",
            "\n\n",
            "# ",
            "## ",
            "### ",
            "{#",
            "}",
            "<img src=x onerror=",
            "alert(1)",
            " onclick=",
            "<iframe src=",
            "<svg onload=x>",
            "<style>",
            "data:",
            "vbscript:",
            "&#106;",
            "&#x6A;avascript:",
            "|a|b|\n|:-|-:|\n|1|2|\n",
            "- [ ] ",
            "- [x] ",
            "[^1]",
            "[^1]: n\n",
            "~~",
            "*",
            "<!--",
            "-->",
            "<math>",
            "<p>",
            "</p>",
            "    ",
            "> ",
            "<details open ontoggle=x>",
            "java\tscript:",
            "<input onfocus=x>",
        ];
        let piece = prop_oneof![
            3 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
            1 => "[a-zA-Z0-9 ]{0,6}",
        ];
        prop::collection::vec(piece, 0..32).prop_map(|parts| parts.concat())
    }

    /// Many colliding headings, some with explicit ids that look like generated ones.
    fn heading_soup() -> impl Strategy<Value = String> {
        prop::collection::vec("#{2,4} (a|a 1|A-1|-)?( \\{#a(-[12])?\\})?\n", 0..24).prop_map(|lines| lines.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_text_renders_safely(src in "(?s).{0,400}") {
            let out = render(&src);
            let lower = out.html.to_ascii_lowercase();
            prop_assert!(!lower.contains("<script"));
            prop_assert!(!lower.contains("javascript:"));
            assert_no_event_handlers(&out.html);
            let _ = render_inline(&src);
        }

        #[test]
        fn hostile_markup_renders_safely(src in hostile_fragments()) {
            let out = render(&src);
            let lower = out.html.to_ascii_lowercase();
            prop_assert!(!lower.contains("<script"), "{}", out.html);
            prop_assert!(!lower.contains("<iframe"), "{}", out.html);
            prop_assert!(!lower.contains("<style"), "{}", out.html);
            assert_no_event_handlers(&out.html);
            assert_no_event_handlers(&render_inline(&src));
        }

        #[test]
        fn toc_ids_are_unique(src in prop_oneof![hostile_fragments(), heading_soup()]) {
            let toc = render(&src).toc;
            let ids: HashSet<&str> = toc.iter().map(|e| e.id.as_str()).collect();
            prop_assert_eq!(ids.len(), toc.len());
        }
    }
}
