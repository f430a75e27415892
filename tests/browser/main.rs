//! Browser tests: the built example mesh served on 127.0.0.1 under a sub-path by a
//! byte-counting server, driven in real headless Chromium (Debian's `chromium` through
//! `chromedriver`). Without Chromium each test says loudly that it skipped, unless
//! `MESHPORT_REQUIRE_BROWSER=1` (set by `.ci/run`), which turns a missing browser into a failure.
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
