use super::*;
use crate::diag::Pos;
use crate::source::yaml;
use serde_json::json;

fn translated(text: &str) -> (YamlDoc, Legacy) {
    translate("c.yaml", yaml::parse(text).unwrap()).unwrap_or_else(|_| panic!("not an older format"))
}

const DCS: &str = "\
dataContractSpecification: 0.9.3
id: stock
info:
  title: Stock
  version: 1.0
  owner: inventory
models:
  levels:
    fields:
      article:
        $ref: '#/definitions/article'
        primary: true
      warehouse:
        type: varchar
        description: Code.
        minLength: 3
        pii: true
definitions:
  article:
    type: string
    description: From the definition.
    format: uuid
servers:
  notebooks:
    type: dataframe
  db:
    type: postgres
    host: db
    port: 5432
    database: d
    schema: s
    topic: stray
servicelevels:
  freshness:
    threshold: 25h
    timestampField: levels.loaded_at
";

#[test]
fn dcs_values_land_in_their_odcs_places() {
    let (doc, legacy) = translated(DCS);
    assert_eq!(legacy.format, Format::DataContract);
    assert_eq!(legacy.version, "0.9.3");
    let v = &doc.value;
    assert_eq!(v["apiVersion"], "v3.1.0");
    assert_eq!(v["version"], "1.0", "a YAML number is the contract's version as text");
    assert_eq!(v["team"]["name"], "inventory");
    let article = &v["schema"][0]["properties"][0];
    assert_eq!(article["name"], "article");
    assert_eq!(article["primaryKey"], true, "0.9 `primary`");
    assert_eq!(article["description"], "From the definition.");
    assert_eq!(article["logicalTypeOptions"]["format"], "uuid");
    let warehouse = &v["schema"][0]["properties"][1];
    assert_eq!(
        (&warehouse["logicalType"], &warehouse["physicalType"]),
        (&json!("string"), &json!("varchar"))
    );
    assert_eq!(warehouse["logicalTypeOptions"]["minLength"], 3);
    assert_eq!(
        warehouse["customProperties"],
        json!([{"property": "pii", "value": true}])
    );
    let sla = &v["slaProperties"][0];
    assert_eq!(
        (&sla["property"], &sla["value"], &sla["element"]),
        (&json!("freshness"), &json!("25h"), &json!("levels.loaded_at"))
    );
    assert!(legacy.findings.is_empty(), "{:?}", legacy.findings);
}

#[test]
fn servers_keep_only_the_keys_of_their_odcs_type() {
    let (doc, _) = translated(DCS);
    let servers = &doc.value["servers"];
    assert_eq!(servers[0]["type"], "custom", "dataframe is no ODCS server type");
    assert_eq!(
        servers[0]["customProperties"],
        json!([{"property": "type", "value": "dataframe"}])
    );
    assert_eq!(servers[1]["port"], 5432);
    assert_eq!(
        servers[1]["customProperties"],
        json!([{"property": "topic", "value": "stray"}])
    );
}

#[test]
fn translated_values_keep_the_positions_of_the_file_as_written() {
    let (doc, legacy) = translated(DCS);
    let original = &legacy.original;
    assert_eq!(doc.pos("/name"), original.pos("/info/title"));
    assert_eq!(doc.pos("/schema/0/properties/1/description"), Pos::new(15, 22));
    assert_eq!(
        doc.pos("/schema/0/properties/0/description"),
        original.pos("/definitions/article/description"),
        "a value from a definition points at the definition"
    );
    assert_eq!(
        doc.key_pos("/servers/1/customProperties/0/value"),
        original.key_pos("/servers/db/topic")
    );
}

#[test]
fn a_definition_that_contains_itself_is_reported_not_followed() {
    let text = "dataContractSpecification: 1.2.1\nid: loop\ninfo: {title: L, version: '1'}\nmodels:\n  m:\n    fields:\n      a:\n        $ref: '#/definitions/node'\ndefinitions:\n  node:\n    type: object\n    fields:\n      child:\n        $ref: '#/definitions/node'\n";
    let (doc, legacy) = translated(text);
    let rules: Vec<&str> = legacy.findings.iter().map(|d| d.rule.as_str()).collect();
    assert_eq!(rules, ["descriptor.ref-unresolved"]);
    assert_eq!(legacy.findings[0].line, 14);
    assert_eq!(
        doc.value["schema"][0]["properties"][0]["properties"][0]["name"],
        "child"
    );
}

#[test]
fn dps_ports_keep_their_contract_and_source_system() {
    let text = "dataProductSpecification: 0.0.1\nid: p\ninfo:\n  title: P\n  owner: t\n  archetype: aggregate\ninputPorts:\n  - id: in\n    name: In\n    sourceSystemId: erp\noutputPorts:\n  - id: out\n    dataContractId: c\n    containsPii: true\n";
    let (doc, legacy) = translated(text);
    assert_eq!(legacy.format, Format::DataProduct);
    let v = &doc.value;
    assert_eq!(
        (&v["apiVersion"], &v["kind"]),
        (&json!("v1.1.0"), &json!("DataProduct"))
    );
    assert_eq!(
        v["inputPorts"][0]["customProperties"][0],
        json!({"property": "sourceSystemId", "value": "erp"})
    );
    assert_eq!(v["outputPorts"][0]["contractId"], "c");
    assert_eq!(v["outputPorts"][0]["name"], "out", "the id names a port without a name");
    assert_eq!(
        v["outputPorts"][0]["customProperties"][0],
        json!({"property": "containsPii", "value": true})
    );
    let product: crate::model::raw::Product = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(product.product_type().as_deref(), Some("aggregate"));
}

#[test]
fn files_with_a_kind_or_no_older_key_are_given_back() {
    for text in [
        "apiVersion: v3.1.0\nkind: DataContract\nid: x\n",
        "id: x\n",
        "kind: DataProduct\ndataProductSpecification: 0.0.1\n",
    ] {
        assert!(translate("f.yaml", yaml::parse(text).unwrap()).is_err(), "{text}");
    }
}

mod props {
    use super::super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    /// Keys of both specifications, so generated documents reach every branch.
    const KEYS: &[&str] = &[
        "dataContractSpecification",
        "dataProductSpecification",
        "id",
        "info",
        "title",
        "version",
        "owner",
        "contact",
        "servers",
        "type",
        "models",
        "fields",
        "items",
        "$ref",
        "definitions",
        "quality",
        "servicelevels",
        "freshness",
        "terms",
        "primaryKey",
        "primary",
        "links",
        "tags",
        "examples",
        "example",
        "inputPorts",
        "outputPorts",
        "sourceSystemId",
        "dataContractId",
        "custom",
        "roles",
        "name",
        "specification",
        "minLength",
        "format",
        "references",
        "x-a",
    ];

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|i| json!(i)),
            "(#/definitions/[a-z]{0,3}|https://x|[a-z]{0,4}|string|object|s3|1.1.0)".prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any document with an older format's key translates without panicking, into a
        /// value the typed model reads.
        #[test]
        fn translation_never_panics(body in value(), product in any::<bool>()) {
            let mut root = match body { Value::Object(m) => m, other => [("info".to_string(), other)].into_iter().collect() };
            let key = if product { "dataProductSpecification" } else { "dataContractSpecification" };
            root.insert(key.to_string(), json!("1.1.0"));
            let mut doc = YamlDoc::default();
            doc.value = Value::Object(root);
            let (translated, _) = translate("f.yaml", doc).unwrap_or_else(|_| panic!("not translated"));
            if product {
                prop_assert!(serde_json::from_value::<crate::model::raw::Product>(translated.value).is_ok());
            } else {
                prop_assert!(serde_json::from_value::<crate::model::raw::Contract>(translated.value).is_ok());
            }
        }
    }
}
