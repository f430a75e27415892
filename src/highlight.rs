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
        let label = if lang.is_empty() { "text" } else { lang.as_str() };
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
            let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, CLASS_STYLE);
            for line in LinesWithEndings::from(code) {
                generator.parse_html_for_line_which_includes_newline(line).ok()?;
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

/// The raw-source view's classes, one short name per token kind (a descriptor's source is on
/// every product and contract page, and syntect's spaced scope classes were a third of it),
/// with the scope whose colour each takes from the theme.
const YAML_KEY: (&str, &str) = ("yk", "entity.name.tag.yaml");
const YAML_STRING: (&str, &str) = ("ys", "string.quoted.double.yaml");
const YAML_NUMBER: (&str, &str) = ("yn", "constant.numeric.yaml");
const YAML_LITERAL: (&str, &str) = ("yl", "constant.language.yaml");
const YAML_COMMENT: (&str, &str) = ("yc", "comment.line.number-sign.yaml");

/// Colours a whole YAML file for the raw-source view: keys, comments, quoted strings and
/// literals, line by line. Syntect's full YAML grammar costs milliseconds per descriptor, which
/// dominated the build of a 10,000-product mesh; the source view only needs keys and comments
/// to stand out, and uses the same CSS classes so the themes apply unchanged.
pub fn yaml_source(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    out.push_str("<pre class=\"code\" data-lang=\"yaml\"><code>");
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        yaml_line(body, &mut out);
        out.push_str(newline);
    }
    out.push_str("</code></pre>");
    out
}

fn yaml_line(line: &str, out: &mut String) {
    let (code, comment) = split_comment(line);
    let indent_len = code.len() - code.trim_start_matches([' ', '-']).len();
    let (indent, rest) = code.split_at(indent_len);
    out.push_str(&escape_html(indent));
    match key_split(rest) {
        Some((key, value)) => {
            span(out, YAML_KEY.0, key);
            out.push(':');
            yaml_value(value, out);
        }
        None => yaml_value(rest, out),
    }
    if !comment.is_empty() {
        span(out, YAML_COMMENT.0, comment);
    }
}

fn span(out: &mut String, class: &str, text: &str) {
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
    out.push_str(&escape_html(text));
    out.push_str("</span>");
}

/// `key: value` → (`key`, ` value`); keys are plain or quoted scalars before the first `: `.
fn key_split(s: &str) -> Option<(&str, &str)> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if i == 0 => quote = Some(c),
            (None, ':') if s[i + 1..].is_empty() || s[i + 1..].starts_with(' ') => return Some((&s[..i], &s[i + 1..])),
            (None, '[' | '{') => return None,
            _ => {}
        }
    }
    None
}

fn yaml_value(v: &str, out: &mut String) {
    let t = v.trim();
    let lead = &v[..v.len() - v.trim_start().len()];
    out.push_str(&escape_html(lead));
    let class = if t.starts_with('"') || t.starts_with('\'') {
        Some(YAML_STRING.0)
    } else if t.parse::<f64>().is_ok() {
        Some(YAML_NUMBER.0)
    } else if matches!(t, "true" | "false" | "null" | "~") {
        Some(YAML_LITERAL.0)
    } else {
        None
    };
    match class {
        Some(c) => span(out, c, v.trim_start()),
        None => out.push_str(&escape_html(v.trim_start())),
    }
}

/// Splits a trailing `# comment` that is outside quotes and preceded by a space.
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if prev == ' ' || prev == ':' || prev == '[' || prev == ',' => quote = Some(c),
            (None, '#') if prev == ' ' || prev == '\t' || i == 0 => return line.split_at(i),
            _ => {}
        }
        prev = c;
    }
    (line, "")
}

pub fn escape_html(text: &str) -> String {
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
    css.push_str(&yaml_colours(theme));
    css
}

/// Rules for the raw-source view's short classes: the style the theme gives each one's scope.
fn yaml_colours(theme: &Theme) -> String {
    let styler = syntect::highlighting::Highlighter::new(theme);
    let mut css = String::new();
    for (class, scope) in [YAML_KEY, YAML_STRING, YAML_NUMBER, YAML_LITERAL, YAML_COMMENT] {
        let Ok(stack) = scope.parse::<syntect::parsing::ScopeStack>() else {
            continue;
        };
        let style = styler.style_for_stack(stack.as_slice());
        let c = style.foreground;
        css.push_str(&format!(
            "pre.code .{class} {{ color: #{:02x}{:02x}{:02x};",
            c.r, c.g, c.b
        ));
        if style.font_style.contains(syntect::highlighting::FontStyle::ITALIC) {
            css.push_str(" font-style: italic;");
        }
        if style.font_style.contains(syntect::highlighting::FontStyle::BOLD) {
            css.push_str(" font-weight: bold;");
        }
        css.push_str(" }\n");
    }
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
            "yaml", "yml", "json", "python", "py", "bash", "sh", "shell", "console", "scala", "java", "rust",
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
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"script\">"), "{html}");
    }

    #[test]
    fn odd_input_does_not_panic() {
        for code in ["", "\n", "'unterminated", "\"\"\"\n", "\u{0}\u{feff}€", "/* no end"] {
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
        for class in ["yk", "ys", "yn", "yl", "yc"] {
            let rule = format!("pre.code .{class} {{ color: #");
            assert!(
                light.contains(&rule) && dark.contains(&rule),
                "{class} has a colour in both schemes"
            );
        }
        // Keys take the theme's tag colour, not the default text colour.
        let key = |css: &str| css.split("pre.code .yk { color: ").nth(1).unwrap()[..7].to_string();
        let text = |css: &str| css.split("pre.code {\n color: ").nth(1).unwrap()[..7].to_string();
        assert_ne!(key(&light), text(&light));
        assert!(light.contains("pre.code {") && dark.contains("pre.code {"));
        assert_ne!(light, dark);
        let all = stylesheet();
        assert!(all.starts_with(&light));
        assert!(all.contains(&format!("@media (prefers-color-scheme: dark) {{\n{dark}}}")));
    }

    #[test]
    fn yaml_source_marks_keys_and_comments() {
        let html = yaml_source("# top\nid: x # trailing\nchannel: '#help'\nports:\n  - name: \"<b>\"\n    n: 3\n");
        assert!(html.contains("<span class=\"yc\"># top</span>"), "{html}");
        assert!(
            html.contains("<span class=\"yk\">id</span>: x <span class=\"yc\"># trailing</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"ys\">&#39;#help&#39;</span>")
                || html.contains("<span class=\"ys\">'#help'</span>"),
            "{html}"
        );
        assert!(html.contains("  - <span class=\"yk\">name</span>"), "{html}");
        assert!(!html.contains("<b>"));
        assert!(html.contains("<span class=\"yn\">3</span>"));
    }

    #[test]
    fn yaml_source_keeps_every_character() {
        let src = "a: 'x: y' # c\n- [1, 2]\nb: |\n  text # not a comment? fine\n";
        let html = yaml_source(src);
        let text = html
            .replace("<pre class=\"code\" data-lang=\"yaml\"><code>", "")
            .replace("</code></pre>", "");
        let mut plain = String::new();
        let mut in_tag = false;
        for c in text.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => plain.push(c),
                _ => {}
            }
        }
        let plain = plain
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        assert_eq!(plain, src);
    }
}
