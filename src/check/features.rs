//! Each file against the version it declares. The bundled schemas (`schemas/*.schema.json`)
//! accept every version of a standard at once, so a file declaring ODCS v3.0.2 that uses a key
//! from v3.1.0 would pass them. Two tables close the gap, both read off the official schemas of
//! each version (shared/standards/bitol-odcs/schema, bitol-odps/schema):
//!
//! - [`FEATURES`]: where a later feature sits (a pointer pattern and a condition on the value)
//!   and the version that introduced it; a file declaring an older version gets
//!   `descriptor.version-feature` at that place.
//! - [`ODCS_SERVER_KEYS`](crate::standards::ODCS_SERVER_KEYS): the keys each server type
//!   defines (the official schemas pick a server's schema by its `type`); a key only other
//!   types define is a `descriptor.schema` error.

use super::rules::RuleId;
use super::schema::DocKind;
use crate::diag::Diagnostic;
use crate::model::compare_versions;
use crate::source::yaml::escape_token;
use crate::source::YamlDoc;
use crate::standards::ODCS_SERVER_KEYS;
use serde_json::Value;
use std::cmp::Ordering;

/// A feature a version of a standard introduced.
struct Feature {
    kind: DocKind,
    /// JSON Pointer pattern: `*` is one token (a list index or a key), `**` any number of them,
    /// `a|b` either token, `@` any depth of nested DCS fields (`fields/<name>`, `items`, `keys`,
    /// `values`, as the Data Contract Specification nests them).
    at: &'static str,
    /// Whether the value found there uses the feature.
    uses: fn(&Value) -> bool,
    /// The first version with the feature, as files write it.
    since: &'static str,
    /// The feature in words; `{}` is replaced by the value (for values from a list), `{key}` by
    /// the key it sits at (for patterns with alternatives).
    what: &'static str,
}

fn present(_: &Value) -> bool {
    true
}
fn time_types(v: &Value) -> bool {
    matches!(v.as_str(), Some("timestamp" | "time"))
}
fn map_type(v: &Value) -> bool {
    v.as_str() == Some("map")
}
fn object(v: &Value) -> bool {
    v.is_object()
}
fn number(v: &Value) -> bool {
    v.is_number()
}
fn later_server_type(v: &Value) -> bool {
    matches!(v.as_str(), Some("hive" | "impala" | "zen"))
}
/// ODCS v3.0.x: a quality entry of type `library` (the default when `type` is absent) requires
/// `rule`; v3.1.0 made `metric` the key (and `rule` its deprecated alias).
fn library_check_without_rule(v: &Value) -> bool {
    let library = v.get("type").is_none_or(|t| t == "library");
    v.is_object() && library && v.get("rule").is_none()
}

const FEATURES: &[Feature] = &[
    Feature {
        kind: DocKind::Contract,
        at: "/schema/**/logicalType",
        uses: time_types,
        since: "v3.1.0",
        what: "logicalType `{}`",
    },
    Feature {
        kind: DocKind::Contract,
        at: "/schema/**/logicalType",
        uses: map_type,
        since: "v3.2.0",
        what: "logicalType `{}`",
    },
    Feature {
        kind: DocKind::Contract,
        at: "/team",
        uses: object,
        since: "v3.1.0",
        what: "`team` as an object (with `members`)",
    },
    Feature {
        kind: DocKind::Contract,
        at: "/schema/*/properties/**/physicalName",
        uses: present,
        since: "v3.0.2",
        what: "`physicalName` on a property",
    },
    Feature {
        kind: DocKind::Contract,
        at: "/schema/**/logicalTypeOptions/exclusiveMinimum",
        uses: number,
        since: "v3.1.0",
        what: "a numeric `exclusiveMinimum` (a bound, where earlier versions have true/false)",
    },
    Feature {
        kind: DocKind::Contract,
        at: "/schema/**/logicalTypeOptions/exclusiveMaximum",
        uses: number,
        since: "v3.1.0",
        what: "a numeric `exclusiveMaximum` (a bound, where earlier versions have true/false)",
    },
    Feature {
        kind: DocKind::Contract,
        at: "/schema/**/quality/*",
        uses: library_check_without_rule,
        since: "v3.1.0",
        what: "a quality check without `rule` (v3.1.0 names it `metric`)",
    },
    Feature {
        kind: DocKind::Contract,
        at: "/servers/*/type",
        uses: later_server_type,
        since: "v3.1.0",
        what: "server type `{}`",
    },
    Feature {
        kind: DocKind::Contract,
        at: "/servers/*/id",
        uses: present,
        since: "v3.1.0",
        what: "a server `id`",
    },
    Feature {
        kind: DocKind::Contract,
        at: "/schema/**/relationships",
        uses: present,
        since: "v3.1.0",
        what: "`relationships`",
    },
    Feature {
        kind: DocKind::Contract,
        at: "/schema/*/properties/**/semanticType",
        uses: present,
        since: "v3.2.0",
        what: "`semanticType` on a property",
    },
    Feature {
        kind: DocKind::Product,
        at: "/context",
        uses: present,
        since: "v1.1.0",
        what: "`context`",
    },
    Feature {
        kind: DocKind::Product,
        at: "/deprecated",
        uses: present,
        since: "v1.1.0",
        what: "`deprecated`",
    },
    Feature {
        kind: DocKind::Product,
        at: "/inputPorts/*/id",
        uses: present,
        since: "v1.1.0",
        what: "a port `id`",
    },
    Feature {
        kind: DocKind::Product,
        at: "/outputPorts/*/id",
        uses: present,
        since: "v1.1.0",
        what: "a port `id`",
    },
    Feature {
        kind: DocKind::Product,
        at: "/managementPorts/*/id",
        uses: present,
        since: "v1.1.0",
        what: "a port `id`",
    },
    Feature {
        kind: DocKind::Product,
        at: "/inputPorts/*/deprecated",
        uses: present,
        since: "v1.1.0",
        what: "`deprecated` on a port",
    },
    Feature {
        kind: DocKind::Product,
        at: "/outputPorts/*/deprecated",
        uses: present,
        since: "v1.1.0",
        what: "`deprecated` on a port",
    },
    Feature {
        kind: DocKind::Product,
        at: "/outputPorts/*/context",
        uses: present,
        since: "v1.1.0",
        what: "`context` on an output port",
    },
];

/// A Data Contract Specification feature (a DCS file is a contract, checked as written).
const fn dcs(at: &'static str, uses: fn(&Value) -> bool, since: &'static str, what: &'static str) -> Feature {
    Feature {
        kind: DocKind::Contract,
        at,
        uses,
        since,
        what,
    }
}
fn dcs_server_types_0_9_2(v: &Value) -> bool {
    matches!(v.as_str(), Some("local" | "postgres" | "pubsub"))
}
fn dcs_server_types_0_9_3(v: &Value) -> bool {
    let types = [
        "azure",
        "dataframe",
        "gcs",
        "glue",
        "kinesis",
        "oracle",
        "sftp",
        "sqlserver",
        "trino",
    ];
    v.as_str().is_some_and(|t| types.contains(&t))
}
fn dcs_clickhouse(v: &Value) -> bool {
    v.as_str() == Some("clickhouse")
}
fn dcs_great_expectations(v: &Value) -> bool {
    v.as_str() == Some("great-expectations")
}
fn dcs_types_1_2_0(v: &Value) -> bool {
    matches!(v.as_str(), Some("json" | "time" | "variant"))
}

/// What each Data Contract Specification version added that a file may use, read off the
/// official schemas of 0.9.0 to 1.2.1 (datacontract-spec/schema/versions). 0.9.3 declares a
/// server's `description` and `environment` on the `servers` map itself, where no value can sit
/// beside the servers; 1.1.0 moved them onto each server: they count from 0.9.3, as meant.
const DCS_FEATURES: &[Feature] = &[
    dcs("/models", present, "0.9.1", "`models`"),
    dcs("/definitions", present, "0.9.2", "`definitions`"),
    dcs(
        "/models/*/fields/*/@/enum|example|exclusiveMaximum|exclusiveMinimum|format|maxLength|maximum|minLength|minimum|pattern|primary|required|unique",
        present,
        "0.9.2",
        "`{key}` on a field",
    ),
    dcs("/servers/*/catalog|format|path|port", present, "0.9.2", "the server key `{key}`"),
    dcs("/servers/*/type", dcs_server_types_0_9_2, "0.9.2", "server type `{}`"),
    dcs("/info/status", present, "0.9.3", "`info.status`"),
    dcs("/links|tags|servicelevels", present, "0.9.3", "`{key}`"),
    dcs("/models/*/title|config", present, "0.9.3", "`{key}` on a model"),
    dcs(
        "/models/*/fields/*/@/config|fields|items|keys|values|links|precision|references|scale|title",
        present,
        "0.9.3",
        "`{key}` on a field",
    ),
    dcs("/models/*/fields/*/@/type", map_type, "0.9.3", "field type `{}`"),
    dcs(
        "/definitions/*/exclusiveMaximum|exclusiveMinimum|maximum|minimum|precision|scale|links|fields|items|keys|values",
        present,
        "0.9.3",
        "`{key}` on a definition",
    ),
    dcs(
        "/servers/*/clusterIdentifier|delimiter|endpoint|endpointUrl|region|serviceName|stream|description|environment",
        present,
        "0.9.3",
        "the server key `{key}`",
    ),
    dcs("/servers/*/type", dcs_server_types_0_9_3, "0.9.3", "server type `{}`"),
    dcs("/quality/type", dcs_great_expectations, "0.9.3", "quality type `{}`"),
    dcs("/models/*/examples|primaryKey|quality", present, "1.1.0", "`{key}` on a model"),
    dcs("/models/*/fields/*/@/examples|lineage|primaryKey|quality", present, "1.1.0", "`{key}` on a field"),
    dcs("/definitions/*/examples", present, "1.1.0", "`examples` on a definition"),
    dcs("/terms/policies", present, "1.1.0", "`terms.policies`"),
    dcs("/servers/*/roles", present, "1.1.0", "server `roles`"),
    dcs("/models/*/additionalFields", present, "1.2.0", "`additionalFields` on a model"),
    dcs("/models/*/fields/*/@/type", dcs_types_1_2_0, "1.2.0", "field type `{}`"),
    dcs("/definitions/*/@/type", dcs_types_1_2_0, "1.2.0", "field type `{}`"),
    dcs("/servers/*/type", dcs_clickhouse, "1.2.0", "server type `{}`"),
    dcs("/models/*/quality/*/metric|arguments", present, "1.2.1", "`{key}` in a quality check"),
    dcs("/models/*/fields/*/@/quality/*/metric|arguments", present, "1.2.1", "`{key}` in a quality check"),
];

/// `descriptor.version-feature` findings for a file declaring a supported version older than
/// a feature it uses.
pub fn version_findings(kind: DocKind, rel: &str, doc: &YamlDoc) -> Vec<Diagnostic> {
    let Some(declared) = super::versions::api_version_of(&doc.value) else {
        return Vec::new();
    };
    if super::versions::declared(kind, &declared) != super::versions::Declared::Supported {
        return Vec::new();
    }
    let table = FEATURES.iter().filter(|f| f.kind == kind);
    findings_in(table, "apiVersion", &declared, rel, doc)
}

/// The same for a Data Contract Specification file as written, which declares its version as
/// `dataContractSpecification` (a version meshport does not know gets `descriptor.api-version`
/// instead, see `versions::dcs_version_finding`).
pub fn dcs_version_findings(rel: &str, doc: &YamlDoc, declared: &str) -> Vec<Diagnostic> {
    if !super::versions::DCS_VERSIONS.contains(&declared) {
        return Vec::new();
    }
    findings_in(DCS_FEATURES.iter(), "dataContractSpecification", declared, rel, doc)
}

fn findings_in<'a>(
    table: impl Iterator<Item = &'a Feature>,
    version_key: &str,
    declared: &str,
    rel: &str,
    doc: &YamlDoc,
) -> Vec<Diagnostic> {
    let wanted: Vec<&Feature> = table
        .filter(|f| compare_versions(declared, f.since) == Ordering::Less)
        .collect();
    let mut out = Vec::new();
    if wanted.is_empty() {
        return out;
    }
    let patterns: Vec<Vec<&str>> = wanted.iter().map(|f| f.at.split('/').skip(1).collect()).collect();
    let declares = Declares {
        key: version_key,
        version: declared,
    };
    walk(&doc.value, &mut Vec::new(), &mut |tokens, value| {
        let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
        for (f, pattern) in wanted.iter().zip(&patterns) {
            if matches(pattern, &tokens) && (f.uses)(value) {
                out.push(finding(f, rel, doc, &tokens, value, &declares));
            }
        }
    });
    out
}

/// The version a file declares, and the key it declares it with.
struct Declares<'a> {
    key: &'a str,
    version: &'a str,
}

fn finding(f: &Feature, rel: &str, doc: &YamlDoc, tokens: &[&str], value: &Value, declares: &Declares) -> Diagnostic {
    let pointer: String = tokens.iter().map(|t| format!("/{}", escape_token(t))).collect();
    let key = tokens.last().copied().unwrap_or_default();
    let what = f.what.replace("{key}", key).replace("{}", value.as_str().unwrap_or(""));
    let at = if value.is_object() || value.is_array() {
        doc.key_span(&pointer)
    } else {
        doc.span(&pointer)
    };
    let Declares { key, version } = declares;
    RuleId::DescriptorVersionFeature
        .at(
            rel,
            at,
            format!(
                "{what} was introduced in {}, but the file declares {key} {version}",
                f.since
            ),
        )
        .with_hint(format!(
            "set `{key}: {}` (or later) if the file follows that version, or write it the {version} way",
            f.since
        ))
}

/// Calls `visit` with the tokens and value of every node below the root.
fn walk(value: &Value, tokens: &mut Vec<String>, visit: &mut dyn FnMut(&[String], &Value)) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => return,
    };
    for (token, child) in children {
        tokens.push(token);
        visit(tokens, child);
        walk(child, tokens, visit);
        tokens.pop();
    }
}

/// Whether `tokens` match `pattern` (`*`: one token, `**`: any number, including none).
fn matches(pattern: &[&str], tokens: &[&str]) -> bool {
    match (pattern.split_first(), tokens.split_first()) {
        (None, None) => true,
        (Some((&"**", rest)), _) => {
            matches(rest, tokens) || tokens.split_first().is_some_and(|(_, more)| matches(pattern, more))
        }
        (Some((&"@", rest)), _) => {
            matches(rest, tokens) || nested_field(tokens).is_some_and(|more| matches(pattern, more))
        }
        (Some((p, rest)), Some((t, more))) => (*p == "*" || p.split('|').any(|a| a == *t)) && matches(rest, more),
        _ => false,
    }
}

/// The tokens after one step into a nested DCS field (`fields/<name>`, `items`, `keys`, `values`).
fn nested_field<'a, 'b>(tokens: &'a [&'b str]) -> Option<&'a [&'b str]> {
    match tokens {
        ["fields", _, more @ ..] => Some(more),
        ["items" | "keys" | "values", more @ ..] => Some(more),
        _ => None,
    }
}

/// Keys every server has, whatever its type.
const SERVER_COMMON: &[&str] = &[
    "id",
    "server",
    "type",
    "description",
    "environment",
    "roles",
    "customProperties",
];

/// A `descriptor.schema` error for each server key that only other server types define
/// (`stagingDir` on a postgres server), and a `descriptor.unknown-key` warning for a key no
/// type defines (`staging_dir`) nor the bundled schema knows, as for unknown keys elsewhere.
/// `also_known`: server keys the bundled schema accepts beyond the official ones (left alone).
pub fn server_findings(rel: &str, doc: &YamlDoc, also_known: &[&str]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(servers) = doc.value.get("servers").and_then(Value::as_array) else {
        return out;
    };
    for (i, server) in servers.iter().enumerate() {
        let Some(map) = server.as_object() else { continue };
        let Some(ty) = map.get("type").and_then(Value::as_str) else {
            continue;
        };
        let Some((_, own)) = ODCS_SERVER_KEYS.iter().find(|(t, _)| *t == ty) else {
            continue;
        };
        for key in map
            .keys()
            .filter(|k| !SERVER_COMMON.contains(&k.as_str()) && !own.contains(&k.as_str()))
        {
            let others: Vec<&str> = ODCS_SERVER_KEYS
                .iter()
                .filter(|(_, keys)| keys.contains(&key.as_str()))
                .map(|(t, _)| *t)
                .collect();
            let pointer = format!("/servers/{i}/{}", escape_token(key));
            if others.is_empty() {
                if !also_known.contains(&key.as_str()) {
                    out.push(unknown_server_key(rel, doc, &pointer, key, ty, own));
                }
                continue;
            }
            out.push(
                RuleId::DescriptorSchema
                    .at(
                        rel,
                        doc.key_span(&pointer),
                        format!("`{key}` is not a key of `{ty}` servers (only of {})", others.join(", ")),
                    )
                    .with_hint(format!(
                        "`{ty}` servers take {}: remove `{key}`, or move it under customProperties",
                        own.join(", ")
                    )),
            );
        }
    }
    out
}

fn unknown_server_key(rel: &str, doc: &YamlDoc, pointer: &str, key: &str, ty: &str, own: &[&str]) -> Diagnostic {
    let plain = |k: &str| k.replace(['_', '-'], "").to_lowercase();
    let near = own.iter().find(|k| plain(k) == plain(key));
    let hint = match near {
        Some(near) => format!("did you mean `{near}`? Keys outside the standard go under customProperties"),
        None => format!(
            "`{ty}` servers take {}; move other keys under customProperties",
            own.join(", ")
        ),
    };
    RuleId::DescriptorUnknownKey
        .at(
            rel,
            doc.key_span(pointer),
            format!("unknown key `{key}` in a `{ty}` server"),
        )
        .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_one_or_any_number_of_tokens() {
        let p = |s: &'static str| s.split('/').skip(1).collect::<Vec<_>>();
        let t = |s: &'static str| s.split('/').skip(1).collect::<Vec<_>>();
        assert!(matches(
            &p("/schema/**/logicalType"),
            &t("/schema/0/properties/2/logicalType")
        ));
        assert!(matches(&p("/schema/**/logicalType"), &t("/schema/logicalType")));
        assert!(!matches(&p("/schema/**/logicalType"), &t("/servers/0/logicalType")));
        assert!(matches(&p("/servers/*/type"), &t("/servers/3/type")));
        assert!(!matches(&p("/servers/*/type"), &t("/servers/3/x/type")));
        assert!(!matches(&p("/team"), &t("/team/name")));
        assert!(matches(&p("/links|tags"), &t("/tags")));
        assert!(!matches(&p("/links|tags"), &t("/models")));
    }

    /// `@` steps into nested DCS fields only: a field *named* `required` is not the key.
    #[test]
    fn at_matches_nested_dcs_fields() {
        let p = |s: &'static str| s.split('/').skip(1).collect::<Vec<_>>();
        let t = |s: &'static str| s.split('/').skip(1).collect::<Vec<_>>();
        let required = p("/models/*/fields/*/@/required");
        assert!(matches(&required, &t("/models/m/fields/a/required")));
        assert!(matches(&required, &t("/models/m/fields/a/fields/b/items/required")));
        assert!(matches(&required, &t("/models/m/fields/a/keys/required")));
        assert!(!matches(&required, &t("/models/m/fields/required")));
        assert!(!matches(&required, &t("/models/m/fields/a/fields/required")));
        assert!(!matches(&required, &t("/models/m/fields/a/config/required")));
    }

    /// Every feature's version is one the standard has, later than the oldest meshport reads
    /// (else no file could be older than it).
    #[test]
    fn features_name_versions_meshport_reads() {
        use crate::check::versions::{declared, oldest, Declared};
        for f in FEATURES {
            assert_eq!(declared(f.kind, f.since), Declared::Supported, "{}", f.since);
            assert_eq!(compare_versions(oldest(f.kind), f.since), Ordering::Less, "{}", f.what);
        }
        use crate::check::versions::DCS_VERSIONS;
        for f in DCS_FEATURES {
            assert!(DCS_VERSIONS[1..].contains(&f.since), "{}: {}", f.what, f.since);
        }
    }
}
