//! Names made from text a person wrote: page file names (`products/<slug>.html`) and heading
//! anchors. Both go through one transliteration (deunicode: `Zählerstände` → `Zahlerstande`,
//! `Клиенты` → `Klienty`, `客户` → `Ke Hu`), then through ASCII rules that name ASCII input
//! exactly as the first release did, so existing links, bookmarks and search results stay valid.

use std::borrow::Cow;

/// The longest file name meshport writes for a page or API file, in bytes. File systems stop
/// at 255 bytes (ext4, APFS, NTFS in UTF-16 units); the margin leaves room for the `-2` a
/// deduplicated name may get and for tools that add their own suffix when they copy a site.
pub const MAX_FILE_NAME_BYTES: usize = 200;

/// Every page (`.html`) and API file (`.json`) adds five bytes to its stem.
const EXTENSION_BYTES: usize = ".html".len();

/// Whether `stem.html` and `stem.json` stay within `MAX_FILE_NAME_BYTES`.
pub fn file_name_fits(stem: &str) -> bool {
    stem.len() + EXTENSION_BYTES <= MAX_FILE_NAME_BYTES
}

/// A URL- and file-name-safe slug: lowercase ASCII letters, digits, `_` and single dashes.
/// Never empty (`x` stands in for text with no letter or digit), never contains `/` or `.`,
/// so it is always one safe path segment.
pub fn slugify(s: &str) -> String {
    let ascii = transliterate(s);
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "x".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The file stem of a page in a section whose own listing is `index.html`: a page wanting
/// `index` gets `index_alias` instead, so it never replaces the listing.
pub fn page_stem(wanted: &str, index_alias: &str) -> String {
    match slugify(wanted) {
        s if s == "index" => index_alias.to_string(),
        s => s,
    }
}

/// A heading anchor: lowercase ASCII letters and digits joined by single hyphens (whitespace,
/// `-` and `_` separate words, other punctuation is dropped), so ids stay valid in URLs and CSS
/// selectors without escaping. Empty when the text has no letter or digit.
pub fn anchor(text: &str) -> String {
    let ascii = transliterate(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_hyphen = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c.to_ascii_lowercase());
        } else if c.is_ascii_whitespace() || c == '-' || c == '_' {
            pending_hyphen = true;
        }
    }
    slug
}

/// ASCII text as it is; every other character replaced by its ASCII transliteration, or by a
/// space when it has none (a word break is the safe guess for an unknown symbol).
fn transliterate(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(deunicode::deunicode_char(c).unwrap_or(" "));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first release's page slug, kept to prove ASCII names did not move.
    fn legacy_slugify(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for c in s.chars().flat_map(|c| c.to_lowercase()) {
            if c.is_ascii_alphanumeric() || c == '_' {
                out.push(c);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        let trimmed = out.trim_end_matches('-');
        if trimmed.is_empty() {
            "x".to_string()
        } else {
            trimmed.to_string()
        }
    }

    /// The first release's heading anchor, likewise.
    fn legacy_anchor(text: &str) -> String {
        let mut slug = String::new();
        let mut pending_hyphen = false;
        for c in text.chars() {
            if c.is_ascii_alphanumeric() {
                if pending_hyphen && !slug.is_empty() {
                    slug.push('-');
                }
                pending_hyphen = false;
                slug.push(c.to_ascii_lowercase());
            } else if c.is_whitespace() || c == '-' || c == '_' {
                pending_hyphen = true;
            }
        }
        slug
    }

    #[test]
    fn ascii_names_are_unchanged() {
        assert_eq!(slugify("Logistics Data Team"), "logistics-data-team");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("fbe8d147-28db"), "fbe8d147-28db");
        assert_eq!(slugify("customer_id"), "customer_id");
        assert_eq!(anchor("Getting started: the CLI"), "getting-started-the-cli");
        assert_eq!(anchor("snake_case and what's new"), "snake-case-and-whats-new");
    }

    #[test]
    fn other_scripts_are_transliterated() {
        assert_eq!(slugify("Äpfel & Birnen"), "apfel-birnen");
        assert_eq!(slugify("Über Zählerstände"), "uber-zahlerstande");
        assert_eq!(anchor("Über Zählerstände"), "uber-zahlerstande");
        assert_eq!(slugify("Клиенты"), "klienty");
        assert_eq!(slugify("Заказы клиентов"), "zakazy-klientov");
        assert_eq!(slugify("客户订单"), "ke-hu-ding-dan");
        assert_eq!(anchor("## 数据 产品"), "shu-ju-chan-pin");
        assert_ne!(
            slugify("Клиенты"),
            slugify("Заказы"),
            "two Cyrillic ids no longer share `x`"
        );
    }

    #[test]
    fn empty_and_dot_names_fall_back_to_x() {
        for s in ["", ".", "..", "///", "\u{202e}", "\u{1b}\u{7}"] {
            assert_eq!(slugify(s), "x", "{s:?}");
        }
        assert_eq!(anchor("..."), "");
    }

    #[test]
    fn index_never_names_a_page() {
        assert_eq!(page_stem("Index", "index-page"), "index-page");
        assert_eq!(page_stem("index.", "index-field"), "index-field");
        assert_eq!(page_stem("indexes", "index-page"), "indexes");
    }

    #[test]
    fn file_name_limit_counts_the_extension() {
        assert!(file_name_fits(&"a".repeat(MAX_FILE_NAME_BYTES - 5)));
        assert!(!file_name_fits(&"a".repeat(MAX_FILE_NAME_BYTES - 4)));
    }

    fn is_safe_segment(slug: &str) -> bool {
        !slug.is_empty()
            && slug != "."
            && slug != ".."
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
            && !slug.starts_with('-')
            && !slug.ends_with('-')
            && !slug.contains("--")
    }

    proptest! {
        #[test]
        fn any_slug_is_one_safe_path_segment(s in any::<String>()) {
            let slug = slugify(&s);
            prop_assert!(is_safe_segment(&slug), "{s:?} → {slug:?}");
            prop_assert_eq!(slugify(&slug), slug.clone(), "slugs are fixed points");
        }

        #[test]
        fn any_anchor_is_a_plain_fragment(s in any::<String>()) {
            let a = anchor(&s);
            prop_assert!(a.is_empty() || is_safe_segment(&a), "{s:?} → {a:?}");
            prop_assert!(!a.contains('_'));
        }

        #[test]
        fn ascii_slugs_are_unchanged(s in "[ -~\t\n]{0,40}") {
            prop_assert_eq!(slugify(&s), legacy_slugify(&s));
            prop_assert_eq!(anchor(&s), legacy_anchor(&s));
        }

        #[test]
        fn mixed_scripts_stay_safe(s in "[a-zA-Z0-9 ÄÖÜäöüßКлиентыЗаказ客户订单数据._/-]{0,30}") {
            prop_assert!(is_safe_segment(&slugify(&s)));
        }
    }
}
