//! ODCS service levels and quality rules in words: "refreshed every 15 min · kept 25 months",
//! "Completeness: null values in sku must be 0". Each value as written in the contract stays
//! on the page (the SLA table's "Declared as" column, the rule's own terms), so nothing a
//! reader might search for is lost to the rewording.

use super::values::{esc, scalar_text};
use super::views::{QualityRule, SlaRow};
use serde_json::Value;
use std::fmt::Write;

/// The contract's service levels in one line, most useful first as declared.
pub fn sla_summary(props: &[Value]) -> String {
    props.iter().filter_map(sla_phrase).collect::<Vec<_>>().join(" · ")
}

pub fn sla_rows(props: &[Value]) -> Vec<SlaRow> {
    props.iter().map(sla_row).collect()
}

fn sla_row(p: &Value) -> SlaRow {
    let text = |k: &str| p.get(k).filter(|v| !v.is_null()).map(scalar_text).unwrap_or_default();
    let property = text("property");
    let declared = [text("value"), text("valueExt"), text("unit")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut notes = [text("description"), text("driver").replace(char::is_whitespace, " ")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>();
    if let Some(d) = notes.get_mut(1) {
        *d = format!("driver: {d}");
    }
    SlaRow {
        extra_html: other_keys_html(p, |k| SLA_KEYS.contains(&k)),
        label: sentence_case(&sla_label(&property)),
        commitment: sla_phrase(p).unwrap_or_else(|| declared.clone()),
        element: text("element"),
        declared: format!("{property} {declared}").trim().to_string(),
        notes: notes.join(" · "),
    }
}

/// Keys of an SLA property its row already says.
const SLA_KEYS: &[&str] = &[
    "property",
    "value",
    "valueExt",
    "unit",
    "element",
    "description",
    "driver",
];

fn sla_label(property: &str) -> String {
    match property.to_ascii_lowercase().as_str() {
        "frequency" => "refresh".into(),
        "latency" => "latency".into(),
        "retention" => "retention".into(),
        "availability" => "availability".into(),
        "generalavailability" => "generally available".into(),
        "timeofavailability" => "time of availability".into(),
        "endofsupport" => "end of support".into(),
        "endoflife" => "end of life".into(),
        "throughput" => "throughput".into(),
        "errorrate" => "error rate".into(),
        _ => words(property),
    }
}

/// The commitment of one SLA property in words ("refreshed every 15 min"); `None` without a
/// value.
fn sla_phrase(p: &Value) -> Option<String> {
    let value = p.get("value").filter(|v| !v.is_null()).map(scalar_text)?;
    let unit = p.get("unit").map(scalar_text).unwrap_or_default();
    let amount = quantity(&value, &unit);
    let property = p.get("property").map(scalar_text).unwrap_or_default();
    Some(match property.to_ascii_lowercase().as_str() {
        "frequency" => format!("refreshed every {amount}"),
        "latency" => format!("available within {amount}"),
        "retention" => format!("kept {amount}"),
        "availability" => format!("{amount} available"),
        "generalavailability" => format!("generally available since {}", date(&value)),
        "timeofavailability" => format!("ready by {value}"),
        "endofsupport" => format!("supported until {}", date(&value)),
        "endoflife" => format!("retired on {}", date(&value)),
        _ => format!("{} {amount}", words(&property)),
    })
}

/// "15 min", "25 months", "99.5 %": ODCS's short units as a reader writes them.
fn quantity(value: &str, unit: &str) -> String {
    let one = value == "1";
    let word = match unit.to_ascii_lowercase().as_str() {
        "" => return value.to_string(),
        "percent" | "%" => return format!("{value} %"),
        "s" | "sec" | "second" | "seconds" => "s",
        "m" | "min" | "minute" | "minutes" => "min",
        "h" | "hr" | "hour" | "hours" => "hour",
        "d" | "day" | "days" => "day",
        "w" | "wk" | "week" | "weeks" => "week",
        "mo" | "month" | "months" => "month",
        "y" | "yr" | "year" | "years" => "year",
        _ => return format!("{value} {unit}"),
    };
    match word {
        "s" | "min" => format!("{value} {word}"),
        _ if one => format!("1 {word}"),
        _ => format!("{value} {word}s"),
    }
}

/// "1 Oct 2025" for an ISO date or date-time; anything else as written.
fn date(value: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let day = value.get(..10).and_then(|d| {
        let mut parts = d.split('-').map(|n| n.parse::<u32>().ok());
        let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
        let month = MONTHS.get(usize::try_from(m).ok()?.checked_sub(1)?)?;
        (value.as_bytes().get(4) == Some(&b'-') && (1..=31).contains(&d)).then(|| format!("{d} {month} {y}"))
    });
    day.unwrap_or_else(|| value.to_string())
}

/// The comparison keys of an ODCS quality rule, in words.
const THRESHOLDS: &[(&str, &str)] = &[
    ("mustBe", "must be"),
    ("mustNotBe", "must not be"),
    ("mustBeGreaterThan", "must be more than"),
    ("mustBeGreaterOrEqualTo", "must be at least"),
    ("mustBeGreaterThanOrEqualTo", "must be at least"),
    ("mustBeLessThan", "must be less than"),
    ("mustBeLessOrEqualTo", "must be at most"),
    ("mustBeLessThanOrEqualTo", "must be at most"),
    ("mustBeBetween", "must be between"),
    ("mustNotBeBetween", "must not be between"),
];

/// Keys a rule's line or its parts below already say.
const RULE_KEYS: &[&str] = &[
    "dimension",
    "metric",
    "rule",
    "type",
    "name",
    "arguments",
    "unit",
    "severity",
    "description",
    "query",
    "schedule",
    "scheduler",
    "businessImpact",
];

pub fn quality_rule(q: &Value) -> QualityRule {
    let text = |k: &str| q.get(k).filter(|v| !v.is_null()).map(scalar_text).unwrap_or_default();
    let mut line = String::new();
    let dimension = text("dimension");
    if !dimension.is_empty() {
        // Capitalised by CSS only: the value as written stays in the text, for search.
        let _ = write!(
            line,
            "<strong class=\"quality-dimension\">{}</strong>: ",
            esc(&dimension)
        );
    }
    line.push_str(&what_is_checked(q));
    if let Some(t) = threshold(q) {
        let _ = write!(line, " {}", esc(&t));
    }
    let declared: Vec<String> = ["type", "metric", "rule"]
        .iter()
        .map(|k| text(k))
        .filter(|t| !t.is_empty())
        .collect();
    if !declared.is_empty() && (q.get("metric").is_some() || q.get("rule").is_some()) {
        // The rule's terms as written, as the SLA table's "Declared as" keeps them.
        let _ = write!(line, " <code class=\"declared\">{}</code>", esc(&declared.join(" ")));
    }
    let schedule = text("schedule");
    if !schedule.is_empty() {
        let by = text("scheduler");
        let by = if by.is_empty() {
            String::new()
        } else {
            format!(" ({})", esc(&by))
        };
        let _ = write!(line, ", checked on <code>{}</code>{by}", esc(&schedule));
    }
    let impact = text("businessImpact");
    if !impact.is_empty() {
        let _ = write!(line, "; business impact: {}", esc(&impact));
    }
    let extra_html = other_keys_html(q, |k| RULE_KEYS.contains(&k) || THRESHOLDS.iter().any(|(t, _)| *t == k));
    QualityRule {
        line_html: line,
        severity: text("severity"),
        description_html: crate::markdown::render_inline(&text("description")),
        query: text("query"),
        extra_html,
    }
}

/// The keys of `record` its readable line does not say (`said`), shown as written.
fn other_keys_html(record: &Value, said: impl Fn(&str) -> bool) -> String {
    let Value::Object(map) = record else {
        return String::new();
    };
    let rest = map
        .iter()
        .filter(|(k, _)| !said(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    super::values::extra_html(&rest)
}

/// "null values in `sku`, `qty_on_hand`", "the SQL check `every_dc_reported`", "row count".
fn what_is_checked(q: &Value) -> String {
    let text = |k: &str| q.get(k).filter(|v| !v.is_null()).map(scalar_text).unwrap_or_default();
    let metric = [text("metric"), text("rule")].into_iter().find(|s| !s.is_empty());
    let mut out = match (metric, text("type").as_str(), text("name")) {
        (Some(m), _, name) if !name.is_empty() => format!("{} (<code>{}</code>)", esc(&words(&m)), esc(&name)),
        (Some(m), _, _) => esc(&words(&m)),
        (None, kind, name) if !name.is_empty() => {
            let kind = if kind.eq_ignore_ascii_case("sql") {
                "SQL check".to_string()
            } else {
                words(kind)
            };
            format!("the {} <code>{}</code>", esc(kind.trim()), esc(&name)).replace("the  ", "the ")
        }
        (None, kind, _) => esc(&words(if kind.is_empty() { "rule" } else { kind })),
    };
    let args = q.get("arguments");
    let columns: Vec<String> = match args.and_then(|a| a.get("properties").or_else(|| a.get("property"))) {
        Some(Value::Array(items)) => items.iter().map(scalar_text).collect(),
        Some(one) if !one.is_null() => vec![scalar_text(one)],
        _ => Vec::new(),
    };
    if !columns.is_empty() {
        let list: Vec<String> = columns.iter().map(|c| format!("<code>{}</code>", esc(c))).collect();
        let _ = write!(out, " in {}", list.join(", "));
    }
    if let Some(Value::Array(valid)) = args.and_then(|a| a.get("validValues")) {
        let list: Vec<String> = valid
            .iter()
            .map(|v| format!("<code>{}</code>", esc(&scalar_text(v))))
            .collect();
        let _ = write!(out, " (valid: {})", list.join(", "));
    }
    if let Some(Value::Object(rest)) = args {
        for (k, v) in rest
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "properties" | "property" | "validValues"))
        {
            let _ = write!(out, ", {} {}", esc(&words(k)), super::values::value_html(v));
        }
    }
    out
}

/// "must be more than 250000", "must be less than 0.1 percent"; a rule with several bounds
/// says each ("must be more than 1000 and must be at most 9000000").
fn threshold(q: &Value) -> Option<String> {
    let bounds: Vec<String> = THRESHOLDS
        .iter()
        .filter(|(k, _)| q.get(*k).is_some_and(|v| !v.is_null()))
        .map(|(key, phrase)| {
            let value = match &q[*key] {
                Value::Array(pair) => pair.iter().map(scalar_text).collect::<Vec<_>>().join(" and "),
                other => scalar_text(other),
            };
            format!("{phrase} {value}")
        })
        .collect();
    if bounds.is_empty() {
        return None;
    }
    let unit = q.get("unit").map(scalar_text).unwrap_or_default();
    Some(format!("{} {unit}", bounds.join(" and ")).trim().to_string())
}

/// "timeOfAvailability" → "time of availability"; "null_values" → "null values".
pub fn words(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.chars() {
        if c == '_' || c == '-' {
            out.push(' ');
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_lowercase());
    }
    out
}

fn sentence_case(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sla_reads_as_one_line_of_words() {
        let props = json!([
            {"property": "frequency", "value": 15, "unit": "m"},
            {"property": "retention", "value": 25, "unit": "mo"},
            {"property": "availability", "value": 99.5, "unit": "percent"},
            {"property": "generalAvailability", "value": "2025-10-01T00:00:00Z"},
            {"property": "latency", "value": 1, "unit": "d"},
            {"property": "timeOfAvailability", "value": "06:00 UTC"},
        ]);
        assert_eq!(
            sla_summary(props.as_array().unwrap()),
            "refreshed every 15 min · kept 25 months · 99.5 % available · \
             generally available since 1 Oct 2025 · available within 1 day · ready by 06:00 UTC"
        );
    }

    #[test]
    fn sla_rows_keep_the_declaration_as_written() {
        let row = sla_row(
            &json!({"property": "generalAvailability", "value": "2025-10-01T00:00:00Z",
            "element": "orders.created_at", "driver": "regulatory", "description": "Since launch"}),
        );
        assert_eq!(row.label, "Generally available");
        assert_eq!(row.commitment, "generally available since 1 Oct 2025");
        assert_eq!(row.declared, "generalAvailability 2025-10-01T00:00:00Z");
        assert_eq!(row.element, "orders.created_at");
        assert_eq!(row.notes, "Since launch · driver: regulatory");
        let odd = sla_row(&json!({"property": "coldStart", "value": "soon"}));
        assert_eq!(
            (odd.label.as_str(), odd.commitment.as_str()),
            ("Cold start", "cold start soon")
        );
        assert_eq!(date("not a date"), "not a date");
        assert_eq!(date("2025-13-01"), "2025-13-01");
    }

    #[test]
    fn quality_rules_read_as_one_line() {
        let nulls = quality_rule(&json!({"metric": "nullValues", "mustBe": 0,
            "arguments": {"properties": ["sku", "qty_on_hand"]}, "dimension": "completeness", "severity": "error"}));
        assert_eq!(
            nulls.line_html,
            "<strong class=\"quality-dimension\">completeness</strong>: null values in <code>sku</code>, \
             <code>qty_on_hand</code> must be 0 <code class=\"declared\">nullValues</code>"
        );
        assert_eq!(nulls.severity, "error");
        let sql = quality_rule(&json!({"type": "sql", "name": "unknown_sku_share", "query": "SELECT 1",
            "mustBeLessThan": 0.1, "unit": "percent", "dimension": "consistency", "owner": "x"}));
        assert_eq!(
            sql.line_html,
            "<strong class=\"quality-dimension\">consistency</strong>: the SQL check <code>unknown_sku_share</code> \
             must be less than 0.1 percent"
        );
        assert_eq!(sql.query, "SELECT 1");
        assert!(
            sql.extra_html.contains("owner"),
            "keys without a place stay: {}",
            sql.extra_html
        );
        let rows = quality_rule(&json!({"metric": "rowCount", "mustBeGreaterThan": 250000,
            "schedule": "0 6 * * *", "scheduler": "cron", "businessImpact": "regulatory"}));
        assert_eq!(
            rows.line_html,
            "row count must be more than 250000 <code class=\"declared\">rowCount</code>, \
             checked on <code>0 6 * * *</code> (cron); business impact: regulatory"
        );
        let valid = quality_rule(&json!({"metric": "invalidValues", "mustBe": 0,
            "arguments": {"property": "outcome", "validValues": ["on_time", "late"]}}));
        assert!(
            valid
                .line_html
                .contains("invalid values in <code>outcome</code> (valid: <code>on_time</code>, <code>late</code>)"),
            "{}",
            valid.line_html
        );
        let between = quality_rule(&json!({"metric": "rowCount", "mustBeBetween": [10, 20]}));
        assert_eq!(
            between.line_html,
            "row count must be between 10 and 20 <code class=\"declared\">rowCount</code>"
        );
        let library = quality_rule(&json!({"type": "library", "metric": "nullValues", "mustBe": 0}));
        assert!(library
            .line_html
            .ends_with("<code class=\"declared\">library nullValues</code>"));
    }

    #[test]
    fn every_bound_and_name_of_a_rule_and_every_key_of_an_sla_property_stay_visible() {
        let rule = quality_rule(&json!({"name": "weight_in_range", "metric": "rowCount",
            "mustBeGreaterThan": 1000, "mustBeLessOrEqualTo": 9000000}));
        assert!(
            rule.line_html.contains("<code>weight_in_range</code>"),
            "{}",
            rule.line_html
        );
        assert!(
            rule.line_html
                .contains("must be more than 1000 and must be at most 9000000"),
            "{}",
            rule.line_html
        );
        let row = &sla_rows(&[
            json!({"id": "sla-latency", "property": "latency", "value": 6, "unit": "h",
            "schedule": "15 * * * *", "authoritativeDefinitions": [{"type": "slaDocument", "url": "https://x.test/sla"}]}),
        ])[0];
        for shown in ["sla-latency", "15 * * * *", "slaDocument", "https://x.test/sla"] {
            assert!(row.extra_html.contains(shown), "{shown}: {}", row.extra_html);
        }
        assert!(
            !row.extra_html.contains(">latency<"),
            "the row already says the property: {}",
            row.extra_html
        );
    }

    #[test]
    fn words_split_camel_case_and_underscores() {
        assert_eq!(words("timeOfAvailability"), "time of availability");
        assert_eq!(words("null_values"), "null values");
        assert_eq!(words("dataGranularityDescription"), "data granularity description");
        assert_eq!(sentence_case("uniqueness"), "Uniqueness");
    }
}
