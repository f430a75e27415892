//! Browser tests: the built example mesh served on 127.0.0.1 under a sub-path by a
//! byte-counting server, driven in real headless Chromium (Debian's `chromium` through
//! `chromedriver`). Without Chromium each test fails, unless `MESHPORT_SKIP_BROWSER=1`: then
//! each says on the terminal (not in captured output) that it skipped.
//!
//! Run: `cargo test --test browser`. The search benchmark at 10,000 products is ignored by
//! default; see `bench.rs` for its command.

mod axe;
mod bench;
mod bench_mesh;
mod harness;
mod pages;
mod screenshots;
mod search;
