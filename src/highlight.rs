//! Syntax highlighting for code blocks, emitting CSS classes rather than inline styles
//! so one stylesheet can serve both colour schemes.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Prefix keeps syntect's scope classes from colliding with the portal's own CSS.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// Holds the parsed syntax definitions; loading them costs milliseconds, so it happens once.
pub struct Highlighter {
    syntaxes: SyntaxSet,
}

impl Highlighter {
    /// The process-wide instance, loaded on first use.
    pub fn global() -> &'static Highlighter {
        static GLOBAL: OnceLock<Highlighter> = OnceLock::new();
        GLOBAL.get_or_init(|| Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
        })
    }

    /// Renders `code` as `<pre class="code" data-lang="…"><code>…</code></pre>`.
    /// Unknown languages, and any failure inside syntect, degrade to escaped plain text.
    pub fn highlight(&self, code: &str, lang: &str) -> String {
        let lang = normalise_lang(lang);
        let body = self
            .find_syntax(&lang)
            .and_then(|syntax| self.classed_html(code, syntax))
            .unwrap_or_else(|| escape_html(code));
        let label = if lang.is_empty() {
            "text"
        } else {
            lang.as_str()
        };
        format!(
            "<pre class=\"code\" data-lang=\"{}\"><code>{}</code></pre>",
            escape_html(label),
            body
        )
    }

    /// `None` means "render as plain text".
    fn find_syntax(&self, lang: &str) -> Option<&SyntaxReference> {
        let token = match lang {
            "" | "text" | "txt" | "plain" | "plaintext" => return None,
            "sql" => "sql",
            "yaml" | "yml" => "yaml",
            "json" => "json",
            "python" | "py" => "py",
            "bash" | "sh" | "shell" | "console" | "zsh" => "sh",
            "scala" => "scala",
            "java" => "java",
            "rust" | "rs" => "rs",
            // Not in syntect's default set; looked up anyway so a richer set would just work.
            "toml" => "toml",
            other => other,
        };
        self.syntaxes.find_syntax_by_token(token)
    }

    fn classed_html(&self, code: &str, syntax: &SyntaxReference) -> Option<String> {
        // Syntect reports regex failures as errors, but a malformed grammar/input pair has
        // panicked in the past; one odd code block must not take the whole build down.
        catch_unwind(AssertUnwindSafe(|| {
            let mut generator =
                ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, CLASS_STYLE);
            for line in LinesWithEndings::from(code) {
                generator
                    .parse_html_for_line_which_includes_newline(line)
                    .ok()?;
            }
            Some(generator.finalize())
        }))
        .ok()
        .flatten()
    }
}

/// Info strings come straight from authors; keep only characters that can name a language
/// so the value is safe and stable as an attribute and lookup key.
fn normalise_lang(lang: &str) -> String {
    lang.trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '-' | '_' | '.'))
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Escapes text for use in HTML element content and double-quoted attributes.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// CSS for the `hl-*` classes: "InspiredGitHub" when `dark` is false, "base16-ocean.dark"
/// otherwise.
pub fn theme_css(dark: bool) -> String {
    let name = if dark { DARK_THEME } else { LIGHT_THEME };
    let themes = ThemeSet::load_defaults();
    let Some(theme) = themes.themes.get(name) else {
        return String::new();
    };
    let mut css = css_for_theme_with_class_style(theme, CLASS_STYLE).unwrap_or_default();
    css.push_str(&block_colours(theme));
    css
}

/// Syntect puts the theme's base colours on `.hl-code`, but our blocks are `pre.code`;
/// repeat them there so unhighlighted text and the block background follow the theme.
fn block_colours(theme: &Theme) -> String {
    let hex = |c: Color| format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
    let mut rule = String::from("pre.code {\n");
    if let Some(fg) = theme.settings.foreground {
        rule.push_str(&format!(" color: {};\n", hex(fg)));
    }
    if let Some(bg) = theme.settings.background {
        rule.push_str(&format!(" background-color: {};\n", hex(bg)));
    }
    rule.push_str("}\n");
    rule
}

/// Light theme followed by the dark theme scoped to `prefers-color-scheme: dark`.
pub fn stylesheet() -> String {
    let mut css = theme_css(false);
    css.push_str("\n@media (prefers-color-scheme: dark) {\n");
    css.push_str(&theme_css(true));
    css.push_str("}\n");
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl(code: &str, lang: &str) -> String {
        Highlighter::global().highlight(code, lang)
    }

    #[test]
    fn sql_gets_prefixed_class_spans() {
        let html = hl("SELECT id FROM orders WHERE total > 10;\n", "sql");
        assert!(
            html.starts_with("<pre class=\"code\" data-lang=\"sql\"><code>"),
            "{html}"
        );
        assert!(html.ends_with("</code></pre>"), "{html}");
        assert!(html.contains("<span class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn aliases_resolve_to_real_grammars() {
        for lang in [
            "yaml", "yml", "json", "python", "py", "bash", "sh", "shell", "console", "scala",
            "java", "rust",
        ] {
            let html = hl("x = 1\n", lang);
            assert!(html.contains("<span class=\"hl-source"), "{lang}: {html}");
        }
    }

    #[test]
    fn script_in_code_is_escaped() {
        for lang in ["sql", "python", "text", ""] {
            let html = hl("<script>alert('x')</script>\n", lang);
            assert!(!html.contains("<script"), "{lang}: {html}");
            assert!(html.contains("&lt;"), "{lang}: {html}");
        }
    }

    #[test]
    fn unknown_and_missing_languages_are_escaped_plain_text() {
        let html = hl("a < b && c > \"d\"\n", "no-such-lang");
        assert_eq!(
            html,
            "<pre class=\"code\" data-lang=\"no-such-lang\"><code>\
             a &lt; b &amp;&amp; c &gt; &quot;d&quot;\n</code></pre>"
        );
        assert!(hl("[a]\nb = 1\n", "toml").contains("data-lang=\"toml\"><code>[a]"));
        assert!(hl("plain", "").starts_with("<pre class=\"code\" data-lang=\"text\">"));
    }

    #[test]
    fn hostile_language_names_cannot_break_the_attribute() {
        let html = hl("x", "\"><script>");
        assert!(
            html.starts_with("<pre class=\"code\" data-lang=\"script\">"),
            "{html}"
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        for code in [
            "",
            "\n",
            "'unterminated",
            "\"\"\"\n",
            "\u{0}\u{feff}€",
            "/* no end",
        ] {
            for lang in ["sql", "python", "bash", "json", "yaml", "rust"] {
                let _ = hl(code, lang);
            }
        }
    }

    #[test]
    fn output_is_deterministic() {
        let code = "def f(x):\n    return x * 2  # double\n";
        assert_eq!(hl(code, "python"), hl(code, "python"));
        assert_eq!(stylesheet(), stylesheet());
    }

    #[test]
    fn stylesheets_cover_classes_and_wrap_dark_in_media_query() {
        let light = theme_css(false);
        let dark = theme_css(true);
        assert!(light.contains(".hl-") && dark.contains(".hl-"));
        assert!(light.contains("pre.code {") && dark.contains("pre.code {"));
        assert_ne!(light, dark);
        let all = stylesheet();
        assert!(all.starts_with(&light));
        assert!(all.contains(&format!("@media (prefers-color-scheme: dark) {{\n{dark}}}")));
    }
}
