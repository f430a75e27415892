//! One artifact from bytes to checks: the first byte tells JSON from XML; a JSON object is
//! deserialised once, streaming, into the union of the fields the dbt artifacts and the meshport
//! format use (the rest is skipped as it passes), and what it holds tells its format.

use super::dbt::{ManifestNode, ManifestSource, Metadata, ResultEntry};
use super::junit;
use super::time::{parse, Secs};
use super::{Anchor, RawCheck, RawFreshness, Status, Target};
use serde::Deserialize;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

/// The `format` value of a meshport observations file (schemas/observations.schema.json).
pub const NATIVE_FORMAT: &str = "meshport-observations/1";

/// What one file turned out to be.
#[derive(Debug)]
pub enum Parsed {
    RunResults {
        at: Option<Secs>,
        entries: Vec<ResultEntry>,
    },
    Sources {
        at: Option<Secs>,
        entries: Vec<ResultEntry>,
    },
    Manifest {
        nodes: HashMap<String, ManifestNode>,
        sources: HashMap<String, ManifestSource>,
    },
    Junit(junit::Report),
    Native(Native),
}

/// Why a file gave nothing: broken (with a line where the parser knows one, or a byte offset),
/// or not a format meshport reads.
#[derive(Debug, PartialEq)]
pub enum Failure {
    Invalid {
        line: Option<u32>,
        offset: Option<u64>,
        message: String,
    },
    UnknownFormat(String),
}

/// Every top-level key meshport reads from any JSON artifact.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AnyJson {
    metadata: Option<Metadata>,
    results: Option<Vec<ResultEntry>>,
    nodes: Option<HashMap<String, ManifestNode>>,
    sources: Option<HashMap<String, ManifestSource>>,
    format: Option<String>,
    #[serde(rename = "generatedAt")]
    generated_at: Option<String>,
    checks: Option<Vec<NativeCheck>>,
    freshness: Option<Vec<NativeFreshness>>,
}

/// A check of the meshport format.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NativeCheck {
    pub product: Option<String>,
    pub contract: Option<String>,
    pub version: Option<String>,
    pub object: Option<String>,
    pub property: Option<String>,
    pub check: Option<String>,
    pub status: Option<String>,
    pub observed_at: Option<String>,
    pub value: Option<serde_json::Value>,
    pub message: Option<String>,
}

/// A freshness observation of the meshport format.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NativeFreshness {
    pub product: Option<String>,
    pub contract: Option<String>,
    pub version: Option<String>,
    pub object: Option<String>,
    pub loaded_at: Option<String>,
    pub observed_at: Option<String>,
}

/// A meshport observations file, read.
#[derive(Debug, Default)]
pub struct Native {
    pub at: Option<Secs>,
    pub checks: Vec<RawCheck>,
    pub freshness: Vec<RawFreshness>,
    /// Entries left out, with why (no time, unknown status, no target).
    pub rejected: Vec<(String, String)>,
}

pub fn parse_artifact(input: impl Read) -> Result<Parsed, Failure> {
    let mut reader = BufReader::new(input);
    let first = first_byte(&mut reader)?;
    match first {
        Some(b'{') => json(reader),
        Some(b'<') => junit::read(reader).map(Parsed::Junit).map_err(|e| Failure::Invalid {
            line: None,
            offset: Some(e.offset),
            message: format!("not valid JUnit XML: {}", e.message),
        }),
        Some(_) => Err(Failure::UnknownFormat("neither a JSON object nor XML".into())),
        None => Err(Failure::UnknownFormat("the file is empty".into())),
    }
}

/// The first byte after whitespace and a UTF-8 byte order mark, left unread.
fn first_byte(reader: &mut impl BufRead) -> Result<Option<u8>, Failure> {
    let io = |e: std::io::Error| Failure::Invalid {
        line: None,
        offset: None,
        message: format!("cannot be read: {e}"),
    };
    loop {
        let buf = reader.fill_buf().map_err(io)?;
        let Some(&b) = buf.first() else { return Ok(None) };
        if b.is_ascii_whitespace() || [0xEF, 0xBB, 0xBF].contains(&b) {
            reader.consume(1);
        } else {
            return Ok(Some(b));
        }
    }
}

fn json(reader: impl Read) -> Result<Parsed, Failure> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let any = AnyJson::deserialize(&mut de).and_then(|any| de.end().map(|()| any));
    let any = any.map_err(|e| Failure::Invalid {
        line: (e.line() > 0).then_some(e.line() as u32),
        offset: None,
        message: format!("not valid JSON: {e}"),
    })?;
    classify(any)
}

fn classify(any: AnyJson) -> Result<Parsed, Failure> {
    let schema = any
        .metadata
        .as_ref()
        .and_then(|m| m.dbt_schema_version.clone())
        .unwrap_or_default();
    let generated = any
        .metadata
        .as_ref()
        .and_then(|m| m.generated_at.as_deref())
        .and_then(parse);
    if any.format.as_deref() == Some(NATIVE_FORMAT) {
        return Ok(Parsed::Native(native(any)));
    }
    if let Some(other) = any.format.as_deref().filter(|f| f.starts_with("meshport-observations")) {
        return Err(Failure::UnknownFormat(format!(
            "format `{other}` is not one this meshport reads (`{NATIVE_FORMAT}`)"
        )));
    }
    if schema.contains("/manifest/") || (schema.is_empty() && any.nodes.is_some()) {
        return Ok(Parsed::Manifest {
            nodes: any.nodes.unwrap_or_default(),
            sources: any.sources.unwrap_or_default(),
        });
    }
    let entries = any.results.unwrap_or_default();
    if schema.contains("/run-results/") {
        return Ok(Parsed::RunResults { at: generated, entries });
    }
    if schema.contains("/sources/") {
        return Ok(Parsed::Sources { at: generated, entries });
    }
    let what = if schema.is_empty() {
        "a JSON object without dbt `metadata.dbt_schema_version` or `format`".to_string()
    } else {
        format!("dbt artifact `{schema}`")
    };
    Err(Failure::UnknownFormat(format!(
        "{what}: neither run_results, manifest, sources nor meshport observations"
    )))
}

fn native(any: AnyJson) -> Native {
    let at = any.generated_at.as_deref().and_then(parse);
    let mut out = Native {
        at,
        ..Native::default()
    };
    for (i, c) in any.checks.unwrap_or_default().into_iter().enumerate() {
        let name = c.check.clone().unwrap_or_default();
        let when = c.observed_at.as_deref().and_then(parse).or(at);
        let status = c.status.as_deref().and_then(Status::from_text);
        let target = target(c.product, c.contract, c.version, c.object);
        match (target, when, status, name.trim().is_empty()) {
            (Some(target), Some(when), Some(status), false) => out.checks.push(RawCheck {
                target,
                column: c.property,
                name: name.clone(),
                kind: None,
                status,
                message: c.message.filter(|m| !m.trim().is_empty()),
                value: c.value.as_ref().map(super::value_text),
                at: when,
                anchor: Anchor::Needle(name),
            }),
            (None, ..) => out
                .rejected
                .push((format!("checks[{i}]"), "names no `product` or `contract`".into())),
            (_, None, ..) => out.rejected.push((
                format!("checks[{i}]"),
                "has no valid `observedAt` (and the file no `generatedAt`)".into(),
            )),
            (_, _, None, _) => out.rejected.push((
                format!("checks[{i}]"),
                format!(
                    "has status `{}`; use pass, warn, fail, error or skip",
                    c.status.unwrap_or_default()
                ),
            )),
            _ => out
                .rejected
                .push((format!("checks[{i}]"), "has no `check` name".into())),
        }
    }
    for (i, f) in any.freshness.unwrap_or_default().into_iter().enumerate() {
        let loaded = f.loaded_at.as_deref().and_then(parse);
        let observed = f.observed_at.as_deref().and_then(parse).or(at);
        match (
            target(f.product, f.contract, f.version, f.object.clone()),
            loaded,
            observed,
        ) {
            (Some(target), Some(loaded_at), Some(observed_at)) => out.freshness.push(RawFreshness {
                target,
                loaded_at,
                observed_at,
                failed: false,
                anchor: Anchor::Needle(f.loaded_at.unwrap_or_default()),
            }),
            _ => out.rejected.push((
                format!("freshness[{i}]"),
                "needs a `product` or `contract`, a valid `loadedAt` and `observedAt` (or the file's `generatedAt`)"
                    .into(),
            )),
        }
        out.at = out.at.max(observed);
    }
    out.at = out.at.or(out.checks.iter().map(|c| c.at).max());
    out
}

fn target(
    product: Option<String>,
    contract: Option<String>,
    version: Option<String>,
    object: Option<String>,
) -> Option<Target> {
    match (contract, product) {
        (Some(id), _) => Some(Target::Contract { id, version, object }),
        (None, Some(id)) => Some(Target::Product(id)),
        _ => None,
    }
}

/// The 1-based line of the first occurrence of `needle` as a JSON string (`"needle"`),
/// searched as the file streams past; `None` if it is not there.
pub fn line_of(input: impl Read, needle: &str) -> Option<u32> {
    let quoted = serde_json::to_string(needle).ok()?;
    let pattern = quoted.as_bytes();
    let mut reader = BufReader::new(input);
    let (mut line, mut window): (u32, Vec<u8>) = (1, Vec::new());
    loop {
        let chunk = reader.fill_buf().ok()?;
        if chunk.is_empty() {
            return None;
        }
        window.extend_from_slice(chunk);
        let n = chunk.len();
        reader.consume(n);
        if let Some(i) = window.windows(pattern.len()).position(|w| w == pattern) {
            return Some(line + window[..i].iter().filter(|b| **b == b'\n').count() as u32);
        }
        // Keep a tail as long as the pattern, so a match across two chunks is found.
        let cut = window.len().saturating_sub(pattern.len());
        line += window[..cut].iter().filter(|b| **b == b'\n').count() as u32;
        window.drain(..cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Parsed, Failure> {
        parse_artifact(s.as_bytes())
    }

    #[test]
    fn formats_are_told_by_content() {
        let rr = r#"{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json", "generated_at": "2026-12-01T06:00:00Z", "env": {}}, "results": [], "elapsed_time": 1.5, "args": {"x": [1, {"y": null}]}}"#;
        assert!(matches!(parse_str(rr), Ok(Parsed::RunResults { at: Some(_), .. })));
        let manifest = r#"{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}, "nodes": {}, "sources": {}, "macros": {"m": {"a": 1}}}"#;
        assert!(matches!(parse_str(manifest), Ok(Parsed::Manifest { .. })));
        let sources =
            r#"{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json"}, "results": []}"#;
        assert!(matches!(parse_str(sources), Ok(Parsed::Sources { .. })));
        assert!(matches!(
            parse_str(r#"{"name": "package"}"#),
            Err(Failure::UnknownFormat(_))
        ));
        assert!(matches!(parse_str("[1, 2]"), Err(Failure::UnknownFormat(_))));
        assert!(matches!(parse_str(""), Err(Failure::UnknownFormat(_))));
    }

    #[test]
    fn broken_json_has_a_line() {
        let err = parse_str("{\n\"metadata\": {\n\"generated_at\": 3,\n").unwrap_err();
        assert!(matches!(err, Failure::Invalid { line: Some(3), .. }), "{err:?}");
        assert!(matches!(
            parse_str("{\"format\": \"x\"} trailing"),
            Err(Failure::Invalid { .. })
        ));
    }

    #[test]
    fn native_checks_need_a_target_a_time_and_a_known_status() {
        let text = r#"{"format": "meshport-observations/1", "generatedAt": "2026-12-01T06:00:00Z",
          "checks": [
            {"contract": "orders", "check": "row count", "status": "pass", "value": 1200},
            {"product": "p", "check": "x", "status": "maybe"},
            {"check": "y", "status": "pass"}
          ],
          "freshness": [{"contract": "orders", "object": "orders", "loadedAt": "2026-12-01T05:00:00Z"}]}"#;
        let Ok(Parsed::Native(n)) = parse_str(text) else {
            panic!()
        };
        assert_eq!(n.checks.len(), 1);
        assert_eq!(n.checks[0].value.as_deref(), Some("1200"));
        assert_eq!(n.rejected.len(), 2);
        assert_eq!(n.freshness[0].observed_at - n.freshness[0].loaded_at, 3600);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// The readers never panic, whatever the bytes: arbitrary ones, and JSON or XML with
        /// the markers of each format followed by arbitrary text.
        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
                               tail in ".{0,200}", prefix in 0usize..6) {
            let _ = parse_artifact(bytes.as_slice());
            let starts = [
                "{\"metadata\": {\"dbt_schema_version\": \"x/run-results/v6\"}, \"results\": [",
                "{\"format\": \"meshport-observations/1\", \"checks\": [{",
                "{\"nodes\": {\"test.a.b\": {",
                "<testsuites><testsuite name=\"a\" timestamp=\"",
                "<testsuite><testcase><failure message=\"",
                "",
            ];
            let text = format!("{}{tail}", starts[prefix]);
            let _ = parse_artifact(text.as_bytes());
            let _ = line_of(bytes.as_slice(), &tail);
            let _ = super::super::junit::line_at(bytes.as_slice(), bytes.len() as u64 / 2);
        }
    }

    #[test]
    fn finds_the_line_of_a_string_across_chunks() {
        let text = format!("{{\n{}\n\"test.a.b\": 1}}", " ".repeat(20_000));
        assert_eq!(line_of(text.as_bytes(), "test.a.b"), Some(3));
        assert_eq!(line_of(text.as_bytes(), "nothing"), None);
    }
}
