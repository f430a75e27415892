//! JUnit XML, as datacontract-cli's `test`, pytest, Great Expectations and most test tools
//! write it, read as a stream of events: a `testsuite` named after a contract (or product) id,
//! or test cases whose `classname` names one. A case is failed by a `failure` child, errored by
//! `error`, skipped by `skipped`, passed otherwise.

use super::time::{parse, Secs};
use super::{Anchor, RawCheck, Status, Target};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::io::{BufRead, BufReader, Read};

/// Why a JUnit file could not be read, with the byte offset where that was found.
#[derive(Debug, PartialEq)]
pub struct XmlError {
    pub offset: u64,
    pub message: String,
}

/// The checks of one JUnit file and its newest suite timestamp; cases of suites without a
/// timestamp (and no `testsuites` timestamp) are counted in `undated`.
#[derive(Debug, Default)]
pub struct Report {
    pub checks: Vec<RawCheck>,
    pub at: Option<Secs>,
    pub undated: usize,
    pub is_junit: bool,
}

/// What the reader knows at the current point of the stream.
#[derive(Default)]
struct State {
    root_at: Option<Secs>,
    suite_name: Option<String>,
    suite_at: Option<Secs>,
    case: Option<RawCheck>,
    in_message: bool,
    depth: usize,
}

/// The longest failure message kept: a stack trace says little on a product page.
const MESSAGE_CHARS: usize = 400;

pub fn read(input: impl Read) -> Result<Report, XmlError> {
    let mut reader = Reader::from_reader(BufReader::new(input));
    let mut buf = Vec::new();
    let (mut state, mut report) = (State::default(), Report::default());
    loop {
        let offset = reader.buffer_position();
        let event = reader.read_event_into(&mut buf).map_err(|e| XmlError {
            offset: reader.error_position(),
            message: e.to_string(),
        })?;
        match event {
            Event::Start(e) => {
                state.depth += 1;
                start(&e, offset, &mut state, &mut report)?;
            }
            Event::Empty(e) => {
                start(&e, offset, &mut state, &mut report)?;
                end(e.local_name().as_ref(), &mut state, &mut report);
            }
            Event::End(e) => {
                state.depth = state.depth.saturating_sub(1);
                end(e.local_name().as_ref(), &mut state, &mut report);
            }
            Event::Text(t) if state.in_message => add_message(&mut state, &t.xml10_content()),
            Event::CData(t) if state.in_message => add_message(&mut state, &t.xml10_content()),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if state.depth > 0 || !report.is_junit {
        let message = if report.is_junit {
            "the XML ends inside an element"
        } else {
            "no <testsuites> or <testsuite> root"
        };
        return Err(XmlError {
            offset: reader.buffer_position(),
            message: message.into(),
        });
    }
    Ok(report)
}

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

fn start(e: &BytesStart, offset: u64, state: &mut State, report: &mut Report) -> Result<(), XmlError> {
    match e.local_name().as_ref() {
        "testsuites" => {
            report.is_junit = true;
            state.root_at = attr(e, "timestamp").as_deref().and_then(parse);
        }
        "testsuite" => {
            report.is_junit = true;
            state.suite_name = attr(e, "name");
            state.suite_at = attr(e, "timestamp").as_deref().and_then(parse).or(state.root_at);
        }
        "testcase" if report.is_junit => {
            let name = attr(e, "name").unwrap_or_default();
            let classname = attr(e, "classname").unwrap_or_default();
            let mut names: Vec<String> = state.suite_name.iter().cloned().collect();
            names.push(classname.clone());
            names.extend(classname.rsplit('.').next().map(str::to_string));
            names.retain(|n| !n.trim().is_empty());
            state.case = Some(RawCheck {
                target: Target::Named(names),
                column: None,
                name,
                kind: None,
                status: Status::Pass,
                message: None,
                value: attr(e, "time").map(|t| format!("{t} s")),
                at: state.suite_at.unwrap_or(0),
                anchor: Anchor::Offset(offset),
            });
        }
        outcome @ ("failure" | "error" | "skipped") => {
            if let Some(case) = &mut state.case {
                case.status = match outcome {
                    "failure" => Status::Fail,
                    "error" => Status::Error,
                    _ => Status::Skip,
                };
                case.message = attr(e, "message").filter(|m| !m.trim().is_empty());
                state.in_message = case.message.is_none();
            }
        }
        _ => {}
    }
    Ok(())
}

fn end(name: &str, state: &mut State, report: &mut Report) {
    match name {
        "testcase" => {
            if let Some(case) = state.case.take() {
                if state.suite_at.is_some() {
                    report.at = report.at.max(state.suite_at);
                    report.checks.push(case);
                } else {
                    report.undated += 1;
                }
            }
        }
        "failure" | "error" | "skipped" => state.in_message = false,
        "testsuite" => {
            state.suite_name = None;
            state.suite_at = None;
        }
        _ => {}
    }
}

fn add_message(state: &mut State, text: &str) {
    if let Some(case) = &mut state.case {
        let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
        if case.message.is_none() && !line.is_empty() {
            case.message = Some(line.chars().take(MESSAGE_CHARS).collect());
        }
    }
}

/// The 1-based line of byte `offset` in `input`, counted as the bytes stream past.
pub fn line_at(input: impl Read, offset: u64) -> u32 {
    let mut reader = BufReader::new(input.take(offset));
    let mut line = 1u32;
    while let Ok(chunk) = reader.fill_buf() {
        if chunk.is_empty() {
            break;
        }
        line = line.saturating_add(chunk.iter().filter(|b| **b == b'\n').count() as u32);
        let n = chunk.len();
        reader.consume(n);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUITE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="orders-contract" timestamp="2026-12-01T06:00:00" tests="3">
    <testcase classname="checks" name="row_count" time="0.2"/>
    <testcase classname="checks" name="no_negative_totals">
      <failure message="12 rows with total &lt; 0">stack</failure>
    </testcase>
    <testcase classname="checks" name="slow"><skipped/></testcase>
    <testcase classname="checks" name="broken"><error><![CDATA[
      connection refused
    ]]></error></testcase>
  </testsuite>
</testsuites>"#;

    #[test]
    fn reads_cases_with_their_outcome_and_suite_time() {
        let report = read(SUITE.as_bytes()).unwrap();
        let got: Vec<(&str, Status, Option<&str>)> = report
            .checks
            .iter()
            .map(|c| (c.name.as_str(), c.status, c.message.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("row_count", Status::Pass, None),
                ("no_negative_totals", Status::Fail, Some("12 rows with total < 0")),
                ("slow", Status::Skip, None),
                ("broken", Status::Error, Some("connection refused")),
            ]
        );
        assert_eq!(report.at, parse("2026-12-01T06:00:00Z"));
        assert!(matches!(&report.checks[0].target, Target::Named(n) if n[0] == "orders-contract"));
        let Anchor::Offset(o) = report.checks[1].anchor else {
            panic!()
        };
        assert_eq!(line_at(SUITE.as_bytes(), o), 5);
    }

    #[test]
    fn broken_and_foreign_xml_are_errors_with_a_position() {
        let broken = "<testsuite name=\"a\" timestamp=\"2026-12-01T06:00:00\">\n<testcase name=\"x\">\n</testsuite>";
        let err = read(broken.as_bytes()).unwrap_err();
        assert_eq!(line_at(broken.as_bytes(), err.offset), 3, "{err:?}");
        assert!(read("<html><body/></html>".as_bytes()).is_err());
        assert!(read("<testsuite>".as_bytes()).is_err());
    }

    #[test]
    fn undated_suites_are_counted_not_shown() {
        let report = read(r#"<testsuite name="a"><testcase name="x"/></testsuite>"#.as_bytes()).unwrap();
        assert_eq!((report.checks.len(), report.undated), (0, 1));
    }
}
