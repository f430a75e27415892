//! Raw serde types that mirror the files: Bitol ODPS (products), Bitol ODCS (contracts) and the
//! front matter of Markdown pages. Every struct keeps the keys it does not know in `extra`, so
//! nothing a team wrote is dropped: unknown keys are shown on the page.
//!
//! Scalars that YAML may type differently than the standard intends (a `version: 1.0` is a
//! float to YAML) are read leniently as text.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub type Extra = BTreeMap<String, Value>;

/// Reads a string, number or boolean as text.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a text value, found {}",
            kind_name(&other)
        ))),
    }
}

/// A list of strings, also accepting a single string.
fn text_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    let items = match v {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(single) => vec![single],
    };
    items
        .into_iter()
        .map(|i| match i {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(serde::de::Error::custom(format!(
                "expected text, found {}",
                kind_name(&other)
            ))),
        })
        .collect()
}

pub fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Description {
    #[serde(deserialize_with = "text")]
    pub purpose: Option<String>,
    #[serde(deserialize_with = "text")]
    pub usage: Option<String>,
    #[serde(deserialize_with = "text")]
    pub limitations: Option<String>,
    pub authoritative_definitions: Vec<Value>,
    pub custom_properties: Vec<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// ODCS 3.x allows `description` as plain text in places; ODPS always uses the object.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum DescriptionField {
    Text(String),
    Object(Description),
}

impl DescriptionField {
    pub fn into_description(self) -> Description {
        match self {
            DescriptionField::Text(t) => Description {
                purpose: Some(t),
                ..Default::default()
            },
            DescriptionField::Object(d) => d,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SupportChannel {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub channel: Option<String>,
    #[serde(deserialize_with = "text")]
    pub url: Option<String>,
    #[serde(deserialize_with = "text")]
    pub description: Option<String>,
    #[serde(deserialize_with = "text")]
    pub tool: Option<String>,
    #[serde(deserialize_with = "text")]
    pub scope: Option<String>,
    #[serde(deserialize_with = "text")]
    pub invitation_url: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Member {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub username: Option<String>,
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub description: Option<String>,
    #[serde(deserialize_with = "text")]
    pub role: Option<String>,
    #[serde(deserialize_with = "text")]
    pub email: Option<String>,
    #[serde(deserialize_with = "text")]
    pub date_in: Option<String>,
    #[serde(deserialize_with = "text")]
    pub date_out: Option<String>,
    #[serde(deserialize_with = "text")]
    pub replaced_by_username: Option<String>,
    #[serde(deserialize_with = "text_list")]
    pub tags: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TeamBlock {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub description: Option<String>,
    pub members: Vec<Member>,
    #[serde(deserialize_with = "text_list")]
    pub tags: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// ODCS 3.0 wrote `team` as a list of members; 3.1 and ODPS use an object.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum TeamField {
    Members(Vec<Member>),
    Block(TeamBlock),
}

impl TeamField {
    pub fn into_block(self) -> TeamBlock {
        match self {
            TeamField::Members(members) => TeamBlock {
                members,
                ..Default::default()
            },
            TeamField::Block(b) => b,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InputPort {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub version: Option<String>,
    #[serde(deserialize_with = "text")]
    pub contract_id: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InputContract {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub version: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OutputPort {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub description: Option<String>,
    #[serde(rename = "type", deserialize_with = "text")]
    pub port_type: Option<String>,
    #[serde(deserialize_with = "text")]
    pub version: Option<String>,
    #[serde(deserialize_with = "text")]
    pub contract_id: Option<String>,
    pub input_contracts: Vec<InputContract>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A Bitol ODPS data product.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Product {
    #[serde(deserialize_with = "text")]
    pub api_version: Option<String>,
    #[serde(deserialize_with = "text")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub version: Option<String>,
    #[serde(deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(deserialize_with = "text")]
    pub domain: Option<String>,
    #[serde(rename = "type", deserialize_with = "text")]
    pub product_type: Option<String>,
    #[serde(deserialize_with = "text")]
    pub tenant: Option<String>,
    pub description: Option<DescriptionField>,
    #[serde(deserialize_with = "text_list")]
    pub tags: Vec<String>,
    pub input_ports: Vec<InputPort>,
    pub output_ports: Vec<OutputPort>,
    pub support: Vec<SupportChannel>,
    pub team: Option<TeamField>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Product {
    /// The product's type: ODPS `type`, else a top-level `productType`, else the
    /// `productType` custom property (where ODPS descriptors put it in practice).
    pub fn product_type(&self) -> Option<String> {
        let set = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        let text = |v: &Value| v.as_str().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
        set(&self.product_type)
            .or_else(|| self.extra.get("productType").and_then(text))
            .or_else(|| {
                let custom = self.extra.get("customProperties")?.as_array()?;
                custom
                    .iter()
                    .find(|p| p.get("property").and_then(Value::as_str) == Some("productType"))
                    .and_then(|p| p.get("value"))
                    .and_then(text)
            })
    }
}

/// A property (column, field) of an ODCS schema object; nests through `properties` and `items`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Property {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub business_name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub logical_type: Option<String>,
    #[serde(deserialize_with = "text")]
    pub physical_type: Option<String>,
    #[serde(deserialize_with = "text")]
    pub physical_name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub description: Option<String>,
    pub required: Option<bool>,
    pub unique: Option<bool>,
    pub primary_key: Option<bool>,
    pub primary_key_position: Option<i64>,
    pub partitioned: Option<bool>,
    pub partition_key_position: Option<i64>,
    pub critical_data_element: Option<bool>,
    #[serde(deserialize_with = "text")]
    pub classification: Option<String>,
    #[serde(deserialize_with = "text_list")]
    pub tags: Vec<String>,
    #[serde(deserialize_with = "text_list")]
    pub transform_source_objects: Vec<String>,
    #[serde(deserialize_with = "text")]
    pub transform_logic: Option<String>,
    #[serde(deserialize_with = "text")]
    pub transform_description: Option<String>,
    pub examples: Vec<Value>,
    pub quality: Vec<Value>,
    pub properties: Vec<Property>,
    pub items: Option<Box<Property>>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Property {
    /// The property's name, else its physical name, else `(unnamed)`.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.physical_name.clone())
            .unwrap_or_else(|| "(unnamed)".into())
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SchemaObject {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub business_name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub logical_type: Option<String>,
    #[serde(deserialize_with = "text")]
    pub physical_type: Option<String>,
    #[serde(deserialize_with = "text")]
    pub physical_name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub description: Option<String>,
    #[serde(deserialize_with = "text_list")]
    pub tags: Vec<String>,
    pub properties: Vec<Property>,
    pub quality: Vec<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl SchemaObject {
    /// The object's name, else its physical name, else `object <n>` for the `index`-th object
    /// of its contract (from 0): how pages, search and lineage call an unnamed object.
    pub fn label(&self, index: usize) -> String {
        self.name
            .clone()
            .or_else(|| self.physical_name.clone())
            .unwrap_or_else(|| format!("object {}", index + 1))
    }
}

/// A Bitol ODCS data contract.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Contract {
    #[serde(deserialize_with = "text")]
    pub api_version: Option<String>,
    #[serde(deserialize_with = "text")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub version: Option<String>,
    #[serde(deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(deserialize_with = "text")]
    pub domain: Option<String>,
    #[serde(deserialize_with = "text")]
    pub data_product: Option<String>,
    #[serde(deserialize_with = "text")]
    pub tenant: Option<String>,
    pub description: Option<DescriptionField>,
    #[serde(deserialize_with = "text_list")]
    pub tags: Vec<String>,
    pub schema: Vec<SchemaObject>,
    pub servers: Vec<Value>,
    pub support: Option<Value>,
    pub team: Option<TeamField>,
    pub sla_properties: Vec<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Front matter of a Markdown page. Which keys matter depends on the section (domain, team,
/// guide, governance doc); the rest are kept and shown.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FrontMatter {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(deserialize_with = "text")]
    pub title: Option<String>,
    #[serde(deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "text")]
    pub description: Option<String>,
    #[serde(deserialize_with = "text")]
    pub owner: Option<String>,
    #[serde(deserialize_with = "text")]
    pub domain: Option<String>,
    #[serde(deserialize_with = "text")]
    pub email: Option<String>,
    pub chat: Option<Value>,
    #[serde(deserialize_with = "text")]
    pub oncall: Option<String>,
    pub contacts: Vec<SupportChannel>,
    pub members: Vec<Member>,
    pub weight: Option<i64>,
    #[serde(deserialize_with = "text")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(deserialize_with = "text")]
    pub date: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(yaml: &str) -> Product {
        serde_json::from_value(crate::source::yaml::parse(yaml).unwrap().value).unwrap()
    }

    #[test]
    fn product_type_falls_back_to_product_type_keys() {
        let custom = "customProperties:\n  - property: productType\n    value: sourceAligned\n";
        assert_eq!(product(custom).product_type().as_deref(), Some("sourceAligned"));
        let both = format!("type: consumerAligned\n{custom}");
        assert_eq!(product(&both).product_type().as_deref(), Some("consumerAligned"));
        assert_eq!(
            product("productType: aggregate\n").product_type().as_deref(),
            Some("aggregate")
        );
        assert_eq!(product("name: x\n").product_type(), None);
    }
}
