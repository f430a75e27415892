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

    /// Renders `code` as `<pre class="code" data-lang="…" tabindex="0"><code>…</code></pre>`
    /// (focusable, so a block wider than a phone can be scrolled from the keyboard).
    /// Unknown languages, and any failure inside syntect, degrade to escaped plain text.
    pub fn highlight(&self, code: &str, lang: &str) -> String {
        let lang = normalise_lang(lang);
        let body = self
            .find_syntax(&lang)
            .and_then(|syntax| self.classed_html(code, syntax))
            .unwrap_or_else(|| escape_html(code));
        let label = if lang.is_empty() { "text" } else { lang.as_str() };
        format!(
            "<pre class=\"code\" data-lang=\"{}\" tabindex=\"0\"><code>{}</code></pre>",
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
    out.push_str("<pre class=\"code\" data-lang=\"yaml\" tabindex=\"0\"><code>");
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
    let theme = &legible(theme);
    let mut css = css_for_theme_with_class_style(theme, CLASS_STYLE).unwrap_or_default();
    css.push_str(&block_colours(theme));
    css.push_str(&yaml_colours(theme));
    css
}

/// WCAG AA for normal text is 4.5:1; aimed a little above so rounding cannot dip below.
const AIM_CONTRAST: f64 = 4.6;

/// The theme with every token colour readable on its background: syntect's bundled themes
/// have comments, numbers and (in the dark one) shell option flags far under 4.5:1, so each
/// colour too close to its background is moved towards black or white, keeping its hue.
fn legible(theme: &Theme) -> Theme {
    let mut theme = theme.clone();
    let page = theme.settings.background.unwrap_or(Color::WHITE);
    if let Some(fg) = theme.settings.foreground {
        theme.settings.foreground = Some(readable_on(fg, page));
    }
    for item in &mut theme.scopes {
        let bg = item.style.background.map_or(page, |b| over(b, page));
        if let Some(fg) = item.style.foreground {
            item.style.foreground = Some(readable_on(fg, bg));
        }
    }
    theme
}

/// `fg` as drawn on `bg` (alpha flattened), moved in 5 % steps towards black on a light
/// background or white on a dark one until it reaches [`AIM_CONTRAST`].
fn readable_on(fg: Color, bg: Color) -> Color {
    let fg = over(fg, bg);
    let towards = if luminance(bg) > 0.18 {
        Color::BLACK
    } else {
        Color::WHITE
    };
    (0..=20)
        .map(|step| mix(fg, towards, f64::from(step) / 20.0))
        .find(|c| contrast(*c, bg) >= AIM_CONTRAST)
        .unwrap_or(towards)
}

/// `top` composited over an opaque `bottom`.
fn over(top: Color, bottom: Color) -> Color {
    mix(bottom, Color { a: 0xFF, ..top }, f64::from(top.a) / 255.0)
}

fn mix(a: Color, b: Color, t: f64) -> Color {
    let channel = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    Color {
        r: channel(a.r, b.r),
        g: channel(a.g, b.g),
        b: channel(a.b, b.b),
        a: 0xFF,
    }
}

/// WCAG 2 relative luminance.
fn luminance(c: Color) -> f64 {
    let linear = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b)
}

/// WCAG 2 contrast ratio, 1 to 21.
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
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

/// The light theme and the dark theme, each scoped to its `prefers-color-scheme` (a browser
/// with no preference reports `light`). Scoping both keeps a light-only token class (the themes
/// name different scopes) from keeping its light colour on the dark background.
pub fn stylesheet() -> String {
    let mut css = String::from("@media (prefers-color-scheme: light) {\n");
    css.push_str(&theme_css(false));
    css.push_str("}\n\n@media (prefers-color-scheme: dark) {\n");
    css.push_str(&theme_css(true));
    css.push_str("}\n");
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG AA for normal text.
    const MIN_CONTRAST: f64 = 4.5;

    fn hl(code: &str, lang: &str) -> String {
        Highlighter::global().highlight(code, lang)
    }

    #[test]
    fn sql_gets_prefixed_class_spans() {
        let html = hl("SELECT id FROM orders WHERE total > 10;\n", "sql");
        assert!(
            html.starts_with("<pre class=\"code\" data-lang=\"sql\" tabindex=\"0\"><code>"),
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
            "<pre class=\"code\" data-lang=\"no-such-lang\" tabindex=\"0\"><code>\
             a &lt; b &amp;&amp; c &gt; &quot;d&quot;\n</code></pre>"
        );
        assert!(hl("[a]\nb = 1\n", "toml").contains("data-lang=\"toml\" tabindex=\"0\"><code>[a]"));
        assert!(hl("plain", "").starts_with("<pre class=\"code\" data-lang=\"text\" tabindex=\"0\">"));
    }

    #[test]
    fn hostile_language_names_cannot_break_the_attribute() {
        let html = hl("x", "\"><script>");
        assert!(
            html.starts_with("<pre class=\"code\" data-lang=\"script\" tabindex=\"0\">"),
            "{html}"
        );
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
        assert!(all.starts_with(&format!("@media (prefers-color-scheme: light) {{\n{light}}}")));
        assert!(all.contains(&format!("@media (prefers-color-scheme: dark) {{\n{dark}}}")));
    }

    /// `#rrggbb` or `#rrggbbaa` from the start of `s`.
    fn parse_hex(s: &str) -> Color {
        let byte = |i: usize| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
        Color {
            r: byte(1).unwrap(),
            g: byte(3).unwrap(),
            b: byte(5).unwrap(),
            a: byte(7).unwrap_or(0xFF),
        }
    }

    #[test]
    fn every_token_colour_reaches_aa_contrast_on_its_background_in_both_schemes() {
        for dark in [false, true] {
            let css = theme_css(dark);
            let page = css.split("pre.code {\n color: ").nth(1).unwrap();
            let page_bg = parse_hex(page.split("background-color: ").nth(1).unwrap());
            let mut checked = 0;
            for rule in css.split('}') {
                let colour = |prop: &str| {
                    rule.split(';')
                        .map(|decl| decl.trim_start_matches(['{', ' ', '\n']))
                        .find_map(|decl| decl.rsplit_once(prop).filter(|(pre, _)| !pre.ends_with('-')))
                        .map(|(_, v)| v.trim())
                        .filter(|v| v.starts_with('#'))
                        .map(parse_hex)
                };
                let Some(fg) = colour("color: ") else { continue };
                let bg = colour("background-color: ").map_or(page_bg, |b| over(b, page_bg));
                let ratio = contrast(over(fg, bg), bg);
                assert!(ratio >= MIN_CONTRAST, "dark={dark}: {ratio:.2}:1 in {rule}");
                checked += 1;
            }
            assert!(checked > 20, "dark={dark}: only {checked} colours found in\n{css}");
        }
    }

    #[test]
    fn contrast_matches_wcag_and_readable_on_fixes_low_contrast() {
        let white = Color::WHITE;
        assert!((contrast(Color::BLACK, white) - 21.0).abs() < 1e-9);
        let grey = parse_hex("#969896");
        assert!(
            contrast(grey, white) < 3.0,
            "syntect's comment grey is the case this fixes"
        );
        assert!(contrast(readable_on(grey, white), white) >= MIN_CONTRAST);
        let dark_bg = parse_hex("#2b303b");
        let near_bg = parse_hex("#2e333e");
        let fixed = readable_on(near_bg, dark_bg);
        assert!(contrast(fixed, dark_bg) >= MIN_CONTRAST, "{fixed:?}");
        let fine = parse_hex("#c0c5ce");
        assert_eq!(
            readable_on(fine, dark_bg),
            fine,
            "colours already readable stay as they are"
        );
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
            .replace("<pre class=\"code\" data-lang=\"yaml\" tabindex=\"0\"><code>", "")
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
