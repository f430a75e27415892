//! meshport: a static-site generator for a data mesh developer portal.
//!
//! The pipeline runs one way: `config` → `source` → `model` → `check` → `render` → `output`,
//! owned by `site` (which `build`, `check`, `serve` and `diff` all drive), with `cmd` and
//! `serve` on top and `diag` underneath everything.

// A finding in the mesh is the error type of loading by design (`Result<_, Diagnostic>`), on cold
// paths: boxing each one to stay under clippy's 128-byte line would buy nothing.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod diff;
pub mod git;
pub mod highlight;
pub mod lineage;
pub mod markdown;
pub mod model;
pub mod observe;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;
pub mod slug;
pub mod source;
pub mod standards;
