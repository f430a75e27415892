//! meshport: a static-site generator for a data mesh developer portal.
//!
//! The pipeline runs one way: `config` → `source` → `model` → `check` → `render` → `output`,
//! owned by `site` (which `build`, `check`, `serve` and `diff` all drive), with `cmd` and
//! `serve` on top and `diag` underneath everything.

pub mod diag;
pub mod slug;
pub mod config;
pub mod source;
pub mod model;
pub mod lineage;
pub mod git;
pub mod check;
pub mod markdown;
pub mod highlight;
pub mod render;
pub mod output;
pub mod site;
pub mod serve;
pub mod cmd;
pub mod diff;
