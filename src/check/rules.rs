//! The catalogue of built-in rules: a stable id, a default severity, what the rule checks, how
//! to fix a finding, and whether it counts towards a product's governance score. The catalogue
//! is the single source for `docs/rules.md`, the portal's rules page and the scorecards.

use crate::diag::{Diagnostic, Severity, Span};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Reading files and parsing them.
    Source,
    /// A product descriptor (or the contracts of its output ports).
    Product,
    /// A contract descriptor.
    Contract,
    /// Teams, domains and documents.
    Organisation,
    /// The mesh as a whole (lineage, policies).
    Mesh,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    /// What the rule checks, in one line.
    pub summary: &'static str,
    /// How to fix a finding.
    pub hint: &'static str,
}

/// Generates the catalogue twice over from one table: `RuleId`, the type every built-in finding
/// is made from (so a misspelt rule cannot compile), and `RULES`, the data behind docs and pages.
/// `RULES[id as usize]` is `id`'s entry: both lists follow the table's order.
macro_rules! rules {
    ($( $variant:ident = $id:literal, $sev:ident, $scope:ident, $summary:literal, $hint:literal; )*) => {
        /// A built-in rule. Findings are made with [`RuleId::at`], which takes the default level and
        /// hint from the catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId { $( $variant, )* }

        pub const RULES: &[Rule] = &[ $( Rule { id: $id, severity: Severity::$sev, scope: Scope::$scope, summary: $summary, hint: $hint }, )* ];

        impl RuleId {
            pub const ALL: &[RuleId] = &[ $( RuleId::$variant, )* ];
        }
    };
}

impl RuleId {
    /// This rule's catalogue entry.
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }

    /// The stable id written in findings, docs and policies, e.g. `yaml.syntax`.
    pub fn id(self) -> &'static str {
        self.rule().id
    }

    /// A finding of this rule at `at` in `file`, with the catalogue's default level and fix hint
    /// (a site with more to say about the fix replaces it with `with_hint`).
    pub fn at(self, file: &str, at: impl Into<Span>, message: impl Into<String>) -> Diagnostic {
        let rule = self.rule();
        Diagnostic::custom(rule.severity, rule.id, file, at, message).with_hint(rule.hint)
    }
}

rules! {
    SourceUnreadable = "source.unreadable", Error, Source, "A file in the mesh (content/, templates/, static/, root/, meshport.toml) could not be read.", "Check the file's permissions.";
    SourceTooLarge = "source.too-large", Error, Source, "A file is larger than the 8 MiB limit.", "Descriptors describe data, they do not hold it: move data out of content/.";
    SourceEncoding = "source.encoding", Error, Source, "A file is not valid UTF-8.", "Save the file as UTF-8.";
    SourceSymlink = "source.symlink", Warning, Source, "A symbolic link in content/, templates/, static/ or root/ was not followed (nor published).", "Replace the link with the file itself; links may point outside the repository.";
    SourceSpecialFile = "source.special-file", Error, Source, "A FIFO, socket or device sits where meshport reads files (content/, templates/, static/, root/, meshport.toml or a schema it lists); it was never opened.", "Remove it from the mesh, or put a regular file in its place; meshport reads only regular files.";
    SourceUnrecognised = "source.unrecognised", Warning, Source, "A file under content/ looks like a descriptor or page by its name (YAML, JSON, Markdown, HTML, `*.odps.*`) but is not one meshport renders.", "Add `kind: DataProduct` or `kind: DataContract`, rename a page to `.md`, or move the file.";
    StaticHidden = "static.hidden", Info, Source, "A hidden file or folder in static/ or root/ (`.env`, `.git/`) is not published; root/.well-known/ is the one exception.", "Hidden files (`.env`, `.git/`) are never copied into the site: remove it, or drop the leading dot if it should be published.";
    StaticRootCollision = "static.root-collision", Error, Source, "A file in root/ would replace a page meshport generates, or sit inside a folder it generates (products/, api/, static/ …).", "Rename or move the file in root/.";
    SourceBidi = "source.bidi", Warning, Source, "A file contains Unicode bidirectional control characters (U+202A–U+202E, U+2066–U+2069), which make text display in another order than it is read (\"trojan source\").", "Remove the character; right-to-left text needs no explicit override.";
    ConfigInvalid = "config.invalid", Error, Source, "meshport.toml is not valid or has unknown keys.", "Fix the key or value at the position shown; the hint lists every key meshport.toml accepts (title, description, base_url, [repository], [lineage], [schemas], [pages], [people], [observations]; docs/using.md).";
    ConfigDeprecated = "config.deprecated", Warning, Source, "meshport.toml sets a key that is still accepted but no longer has an effect (`[lineage] timeout_ms`: diagrams are laid out without a time budget).", "Remove the `timeout_ms` line; `max_nodes` still decides which diagrams are drawn.";
    ConfigRepositoryUrl = "config.repository-url", Error, Source, "`[repository]` in meshport.toml has a `url` or `edit_url` that is not an http(s) URL, or an `edit_url` without `{path}`, so no edit or commit links are made.", "Use the https address of the repository's web page, e.g. `https://github.com/org/mesh`.";
    GitUnavailable = "git.unavailable", Info, Mesh, "The mesh is not in a git repository, or its history could not be read: pages show no last-change dates, authors or history.", "Build inside a clone of the mesh repository.";
    GitNoCommits = "git.no-commits", Info, Mesh, "The repository has no commit yet: every page says \"not committed yet\".", "Commit the mesh.";
    GitShallow = "git.shallow", Info, Mesh, "The repository is a shallow clone: files last changed before its oldest commit show no date, and histories are cut short.", "Clone with full history (`fetch-depth: 0` in GitHub Actions) or run `git fetch --unshallow`.";
    YamlSyntax = "yaml.syntax", Error, Source, "A YAML file does not parse (including tabs, duplicate keys, merge keys, nesting deeper than 64, several documents in front matter or policies.yaml; descriptor files may hold several).", "Fix the YAML syntax at the position shown (indent with spaces, quote values containing `: `).";
    FrontmatterSyntax = "frontmatter.syntax", Error, Source, "The front matter of a Markdown page does not parse.", "Front matter is YAML between two `---` lines at the top of the file.";
    FrontmatterNotMapping = "frontmatter.not-mapping", Error, Source, "The front matter is not a mapping of keys to values.", "Write `key: value` lines between the `---` fences.";
    DescriptorNotMapping = "descriptor.not-mapping", Error, Source, "A descriptor file is empty, a list or a single value.", "Start the file with `apiVersion:`, `kind:` and `id:` keys.";
    DescriptorKind = "descriptor.kind", Error, Source, "`kind` is neither DataProduct nor DataContract.", "Use `kind: DataProduct` (ODPS) or `kind: DataContract` (ODCS).";
    DescriptorType = "descriptor.type", Error, Source, "A value has the wrong type for the standard.", "Check the value's type against the standard.";
    DescriptorRequired = "descriptor.required", Error, Source, "A key the standard requires is missing.", "Add the key named in the message.";
    DescriptorSchema = "descriptor.schema", Error, Source, "A descriptor breaks the structure of its standard: a required key is missing, a value has the wrong type, or a value is not one the standard allows.", "Fix the value at the position shown: the message names the expected type or lists the allowed values.";
    DescriptorUnknownKey = "descriptor.unknown-key", Warning, Source, "A descriptor has a key its standard does not define (often a misspelling); it is kept but no tool understands it.", "Fix the spelling (the hint names the closest known key), or move the key under customProperties.";
    DescriptorRefRemote = "descriptor.ref-remote", Warning, Source, "A Data Contract Specification `$ref` points at a remote URL; meshport never reads the network, so the field shows only what it says itself.", "Copy the definition into `definitions` of the same file and refer to it as '#/definitions/<name>'.";
    DescriptorRefUnresolved = "descriptor.ref-unresolved", Warning, Source, "A Data Contract Specification `$ref` names nothing in the file's `definitions`, another file, or a definition it is part of; the field shows only what it says itself.", "Point `$ref` at an entry of `definitions` in the same file, e.g. '#/definitions/order_id'.";
    DescriptorVersionFeature = "descriptor.version-feature", Warning, Source, "A descriptor uses a feature of a later version of its standard than the `apiVersion` (or `dataContractSpecification`) it declares (e.g. logicalType `timestamp` or `team` as an object in an ODCS v3.0.x file); tools that read the declared version may reject it.", "Declare the version that introduced the feature (the message names it), or write the value the declared version's way.";
    DescriptorApiVersion = "descriptor.api-version", Error, Source, "`apiVersion` (or `dataContractSpecification`) is not a supported version of the standard.", "ODPS v0.9.0, v1.0.0, v1.1.0; ODCS v3.0.x, v3.1.x, v3.2.x; DCS 0.9.0 to 0.9.3, 1.1.0, 1.2.0, 1.2.1.";
    SchemaInvalid = "schema.invalid", Error, Source, "An organisation JSON Schema listed under [schemas] in meshport.toml is not valid JSON or not a usable JSON Schema.", "Fix the schema; meshport validates offline, so `$ref`s must point inside the file.";
    SchemaOrg = "schema.org", Error, Product, "A product or contract breaks one of the organisation's JSON Schemas listed under [schemas] in meshport.toml.", "Change the descriptor as the schema asks (the hint quotes the schema's description).";
    IdDuplicate = "id.duplicate", Error, Mesh, "Two products share an id, or two contracts share an id and version.", "Rename one, or bump the version of a contract.";
    IdPageCollision = "id.page-collision", Error, Mesh, "Two different ids (products, contracts by id and version, domains, teams, guides, governance documents, or field names) would get the same page name, e.g. `Orders` and `orders`, or `..` and `x`; neither may take the other's URL.", "Page names are ids lower-cased and transliterated to ASCII, other characters as `-`: rename one so they differ after that (the message names both files).";
    IdTooLong = "id.too-long", Error, Mesh, "An id's page or API file name (`products/<id>.html`, `api/contracts/<id>-<version>.json`, `fields/<name>.html` …) would be longer than 200 bytes, which file systems refuse.", "Shorten the id to at most 195 characters after transliteration to ASCII.";
    ProductOwnerMissing = "product.owner-missing", Warning, Product, "A product names no owner team.", "Add `team: {name: <team id>}` naming a team under content/teams/.";
    PortContractMissing = "port.contract-missing", Warning, Product, "A port carries no contractId.", "Add `contractId:` and a contract file describing the port's data.";
    RefContractMissing = "ref.contract-missing", Warning, Product, "A port references a contract that no file defines (for an input port: and no product outputs).", "Add the ODCS file with that id (for an external source too), or fix the id.";
    RefContractStatus = "ref.contract-status", Warning, Product, "An active product publishes a port under a draft, proposed, deprecated or retired contract.", "Activate the contract version (or point the port at an active one) before the product is active.";
    RefContractVersion = "ref.contract-version", Info, Product, "A port's version (the port's own, in ODPS) equals no version of its contract, so the port binds to the contract's newest active version.", "Nothing to do if the newest active version is meant; to bind to another version, give the port that version.";
    RefInputContract = "ref.input-contract", Warning, Product, "`inputContracts` names a contract no input port of the product reads.", "Add an input port reading that contract, or remove the entry.";
    AccessRoleUndefined = "access.role-undefined", Error, Product, "An input port asks (`customProperties: [{property: accessRole, value: …}]`) for a role its contract does not define in `roles`, so the access request cannot be granted.", "Use one of the roles the contract's page lists under \"Get access\" (the message names them), or ask the contract's owner team to add the role.";
    RefTeamMissing = "ref.team-missing", Warning, Organisation, "A domain's owner is not a known team.", "Use the file name (without .md) of a team under content/teams/.";
    RefDomainUndocumented = "ref.domain-undocumented", Info, Organisation, "A domain is named by descriptors but has no page.", "Add content/domains/<domain>.md.";
    TeamContactMissing = "team.contact-missing", Warning, Organisation, "A team has no contact channel.", "Give the team an `email`, `chat` or `oncall` in content/teams/<team>.md, or `support` channels in the descriptor.";
    FieldClassificationMissing = "field.classification-missing", Warning, Contract, "A field has no classification.", "Add `classification:` (public, internal, confidential or restricted); tag personal data with `pii`.";
    LineageDeprecatedInput = "lineage.deprecated-input", Warning, Product, "A product reads a contract of a deprecated product.", "Plan the migration with the upstream owner.";
    LineageRetiredInput = "lineage.retired-input", Error, Product, "A product reads a contract of a retired product.", "Move to the replacement and remove the input port.";
    LineageCycle = "lineage.cycle", Error, Mesh, "Products feed each other in a cycle.", "A product must not consume (directly or indirectly) its own output: break the cycle by removing one input port.";
    RegoSyntax = "rego.syntax", Error, Source, "A Rego policy under content/governance/rules/ does not parse or compile; it is not evaluated.", "Fix the policy at the position shown (Rego v1 syntax: `if` before rule bodies, `contains` for set rules).";
    RegoRecursion = "rego.recursion", Error, Source, "Rules of a Rego policy depend on themselves, directly or through other rules, functions or packages (OPA rejects such policies); the policy is not evaluated.", "Break the cycle (OPA rejects recursive rules too): compute the value from `input` or a helper that does not refer back.";
    RegoEval = "rego.eval", Error, Mesh, "A custom Rego rule failed while evaluating (runtime error, more steps than one evaluation may take, a worker that ran out of memory, stack or CPU time, or a finding without `msg` or with an unknown `severity`).", "Fix the policy; each finding is an object with `msg` and optional `rule`, `severity`, `path`, `file`, `hint`.";
    RegoBudget = "rego.budget", Error, Mesh, "The step budget of all Rego in the build ran out in this rule; it (from the product named) and the rules after it were not evaluated.", "Make the rule cheaper (look up what it needs instead of iterating over everything for each product), or raise `rego.steps` in content/governance/policies.yaml.";
    RegoPackage = "rego.package", Warning, Source, "A Rego policy defines `deny_product` or `deny_mesh` outside a `meshport.<name>` package, so they are never evaluated.", "Start the policy with `package meshport.<name>`, e.g. `package meshport.naming`.";
    RegoMisplaced = "rego.misplaced", Warning, Source, "A `.rego` file lies outside content/governance/rules/, so it is not evaluated.", "Move the file under content/governance/rules/.";
    PolicyInvalid = "policy.invalid", Error, Mesh, "content/governance/policies.yaml has an invalid value (e.g. a naming pattern that does not compile).", "Fix the value at the position shown.";
    PolicyUnknownRule = "policy.unknown-rule", Warning, Mesh, "policies.yaml sets the level of a rule that does not exist.", "Use an id from the rule catalogue (`meshport rules`, docs/rules.md, the portal's Rules page).";
    PolicyUnknownDomain = "policy.unknown-domain", Warning, Mesh, "policies.yaml has a section for a domain the mesh does not have.", "Use the id of a domain (its file name under content/domains/).";
    PolicyLoosen = "policy.loosen", Error, Mesh, "A domain tries to lower a global rule's level or widen a global list; the global setting applies.", "Domains may only be stricter; change the global setting instead.";
    PolicyRequiredTag = "policy.required-tag", Error, Product, "A product lacks a tag the policies require (globally or in its domain).", "Add the tag to the product's `tags`.";
    PolicyAllowedValue = "policy.allowed-value", Error, Product, "A product status or field classification is not among the values the policies allow.", "Use one of the allowed values.";
    PolicyNaming = "policy.naming", Error, Product, "A product or contract id does not match the naming pattern of the policies.", "Rename the id following the naming standard.";
    ObservationsInvalid = "observations.invalid", Warning, Source, "A CI artifact listed under [observations] in meshport.toml is not valid JSON or XML, lacks a field its format needs (a timestamp, a status), cannot be read, or is larger than `max_mib`; it was skipped and the rest of the site built.", "Publish the artifact as the tool wrote it (dbt `target/*.json`, JUnit XML, or the meshport format of docs/observations.md), or raise `[observations] max_mib`.";
    ObservationsUnknownFormat = "observations.unknown-format", Warning, Source, "A file matched by [observations] paths is none of the formats meshport reads (dbt run_results/manifest/sources, JUnit XML, meshport observations JSON).", "Narrow the glob in meshport.toml so it names only test artifacts, or convert the file to the meshport format (docs/observations.md).";
    ObservationsUnknownTarget = "observations.unknown-target", Warning, Source, "A CI artifact reports results for a product, contract, table or dbt test that the mesh does not have, so they are shown nowhere.", "Name a product or contract id of this mesh, give the contract's schema object a `physicalName` equal to the dbt model, or publish manifest.json beside run_results.json.";
    ObservationsOutdated = "observations.outdated", Warning, Source, "A CI artifact is older than the allowed age (`[observations] max_age_days`, else the `observations.missing` policy's `maxAgeDays`, else 30 days) counted back from SOURCE_DATE_EPOCH, else from the newest artifact.", "Publish fresh results from the domain's CI, or remove the old file from the observations paths.";
    ObservationsMissing = "observations.missing", Warning, Mesh, "An active product has no test results or freshness younger than `observations.maxAgeDays` of policies.yaml (default 30 days); checked only when meshport.toml lists [observations] paths.", "Publish the product's test and freshness results from its CI into the observations paths (content/guides and docs/observations.md show how).";
}

/// `docs/rules.md`: the catalogue as Markdown, printed by `meshport rules` (a unit test keeps
/// the committed file in sync).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Governance rules\n\nGenerated from `src/check/rules.rs` (the portal shows the same catalogue on its Rules page). \
         `content/governance/policies.yaml` sets the mesh's own level for any rule (`error`, `warning`, `info` or `off`); \
         a domain section may raise a level for its own files but never lower it (`policy.loosen`). \
         Rules scoped to products and contracts count towards each product's governance score.\n\n\
         | rule | default | scope | checks | how to fix |\n|---|---|---|---|---|\n",
    );
    for r in RULES {
        let scope = format!("{:?}", r.scope).to_lowercase();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            r.id,
            r.severity,
            scope,
            r.summary.replace('|', "\\|"),
            r.hint.replace('|', "\\|")
        ));
    }
    out
}

/// The rule with this id, if it is built in.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Rules that count towards a product's governance score.
pub fn scored() -> impl Iterator<Item = &'static Rule> {
    RULES
        .iter()
        .filter(|r| matches!(r.scope, Scope::Product | Scope::Contract))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate rule id");
        for id in ids {
            assert!(
                id.contains('.') && id.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '-'),
                "{id}"
            );
        }
    }

    #[test]
    fn docs_rules_md_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == markdown(),
            "docs/rules.md is out of date with src/check/rules.rs: run `cargo run -q -- rules > docs/rules.md`"
        );
    }

    #[test]
    fn rule_ids_index_the_catalogue() {
        assert_eq!(RuleId::ALL.len(), RULES.len());
        for (i, id) in RuleId::ALL.iter().enumerate() {
            assert_eq!(*id as usize, i);
        }
        assert_eq!(RuleId::YamlSyntax.id(), "yaml.syntax");
        let d = RuleId::SourceBidi.at("a.md", crate::diag::Pos::new(2, 3), "m");
        assert_eq!((d.severity, d.rule.as_str()), (Severity::Warning, "source.bidi"));
        assert_eq!(d.hint.as_deref(), Some(RuleId::SourceBidi.rule().hint));
    }
}
