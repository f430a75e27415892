//! The commands. Each stage of the pipeline is called from here; `main.rs` only parses
//! arguments.

pub mod build;
pub mod check;
pub mod convert;
pub mod diff;
pub mod init;
pub mod serve;

/// Exit status: clean (warnings allowed).
pub const EXIT_OK: i32 = 0;
/// Exit status: error-level findings in the mesh.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit status: bad usage or a failure of the tool itself.
pub const EXIT_FAILURE: i32 = 2;

pub use crate::site::{human_report, load, load_from, read_git, Loaded};
