//! The change kinds `meshport diff` reports: one table, so the classifier, the output and
//! docs/diff.md (checked by a test) never disagree. Ids are stable: CI scripts filter on them.

/// One kind of change.
#[derive(Debug, PartialEq, Eq)]
pub struct Kind {
    /// Stable id, e.g. `field.removed`.
    pub id: &'static str,
    /// Whether a change of this kind breaks consumers of the product or contract.
    pub breaking: bool,
    /// What the kind means, as one sentence for people.
    pub sentence: &'static str,
}

macro_rules! kinds {
    ($($name:ident = $id:literal, $breaking:literal, $sentence:literal;)*) => {
        $(pub const $name: &Kind = &Kind { id: $id, breaking: $breaking, sentence: $sentence };)*
        /// Every kind, in the order of the documentation.
        pub const ALL: &[&Kind] = &[$($name),*];
    };
}

kinds! {
    FIELD_REMOVED = "field.removed", true,
        "A schema field (property) was removed: queries and pipelines that read it fail.";
    FIELD_TYPE_CHANGED = "field.type-changed", true,
        "A field's logicalType or physicalType changed: readers parse or cast the old type.";
    FIELD_MADE_REQUIRED = "field.made-required", true,
        "A field became required (required: false → true): writers that leave it empty are now invalid.";
    FIELD_ADDED_REQUIRED = "field.added-required", true,
        "A new field is required: existing writers do not provide it.";
    FIELD_PRIMARY_KEY_CHANGED = "field.primary-key-changed", true,
        "A field's primaryKey or primaryKeyPosition changed: joins, merges and deduplication depend on the key.";
    FIELD_ENUM_VALUE_REMOVED = "field.enum-value-removed", true,
        "An allowed value (enum, or validValues of a quality rule) was removed: data and filters using it become invalid.";
    SCHEMA_OBJECT_REMOVED = "schema.object-removed", true,
        "A whole schema object (table, topic, file) was removed from the contract.";
    SLA_WEAKENED = "sla.weakened", true,
        "A service-level property got worse (latency or frequency up, availability or retention down, …), units normalised.";
    SLA_REMOVED = "sla.removed", true,
        "A service-level property was removed: the guarantee no longer holds.";
    PORT_OUTPUT_REMOVED = "port.output-removed", true,
        "An output port of a product was removed: its consumers lose their input.";
    PORT_VERSION_DOWNGRADED = "port.version-downgraded", true,
        "An output port now binds to an older contract version while consumers read it.";
    CONTRACT_REMOVED = "contract.removed", true,
        "A contract version was removed while input ports of other products reference it.";
    CONTRACT_RETIRED = "contract.retired", true,
        "A contract was retired while input ports of other products reference it.";
    PRODUCT_RETIRED = "product.retired", true,
        "A product was retired (status → retired) while other products consume its output.";
    PRODUCT_REMOVED = "product.removed", true,
        "A product with consumers was removed.";
    FIELD_ADDED = "field.added", false,
        "A new optional field was added.";
    FIELD_MADE_OPTIONAL = "field.made-optional", false,
        "A field is no longer required (review: consumers may now see empty values).";
    FIELD_ENUM_VALUE_ADDED = "field.enum-value-added", false,
        "An allowed value was added (review: consumers matching every value see a new one).";
    FIELD_ENUM_DROPPED = "field.enum-dropped", false,
        "The list of allowed values was dropped altogether (review).";
    FIELD_CHANGED = "field.changed", false,
        "Other properties of a field changed (description, tags, classification, examples, quality rules, …).";
    SCHEMA_OBJECT_ADDED = "schema.object-added", false,
        "A schema object was added.";
    SLA_ADDED = "sla.added", false,
        "A service-level property was added.";
    SLA_IMPROVED = "sla.improved", false,
        "A service-level property got better (or stayed equal with other units).";
    SLA_CHANGED = "sla.changed", false,
        "A service-level property changed in a way that cannot be compared (unknown property or unit): changed (review).";
    PORT_OUTPUT_ADDED = "port.output-added", false,
        "An output port was added.";
    PORT_OUTPUT_CHANGED = "port.output-changed", false,
        "An output port changed otherwise (contract version moved up, or moved down with no consumers; description, type, …).";
    PORT_INPUT_ADDED = "port.input-added", false,
        "A product reads a new input.";
    PORT_INPUT_REMOVED = "port.input-removed", false,
        "A product no longer reads an input.";
    PORT_INPUT_CHANGED = "port.input-changed", false,
        "An input port changed (contract version, description, …).";
    CONTRACT_ADDED = "contract.added", false,
        "A contract (or a new version of one) was added.";
    CONTRACT_REMOVED_UNUSED = "contract.removed-unused", false,
        "A contract version nobody references was removed.";
    CONTRACT_STATUS_CHANGED = "contract.status-changed", false,
        "A contract's status changed (other than retirement while referenced).";
    CONTRACT_CHANGED = "contract.changed", false,
        "Other contract metadata changed (description, tags, servers, support, team, …).";
    PRODUCT_ADDED = "product.added", false,
        "A product was added.";
    PRODUCT_REMOVED_UNUSED = "product.removed-unused", false,
        "A product nobody consumes was removed.";
    PRODUCT_STATUS_CHANGED = "product.status-changed", false,
        "A product's status changed (other than retirement while consumed).";
    PRODUCT_CHANGED = "product.changed", false,
        "Other product metadata changed (description, tags, support, team, …).";
}

/// The kinds as a Markdown table (docs/diff.md embeds it between markers).
pub fn markdown_table() -> String {
    let mut out = String::from("| Kind | Breaking | Meaning |\n|---|---|---|\n");
    for k in ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            k.id,
            if k.breaking { "yes" } else { "no" },
            k.sentence
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_shaped() {
        let mut ids: Vec<&str> = ALL.iter().map(|k| k.id).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "duplicate kind ids");
        for id in ids {
            let (group, name) = id.split_once('.').expect("group.name");
            assert!(
                !group.is_empty()
                    && !name.is_empty()
                    && id.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '-'),
                "{id}"
            );
        }
    }

    /// docs/diff.md carries the table as generated; `MESHPORT_BLESS=1` rewrites it.
    #[test]
    fn docs_list_every_kind() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diff.md");
        let doc = std::fs::read_to_string(&path).unwrap_or_default();
        let (start, end) = ("<!-- kinds:start -->\n", "<!-- kinds:end -->");
        let table = markdown_table();
        let current = doc
            .find(start)
            .and_then(|s| doc[s..].find(end).map(|e| &doc[s + start.len()..s + e]));
        if current != Some(table.as_str()) && std::env::var_os("MESHPORT_BLESS").is_some() {
            if let (Some(s), Some(e)) = (doc.find(start), doc.find(end)) {
                let updated = format!("{}{}{}", &doc[..s + start.len()], table, &doc[e..]);
                std::fs::write(&path, updated).unwrap();
                return;
            }
        }
        assert_eq!(
            current,
            Some(table.as_str()),
            "docs/diff.md is out of date: run `MESHPORT_BLESS=1 cargo test --lib diff::kinds`"
        );
    }
}
