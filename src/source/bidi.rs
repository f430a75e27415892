//! Unicode bidirectional controls reorder how text is displayed, so a reviewer can read one
//! thing in a pull request while the file says another ("trojan source", CVE-2021-42574).
//! Descriptors have no use for the explicit embeddings, overrides and isolates; each line that
//! holds one gets a warning at the character.

use crate::check::rules::RuleId;
use crate::diag::{Diagnostic, Pos};

/// The explicit embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069).
pub fn name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        _ => return None,
    })
}

/// One `source.bidi` warning per line holding a bidi control, at its first one. Lines and
/// columns count as YAML counts them (`\r\n`, `\n` and a lone `\r` end a line; columns are
/// characters).
pub fn findings(rel: &str, text: &str) -> Vec<Diagnostic> {
    // Every control is encoded as E2 80 AA..AE or E2 81 A6..A9: most files have no E2 at all.
    if !text.as_bytes().contains(&0xE2) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let (mut line, mut column, mut reported_line) = (1u32, 1u32, 0u32);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            line += 1;
            column = 1;
            continue;
        }
        if let Some(what) = name(c).filter(|_| reported_line != line) {
            reported_line = line;
            out.push(RuleId::SourceBidi.at(
                rel,
                Pos::new(line, column),
                format!(
                    "U+{:04X} {what}: the text after it displays in another order than it is stored",
                    c as u32
                ),
            ));
        }
        column += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_with_a_control_is_reported_at_it() {
        let text = "id: a\r\ndescription: \"ok \u{202E}evil\u{2066}\"\rname: b\u{2069}\n";
        let found: Vec<(u32, u32, bool)> = findings("f.yaml", text)
            .iter()
            .map(|d| (d.line, d.column, d.message.starts_with("U+202E RIGHT-TO-LEFT OVERRIDE")))
            .collect();
        assert_eq!(found, [(2, 18, true), (3, 8, false)]);
    }

    #[test]
    fn other_right_to_left_text_is_fine() {
        assert!(findings("f.md", "title: \u{5E9}\u{5DC}\u{5D5}\u{5DD} — مرحبا\n").is_empty());
    }
}
