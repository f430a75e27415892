//! The one place YAML is parsed. Everything else sees a `serde_json::Value` plus a map from JSON
//! Pointer to the source position of each value and key, so any later finding (a type error, a
//! dangling reference, a governance rule) can point at `file:line:column`.
//!
//! saphyr is used because it keeps a span on every node (keys included), rejects duplicate keys
//! and bounds alias expansion; swapping the parser means rewriting only this file.

use crate::diag::{Pos, Span};
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Number, Value};
use std::hash::{DefaultHasher, Hash, Hasher};

/// Nesting deeper than this is refused before parsing: real descriptors stay under 20 levels,
/// and a bound keeps recursive walks (ours and the parser's) far from the stack limit.
const MAX_DEPTH: usize = 64;

/// A parsed YAML document with positions.
#[derive(Debug, Clone, Default)]
pub struct YamlDoc {
    pub value: Value,
    values: Positions,
    keys: Positions,
}

/// Where a node starts and, for a scalar on one line, the column just after it (0: unknown, as
/// for mappings and sequences, which would underline a whole block). Four bytes more than a
/// `Pos` per value: a span per node would cost 12.
#[derive(Debug, Clone, Copy)]
struct Mark {
    pos: Pos,
    end_column: u32,
}

impl Mark {
    fn span(self) -> Span {
        let end = (self.end_column > self.pos.column).then(|| Pos::new(self.pos.line, self.end_column));
        Span::new(self.pos, end)
    }
}

/// Source marks by JSON Pointer, kept as (hash of the pointer, mark) sorted by hash. With the
/// pointer's text as key (and a hash map's overhead) positions were most of a loaded
/// 10,000-product mesh's memory; 20 bytes a node is a fifth of that. Two pointers of one
/// document sharing a 64-bit hash is vanishingly unlikely and would only misplace a finding.
#[derive(Debug, Clone, Default)]
struct Positions(Vec<(u64, Mark)>);

impl Positions {
    fn hash(pointer: &str) -> u64 {
        // `DefaultHasher::new()` has fixed keys: the same pointer hashes the same every run.
        let mut h = DefaultHasher::new();
        pointer.hash(&mut h);
        h.finish()
    }

    fn push(&mut self, pointer: &str, mark: Mark) {
        self.0.push((Self::hash(pointer), mark));
    }

    /// Sorts for lookup; call once every position is pushed.
    fn finish(&mut self) {
        self.0.sort_by_key(|(h, _)| *h);
        self.0.shrink_to_fit();
    }

    fn get(&self, pointer: &str) -> Option<Mark> {
        let h = Self::hash(pointer);
        self.0.binary_search_by_key(&h, |(k, _)| *k).ok().map(|i| self.0[i].1)
    }
}

/// A YAML syntax error with the parser's position.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

impl YamlDoc {
    /// Position of the value at a JSON Pointer (`""` is the root). Falls back to the nearest
    /// ancestor that has one, so a finding about a missing child points at its parent.
    pub fn pos(&self, pointer: &str) -> Pos {
        self.span(pointer).start
    }

    /// Like `pos`, with the end of the value when it is a scalar on one line, for underlining.
    pub fn span(&self, pointer: &str) -> Span {
        let mut p = pointer;
        loop {
            if let Some(mark) = self.values.get(p) {
                return mark.span();
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Pos::new(1, 1).into(),
            }
        }
    }

    /// Position of the key whose value sits at `pointer`, or of the value if it has no key.
    pub fn key_pos(&self, pointer: &str) -> Pos {
        self.key_span(pointer).start
    }

    /// Like `key_pos`, with the key's end.
    pub fn key_span(&self, pointer: &str) -> Span {
        self.keys
            .get(pointer)
            .map(|m| m.span())
            .unwrap_or_else(|| self.span(pointer))
    }

    /// Drops the positions, keeping the value.
    pub fn forget_positions(&mut self) {
        self.values = Positions::default();
        self.keys = Positions::default();
    }

    /// Drops positions and value: once findings are made, pages render from the typed model,
    /// and positions and tree together weighed more than the rest of a loaded mesh.
    pub fn forget(&mut self) {
        self.forget_positions();
        self.value = Value::Null;
    }

    /// A document built from another one (a translation of an older format): `value`, with each
    /// `(pointer in value, pointer in from)` pair giving the value and key marks of the place it
    /// came from, so findings on the new document point into the file as written.
    pub fn derived(value: Value, origins: &[(String, String)], from: &YamlDoc) -> YamlDoc {
        let mut doc = YamlDoc {
            value,
            ..Default::default()
        };
        for (to, source) in origins {
            if let Some(mark) = from.values.get(source) {
                doc.values.push(to, mark);
            }
            if let Some(mark) = from.keys.get(source) {
                doc.keys.push(to, mark);
            }
        }
        doc.values.finish();
        doc.keys.finish();
        doc
    }

    /// Shifts every position down by `lines`, for YAML front matter inside a Markdown file.
    pub fn offset_lines(&mut self, lines: u32) {
        for (_, mark) in self.values.0.iter_mut().chain(self.keys.0.iter_mut()) {
            mark.pos.line += lines;
        }
    }
}

/// Escapes one JSON Pointer reference token (RFC 6901).
pub fn escape_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Parses a source holding one YAML document (front matter, policies, schemas). An empty or
/// comment-only source yields `Null`; several documents are an error.
pub fn parse(src: &str) -> Result<YamlDoc, YamlError> {
    let mut docs = load(src)?;
    if docs.len() > 1 {
        let second = &docs[1].span.start;
        return Err(YamlError {
            pos: Pos::new(second.line() as u32, second.col() as u32 + 1),
            message: "the file holds more than one YAML document (`---`); this file takes one".to_string(),
        });
    }
    match docs.pop() {
        Some(root) => document(&root),
        None => Ok(YamlDoc::default()),
    }
}

/// Parses every document of a YAML stream (documents separated by `---`), each with its own
/// positions; lines and columns count from the start of the file, so a finding's
/// `file:line:column` names the document it is in. Empty documents between separators (a
/// leading or trailing `---`) are left out; an empty source yields one `Null` document.
pub fn parse_documents(src: &str) -> Result<Vec<YamlDoc>, YamlError> {
    let docs = load(src)?;
    let mut out = Vec::with_capacity(docs.len());
    for root in &docs {
        let doc = document(root)?;
        if !(doc.value.is_null() && docs.len() > 1) {
            out.push(doc);
        }
    }
    if out.is_empty() {
        out.push(YamlDoc::default());
    }
    Ok(out)
}

fn load(src: &str) -> Result<Vec<MarkedYaml<'_>>, YamlError> {
    check_depth(src)?;
    MarkedYaml::load_from_str(src).map_err(|e| {
        let mut pos = Pos::new(e.marker().line() as u32, e.marker().col() as u32 + 1);
        if e.info().contains("tab") {
            pos = first_tab(src, pos);
        }
        YamlError {
            pos,
            message: e.info().to_string(),
        }
    })
}

fn document(root: &MarkedYaml) -> Result<YamlDoc, YamlError> {
    let mut doc = YamlDoc::default();
    doc.value = convert(root, "", &mut doc)?;
    doc.values.finish();
    doc.keys.finish();
    Ok(doc)
}

/// The parser reports tab errors after the tab; point at the tab itself, which is what the
/// author has to replace.
fn first_tab(src: &str, reported: Pos) -> Pos {
    let from = reported.line.saturating_sub(1) as usize;
    for (n, line) in src.lines().enumerate().skip(from) {
        if let Some(i) = line.chars().position(|c| c == '\t') {
            return Pos::new(n as u32 + 1, i as u32 + 1);
        }
    }
    reported
}

/// Nodes the parser synthesises (e.g. the empty value of a bare tag like `!x`) carry a
/// default span with line 0; findings always point at a real line.
fn marker_pos(node: &MarkedYaml) -> Pos {
    Pos::new((node.span.start.line() as u32).max(1), node.span.start.col() as u32 + 1)
}

fn mark(node: &MarkedYaml) -> Mark {
    let (start, end) = (&node.span.start, &node.span.end);
    let scalar = matches!(node.data, YamlData::Value(_) | YamlData::Representation(..));
    let one_line = start.line() == end.line() && start.line() > 0;
    Mark {
        pos: marker_pos(node),
        end_column: if scalar && one_line { end.col() as u32 + 1 } else { 0 },
    }
}

fn convert(node: &MarkedYaml, pointer: &str, doc: &mut YamlDoc) -> Result<Value, YamlError> {
    doc.values.push(pointer, mark(node));
    match &node.data {
        YamlData::Value(s) => Ok(scalar(s)),
        YamlData::Representation(text, _, _) => Ok(Value::String(text.to_string())),
        YamlData::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(convert(item, &format!("{pointer}/{i}"), doc)?);
            }
            Ok(Value::Array(out))
        }
        YamlData::Mapping(map) => convert_mapping(map.iter(), pointer, doc),
        YamlData::Tagged(_, inner) => convert(inner, pointer, doc),
        YamlData::Alias(_) | YamlData::BadValue => Err(YamlError {
            pos: marker_pos(node),
            message: "this value could not be read (unresolved alias or a value that does not match its tag)"
                .to_string(),
        }),
    }
}

fn convert_mapping<'a, 'i: 'a>(
    entries: impl Iterator<Item = (&'a MarkedYaml<'i>, &'a MarkedYaml<'i>)>,
    pointer: &str,
    doc: &mut YamlDoc,
) -> Result<Value, YamlError> {
    let mut out = Map::new();
    for (k, v) in entries {
        let key = key_text(k);
        if key == "<<" {
            return Err(YamlError {
                pos: marker_pos(k),
                message: "YAML merge keys (`<<`) are not supported; write the keys out".to_string(),
            });
        }
        let child = format!("{pointer}/{}", escape_token(&key));
        doc.keys.push(&child, mark(k));
        let value = convert(v, &child, doc)?;
        out.insert(key, value);
    }
    Ok(Value::Object(out))
}

fn key_text(node: &MarkedYaml) -> String {
    match &node.data {
        YamlData::Value(Scalar::String(s)) => s.to_string(),
        YamlData::Value(s) => match scalar(s) {
            Value::String(s) => s,
            Value::Null => "null".to_string(),
            other => other.to_string(),
        },
        YamlData::Representation(text, _, _) => text.to_string(),
        YamlData::Tagged(_, inner) => key_text(inner),
        _ => "<complex key>".to_string(),
    }
}

fn scalar(s: &Scalar) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        // JSON has no NaN or infinity: keep such values as their text.
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner())
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(f.into_inner().to_string())),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

/// Refuses documents nested deeper than `MAX_DEPTH`, from the parser's event stream (a state
/// machine, so this pass itself never recurses). Building and dropping a tree recurses once
/// per level, and a few thousand levels of `- - - …` would overflow a worker thread's stack.
fn check_depth(src: &str) -> Result<(), YamlError> {
    use saphyr_parser::{Event, Parser};
    let mut depth = 0usize;
    for item in Parser::new_from_str(src) {
        let Ok((event, span)) = item else { return Ok(()) }; // the loader reports syntax errors
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(YamlError {
                        pos: Pos::new(span.start.line() as u32, span.start.col() as u32 + 1),
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                    });
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_keys_have_positions() {
        let doc = parse("kind: DataProduct\nteam:\n  name: x\nports:\n  - id: a\n    v: 1.0\n").unwrap();
        assert_eq!(doc.pos("/kind"), Pos::new(1, 7));
        assert_eq!(doc.key_pos("/team/name"), Pos::new(3, 3));
        assert_eq!(doc.pos("/team/name"), Pos::new(3, 9));
        assert_eq!(doc.key_pos("/ports/0/v"), Pos::new(6, 5));
        assert_eq!(
            doc.span("/kind").end,
            Some(Pos::new(1, 18)),
            "the whole value `DataProduct`"
        );
        assert_eq!(
            doc.key_span("/team/name").end,
            Some(Pos::new(3, 7)),
            "the whole key `name`"
        );
        assert_eq!(doc.value["ports"][0]["v"], serde_json::json!(1.0));
    }

    #[test]
    fn derived_documents_carry_the_marks_of_their_origins() {
        let from = parse("info:\n  title: T\n").unwrap();
        let origins = [("".into(), "".into()), ("/name".into(), "/info/title".into())];
        let doc = YamlDoc::derived(serde_json::json!({"name": "T"}), &origins, &from);
        assert_eq!(doc.pos("/name"), Pos::new(2, 10));
        assert_eq!(doc.key_pos("/name"), Pos::new(2, 3));
        assert_eq!(doc.span("/name").end, Some(Pos::new(2, 11)));
    }

    #[test]
    fn missing_pointer_falls_back_to_parent() {
        let doc = parse("a:\n  b: 1\n").unwrap();
        assert_eq!(doc.pos("/a/zzz/q"), doc.pos("/a"));
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse("a: 1\nb: [1, 2\n").unwrap_err();
        assert!(err.pos.line >= 2, "{err:?}");
    }

    #[test]
    fn duplicate_keys_rejected() {
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(err.pos.line, 2, "{err:?}");
    }

    #[test]
    fn tab_error_points_at_the_tab() {
        let err = parse("a:\n  b: 1\n\tc: 2\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(3, 1), "{err:?}");
    }

    #[test]
    fn merge_keys_rejected() {
        let err = parse("base: &b {x: 1}\nother:\n  <<: *b\n").unwrap_err();
        assert!(err.message.contains("merge"));
        assert_eq!(err.pos, Pos::new(3, 3));
    }

    #[test]
    fn deep_flow_nesting_refused() {
        let balanced = "a: ".to_string() + &"[".repeat(500) + &"]".repeat(500);
        // The parser's own recursion limit or ours: either way a finding, not a crash.
        let err = parse(&balanced).unwrap_err();
        assert!(
            err.message.contains("nesting") || err.message.contains("recursion"),
            "{err:?}"
        );
        let unclosed = "a: ".to_string() + &"[".repeat(500);
        assert!(parse(&unclosed).is_err());
    }

    #[test]
    fn deep_block_nesting_refused_without_overflow() {
        let seq = "- ".repeat(5000) + "x\n";
        let mut map = String::new();
        for i in 0..3000 {
            map.push_str(&" ".repeat(i));
            map.push_str("k:\n");
        }
        // A 256 KiB stack, smaller than any worker thread's, proves no pass recurses per level.
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || (parse(&seq).unwrap_err().message, parse(&map).unwrap_err().message))
            .unwrap();
        let (a, b) = handle.join().unwrap();
        assert!(a.contains("nesting") && b.contains("nesting"), "{a} / {b}");
    }

    /// Found by fuzzing: a bare tag parses to a synthetic node without a position.
    #[test]
    fn bare_tag_has_a_real_line() {
        let doc = parse("!x").unwrap();
        assert_eq!(doc.pos(""), Pos::new(1, 1));
    }

    #[test]
    fn each_document_of_a_stream_has_its_own_positions() {
        let src = "---\nkind: DataProduct\nid: a\n---\n# second\nkind: DataContract\nid: b\n---\n";
        let docs = parse_documents(src).unwrap();
        assert_eq!(docs.len(), 2, "the empty trailing document is left out");
        assert_eq!(docs[0].value["id"], "a");
        assert_eq!(docs[0].pos("/id"), Pos::new(3, 5));
        assert_eq!(docs[1].value["id"], "b");
        assert_eq!(
            docs[1].pos("/id"),
            Pos::new(7, 5),
            "lines count from the start of the file"
        );
        assert_eq!(docs[1].pos(""), Pos::new(6, 1));
        let err = parse(src).unwrap_err();
        assert_eq!(
            err.pos.line, 6,
            "a single-document file names where the second starts: {err:?}"
        );
        assert_eq!(parse_documents("# nothing\n").unwrap().len(), 1);
        assert!(parse_documents("a: 1\n---\nb: [\n").is_err());
    }

    #[test]
    fn empty_source_is_null() {
        assert_eq!(parse("# nothing\n").unwrap().value, Value::Null);
    }

    #[test]
    fn pointer_tokens_escaped() {
        let doc = parse("\"a/b\": 1\n").unwrap();
        assert_eq!(doc.pos("/a~1b"), Pos::new(1, 8));
    }

    #[test]
    fn alias_bomb_bounded() {
        let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            src.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse(&src).is_err());
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn never_panics(src in "\\PC{0,400}") {
                let _ = parse(&src);
            }

            #[test]
            fn never_panics_on_yaml_like(src in "([a-z]{1,3}: ?|- |  |\\[|\\]|\\{|\\}|&a |\\*a|\"|'|#|\n|\t|x){0,80}") {
                let _ = parse(&src);
            }

            /// Every key of a generated block mapping is found at the line and column where
            /// it was written, and its value round-trips.
            #[test]
            fn key_positions_match_source(entries in proptest::collection::btree_map("[a-z][a-z0-9_]{0,8}", "[A-Za-z0-9 ]{1,12}", 1..12), indent in 0usize..3) {
                let pad = " ".repeat(indent * 2);
                let mut src = String::from("root:\n");
                for (k, v) in &entries {
                    src.push_str(&format!("  {pad}{k}: \"{v}\"\n"));
                }
                let doc = parse(&src).unwrap();
                for (i, (k, v)) in entries.iter().enumerate() {
                    let pointer = format!("/root/{k}");
                    prop_assert_eq!(doc.key_pos(&pointer), Pos::new(i as u32 + 2, 3 + indent as u32 * 2));
                    prop_assert_eq!(doc.value["root"][k].as_str(), Some(v.as_str()));
                }
            }
        }
    }
}
