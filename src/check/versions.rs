//! Which versions of each standard meshport reads, and what a file's `apiVersion` declares.
//! Loading (`model::resolve`), structure (`check::schema`) and the version-feature rule
//! (`check::features`) all ask here, so the list of versions lives in one place.

use super::rules::RuleId;
use super::schema::DocKind;
use crate::diag::Diagnostic;
use crate::model::compare_versions;
use crate::source::YamlDoc;
use std::cmp::Ordering;

/// ODPS versions read, oldest first.
pub const ODPS_VERSIONS: &[&str] = &["v0.9.0", "v1.0.0", "v1.1.0"];
/// ODCS versions read, by prefix (every patch release of these minors).
pub const ODCS_VERSION_PREFIXES: &[&str] = &["v3.0.", "v3.1.", "v3.2."];
/// Data Contract Specification versions read (`dataContractSpecification`), oldest first: every
/// release with a published schema.
pub const DCS_VERSIONS: &[&str] = &["0.9.0", "0.9.1", "0.9.2", "0.9.3", "1.1.0", "1.2.0", "1.2.1"];

/// What a file's `apiVersion` says about reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declared {
    /// A version meshport reads.
    Supported,
    /// A version from before the oldest one meshport reads (ODCS v2.x, ODPS v0.1): the file
    /// follows another structure, so checking it against a later one would only cascade.
    Older,
    /// Anything else: a typo, a future version.
    Unknown,
}

/// The supported versions in words, for hints.
pub fn supported_list(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Product => "v0.9.0, v1.0.0, v1.1.0",
        DocKind::Contract => "v3.0.x, v3.1.x, v3.2.x",
    }
}

/// The oldest version read, as files write it.
pub fn oldest(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Product => ODPS_VERSIONS[0],
        DocKind::Contract => "v3.0.0",
    }
}

pub fn declared(kind: DocKind, api_version: &str) -> Declared {
    let supported = match kind {
        DocKind::Product => ODPS_VERSIONS.contains(&api_version),
        DocKind::Contract => ODCS_VERSION_PREFIXES.iter().any(|p| api_version.starts_with(p)),
    };
    if supported {
        return Declared::Supported;
    }
    let numbers: Option<Vec<u64>> = api_version
        .trim_start_matches(['v', 'V'])
        .split('.')
        .map(|p| p.parse().ok())
        .collect();
    let oldest: Vec<u64> = oldest(kind)[1..].split('.').filter_map(|p| p.parse().ok()).collect();
    match numbers {
        Some(n) if !n.is_empty() && n < oldest => Declared::Older,
        _ => Declared::Unknown,
    }
}

/// The `apiVersion` of a parsed descriptor, when it is written as text or a number.
pub fn api_version_of(value: &serde_json::Value) -> Option<String> {
    match value.get("apiVersion")? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whether a descriptor declares a version older than any meshport reads.
pub fn is_older(kind: DocKind, value: &serde_json::Value) -> bool {
    api_version_of(value).is_some_and(|v| declared(kind, &v) == Declared::Older)
}

/// `descriptor.api-version` for a Data Contract Specification file declaring a version
/// meshport does not know (`0.8.0`, `2.0.0`, `latest`). The file is still read: every DCS
/// version shares one structure, so there is no cascade to spare (unlike ODCS v2).
pub fn dcs_version_finding(rel: &str, doc: &YamlDoc, declared: &str) -> Option<Diagnostic> {
    if DCS_VERSIONS.contains(&declared) {
        return None;
    }
    let oldest = DCS_VERSIONS[0];
    let numeric = !declared.is_empty() && declared.split('.').all(|p| p.parse::<u64>().is_ok());
    let message = if declared.is_empty() {
        "`dataContractSpecification` names no version".to_string()
    } else if numeric && compare_versions(declared, oldest) == Ordering::Less {
        format!("Data Contract Specification `{declared}` is older than {oldest}, the oldest version meshport reads")
    } else {
        format!("unsupported Data Contract Specification version `{declared}`")
    };
    let hint = format!(
        "declare the version the file follows, one of {}; meshport checks the file against it",
        DCS_VERSIONS.join(", ")
    );
    Some(
        RuleId::DescriptorApiVersion
            .at(rel, doc.span("/dataContractSpecification"), message)
            .with_hint(hint),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_supported_older_or_unknown() {
        use Declared::*;
        let c = |v| declared(DocKind::Contract, v);
        assert_eq!(
            (c("v3.0.2"), c("v3.1.0"), c("v3.2.0")),
            (Supported, Supported, Supported)
        );
        assert_eq!((c("2.2.2"), c("v2.2.0"), c("v1")), (Older, Older, Older));
        assert_eq!((c("v4.0.0"), c("latest"), c("3.0.0")), (Unknown, Unknown, Unknown));
        let p = |v| declared(DocKind::Product, v);
        assert_eq!((p("v1.0.0"), p("v0.5.0"), p("v2.0.0")), (Supported, Older, Unknown));
    }
}
