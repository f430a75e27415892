//! Unit tests of `check::schema` (a file of their own: with them the module was over 900 lines).

use super::*;
use crate::diag::Severity;

fn findings(kind: DocKind, src: &str) -> Vec<Diagnostic> {
    let doc = crate::source::yaml::parse(src).unwrap();
    check_doc(kind, "f.yaml", &doc, &[]).0
}

fn only(kind: DocKind, src: &str) -> Diagnostic {
    let mut all = findings(kind, src);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

const PRODUCT: &str = "apiVersion: v1.1.0\nkind: DataProduct\nid: p\n";
const CONTRACT: &str = "apiVersion: v3.1.0\nkind: DataContract\nid: c\nversion: 1.0.0\nstatus: active\n";

#[test]
fn bundled_schemas_compile() {
    assert!(ODPS.schema.get("$defs").is_some() && ODCS.schema.get("$defs").is_some());
    assert!(findings(DocKind::Product, PRODUCT).is_empty());
    assert!(findings(DocKind::Contract, CONTRACT).is_empty());
}

#[test]
fn unknown_key_points_at_the_key_and_suggests_the_close_one() {
    let src = format!("{PRODUCT}outputPorts:\n  - name: out\n    descripton: the orders\n");
    let d = only(DocKind::Product, &src);
    assert_eq!(
        (d.rule.as_str(), d.severity, d.line, d.column),
        ("descriptor.unknown-key", Severity::Warning, 6, 5)
    );
    assert_eq!(d.message, "unknown key `descripton` in `/outputPorts/0`");
    assert!(d.hint.unwrap().contains("did you mean `description`?"));
}

#[test]
fn unknown_key_far_from_any_known_one_goes_to_custom_properties() {
    let d = only(DocKind::Product, &format!("{PRODUCT}x-cost-centre: CC-1\n"));
    assert_eq!((d.line, d.column), (4, 1));
    assert!(d.hint.as_deref().unwrap().contains("customProperties"), "{d:?}");
}

#[test]
fn wrong_enum_value_lists_the_allowed_values() {
    let src = format!("{CONTRACT}schema:\n  - name: t\n    properties:\n      - name: a\n        logicalType: text\n");
    let d = only(DocKind::Contract, &src);
    assert_eq!(
        (d.rule.as_str(), d.severity, d.line, d.column),
        ("descriptor.schema", Severity::Error, 10, 22)
    );
    assert!(
        d.message.starts_with(
            "`logicalType` is `text`, which is not an allowed value (at `/schema/0/properties/0/logicalType`)"
        ),
        "{}",
        d.message
    );
    assert!(
        d.message
            .contains("allowed: string, date, timestamp, time, number, integer, object, array, boolean, map, vector"),
        "{}",
        d.message
    );
}

#[test]
fn missing_required_key_points_at_the_parent_mapping() {
    let src = format!("{PRODUCT}inputPorts:\n  - contractId: c\n    version: 1.0.0\n");
    let d = only(DocKind::Product, &src);
    assert_eq!((d.rule.as_str(), d.line, d.column), ("descriptor.schema", 5, 5));
    assert_eq!(d.message, "`name` is required in `/inputPorts/0`");
    assert!(d.hint.unwrap().starts_with("add `name:` to `/inputPorts/0`"));
}

#[test]
fn wrong_type_names_both_types_and_numbers_get_the_quoting_hint() {
    let d = only(DocKind::Contract, &format!("{CONTRACT}name: 12\n"));
    assert_eq!((d.line, d.column), (6, 7));
    assert_eq!(d.message, "`name` must be text, not a number (at `/name`)");
    assert!(d.hint.unwrap().starts_with("quote the value"));
    let d = only(DocKind::Product, &format!("{PRODUCT}description: just text\n"));
    assert_eq!(
        d.message,
        "`description` must be a mapping, not text (at `/description`)"
    );
}

#[test]
fn identity_keys_are_left_to_the_typed_view() {
    // descriptor.required / descriptor.api-version report these (model::resolve).
    assert!(findings(DocKind::Product, "kind: DataProduct\napiVersion: v9\n").is_empty());
    assert!(findings(DocKind::Contract, "kind: DataContract\nid: ~\napiVersion: v3.1.0\n").is_empty());
    let d = only(
        DocKind::Contract,
        &format!("{CONTRACT}team: {{name: t, members: [{{role: owner}}]}}\n"),
    );
    assert_eq!(d.message, "`username` is required in `/team/members/0`");
}

#[test]
fn odcs_team_may_be_the_legacy_member_list_or_an_object() {
    assert!(findings(
        DocKind::Contract,
        &format!("{CONTRACT}team:\n  - username: a\n    role: owner\n")
    )
    .is_empty());
    assert!(findings(
        DocKind::Contract,
        &format!("{CONTRACT}team:\n  name: t\n  members:\n    - username: a\n")
    )
    .is_empty());
    let d = only(
        DocKind::Contract,
        &format!("{CONTRACT}team:\n  - username: a\n    rol: owner\n"),
    );
    assert_eq!((d.rule.as_str(), d.line, d.column), ("descriptor.unknown-key", 8, 5));
    assert!(d.hint.unwrap().contains("`role`"));
}

#[test]
fn servers_take_the_keys_of_their_type() {
    let ok = format!("{CONTRACT}servers:\n  - server: s\n    type: kafka\n    host: k:9092\n");
    assert!(findings(DocKind::Contract, &ok).is_empty());
    // As the official schemas have it: a key no server type defines is unknown (a warning,
    // as elsewhere), one that only other types define is an error.
    let d = only(DocKind::Contract, &format!("{ok}    myOwnKey: 1\n"));
    assert_eq!(
        (d.rule.as_str(), d.severity),
        ("descriptor.unknown-key", crate::diag::Severity::Warning)
    );
    let d = only(DocKind::Contract, &format!("{ok}    warehouse: w\n"));
    assert_eq!(d.rule, "descriptor.schema");
    assert_eq!(
        d.message,
        "`warehouse` is not a key of `kafka` servers (only of custom, snowflake)"
    );
    let d = only(
        DocKind::Contract,
        &format!(
            "{CONTRACT}servers:\n  - server: s\n    type: postgres\n    host: h\n    port: 5432\n    database: d\n"
        ),
    );
    assert_eq!(d.message, "`schema` is required in `/servers/0`");
    let d = only(
        DocKind::Contract,
        &format!("{CONTRACT}servers:\n  - server: s\n    type: kafkaa\n    host: h\n"),
    );
    assert!(d.message.contains("allowed: api, athena"), "{}", d.message);
}

#[test]
fn quality_rules_need_their_operator_and_property_relationships_no_from() {
    let src = format!("{CONTRACT}schema:\n  - name: t\n    quality:\n      - metric: rowCount\n");
    let d = only(DocKind::Contract, &src);
    assert!(d.message.starts_with("one of `mustBe`, `mustNotBe`"), "{}", d.message);
    assert_eq!((d.line, d.column), (9, 9));
    let src = format!("{CONTRACT}schema:\n  - name: t\n    properties:\n      - name: a\n        relationships:\n          - from: t.a\n            to: u.b\n");
    let d = only(DocKind::Contract, &src);
    assert_eq!(
        d.message,
        "`from` is not allowed in `/schema/0/properties/0/relationships/0`"
    );
}

#[test]
fn custom_property_values_are_open() {
    let src = format!("{PRODUCT}customProperties:\n  - property: costs\n    value: {{anything: [1, 2], goes: true}}\n");
    assert!(findings(DocKind::Product, &src).is_empty());
}

#[test]
fn organisation_schema_errors_point_into_the_document() {
    let text = r#"{"description": "Products carry a cost centre tag cc-NNNN.", "required": ["tags"],
            "properties": {"tags": {"contains": {"pattern": "^cc-[0-9]{4}$"}}}}"#;
    let org = vec![compile_org(DocKind::Product, "schemas/org.json", text).unwrap()];
    let doc = crate::source::yaml::parse(&format!("{PRODUCT}tags: [sales, orders]\n")).unwrap();
    let (ds, _) = check_doc(DocKind::Product, "p.yaml", &doc, &org);
    assert_eq!(ds.len(), 1, "{ds:#?}");
    let d = &ds[0];
    assert_eq!(
        (d.rule.as_str(), d.severity, d.line, d.column),
        ("schema.org", Severity::Error, 4, 7)
    );
    assert!(d.message.contains("schemas/org.json"), "{}", d.message);
    assert!(
        d.hint
            .as_deref()
            .unwrap()
            .starts_with("Products carry a cost centre tag"),
        "{d:?}"
    );
    // Contract schemas do not apply to products.
    let doc = crate::source::yaml::parse(CONTRACT).unwrap();
    assert!(check_doc(DocKind::Contract, "c.yaml", &doc, &org).0.is_empty());
}

#[test]
fn broken_organisation_schemas_are_findings_in_the_schema_file() {
    let d = compile_org(DocKind::Product, "s.json", "{\n  \"type\": \"object\",\n")
        .err()
        .unwrap();
    assert_eq!(
        (d.rule.as_str(), d.file.as_str(), d.line),
        ("schema.invalid", "s.json", 3)
    );
    let d = compile_org(DocKind::Product, "s.json", "{\n  \"type\": \"strin\"\n}\n")
        .err()
        .unwrap();
    assert_eq!((d.line, d.column), (2, 11));
    let d = compile_org(DocKind::Product, "s.json", r#"{"$ref": "https://example.com/s.json"}"#)
        .err()
        .unwrap();
    assert!(d.message.contains("offline"), "{}", d.message);
}

#[test]
fn paths_outside_the_root_are_refused() {
    let root = &crate::source::MemTree::default();
    assert_eq!(inside_root(root, "schemas/a.json").as_deref(), Ok("schemas/a.json"));
    assert_eq!(inside_root(root, "./schemas/a.json").as_deref(), Ok("schemas/a.json"));
    for bad in ["../a.json", "schemas/../../a.json", "/etc/a.json", ""] {
        assert!(inside_root(root, bad).is_err(), "{bad}");
    }
    let toml = "title = \"x\"\n[schemas]\nproduct = [\"../a.json\"]\n";
    assert_eq!(locate(toml, "../a.json"), Pos::new(3, 13));
}

#[test]
fn typed_view_duplicates_are_dropped_and_others_kept() {
    let src = format!("{CONTRACT}schema:\n  - name: t\n    properties:\n      - name: a\n        required: \"yes\"\n");
    let doc = crate::source::yaml::parse(&src).unwrap();
    let (ds, covered) = check_doc(DocKind::Contract, "c.yaml", &doc, &[]);
    let report = Report {
        covered: covered.into_iter().collect(),
    };
    let at = |line, column| RuleId::DescriptorType.at("c.yaml", Pos::new(line, column), "wrong type");
    let mut diags = Diagnostics::new();
    diags.extend(ds);
    diags.push(at(10, 19));
    diags.push(at(2, 7));
    report.drop_shadowed_type_errors(&mut diags);
    let rules: Vec<(&str, u32)> = diags.iter().map(|d| (d.rule.as_str(), d.line)).collect();
    assert_eq!(rules, [("descriptor.schema", 10), ("descriptor.type", 2)]);
}

#[test]
fn helpers() {
    assert_eq!(ancestors("/a/0/b").collect::<Vec<_>>(), ["/a/0/b", "/a/0", "/a", ""]);
    assert_eq!(key_name("/tags/1"), "tags[1]");
    assert_eq!(key_name("/a~1b"), "a/b");
    let any = TypeKind::Multiple(
        JsonType::Null | JsonType::Boolean | JsonType::Integer | JsonType::Number | JsonType::String,
    );
    assert_eq!(expected(&any), "text, a number, true or false or empty");
    assert_eq!(expected(&TypeKind::Single(JsonType::Integer)), "a whole number");
    assert_eq!(
        closest("ContractID", ["contractId", "version"].into_iter()),
        Some("contractId")
    );
    assert_eq!(closest("zzz", ["contractId", "version"].into_iter()), None);
    let node = keyword_parent(&ODCS.schema, "/properties/schema/items/$ref/properties/name/type").unwrap();
    assert_eq!(node["type"], "string");
}
