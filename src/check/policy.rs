//! `content/governance/policies.yaml`: the mesh's global governance settings (rule severities,
//! required tags, allowed values, naming patterns for ids) and per-domain sections that may be
//! stricter than the global ones but never looser. An attempt to loosen is itself a finding.
//!
//! ```yaml
//! rules:                       # error | warning | info | off, by rule id
//!   field.classification-missing: warning
//! requiredTags: [tier-1]       # every product carries each of these tags
//! allowedValues:
//!   productStatus: [proposed, draft, active, deprecated, retired]
//!   classification: [public, internal, confidential, restricted]
//! naming:
//!   productId: "^[a-z][a-z0-9-]*$"
//!   contractId: "^[a-z][a-z0-9-]*$"
//! domains:
//!   logistics:
//!     rules: { field.classification-missing: error }
//!     requiredTags: [logistics]
//! rego:
//!   steps: 1073741824          # budget of all custom Rego rules in one build (global only)
//! personalClassifications: [restricted]   # fields so classified hold personal data (global only)
//! ```

use super::rules;
use crate::check::rules::RuleId;
use crate::diag::{Diagnostics, Related, Severity};
use crate::model::{Mesh, Origin};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A rule's level in a policy: a severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    fn of(s: Severity) -> Level {
        match s {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Info,
        }
    }

    fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct RawAllowed {
    product_status: Option<Vec<String>>,
    classification: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct RawNaming {
    product_id: Option<String>,
    contract_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct RawSet {
    rules: BTreeMap<String, Level>,
    required_tags: Vec<String>,
    allowed_values: RawAllowed,
    naming: RawNaming,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct RawPolicies {
    #[serde(flatten)]
    global: RawSet,
    domains: BTreeMap<String, RawSet>,
    rego: RawRego,
    /// Classifications that mean personal data. Declared here so the key is accepted and its
    /// type checked with the rest; `model::personal`, a layer below, reads it from the document.
    #[allow(dead_code)]
    personal_classifications: Vec<String>,
    observations: RawObservations,
}

/// `observations: { maxAgeDays: N }`: how recent an active product's observations must be
/// (`observations.missing`), and the age beyond which artifacts are outdated.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct RawObservations {
    max_age_days: Option<std::num::NonZeroU32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct RawRego {
    steps: Option<std::num::NonZeroU64>,
}

/// A rule id, its level across the mesh, and the domains that set another level.
pub type LevelOverride = (String, Level, Vec<(String, Level)>);

/// One set of settings (global, or one domain's additions).
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    pub levels: BTreeMap<String, Level>,
    pub required_tags: Vec<String>,
    pub product_status: Option<Vec<String>>,
    pub classification: Option<Vec<String>>,
    pub product_id: Option<regex::Regex>,
    pub contract_id: Option<regex::Regex>,
}

/// The mesh's policies, parsed and validated.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    pub global: PolicySet,
    pub domains: BTreeMap<String, PolicySet>,
    /// The step budget of all custom Rego rules in one build (`rego.steps`), when set.
    pub rego_steps: Option<u64>,
    /// `observations.maxAgeDays`, when set.
    pub observations_max_age_days: Option<u32>,
    /// `policies.yaml`, when the mesh has one (for finding positions).
    origin: Option<Origin>,
}

impl Policies {
    /// Reads the mesh's policies; problems in the file are findings, and the parts that are
    /// valid still apply.
    pub fn load(mesh: &Mesh, diags: &mut Diagnostics) -> Policies {
        let Some(origin) = mesh.policies.clone() else {
            return Policies::default();
        };
        let Some(raw) = crate::model::typed_as::<RawPolicies>(
            crate::check::rules::RuleId::PolicyInvalid,
            &origin.file,
            &origin.doc,
            diags,
        ) else {
            return Policies {
                origin: Some(origin),
                ..Default::default()
            };
        };
        let global = compile_set(&origin, "", raw.global, diags);
        let mut domains = BTreeMap::new();
        for (name, set) in raw.domains {
            let pointer = format!("/domains/{}", crate::source::yaml::escape_token(&name));
            if !mesh.domains.contains_key(&name) {
                diags.push(RuleId::PolicyUnknownDomain.at(
                    &origin.file,
                    origin.doc.key_span(&pointer),
                    format!("policies name domain `{name}`, which the mesh does not have"),
                ));
            }
            let compiled = compile_set(&origin, &pointer, set, diags);
            domains.insert(name, compiled);
        }
        let rego_steps = raw.rego.steps.map(|n| n.get());
        let policies = Policies {
            global,
            domains,
            rego_steps,
            observations_max_age_days: raw.observations.max_age_days.map(|n| n.get()),
            origin: Some(origin),
        };
        policies.report_loosening(diags);
        policies
    }

    /// The level of a rule for a file of `domain`: the global setting (or the rule's default),
    /// raised by the domain's setting when that is stricter.
    pub fn level(&self, rule: &str, default: Severity, domain: Option<&str>) -> Level {
        let global = self.global.levels.get(rule).copied().unwrap_or(Level::of(default));
        let local = domain
            .and_then(|d| self.domains.get(d))
            .and_then(|s| s.levels.get(rule))
            .copied();
        match local {
            Some(l) if l > global => l,
            _ => global,
        }
    }

    /// Where policies.yaml sets `pointer` (e.g. `/requiredTags`) for files of `domain`: the
    /// domain's section when it sets it, else the global one; a finding shows it beside the
    /// descriptor it judged.
    pub fn setting(&self, domain: Option<&str>, pointer: &str) -> Option<Related> {
        let origin = self.origin.as_ref()?;
        let local = domain.map(|d| format!("/domains/{}{pointer}", crate::source::yaml::escape_token(d)));
        let at = local
            .filter(|p| origin.doc.value.pointer(p).is_some())
            .or_else(|| origin.doc.value.pointer(pointer).is_some().then(|| pointer.to_string()))?;
        Some(Related::new(
            &origin.file,
            origin.doc.key_span(&at),
            "the policy setting that applies",
        ))
    }

    /// The settings that apply in one domain: global ones plus the domain's additions.
    pub fn required_tags(&self, domain: Option<&str>) -> Vec<String> {
        let mut tags = self.global.required_tags.clone();
        if let Some(d) = domain.and_then(|d| self.domains.get(d)) {
            tags.extend(d.required_tags.iter().cloned());
        }
        tags.sort();
        tags.dedup();
        tags
    }

    /// Rules whose level the policies set, with the global level and each domain's override.
    pub fn overrides(&self) -> Vec<LevelOverride> {
        let mut ids: Vec<&String> = self
            .global
            .levels
            .keys()
            .chain(self.domains.values().flat_map(|d| d.levels.keys()))
            .collect();
        ids.sort();
        ids.dedup();
        ids.into_iter()
            .map(|id| {
                let default = rules::find(id).map(|r| Level::of(r.severity)).unwrap_or(Level::Error);
                let global = self.global.levels.get(id).copied().unwrap_or(default);
                let local = self
                    .domains
                    .iter()
                    .filter_map(|(d, s)| s.levels.get(id).map(|l| (d.clone(), *l)))
                    .collect();
                (id.clone(), global, local)
            })
            .collect()
    }

    /// Allowed product statuses in a domain: the domain's list when it has one, else the global.
    pub fn product_status(&self, domain: Option<&str>) -> Option<&[String]> {
        self.domain_set(domain)
            .and_then(|s| s.product_status.as_deref())
            .or(self.global.product_status.as_deref())
    }

    /// Allowed field classifications in a domain.
    pub fn classification(&self, domain: Option<&str>) -> Option<&[String]> {
        self.domain_set(domain)
            .and_then(|s| s.classification.as_deref())
            .or(self.global.classification.as_deref())
    }

    /// Naming patterns an id must match: the global one and the domain's, both.
    pub fn id_patterns(&self, domain: Option<&str>, contract: bool) -> Vec<&regex::Regex> {
        fn pick(s: &PolicySet, contract: bool) -> Option<&regex::Regex> {
            if contract {
                s.contract_id.as_ref()
            } else {
                s.product_id.as_ref()
            }
        }
        pick(&self.global, contract)
            .into_iter()
            .chain(self.domain_set(domain).and_then(|s| pick(s, contract)))
            .collect()
    }

    fn domain_set(&self, domain: Option<&str>) -> Option<&PolicySet> {
        domain.and_then(|d| self.domains.get(d))
    }

    /// A domain setting a rule below the global level cannot loosen it: report each attempt.
    fn report_loosening(&self, diags: &mut Diagnostics) {
        let Some(origin) = &self.origin else { return };
        for (domain, set) in &self.domains {
            for (rule, level) in &set.levels {
                let default = rules::find(rule).map(|r| r.severity).unwrap_or(Severity::Error);
                let global = self.global.levels.get(rule).copied().unwrap_or(Level::of(default));
                if *level < global {
                    let pointer = format!(
                        "/domains/{}/rules/{}",
                        crate::source::yaml::escape_token(domain),
                        crate::source::yaml::escape_token(rule)
                    );
                    diags.push(RuleId::PolicyLoosen.at(&origin.file, origin.doc.span(&pointer),
                        format!("domain `{domain}` sets `{rule}` to {level:?}, looser than the global {global:?}; the global level applies"))
                        .with_hint("a domain may only raise severities; change the global setting at the top of policies.yaml instead")
                        .with_related_opt(self.setting(None, &format!("/rules/{}", crate::source::yaml::escape_token(rule)))));
                }
            }
            let lists = [
                ("productStatus", &set.product_status, &self.global.product_status),
                ("classification", &set.classification, &self.global.classification),
            ];
            for (key, local, global) in lists {
                let (Some(local), Some(global)) = (local, global) else {
                    continue;
                };
                for (i, v) in local.iter().enumerate() {
                    if !global.contains(v) {
                        let pointer = format!(
                            "/domains/{}/allowedValues/{key}/{i}",
                            crate::source::yaml::escape_token(domain)
                        );
                        diags.push(
                            RuleId::PolicyLoosen
                                .at(
                                    &origin.file,
                                    origin.doc.span(&pointer),
                                    format!(
                                    "domain `{domain}` allows `{v}` for {key}, which the global policy does not allow"
                                ),
                                )
                                .with_hint("a domain may only narrow the allowed values")
                                .with_related_opt(self.setting(None, &format!("/allowedValues/{key}"))),
                        );
                    }
                }
            }
        }
    }

    /// Re-levels every finding by the policies of its file's domain; `off` drops it.
    pub fn apply(&self, mesh: &Mesh, diags: Diagnostics) -> Diagnostics {
        let domains = file_domains(mesh);
        let mut out = Diagnostics::new();
        for mut d in diags.iter().cloned() {
            let Some(rule) = rules::find(&d.rule) else {
                out.push(d);
                continue;
            };
            let domain = domains.get(d.file.as_str()).and_then(|x| x.as_deref());
            let level = self.level(&d.rule, rule.severity, domain);
            if let Some(sev) = level.severity() {
                d.severity = sev;
                out.push(d);
            }
        }
        out
    }
}

fn compile_set(origin: &Origin, base: &str, raw: RawSet, diags: &mut Diagnostics) -> PolicySet {
    for rule in raw.rules.keys() {
        if rules::find(rule).is_none() {
            let pointer = format!("{base}/rules/{}", crate::source::yaml::escape_token(rule));
            diags.push(RuleId::PolicyUnknownRule.at(
                &origin.file,
                origin.doc.key_span(&pointer),
                format!("`{rule}` is not a built-in rule"),
            ));
        }
    }
    let pattern = |key: &str, p: Option<String>, diags: &mut Diagnostics| {
        p.and_then(|p| match regex::Regex::new(&p) {
            Ok(r) => Some(r),
            Err(e) => {
                let pos = origin.doc.span(&format!("{base}/naming/{key}"));
                diags.push(
                    RuleId::PolicyInvalid
                        .at(&origin.file, pos, format!("naming pattern does not compile: {e}"))
                        .with_hint("write a regular expression such as ^[a-z][a-z0-9-]*$"),
                );
                None
            }
        })
    };
    PolicySet {
        product_id: pattern("productId", raw.naming.product_id, diags),
        contract_id: pattern("contractId", raw.naming.contract_id, diags),
        levels: raw.rules,
        required_tags: raw.required_tags,
        product_status: raw.allowed_values.product_status,
        classification: raw.allowed_values.classification,
    }
}

/// The domain each source file belongs to, for per-domain policies.
fn file_domains(mesh: &Mesh) -> BTreeMap<&str, Option<String>> {
    let mut map: BTreeMap<&str, Option<String>> = BTreeMap::new();
    for p in mesh.products.values() {
        map.insert(&p.origin.file, p.domain.clone());
    }
    for c in mesh.contracts.values() {
        map.insert(&c.origin.file, c.domain.clone());
    }
    for t in mesh.teams.values() {
        if let Some(page) = &t.page {
            map.insert(&page.file, t.domain.clone());
        }
    }
    for d in mesh.domains.values() {
        if let Some(page) = &d.page {
            map.insert(&page.file, Some(d.id.clone()));
        }
    }
    map
}
