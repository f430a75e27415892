//! Service-level properties (ODCS `slaProperties`): which direction is better for each
//! property, values normalised across units (`4 d` vs `96 h`, `99.9%` vs `99.9 percent`), and
//! the verdict for one changed property. What cannot be compared is "changed (review)".

use super::kinds::{self, Kind};
use super::values::text;
use serde_json::Value;

/// Which way a property improves.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Better {
    Lower,
    Higher,
}

/// Known properties (lower-cased, without separators) and the direction they improve in.
/// Latency and frequency are intervals (a longer wait is worse); retention, availability
/// and throughput are amounts; support end dates are better later.
fn direction(property: &str) -> Option<Better> {
    let p: String = property
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    match p.as_str() {
        "latency" | "frequency" | "timetodetect" | "timetonotify" | "timetorepair" | "timetoresolve"
        | "timetorecover" | "errorrate" | "mttr" | "rpo" | "rto" => Some(Better::Lower),
        "retention" | "availability" | "throughput" | "endofsupport" | "endoflife" | "uptime" => Some(Better::Higher),
        _ => None,
    }
}

/// A value in comparable form.
#[derive(Debug, Clone, PartialEq)]
enum Quantity {
    /// A duration, in seconds.
    Seconds(f64),
    Percent(f64),
    /// A number with a unit we do not convert (compared only with the same unit).
    Plain(f64, String),
    /// A calendar date `YYYY-MM-DD` (from a date or date-time).
    Date(String),
}

fn seconds_per(unit: &str) -> Option<f64> {
    Some(match unit {
        "ms" | "millisecond" | "milliseconds" => 0.001,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86_400.0,
        "w" | "wk" | "week" | "weeks" => 7.0 * 86_400.0,
        "mo" | "mon" | "month" | "months" => 30.0 * 86_400.0,
        "y" | "yr" | "yrs" | "year" | "years" => 365.0 * 86_400.0,
        _ => return None,
    })
}

fn quantity(value: &Value, unit: Option<&str>) -> Option<Quantity> {
    let raw = text(Some(value))?;
    let unit = unit.map(|u| u.trim().to_ascii_lowercase()).unwrap_or_default();
    if raw.len() >= 10
        && raw.as_bytes()[4] == b'-'
        && raw.as_bytes()[7] == b'-'
        && raw[..4].chars().all(|c| c.is_ascii_digit())
    {
        return Some(Quantity::Date(raw[..10].to_string()));
    }
    let (number, percent_sign) = match raw.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (raw.as_str(), false),
    };
    let n: f64 = number.parse().ok()?;
    if percent_sign || unit == "%" || unit == "percent" {
        return Some(Quantity::Percent(n));
    }
    match seconds_per(&unit) {
        Some(factor) => Some(Quantity::Seconds(n * factor)),
        None => Some(Quantity::Plain(n, unit)),
    }
}

/// `Less` when `a` is smaller, `None` when the two cannot be compared.
fn order(a: &Quantity, b: &Quantity) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Quantity::Seconds(x), Quantity::Seconds(y)) | (Quantity::Percent(x), Quantity::Percent(y)) => x.partial_cmp(y),
        (Quantity::Plain(x, u), Quantity::Plain(y, v)) if u == v => x.partial_cmp(y),
        (Quantity::Date(x), Quantity::Date(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// The kind of a change of one SLA property from `base` to `head` (both `slaProperties` items).
pub fn classify(property: &str, base: &Value, head: &Value) -> &'static Kind {
    let q = |v: &Value| {
        v.get("value")
            .and_then(|x| quantity(x, v.get("unit").and_then(Value::as_str)))
    };
    let (Some(better), Some(b), Some(h)) = (direction(property), q(base), q(head)) else {
        return kinds::SLA_CHANGED;
    };
    match (order(&h, &b), better) {
        (None, _) => kinds::SLA_CHANGED,
        (Some(std::cmp::Ordering::Equal), _) => kinds::SLA_IMPROVED,
        (Some(std::cmp::Ordering::Greater), Better::Lower) | (Some(std::cmp::Ordering::Less), Better::Higher) => {
            kinds::SLA_WEAKENED
        }
        _ => kinds::SLA_IMPROVED,
    }
}

/// `4 d` style text of an SLA item's value and unit.
pub fn describe(item: &Value) -> String {
    let value = text(item.get("value")).unwrap_or_else(|| "?".into());
    match text(item.get("unit")) {
        Some(u) => format!("{value} {u}"),
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn k(property: &str, base: Value, head: Value) -> &'static str {
        classify(property, &base, &head).id
    }

    #[test]
    fn latency_up_is_weaker_across_units() {
        assert_eq!(
            k(
                "latency",
                json!({"value": 4, "unit": "h"}),
                json!({"value": 1, "unit": "d"})
            ),
            "sla.weakened"
        );
        assert_eq!(
            k(
                "latency",
                json!({"value": 1, "unit": "d"}),
                json!({"value": 4, "unit": "h"})
            ),
            "sla.improved"
        );
        assert_eq!(
            k(
                "latency",
                json!({"value": 1, "unit": "d"}),
                json!({"value": 24, "unit": "hours"})
            ),
            "sla.improved"
        );
        assert_eq!(
            k(
                "frequency",
                json!({"value": 1, "unit": "h"}),
                json!({"value": 2, "unit": "h"})
            ),
            "sla.weakened"
        );
    }

    #[test]
    fn availability_and_retention_down_are_weaker() {
        assert_eq!(
            k(
                "availability",
                json!({"value": "99.9%"}),
                json!({"value": 99.5, "unit": "percent"})
            ),
            "sla.weakened"
        );
        assert_eq!(
            k("availability", json!({"value": "99.5%"}), json!({"value": "99.9%"})),
            "sla.improved"
        );
        assert_eq!(
            k(
                "retention",
                json!({"value": 1, "unit": "y"}),
                json!({"value": 6, "unit": "months"})
            ),
            "sla.weakened"
        );
        assert_eq!(
            k(
                "endOfSupport",
                json!({"value": "2032-05-12T09:30:10-08:00"}),
                json!({"value": "2030-01-01"})
            ),
            "sla.weakened"
        );
    }

    #[test]
    fn what_cannot_be_compared_is_for_review() {
        // Unknown property, unknown unit pair, text values.
        assert_eq!(k("colour", json!({"value": 1}), json!({"value": 2})), "sla.changed");
        assert_eq!(
            k(
                "latency",
                json!({"value": 1, "unit": "fortnights"}),
                json!({"value": 2, "unit": "d"})
            ),
            "sla.changed"
        );
        assert_eq!(
            k("latency", json!({"value": "fast"}), json!({"value": "slow"})),
            "sla.changed"
        );
        assert_eq!(
            k(
                "throughput",
                json!({"value": 10, "unit": "rows/s"}),
                json!({"value": 5, "unit": "rows/s"})
            ),
            "sla.weakened"
        );
    }

    #[test]
    fn describe_value_and_unit() {
        assert_eq!(describe(&json!({"value": 4, "unit": "d"})), "4 d");
        assert_eq!(describe(&json!({"value": "99.9%"})), "99.9%");
    }
}
