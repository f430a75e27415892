//! Structural validation with JSON Schemas: every product and contract against the bundled
//! schema of its standard (`schemas/odps.schema.json`, `schemas/odcs.schema.json`, written for
//! meshport) and against the organisation's own schemas listed under `[schemas]` in
//! meshport.toml.
//!
//! It runs on the parsed YAML, before typed resolution, so a document that later fails to
//! deserialise still gets every structural finding, each at the `file:line:column` of the key or
//! value concerned (schema errors give a JSON Pointer; `YamlDoc` maps it to a position).
//!
//! Layering with the typed view (`model::resolve`): the typed view keeps `descriptor.required`
//! for the identity keys (id, version, apiVersion, status) and `descriptor.api-version`, so this
//! module skips what those report. Everything else structural is reported here, all of it in
//! one pass; the typed view's `descriptor.type`, which stops at the first problem, is dropped
//! when a finding here already covers it (see [`Report::drop_shadowed_type_errors`]).

use crate::check::rules::RuleId;
use crate::config::{Config, FILE_NAME};
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::source::legacy::{Format, Legacy};
use crate::source::yaml::escape_token;
use crate::source::{Document, ReadError, SourceSet, SourceTree, YamlDoc};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Component, Path};
use std::sync::LazyLock;

/// Which standard a descriptor follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Product,
    Contract,
}

/// A compiled schema with its source: the source gives the known keys and descriptions that
/// make a message precise and a hint useful.
pub struct Compiled {
    validator: Validator,
    schema: Value,
}

/// The bundled schemas, compiled once per process (`serve` rebuilds reuse them).
static ODPS: LazyLock<Compiled> = LazyLock::new(|| builtin(include_str!("../../schemas/odps.schema.json")));
static ODCS: LazyLock<Compiled> = LazyLock::new(|| builtin(include_str!("../../schemas/odcs.schema.json")));
/// The older formats, checked as written (their translation is what the rest of meshport sees).
static DCS: LazyLock<Compiled> = LazyLock::new(|| builtin(include_str!("../../schemas/dcs.schema.json")));
static DPS: LazyLock<Compiled> = LazyLock::new(|| builtin(include_str!("../../schemas/dps.schema.json")));

fn builtin(text: &str) -> Compiled {
    let schema: Value = serde_json::from_str(text).expect("bundled schema is valid JSON");
    let validator = jsonschema::options().build(&schema).expect("bundled schema compiles");
    Compiled { validator, schema }
}

fn bundled(kind: DocKind) -> &'static Compiled {
    match kind {
        DocKind::Product => &ODPS,
        DocKind::Contract => &ODCS,
    }
}

/// An organisation schema from `[schemas]`.
pub struct OrgSchema {
    kind: DocKind,
    /// Path relative to the mesh root, as findings name it.
    file: String,
    /// The schema's own description or title: what the organisation asks for.
    about: Option<String>,
    compiled: Compiled,
}

/// A place in the mesh: file, line, column.
type At = (String, u32, u32);

/// What validation leaves for later stages.
#[derive(Debug, Default)]
pub struct Report {
    /// `file:line:column` of every value that holds (or is) a structural error found here.
    covered: HashSet<At>,
}

/// Validates every product and contract in `sources`; findings go to `diags`. Organisation
/// schema files are added to `sources.texts` so findings in them show a snippet.
pub fn check_sources(
    tree: &dyn SourceTree,
    config: &Config,
    sources: &mut SourceSet,
    diags: &mut Diagnostics,
) -> Report {
    let org = load_org_schemas(tree, config, sources, diags);
    let found: Vec<(Vec<Diagnostic>, Vec<At>)> = sources
        .files
        .par_iter()
        .map(|f| match (&f.doc, f.legacy.as_deref()) {
            (Document::Product(doc) | Document::Contract(doc), Some(legacy)) => check_legacy(&f.rel, legacy, doc, &org),
            (Document::Product(doc), None) => check_doc(DocKind::Product, &f.rel, doc, &org),
            (Document::Contract(doc), None) => check_doc(DocKind::Contract, &f.rel, doc, &org),
            _ => (Vec::new(), Vec::new()),
        })
        .collect();
    let mut report = Report::default();
    for (ds, covered) in found {
        diags.extend(ds);
        report.covered.extend(covered);
    }
    report
}

impl Report {
    /// The typed view reports only the first type error of a file, as `descriptor.type`, at a
    /// value this module has already reported (with a message naming the expected type) or
    /// whose content it has reported. Such a duplicate is dropped; a `descriptor.type` finding
    /// nothing here covers is kept, so no problem goes unreported.
    pub fn drop_shadowed_type_errors(&self, diags: &mut Diagnostics) {
        let shadowed =
            |d: &Diagnostic| d.rule == "descriptor.type" && self.covered.contains(&(d.file.clone(), d.line, d.column));
        if !diags.iter().any(shadowed) {
            return;
        }
        let kept: Vec<Diagnostic> = diags.iter().filter(|d| !shadowed(d)).cloned().collect();
        *diags = Diagnostics::new();
        diags.extend(kept);
    }
}

/// Findings for one descriptor, and the positions its structural errors cover.
pub fn check_doc(kind: DocKind, rel: &str, doc: &YamlDoc, org: &[OrgSchema]) -> (Vec<Diagnostic>, Vec<At>) {
    let mut out = Vec::new();
    let mut covered = Vec::new();
    if super::versions::is_older(kind, &doc.value) {
        // Another standard's structure: `model::resolve` reports the version, once.
        return (out, covered);
    }
    let compiled = bundled(kind);
    for p in problems_of(compiled, &doc.value) {
        if owned_by_typed_view(kind, doc, &p) {
            continue;
        }
        if p.unknown_key.is_none() {
            covered.extend(ancestors(&p.pointer).map(|a| {
                let pos = doc.pos(a);
                (rel.to_string(), pos.line, pos.column)
            }));
        }
        out.push(standard_finding(compiled, rel, doc, p));
    }
    out.extend(super::features::version_findings(kind, rel, doc));
    if kind == DocKind::Contract {
        let bundled_keys = compiled
            .schema
            .pointer("/$defs/server/properties")
            .and_then(Value::as_object);
        let also_known: Vec<&str> = bundled_keys
            .into_iter()
            .flat_map(|m| m.keys().map(String::as_str))
            .collect();
        out.extend(super::features::server_findings(rel, doc, &also_known));
    }
    for s in org.iter().filter(|s| s.kind == kind) {
        out.extend(
            problems_of(&s.compiled, &doc.value)
                .into_iter()
                .map(|p| org_finding(s, rel, doc, p)),
        );
    }
    (out, covered)
}

/// Findings for a file in an older format: its structure as written against the bundled DCS or
/// DPS schema, what translating it found (`$ref`s), and the organisation's schemas on its
/// translation (they are written for ODCS/ODPS; positions lead back into the file as written).
fn check_legacy(rel: &str, legacy: &Legacy, translated: &YamlDoc, org: &[OrgSchema]) -> (Vec<Diagnostic>, Vec<At>) {
    let (compiled, kind) = match legacy.format {
        Format::DataContract => (&*DCS, DocKind::Contract),
        Format::DataProduct => (&*DPS, DocKind::Product),
    };
    let doc = &legacy.original;
    let mut out = legacy.findings.clone();
    let mut covered = Vec::new();
    let unknown_version = match legacy.format {
        Format::DataContract => super::versions::dcs_version_finding(rel, doc, &legacy.version),
        Format::DataProduct => None,
    };
    // An unknown version gets that one finding, not also the schema's list of versions.
    let version_key = format!("/{}", legacy.format.key());
    let problems = problems_of(compiled, &doc.value).into_iter();
    for p in problems.filter(|p| unknown_version.is_none() || p.pointer != version_key) {
        if p.unknown_key.is_none() {
            covered.extend(ancestors(&p.pointer).map(|a| {
                let pos = doc.pos(a);
                (rel.to_string(), pos.line, pos.column)
            }));
        }
        let mut finding = standard_finding(compiled, rel, doc, p.clone());
        if let Some(key) = &p.unknown_key {
            finding = finding.with_hint(legacy_unknown_key_hint(compiled, &p, key, legacy.format));
        }
        out.push(finding);
    }
    out.extend(unknown_version);
    if legacy.format == Format::DataContract {
        out.extend(super::features::dcs_version_findings(rel, doc, &legacy.version));
    }
    for s in org.iter().filter(|s| s.kind == kind) {
        out.extend(
            problems_of(&s.compiled, &translated.value)
                .into_iter()
                .map(|p| org_finding(s, rel, translated, p)),
        );
    }
    (out, covered)
}

/// The older formats have no customProperties: extensions are `x-` keys (DPS also `custom`).
fn legacy_unknown_key_hint(compiled: &Compiled, p: &Problem, key: &str, format: Format) -> String {
    let node = keyword_parent(&compiled.schema, &p.schema_path);
    let known = node.and_then(|n| n.get("properties")).and_then(Value::as_object);
    let extension = match format {
        Format::DataContract => format!("`x-{key}`"),
        Format::DataProduct => format!("`x-{key}` (or an entry of `custom`)"),
    };
    match known.and_then(|k| closest(key, k.keys().map(String::as_str))) {
        Some(near) => format!("did you mean `{near}`? Keys of your own are written {extension}"),
        None => format!("`{key}` is not part of the {}: name it {extension}", format.name()),
    }
}

/// `pointer` and each of its ancestors, up to the root (`""`).
fn ancestors(pointer: &str) -> impl Iterator<Item = &str> {
    let cuts = pointer.match_indices('/').map(|(i, _)| i).collect::<Vec<_>>();
    std::iter::once(pointer).chain(cuts.into_iter().rev().map(move |i| &pointer[..i]))
}

/// Problems `model::resolve` reports itself: a missing identity key (`descriptor.required`,
/// which also catches empty values) and anything about `apiVersion` (`descriptor.api-version`).
fn owned_by_typed_view(kind: DocKind, doc: &YamlDoc, p: &Problem) -> bool {
    let identity: &[&str] = match kind {
        DocKind::Product => &["id", "apiVersion"],
        DocKind::Contract => &["id", "version", "apiVersion", "status"],
    };
    if p.unknown_key.is_some() {
        return false;
    }
    if p.pointer == "/apiVersion" {
        return true;
    }
    if p.pointer.is_empty() && p.required.as_deref().is_some_and(|k| identity.contains(&k)) {
        return true;
    }
    // `id: ~` is "missing" to the typed view too.
    identity
        .iter()
        .any(|k| p.pointer.strip_prefix('/') == Some(k) && doc.value.get(k).is_some_and(Value::is_null))
}

// ---------------------------------------------------------------------------------------
// Schema errors → problems
// ---------------------------------------------------------------------------------------

/// A schema error reduced to what a finding needs.
#[derive(Debug, Clone, PartialEq)]
struct Problem {
    /// JSON Pointer of the value concerned (for an unknown key: of the key's value).
    pointer: String,
    /// Set for a key the schema does not allow: the finding points at the key itself.
    unknown_key: Option<String>,
    /// Set for a missing required key (the pointer is then its parent mapping).
    required: Option<String>,
    message: String,
    /// How to fix it, when the schema's description does not say.
    fix: String,
    /// JSON Pointer of the failing keyword in the schema, `$ref`s included.
    schema_path: String,
}

fn problems_of(compiled: &Compiled, instance: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    for err in compiled.validator.iter_errors(instance) {
        problems(&err, &mut out);
    }
    out.dedup();
    out
}

fn problems(err: &ValidationError, out: &mut Vec<Problem>) {
    let pointer = err.instance_path().as_str().to_string();
    let schema_path = err.schema_path().as_str().to_string();
    let problem = |(message, fix): (String, String)| Problem {
        pointer: pointer.clone(),
        unknown_key: None,
        required: None,
        message,
        fix,
        schema_path: schema_path.clone(),
    };
    match err.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            for key in unexpected {
                out.push(Problem {
                    pointer: format!("{pointer}/{}", escape_token(key)),
                    unknown_key: Some(key.clone()),
                    message: format!("unknown key `{key}` in {}", place(&pointer)),
                    ..problem((String::new(), String::new()))
                });
            }
        }
        ValidationErrorKind::Required { property } => {
            let key = property
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| property.to_string());
            let text = (
                format!("`{key}` is required in {}", place(&pointer)),
                format!("add `{key}:` to {}", place(&pointer)),
            );
            out.push(Problem {
                required: Some(key.clone()),
                ..problem(text)
            });
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            alternatives(err, context, out);
        }
        _ => out.push(problem(message(err, &pointer))),
    }
}

/// An `anyOf`/`oneOf` that nothing matched: "one of `a`, `b` is required" when each branch only
/// asks for a key; otherwise the problems of the branch that came closest (fewest errors).
fn alternatives(err: &ValidationError, context: &[Vec<ValidationError<'static>>], out: &mut Vec<Problem>) {
    let pointer = err.instance_path().as_str();
    let wanted: Option<Vec<String>> = context
        .iter()
        .map(|branch| match branch.as_slice() {
            [only] => match only.kind() {
                ValidationErrorKind::Required { property } => property.as_str().map(|k| format!("`{k}`")),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let schema_path = err.schema_path().as_str().to_string();
    if let Some(keys) = wanted.filter(|k| !k.is_empty()) {
        let message = format!("one of {} is required in {}", keys.join(", "), place(pointer));
        let fix = format!("add one of {} to {}", keys.join(", "), place(pointer));
        out.push(Problem {
            pointer: pointer.to_string(),
            unknown_key: None,
            required: None,
            message,
            fix,
            schema_path,
        });
        return;
    }
    match context.iter().filter(|b| !b.is_empty()).min_by_key(|b| b.len()) {
        Some(best) => best.iter().for_each(|e| problems(e, out)),
        None => {
            let (message, fix) = message(err, pointer);
            out.push(Problem {
                pointer: pointer.to_string(),
                unknown_key: None,
                required: None,
                message,
                fix,
                schema_path,
            });
        }
    }
}

/// The message for an error about the value at `pointer`, and how to fix it.
fn message(err: &ValidationError, pointer: &str) -> (String, String) {
    let key = key_name(pointer);
    let value = short(err.instance());
    let at = place(pointer);
    match err.kind() {
        ValidationErrorKind::Type { kind } => {
            let want = expected(kind);
            let found = crate::model::raw::kind_name(err.instance());
            (
                format!("`{key}` must be {want}, not {found} (at {at})"),
                format!("write {want} here"),
            )
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(short).collect())
                .unwrap_or_default();
            let message = format!(
                "`{key}` is `{value}`, which is not an allowed value (at {at}); allowed: {}",
                allowed.join(", ")
            );
            (message, "use one of the allowed values".to_string())
        }
        ValidationErrorKind::Constant { expected_value } => {
            let want = short(expected_value);
            (
                format!("`{key}` is `{value}`, but must be `{want}` (at {at})"),
                format!("write `{want}` here"),
            )
        }
        // A long regex helps nobody in a message; the hint describes the expected form.
        ValidationErrorKind::Pattern { pattern } if pattern.chars().count() > 40 => (
            format!("`{key}` is `{value}`, which does not have the expected form (at {at})"),
            "change the value".to_string(),
        ),
        ValidationErrorKind::Pattern { pattern } => (
            format!("`{key}` is `{value}`, which does not match the pattern `{pattern}` (at {at})"),
            "change the value to match the pattern".to_string(),
        ),
        ValidationErrorKind::Contains => (
            format!("`{key}` has no item the schema accepts (at {at})"),
            "add an item of the kind the schema asks for".to_string(),
        ),
        ValidationErrorKind::FalseSchema => (
            format!("`{key}` is not allowed in {}", place(parent(pointer))),
            format!("remove `{key}`"),
        ),
        _ => (
            format!("`{key}`: {err} (at {at})"),
            "fix the value at the position shown".to_string(),
        ),
    }
}

/// How a message names a mapping: the document's top level, or its JSON Pointer.
fn place(pointer: &str) -> String {
    if pointer.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{pointer}`")
    }
}

fn parent(pointer: &str) -> &str {
    pointer.rfind('/').map(|i| &pointer[..i]).unwrap_or("")
}

/// The last key of a pointer, unescaped; a list item reads `tags[0]`.
fn key_name(pointer: &str) -> String {
    let unescape = |t: &str| t.replace("~1", "/").replace("~0", "~");
    let last = unescape(pointer.rsplit('/').next().unwrap_or(""));
    if last.is_empty() {
        return "the document".to_string();
    }
    if last.chars().all(|c| c.is_ascii_digit()) {
        return format!("{}[{last}]", key_name(parent(pointer)));
    }
    last
}

/// A value as a message quotes it: text as is, anything else as compact JSON, both shortened.
fn short(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// The expected type(s) in words: "text", "text, a number or empty".
fn expected(kind: &TypeKind) -> String {
    let mut types: Vec<JsonType> = match kind {
        TypeKind::Single(t) => vec![*t],
        TypeKind::Multiple(set) => set.iter().collect(),
    };
    // Integers are numbers: name the wider type once.
    if types.contains(&JsonType::Number) {
        types.retain(|t| *t != JsonType::Integer);
    }
    let order = [
        JsonType::String,
        JsonType::Integer,
        JsonType::Number,
        JsonType::Boolean,
        JsonType::Array,
        JsonType::Object,
        JsonType::Null,
    ];
    types.sort_by_key(|t| order.iter().position(|o| o == t));
    let names: Vec<&str> = types
        .iter()
        .map(|t| match t {
            JsonType::String => "text",
            JsonType::Integer => "a whole number",
            JsonType::Number => "a number",
            JsonType::Boolean => "true or false",
            JsonType::Array => "a list",
            JsonType::Object => "a mapping",
            JsonType::Null => "empty",
        })
        .collect();
    match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "something else".to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Problems → findings
// ---------------------------------------------------------------------------------------

fn standard_finding(compiled: &Compiled, rel: &str, doc: &YamlDoc, p: Problem) -> Diagnostic {
    let node = keyword_parent(&compiled.schema, &p.schema_path);
    if let Some(key) = &p.unknown_key {
        let known = node.and_then(|n| n.get("properties")).and_then(Value::as_object);
        let hint = match known.and_then(|k| closest(key, k.keys().map(String::as_str))) {
            Some(near) => format!("did you mean `{near}`? Keys outside the standard go under customProperties"),
            None => format!("`{key}` is not part of the standard: move it under customProperties (`- property: {key}` with its `value`)"),
        };
        return RuleId::DescriptorUnknownKey
            .at(rel, doc.key_span(&p.pointer), p.message)
            .with_hint(hint);
    }
    let about = node.and_then(|n| n.get("description")).and_then(Value::as_str);
    let hint = standard_hint(&p, about, doc);
    RuleId::DescriptorSchema
        .at(rel, doc.span(&p.pointer), p.message)
        .with_hint(hint)
}

/// The fix, with the schema's description of the value (or, for a missing key, of the mapping)
/// when it has one: our schemas describe what a value holds and which values are usual.
fn standard_hint(p: &Problem, about: Option<&str>, doc: &YamlDoc) -> String {
    if number_as_text(p, doc) {
        return "quote the value so YAML reads it as text, e.g. \"1.0\"".to_string();
    }
    match about {
        Some(about) => format!("{} — {about}", p.fix),
        None => p.fix.clone(),
    }
}

/// A number (or true/false) where the standard wants text: YAML typed an unquoted value.
fn number_as_text(p: &Problem, doc: &YamlDoc) -> bool {
    let found = doc.value.pointer(&p.pointer);
    p.schema_path.ends_with("/type")
        && p.message.contains("must be text")
        && found.is_some_and(|v| v.is_number() || v.is_boolean())
}

fn org_finding(s: &OrgSchema, rel: &str, doc: &YamlDoc, p: Problem) -> Diagnostic {
    let about = keyword_parent(&s.compiled.schema, &p.schema_path)
        .and_then(|n| n.get("description"))
        .and_then(Value::as_str)
        .or(s.about.as_deref());
    let pos = if p.unknown_key.is_some() {
        doc.key_span(&p.pointer)
    } else {
        doc.span(&p.pointer)
    };
    let hint = match about {
        Some(about) => format!("{about} (organisation schema {})", s.file),
        None => format!("see the organisation schema {}", s.file),
    };
    RuleId::SchemaOrg
        .at(rel, pos, format!("{} (schema {})", p.message, s.file))
        .with_hint(hint)
}

/// The schema object holding the failing keyword: `schema_path` minus its last segment, with
/// every `$ref` on the way followed (local references only, as in our schemas).
fn keyword_parent<'a>(schema: &'a Value, schema_path: &str) -> Option<&'a Value> {
    let segments: Vec<String> = schema_path
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (_, walk) = segments.split_last()?;
    let mut node = schema;
    for seg in walk {
        node = if seg == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            schema.pointer(target)?
        } else {
            match node {
                Value::Array(items) => items.get(seg.parse::<usize>().ok()?)?,
                _ => node.get(seg.as_str())?,
            }
        };
    }
    Some(node)
}

/// The known key closest to `key` by edit distance (case-insensitive), when close enough to be
/// a plausible misspelling: at most a third of the longer key's length.
pub(crate) fn closest<'a>(key: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = key.to_lowercase();
    known
        .map(|k| (strsim::levenshtein(&lower, &k.to_lowercase()), k))
        .filter(|(d, k)| *d <= (k.chars().count().max(key.chars().count()) / 3).max(1))
        .min()
        .map(|(_, k)| k)
}

// ---------------------------------------------------------------------------------------
// Organisation schemas
// ---------------------------------------------------------------------------------------

/// Reads and compiles the schemas listed under `[schemas]`. A path that leaves the mesh root or
/// cannot be read is a `config.invalid` finding at the path in meshport.toml; a file that does
/// not parse or compile is a `schema.invalid` finding in the file. Either way the rest goes on.
fn load_org_schemas(
    tree: &dyn SourceTree,
    config: &Config,
    sources: &mut SourceSet,
    diags: &mut Diagnostics,
) -> Vec<OrgSchema> {
    let lists = [
        (DocKind::Product, &config.schemas.product),
        (DocKind::Contract, &config.schemas.contract),
    ];
    let mut out = Vec::new();
    for (kind, paths) in lists {
        for path in paths {
            let config_text = sources.texts.get(FILE_NAME).map(String::as_str).unwrap_or("");
            let at = locate(config_text, path);
            let file = match inside_root(tree, path) {
                Ok(file) => file,
                Err(why) => {
                    diags.push(RuleId::ConfigInvalid.at(FILE_NAME, at, format!("schema path `{path}` {why}"))
                        .with_hint("list schema files by paths relative to the mesh root, e.g. \"schemas/org-product.schema.json\" (no `..`, not absolute)"));
                    continue;
                }
            };
            let read = tree
                .read(&file)
                .and_then(|b| String::from_utf8(b).map_err(|_| ReadError::Other("not valid UTF-8".into())));
            let text = match read {
                Ok(text) => text,
                Err(ReadError::Special(kind)) => {
                    diags.push(
                        crate::source::walk::special_file_finding(&file, kind).with_hint(format!(
                            "put a regular JSON Schema file at `{file}`, or remove it from [schemas] in meshport.toml"
                        )),
                    );
                    continue;
                }
                Err(e) => {
                    diags.push(
                        RuleId::ConfigInvalid
                            .at(FILE_NAME, at, format!("schema file `{path}` cannot be read: {e}"))
                            .with_hint("check the path (relative to the mesh root) or remove the entry"),
                    );
                    continue;
                }
            };
            sources.texts.insert(file.clone(), text.clone());
            match compile_org(kind, &file, &text) {
                Ok(s) => out.push(s),
                Err(d) => diags.push(d),
            }
        }
    }
    out
}

/// The path as the tree names it (`/`-separated, relative to the root), or why it is refused:
/// absolute or climbing out with `..` (checked on the text, before touching any file), or a
/// symbolic link that leads outside.
pub(crate) fn inside_root(tree: &dyn SourceTree, path: &str) -> Result<String, &'static str> {
    let p = Path::new(path);
    if path.trim().is_empty() {
        return Err("is empty");
    }
    if p.is_absolute()
        || p.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err("leaves the mesh root (absolute, or climbing out with `..`)");
    }
    let rel: Vec<&str> = p
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    let rel = rel.join("/");
    if tree.escapes_root(&rel) {
        return Err("leads outside the mesh root through a symbolic link");
    }
    Ok(rel)
}

/// Where `path` is written in meshport.toml (inside its quotes), else the `[schemas]` header.
fn locate(config_text: &str, path: &str) -> Pos {
    let quoted = [format!("\"{path}\""), format!("'{path}'")];
    let offset = quoted
        .iter()
        .filter_map(|q| config_text.find(q.as_str()).map(|i| i + 1))
        .min()
        .or_else(|| config_text.find("[schemas]"));
    offset
        .map(|o| crate::config::byte_pos(config_text, o))
        .unwrap_or(Pos::new(1, 1))
}

fn compile_org(kind: DocKind, file: &str, text: &str) -> Result<OrgSchema, Diagnostic> {
    let invalid = |pos: Pos, msg: String| RuleId::SchemaInvalid.at(file, pos, msg);
    let schema: Value = serde_json::from_str(text).map_err(|e| {
        invalid(
            Pos::new(e.line() as u32, e.column().max(1) as u32),
            format!("not valid JSON: {e}"),
        )
    })?;
    let validator = jsonschema::options().build(&schema).map_err(|e| {
        // Meta-schema errors point into the schema; JSON is YAML, so the YAML parser finds them.
        let pos = crate::source::yaml::parse(text)
            .map(|d| d.pos(e.instance_path().as_str()))
            .unwrap_or(Pos::new(1, 1));
        match e.kind() {
            ValidationErrorKind::Referencing(_) => invalid(pos, format!("a `$ref` cannot be resolved offline: {e}")),
            _ => invalid(pos, format!("not a usable JSON Schema: {e}")),
        }
    })?;
    let about = ["description", "title"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_str))
        .map(str::to_string);
    Ok(OrgSchema {
        kind,
        file: file.to_string(),
        about,
        compiled: Compiled { validator, schema },
    })
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
