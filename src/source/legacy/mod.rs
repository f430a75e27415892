//! The formats that came before ODCS and ODPS, read natively: a Data Contract Specification
//! (DCS) or Data Product Specification (DPS) document is translated into the equivalent ODCS
//! v3.1.0 / ODPS v1.1.0 document, and the rest of meshport sees only that. Each translated
//! value keeps the position of the value it came from, so findings point into the file as
//! written; what has no ODCS/ODPS place goes to `customProperties`, so every value stays
//! visible. `meshport convert` writes the same translation out as a file.

pub mod dcs;
pub mod dps;
pub mod node;

use crate::diag::Diagnostic;
use crate::source::YamlDoc;
use serde_json::Value;

/// The ODCS version translated contracts declare: the newest release meshport fully supports
/// (v3.2.0 is still a pre-release).
pub const ODCS_TARGET: &str = "v3.1.0";
/// The ODPS version translated products declare (the first that allows ports without a version).
pub const ODPS_TARGET: &str = "v1.1.0";

/// An older format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Data Contract Specification (`dataContractSpecification`).
    DataContract,
    /// Data Product Specification (`dataProductSpecification`).
    DataProduct,
}

impl Format {
    /// The key that names the format and its version.
    pub fn key(self) -> &'static str {
        match self {
            Format::DataContract => "dataContractSpecification",
            Format::DataProduct => "dataProductSpecification",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::DataContract => "Data Contract Specification",
            Format::DataProduct => "Data Product Specification",
        }
    }

    /// The standard and version a file of this format is translated to, e.g. `ODCS v3.1.0`.
    pub fn target(self) -> String {
        match self {
            Format::DataContract => format!("ODCS {ODCS_TARGET}"),
            Format::DataProduct => format!("ODPS {ODPS_TARGET}"),
        }
    }

    /// The older format a document is written in, by its top-level key.
    pub fn of(value: &Value) -> Option<Format> {
        [Format::DataContract, Format::DataProduct]
            .into_iter()
            .find(|f| value.get(f.key()).is_some())
    }
}

/// What the rest of meshport keeps of a translated file: its format, the version it declares,
/// the document as written (for the structural check) and what translating it found.
#[derive(Debug, Clone)]
pub struct Legacy {
    pub format: Format,
    pub version: String,
    pub original: YamlDoc,
    pub findings: Vec<Diagnostic>,
}

/// The translation of a DCS or DPS document; any other document (one with a `kind`, or
/// neither older key) is given back.
pub fn translate(rel: &str, original: YamlDoc) -> Result<(YamlDoc, Legacy), YamlDoc> {
    let Some(format) = Format::of(&original.value).filter(|_| original.value.get("kind").is_none()) else {
        return Err(original);
    };
    let version = original
        .value
        .get(format.key())
        .and_then(node::as_text)
        .unwrap_or_default();
    let (node, findings) = match format {
        Format::DataContract => {
            let mut cx = dcs::Cx {
                rel,
                doc: &original,
                findings: Vec::new(),
                following: Vec::new(),
            };
            let node = dcs::contract(&mut cx);
            (node, cx.findings)
        }
        Format::DataProduct => (dps::product(&original.value), Vec::new()),
    };
    let (value, origins) = node.finish();
    let doc = YamlDoc::derived(value, &origins, &original);
    Ok((
        doc,
        Legacy {
            format,
            version,
            original,
            findings,
        },
    ))
}

#[cfg(test)]
mod tests;
