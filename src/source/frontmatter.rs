//! Markdown files with YAML front matter (`---` fenced) for the documents people write.

use super::{yaml, Document, Section};
use crate::check::rules::RuleId;
use crate::diag::{Diagnostic, Pos};

/// Reads a Markdown file under `content/` into a page; its folder decides its section.
pub fn read_page(rel: &str, text: &str) -> Result<Document, Diagnostic> {
    let section = section_of(rel).ok_or_else(|| {
        RuleId::SourceUnrecognised
            .at(
                rel,
                Pos::new(1, 1),
                "Markdown file outside domains/, teams/, guides/ and governance/ was not rendered",
            )
            .with_hint("move it into content/guides/ or content/governance/")
    })?;
    let (front_src, body, body_line) = split(text);
    let mut front = yaml::parse(front_src)
        .map_err(|e| RuleId::FrontmatterSyntax.at(rel, Pos::new(e.pos.line + 1, e.pos.column), e.message))?;
    front.offset_lines(1);
    if !(front.value.is_object() || front.value.is_null()) {
        return Err(RuleId::FrontmatterNotMapping.at(
            rel,
            Pos::new(2, 1),
            "front matter must be a YAML mapping of keys to values",
        ));
    }
    if front.value.is_null() {
        front.value = serde_json::Value::Object(Default::default());
    }
    Ok(Document::Page {
        section,
        front,
        body: body.to_string(),
        body_line,
    })
}

fn section_of(rel: &str) -> Option<Section> {
    let inner = rel.strip_prefix("content/")?;
    if inner == "index.md" {
        return Some(Section::Home);
    }
    match inner.split('/').next()? {
        "domains" => Some(Section::Domain),
        "teams" => Some(Section::Team),
        "guides" => Some(Section::Guide),
        "governance" => Some(Section::Governance),
        _ => None,
    }
}

/// Splits `---\n<yaml>\n---\n<body>`; returns the YAML, the body and the body's first line.
/// A file without front matter is all body.
pub fn split(text: &str) -> (&str, &str, u32) {
    let rest = match text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) {
        Some(r) => r,
        None => return ("", text, 1),
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + yaml.matches('\n').count() as u32 + 1;
            return (yaml, body, body_line);
        }
        offset += line.len();
    }
    ("", text, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_front_matter() {
        let (y, b, line) = split("---\na: 1\nb: 2\n---\n# Hi\n");
        assert_eq!(y, "a: 1\nb: 2\n");
        assert_eq!(b, "# Hi\n");
        assert_eq!(line, 5);
    }

    #[test]
    fn no_front_matter() {
        assert_eq!(split("# Hi\n"), ("", "# Hi\n", 1));
    }

    #[test]
    fn front_matter_positions_are_file_lines() {
        let doc = read_page("content/teams/t.md", "---\nname: T\nemail: x\n---\nbody").unwrap();
        let Document::Page { front, .. } = doc else { panic!() };
        assert_eq!(front.pos("/email"), Pos::new(3, 8));
    }

    #[test]
    fn front_matter_syntax_error_is_file_line() {
        let err = read_page("content/teams/t.md", "---\nname: T\nx: [1\n---\n").unwrap_err();
        assert_eq!(err.rule, "frontmatter.syntax");
        assert!(err.line >= 3, "{err:?}");
    }
}
