//! Git metadata, read in-process. Everything that touches the git library sits behind this
//! module so the library can be swapped (or faked in tests) without touching the pipeline.

pub mod history;
pub mod revision;
