//! `meshport convert FILE`: writes the ODCS v3.1.0 / ODPS v1.1.0 equivalent of a Data Contract
//! Specification or Data Product Specification file, the same translation the portal reads
//! such files through. To standard output by default; `--output PATH` writes a new file (never
//! over an existing one); `--in-place` replaces the source, renamed to `*.odcs.yaml` /
//! `*.odps.yaml`, so the mesh never holds both with the same id (git keeps the old file).

use super::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};
use crate::check::rules::RuleId;
use crate::diag::{render_human, Diagnostics};
use crate::source::legacy::{self, Format, Legacy};
use crate::source::yaml;
use anyhow::{bail, Context};
use saphyr::{Mapping, Scalar, Yaml, YamlEmitter};
use serde_json::Value;
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct ConvertArgs {
    pub file: PathBuf,
    /// Write here instead of standard output; refused when the path exists.
    pub output: Option<PathBuf>,
    /// Replace the source file (renamed to `*.odcs.yaml` / `*.odps.yaml`).
    pub in_place: bool,
}

pub fn run(args: &ConvertArgs) -> anyhow::Result<i32> {
    let name = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {name}"))?;
    let doc = match yaml::parse(&text) {
        Ok(doc) => doc,
        Err(e) => {
            let mut diags = Diagnostics::new();
            diags.push(RuleId::YamlSyntax.at(&name, e.pos, e.message));
            report(&diags, &name, &text);
            return Ok(EXIT_FINDINGS);
        }
    };
    let Ok((translated, legacy)) = legacy::translate(&name, doc) else {
        eprintln!(
            "error: {name} is not a Data Contract Specification or Data Product Specification file \
             (it has no top-level `dataContractSpecification` or `dataProductSpecification` key, or it has a `kind`); nothing to convert"
        );
        return Ok(EXIT_FAILURE);
    };
    let mut diags = Diagnostics::new();
    diags.extend(legacy.findings.iter().cloned());
    report(&diags, &name, &text);
    let out = to_yaml(&translated.value)?;
    let written = write(args, &out, legacy.format)?;
    eprintln!(
        "note: converted {name} ({} {}) to {}{written}; YAML comments are not kept, so carry over any that matter",
        legacy.format.name(),
        legacy.version,
        legacy.format.target()
    );
    for missing in missing_required(&translated.value, &legacy) {
        eprintln!(
            "warning: the converted file has no `{missing}`, which {} requires: add it before you commit",
            legacy.format.target()
        );
    }
    Ok(EXIT_OK)
}

/// Findings (remote or unresolved `$ref`s) on standard error, with snippets.
fn report(diags: &Diagnostics, name: &str, text: &str) {
    if diags.is_empty() {
        return;
    }
    let color = crate::diag::stderr_color();
    let shown = render_human(diags, &|f| (f == name).then(|| text.to_string()), color);
    eprint!("{shown}");
}

/// Writes the converted text where asked; says where, for the closing note.
fn write(args: &ConvertArgs, out: &str, format: Format) -> anyhow::Result<String> {
    if let Some(path) = &args.output {
        create_new(path, out)?;
        return Ok(format!(" in {}", path.display()));
    }
    if !args.in_place {
        std::io::stdout().write_all(out.as_bytes())?;
        return Ok(String::new());
    }
    let target = in_place_name(&args.file, format);
    if target == args.file {
        std::fs::write(&target, out).with_context(|| format!("cannot write {}", target.display()))?;
    } else {
        create_new(&target, out)?;
        std::fs::remove_file(&args.file)
            .with_context(|| format!("wrote {} but cannot remove {}", target.display(), args.file.display()))?;
    }
    Ok(format!(" in {} (replacing {})", target.display(), args.file.display()))
}

/// Creates `path` with `text`, refusing to replace anything already there.
fn create_new(path: &Path, text: &str) -> anyhow::Result<()> {
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(path);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists; meshport convert never overwrites a file (choose another --output, or use --in-place to replace the source)",
            path.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
    };
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The name a converted file takes in place: `datacontract.yaml` → `datacontract.odcs.yaml`,
/// `dataproduct.yml` → `dataproduct.odps.yaml`; a name already ending so is kept.
pub fn in_place_name(file: &Path, format: Format) -> PathBuf {
    let suffix = match format {
        Format::DataContract => ".odcs.yaml",
        Format::DataProduct => ".odps.yaml",
    };
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("descriptor.yaml");
    if name.ends_with(suffix) {
        return file.to_path_buf();
    }
    let stem = [".yaml", ".yml", ".json"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(name);
    file.with_file_name(format!("{stem}{suffix}"))
}

/// Keys the target standard requires that the source did not give.
fn missing_required(value: &Value, legacy: &Legacy) -> Vec<&'static str> {
    let required: &[&'static str] = match legacy.format {
        Format::DataContract => &["id", "version", "status"],
        Format::DataProduct => &["id"],
    };
    required
        .iter()
        .copied()
        .filter(|k| {
            value
                .get(k)
                .is_none_or(|v| v.as_str().is_none_or(|s| s.trim().is_empty()))
        })
        .collect()
}

/// The document as YAML: block style, multi-line text as literal blocks, key order kept.
pub fn to_yaml(value: &Value) -> anyhow::Result<String> {
    let mut out = String::new();
    let mut emitter = YamlEmitter::new(&mut out);
    emitter.multiline(true);
    emitter
        .dump(&yaml_node(value))
        .map_err(|e| anyhow::anyhow!("cannot write YAML: {e:?}"))?;
    // The emitter starts with a document marker and ends without a line break.
    let body = out.strip_prefix("---\n").unwrap_or(&out);
    Ok(format!("{body}\n"))
}

fn yaml_node(value: &Value) -> Yaml<'_> {
    match value {
        Value::Null => Yaml::Value(Scalar::Null),
        Value::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Value(Scalar::Integer(i)),
            None => Yaml::Value(Scalar::parse_from_cow(Cow::Owned(n.to_string()))),
        },
        Value::String(s) => Yaml::Value(Scalar::String(Cow::Borrowed(s))),
        Value::Array(items) => Yaml::Sequence(items.iter().map(yaml_node).collect()),
        Value::Object(map) => {
            let mut m = Mapping::new();
            for (k, v) in map {
                m.insert(Yaml::Value(Scalar::String(Cow::Borrowed(k))), yaml_node(v));
            }
            Yaml::Mapping(m)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn in_place_names_say_the_standard() {
        let c = Format::DataContract;
        assert_eq!(
            in_place_name(Path::new("a/datacontract.yaml"), c),
            Path::new("a/datacontract.odcs.yaml")
        );
        assert_eq!(in_place_name(Path::new("orders.yml"), c), Path::new("orders.odcs.yaml"));
        assert_eq!(in_place_name(Path::new("x.odcs.yaml"), c), Path::new("x.odcs.yaml"));
        let p = Format::DataProduct;
        assert_eq!(
            in_place_name(Path::new("dataproduct.json"), p),
            Path::new("dataproduct.odps.yaml")
        );
    }

    #[test]
    fn yaml_keeps_text_that_looks_like_other_types() {
        let v = json!({"version": "1.0", "flag": "true", "empty": "", "n": 1.5, "big": 10, "multi": "a\nb\n", "colon": "a: b", "neg": -3, "null": null, "list": ["- x", "#hash"]});
        let text = to_yaml(&v).unwrap();
        assert_eq!(yaml::parse(&text).unwrap().value, v, "{text}");
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|i| json!(i)),
            (-1000.0f64..1000.0).prop_map(|f| json!(f)),
            "\\PC{0,12}".prop_map(Value::String),
            "[a-z :#\\-\n]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-zA-Z$ _-]{1,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// What `convert` writes reads back as the same value.
        #[test]
        fn written_yaml_reads_back_the_same(v in json_value()) {
            let text = to_yaml(&v).unwrap();
            let back = yaml::parse(&text).map(|d| d.value);
            prop_assert_eq!(back.as_ref().ok(), Some(&v), "{}", text);
        }
    }
}
