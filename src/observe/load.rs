//! Reading every artifact `[observations] paths` names, and turning each problem into a
//! finding: broken files, unknown formats, results for what the mesh lacks, outdated runs.

use super::attach::{Home, Matcher};
use super::read::{line_of, parse_artifact, Failure, Parsed};
use super::time::{self, Secs};
use super::{dbt, junit, Anchor, Artifact, Observed, RawCheck, RawFreshness, Record};
use crate::check::rules::RuleId;
use crate::config::FILE_NAME;
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::model::Mesh;
use crate::source::{ReadError, SourceTree};
use std::collections::{BTreeMap, BTreeSet};

/// Allowed age of artifacts when neither meshport.toml nor the policies set one.
const DEFAULT_MAX_AGE_DAYS: u32 = 30;

/// Reads, checks and places every artifact; `policy_days` is `observations.maxAgeDays` of
/// policies.yaml. With no `[observations] paths`, there is nothing to read and nothing to find.
pub fn load(tree: &dyn SourceTree, mesh: &Mesh, policy_days: Option<u32>, diags: &mut Diagnostics) -> Observed {
    let config = &mesh.config.observations;
    let mut observed = Observed {
        max_age_days: config.max_age_days.or(policy_days).unwrap_or(DEFAULT_MAX_AGE_DAYS),
        ..Observed::default()
    };
    if config.paths.is_empty() {
        return observed;
    }
    let files = matching_files(tree, mesh, diags);
    let limit = config.max_mib.saturating_mul(1024 * 1024);
    let mut index = dbt::Index::default();
    let mut parsed = Vec::new();
    for file in files {
        match tree
            .open_stream(&file, limit)
            .map_err(|e| read_failure(e, config.max_mib))
            .and_then(parse_artifact)
        {
            Ok(Parsed::Manifest { nodes, sources }) => {
                index.add(nodes, sources);
                observed.artifacts.push(Artifact {
                    file,
                    format: "dbt manifest",
                    at: None,
                });
            }
            Ok(p) => parsed.push((file, p)),
            Err(failure) => diags.push(failure_finding(tree, &file, failure)),
        }
    }
    let mut placer = Placer::new(mesh);
    for (file, p) in parsed {
        let (format, at, checks, freshness) = unpack(tree, &file, p, &index, diags);
        observed.artifacts.push(Artifact {
            file: file.clone(),
            format,
            at,
        });
        placer.place(tree, &file, checks, freshness, diags);
    }
    observed.contracts = placer.contracts.into_iter().map(|(k, r)| (k, sorted(r))).collect();
    observed.products = placer.products.into_iter().map(|(k, r)| (k, sorted(r))).collect();
    observed.now = time::source_date_epoch().or(observed.artifacts.iter().filter_map(|a| a.at).max());
    outdated(&observed, diags);
    missing(mesh, &observed, diags);
    observed
}

/// The files the globs match, each once, sorted; a glob that leaves the mesh root is a
/// `config.invalid` finding, as `[schemas]` paths are.
fn matching_files(tree: &dyn SourceTree, mesh: &Mesh, diags: &mut Diagnostics) -> Vec<String> {
    let config_text = mesh.texts.get(FILE_NAME).map(String::as_str).unwrap_or("");
    let mut out = BTreeSet::new();
    for pattern in &mesh.config.observations.paths {
        let at = config_text
            .find(&format!("\"{pattern}\""))
            .map(|i| crate::config::byte_pos(config_text, i + 1))
            .unwrap_or(Pos::new(1, 1));
        let bad = |why: String| {
            RuleId::ConfigInvalid.at(FILE_NAME, at, format!("observations path `{pattern}` {why}")).with_hint(
                "list artifacts by globs relative to the mesh root, e.g. \"results/**/*.json\" (no `..`, not absolute)",
            )
        };
        let rel = match crate::check::schema::inside_root(tree, pattern) {
            Ok(rel) => rel,
            Err(why) => {
                diags.push(bad(why.to_string()));
                continue;
            }
        };
        let glob = match globset::GlobBuilder::new(&rel).literal_separator(true).build() {
            Ok(g) => g.compile_matcher(),
            Err(e) => {
                diags.push(bad(format!("is not a glob: {e}")));
                continue;
            }
        };
        let base = literal_base(&rel);
        if !base.is_empty() && tree.escapes_root(&base) {
            diags.push(bad("leads outside the mesh root through a symbolic link".into()));
            continue;
        }
        out.extend(tree.files_under(&base).into_iter().filter(|f| glob.is_match(f)));
    }
    out.into_iter().collect()
}

/// The folder a glob's matches all sit under: its components before the first with a wildcard.
fn literal_base(glob: &str) -> String {
    let parts: Vec<&str> = glob.split('/').collect();
    let literal = parts.iter().take_while(|p| !p.contains(['*', '?', '[', '{'])).count();
    // A glob without wildcards names one file: its folder is the base.
    let take = if literal == parts.len() {
        literal.saturating_sub(1)
    } else {
        literal
    };
    parts[..take].join("/")
}

fn read_failure(e: ReadError, max_mib: u64) -> Failure {
    let message = match e {
        ReadError::TooLarge(size) => format!(
            "is {} MiB, larger than the {max_mib} MiB limit of `[observations] max_mib`",
            size.div_ceil(1024 * 1024)
        ),
        other => format!("cannot be read: {other}"),
    };
    Failure::Invalid {
        line: None,
        offset: None,
        message,
    }
}

fn failure_finding(tree: &dyn SourceTree, file: &str, failure: Failure) -> Diagnostic {
    match failure {
        Failure::Invalid { line, offset, message } => {
            let line = line
                .or_else(|| offset.and_then(|o| tree.open_stream(file, u64::MAX).ok().map(|r| junit::line_at(r, o))));
            RuleId::ObservationsInvalid.at(
                file,
                Pos::new(line.unwrap_or(1), 1),
                format!("{file} {message}; skipped"),
            )
        }
        Failure::UnknownFormat(what) => {
            RuleId::ObservationsUnknownFormat.at(file, Pos::new(1, 1), format!("{file} is {what}; skipped"))
        }
    }
}

type Unpacked = (&'static str, Option<Secs>, Vec<RawCheck>, Vec<RawFreshness>);

/// One parsed artifact's checks and freshness, with findings for what it holds but cannot say.
fn unpack(tree: &dyn SourceTree, file: &str, parsed: Parsed, index: &dbt::Index, diags: &mut Diagnostics) -> Unpacked {
    let invalid = |line: u32, msg: String| RuleId::ObservationsInvalid.at(file, Pos::new(line, 1), msg);
    match parsed {
        Parsed::RunResults { at: None, .. } | Parsed::Sources { at: None, .. } => {
            let line = line_at_needle(tree, file, "metadata").unwrap_or(1);
            diags.push(invalid(
                line,
                format!("{file} has no `metadata.generated_at`, so its results cannot be dated; skipped"),
            ));
            ("dbt", None, Vec::new(), Vec::new())
        }
        Parsed::RunResults { at: Some(at), entries } => {
            let (checks, untied) = dbt::checks(entries, at, index);
            if let Some(first) = untied.first() {
                let why = if index.is_empty() {
                    "no manifest.json among the observations ties them to a model".to_string()
                } else {
                    "no manifest.json among the observations knows them".to_string()
                };
                let line = line_at_needle(tree, file, first).unwrap_or(1);
                diags.push(RuleId::ObservationsUnknownTarget.at(
                    file,
                    Pos::new(line, 1),
                    format!(
                        "{} dbt test{} in {file} (first `{first}`) shown nowhere: {why}",
                        untied.len(),
                        if untied.len() == 1 { "" } else { "s" }
                    ),
                ));
            }
            ("dbt run_results", Some(at), checks, Vec::new())
        }
        Parsed::Sources { at, entries } => {
            let (fresh, bad) = dbt::freshness(entries, at, index);
            if let Some(first) = bad.first() {
                let line = line_at_needle(tree, file, first).unwrap_or(1);
                diags.push(invalid(
                    line,
                    format!(
                        "{} source{} in {file} (first `{first}`) lack a valid `max_loaded_at` or `snapshotted_at`",
                        bad.len(),
                        if bad.len() == 1 { "" } else { "s" }
                    ),
                ));
            }
            ("dbt sources", at, Vec::new(), fresh)
        }
        Parsed::Junit(report) => {
            if report.undated > 0 {
                diags.push(invalid(1, format!("{} test case{} in {file} sit in suites without a `timestamp`, so they cannot be dated; skipped", report.undated, if report.undated == 1 { "" } else { "s" })));
            }
            ("JUnit XML", report.at, report.checks, Vec::new())
        }
        Parsed::Native(n) => {
            for (at, why) in &n.rejected {
                diags.push(invalid(1, format!("{file}: `{at}` {why}; skipped")));
            }
            ("meshport", n.at, n.checks, n.freshness)
        }
        Parsed::Manifest { .. } => ("dbt manifest", None, Vec::new(), Vec::new()),
    }
}

fn line_at_needle(tree: &dyn SourceTree, file: &str, needle: &str) -> Option<u32> {
    line_of(tree.open_stream(file, u64::MAX).ok()?, needle)
}

fn line_of_anchor(tree: &dyn SourceTree, file: &str, anchor: &Anchor) -> u32 {
    match anchor {
        Anchor::Needle(n) => line_at_needle(tree, file, n),
        Anchor::Offset(o) => tree.open_stream(file, u64::MAX).ok().map(|r| junit::line_at(r, *o)),
    }
    .unwrap_or(1)
}

/// Observations by where they go; of two reports of one check, the newest wins.
struct Placer<'a> {
    matcher: Matcher<'a>,
    contracts: BTreeMap<crate::model::ContractKey, Record>,
    products: BTreeMap<String, Record>,
}

impl<'a> Placer<'a> {
    fn new(mesh: &'a Mesh) -> Self {
        Placer {
            matcher: Matcher::new(mesh),
            contracts: BTreeMap::new(),
            products: BTreeMap::new(),
        }
    }

    fn record(&mut self, home: Home) -> &mut Record {
        match home {
            Home::Contract(k) => self.contracts.entry(k).or_default(),
            Home::Product(id) => self.products.entry(id).or_default(),
        }
    }

    fn place(
        &mut self,
        tree: &dyn SourceTree,
        file: &str,
        checks: Vec<RawCheck>,
        freshness: Vec<RawFreshness>,
        diags: &mut Diagnostics,
    ) {
        let mut unknown: BTreeMap<String, Anchor> = BTreeMap::new();
        for raw in &checks {
            match self.matcher.check(raw, file) {
                Ok(placed) => placed.into_iter().for_each(|(home, c)| {
                    let list = &mut self.record(home).checks;
                    let same = |o: &super::Check| o.object == c.object && o.property == c.property && o.name == c.name;
                    match list.iter_mut().find(|o| same(o)) {
                        Some(old) if old.at < c.at => *old = c,
                        Some(_) => {}
                        None => list.push(c),
                    }
                }),
                Err(name) => {
                    unknown.entry(name).or_insert(raw.anchor.clone());
                }
            }
        }
        for raw in &freshness {
            match self.matcher.freshness(raw, file) {
                Ok(placed) => placed.into_iter().for_each(|(home, f)| {
                    let list = &mut self.record(home).freshness;
                    match list.iter_mut().find(|o| o.object == f.object) {
                        Some(old) if old.observed_at < f.observed_at => *old = f,
                        Some(_) => {}
                        None => list.push(f),
                    }
                }),
                Err(name) => {
                    unknown.entry(name).or_insert(raw.anchor.clone());
                }
            }
        }
        for (name, anchor) in unknown {
            let line = line_of_anchor(tree, file, &anchor);
            let message =
                format!("{file} reports results for {name}, which this mesh does not have; they are shown nowhere");
            diags.push(RuleId::ObservationsUnknownTarget.at(file, Pos::new(line, 1), message));
        }
    }
}

fn sorted(mut r: Record) -> Record {
    r.checks.sort_by(|a, b| {
        (&a.contract, &a.object, &a.property, &a.name).cmp(&(&b.contract, &b.object, &b.property, &b.name))
    });
    r.freshness
        .sort_by(|a, b| (&a.contract, &a.object).cmp(&(&b.contract, &b.object)));
    r
}

fn outdated(observed: &Observed, diags: &mut Diagnostics) {
    let Some(now) = observed.now else { return };
    for a in &observed.artifacts {
        let Some(at) = a.at.filter(|at| observed.is_outdated(*at)) else {
            continue;
        };
        let message = format!(
            "{} was written {} ({} before {}), more than the {} days allowed",
            a.file,
            time::show(at),
            time::span(now.saturating_sub(at)),
            time::show(now),
            observed.max_age_days
        );
        diags.push(RuleId::ObservationsOutdated.at(&a.file, Pos::new(1, 1), message));
    }
}

/// `observations.missing`: active products without a recent observation.
fn missing(mesh: &Mesh, observed: &Observed, diags: &mut Diagnostics) {
    for p in mesh.products.values().filter(|p| p.status == "active") {
        let last = observed.of_product(mesh, &p.id).last_run();
        let why = match last {
            None => "has no test results or freshness among the observations".to_string(),
            Some(at) if observed.is_outdated(at) => format!(
                "was last observed {}, more than {} days ago",
                time::show(at),
                observed.max_age_days
            ),
            Some(_) => continue,
        };
        let pos = p.origin.doc.pos("/status");
        diags.push(RuleId::ObservationsMissing.at(&p.origin.file, pos, format!("active product `{}` {why}", p.id)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glob_is_listed_from_its_literal_folder() {
        assert_eq!(literal_base("results/**/*"), "results");
        assert_eq!(literal_base("ci/dbt/run_results.json"), "ci/dbt");
        assert_eq!(literal_base("*.xml"), "");
        assert_eq!(literal_base("a/b*/c"), "a");
    }
}
