//! Times as the artifacts write them, read into seconds since the Unix epoch (UTC), and shown
//! as absolute UTC times so the same artifacts always give the same page bytes.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// Seconds since 1970-01-01T00:00:00Z.
pub type Secs = i64;

/// An RFC 3339 time (`2026-12-01T06:00:00Z`, `…+01:00`, fractions of a second) or a time
/// without offset, taken as UTC (JUnit's `timestamp`, dbt's older `max_loaded_at`). A space may
/// stand for the `T`. `None` for anything else.
pub fn parse(text: &str) -> Option<Secs> {
    let text = text.trim();
    let normal = match text.as_bytes().get(10) {
        Some(b' ') => format!("{}T{}", &text[..10], &text[11..]),
        _ => text.to_string(),
    };
    if let Ok(t) = normal.parse::<Timestamp>() {
        return Some(t.as_second());
    }
    let civil = normal.parse::<DateTime>().ok()?;
    Some(civil.to_zoned(TimeZone::UTC).ok()?.timestamp().as_second())
}

/// The time as a reader writes it, `1 Dec 2026 06:00 UTC`.
pub fn show(secs: Secs) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let Ok(t) = Timestamp::from_second(secs) else {
        return secs.to_string();
    };
    let d = TimeZone::UTC.to_datetime(t);
    let month = MONTHS[(d.month() as usize).clamp(1, 12) - 1];
    format!("{} {month} {} {:02}:{:02} UTC", d.day(), d.year(), d.hour(), d.minute())
}

/// The time in RFC 3339, for `datetime` attributes and the JSON API.
pub fn iso(secs: Secs) -> String {
    Timestamp::from_second(secs).map(|t| t.to_string()).unwrap_or_default()
}

/// A duration in the largest whole unit that fits, `6 h`, `2 days 3 h`, `45 min`.
pub fn span(secs: Secs) -> String {
    let secs = secs.max(0);
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, 0, _) => "1 day".to_string(),
        (d, 0, _) => format!("{d} days"),
        (1, h, _) => format!("1 day {h} h"),
        (d, h, _) => format!("{d} days {h} h"),
    }
}

/// An ODCS SLA amount (`value` + `unit`, e.g. `1` `h`, `15` `m`, `2` `d`) in seconds; `None`
/// for a unit that is not a duration.
pub fn sla_seconds(value: f64, unit: &str) -> Option<Secs> {
    let per = match unit.trim().to_ascii_lowercase().as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86_400.0,
        "w" | "wk" | "week" | "weeks" => 604_800.0,
        "mo" | "month" | "months" => 2_592_000.0,
        "y" | "yr" | "year" | "years" => 31_536_000.0,
        _ => return None,
    };
    (value.is_finite() && value >= 0.0).then(|| (value * per).round() as Secs)
}

/// `SOURCE_DATE_EPOCH` (reproducible builds' "now"), when set to whole seconds.
pub fn source_date_epoch() -> Option<Secs> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_times_artifacts_write() {
        let six = parse("2026-12-01T06:00:00Z").unwrap();
        for t in [
            "2026-12-01T06:00:00+00:00",
            "2026-12-01T07:00:00+01:00",
            "2026-12-01T06:00:00.123456Z",
            "2026-12-01T06:00:00",
            "2026-12-01 06:00:00",
            "2026-12-01T06:00:00.5",
        ] {
            assert_eq!(parse(t), Some(six), "{t}");
        }
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn shows_absolute_utc_times_and_spans() {
        assert_eq!(show(parse("2026-12-01T06:00:00Z").unwrap()), "1 Dec 2026 06:00 UTC");
        assert_eq!(span(6 * 3600), "6 h");
        assert_eq!(span(90 * 60), "1 h 30 min");
        assert_eq!(span(3 * 86_400 + 7200), "3 days 2 h");
        assert_eq!(sla_seconds(1.0, "h"), Some(3600));
        assert_eq!(sla_seconds(15.0, "m"), Some(900));
        assert_eq!(sla_seconds(99.0, "percent"), None);
    }
}
