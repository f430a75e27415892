//! Plain text for search records from the HTML our own Markdown renderer produced: split at
//! the headings of the page's table of contents so each heading becomes its own record.

use crate::markdown::TocEntry;

/// The text before the first TOC heading (`None`) and then the text under each heading, up
/// to the next one. Headings whose id is not found (never expected) are skipped.
pub fn split_sections<'a>(html: &str, toc: &'a [TocEntry]) -> Vec<(Option<&'a TocEntry>, String)> {
    let mut starts: Vec<(usize, &TocEntry)> = Vec::new();
    let mut from = 0;
    for entry in toc {
        let needle = format!(" id=\"{}\"", entry.id);
        if let Some(i) = html[from..].find(&needle) {
            // Back up to the `<hN` that carries the id, so the heading text is not repeated
            // at the end of the previous section.
            let at = html[..from + i].rfind('<').unwrap_or(from + i);
            starts.push((at, entry));
            from += i + needle.len();
        }
    }
    let mut out = Vec::with_capacity(starts.len() + 1);
    let first = starts.first().map_or(html.len(), |s| s.0);
    out.push((None, plain_text(&html[..first])));
    for (n, (at, entry)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(html.len(), |s| s.0);
        let body = &html[*at..end];
        // Skip the heading element itself: its title is the record's title.
        let after_heading = body
            .find("</h")
            .and_then(|i| body[i..].find('>').map(|j| i + j + 1))
            .unwrap_or(0);
        out.push((Some(*entry), plain_text(&body[after_heading..])));
    }
    out
}

/// Tags dropped, entities decoded, whitespace collapsed. Block ends become spaces so words in
/// adjacent paragraphs or cells never run together.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else { break };
        if !is_inline(&rest[lt + 1..lt + gt]) {
            out.push(' ');
        }
        rest = &rest[lt + gt + 1..];
    }
    if rest.contains('<') {
        rest = "";
    }
    out.push_str(&decode_entities(rest));
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inline elements continue the word around them (`re<em>use</em>` is one word).
fn is_inline(tag: &str) -> bool {
    let name: String = tag
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    matches!(
        name.as_str(),
        "a" | "abbr" | "b" | "code" | "del" | "em" | "i" | "kbd" | "mark" | "s" | "span" | "strong" | "sub" | "sup"
    )
}

/// `&amp;`, `&#39;` and friends back to characters: a search excerpt is plain text.
fn decode_entities(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::render;

    #[test]
    fn plain_text_drops_tags_and_decodes() {
        assert_eq!(plain_text("<p>a &amp; b</p><p>c&#39;d &lt;x&gt;</p>"), "a & b c'd <x>");
        assert_eq!(plain_text("<td>1</td><td>2</td>"), "1 2");
        assert_eq!(plain_text("re<em>use</em> <code>x</code>"), "reuse x");
        assert_eq!(plain_text("AT&T &bogus; &"), "AT&T &bogus; &");
    }

    #[test]
    fn sections_follow_headings() {
        let r = render("Intro text.\n\n## Publish a product\n\nRun `meshport build`.\n\n### Check it\n\nLook.\n\n## Next\n\nDone.\n");
        let s = split_sections(&r.html, &r.toc);
        let got: Vec<(Option<&str>, &str)> = s.iter().map(|(h, t)| (h.map(|h| h.id.as_str()), t.as_str())).collect();
        assert_eq!(
            got,
            [
                (None, "Intro text."),
                (Some("publish-a-product"), "Run meshport build."),
                (Some("check-it"), "Look."),
                (Some("next"), "Done."),
            ]
        );
    }

    #[test]
    fn page_without_headings_is_one_section() {
        let r = render("Just text.");
        assert_eq!(split_sections(&r.html, &r.toc), vec![(None, "Just text.".to_string())]);
    }
}
