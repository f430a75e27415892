//! Shared machinery: the example site built once per test binary, the byte-counting server,
//! the browser session and the "skip unless required" policy.

pub mod browser;
pub mod server;

pub use browser::{Browser, Options, Tools};
pub use server::{Hit, Server};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The sub-path every test serves the site under, so root-absolute links would 404.
pub const PREFIX: &str = "/portal/";

/// Runs `test` in a fresh headless Chromium. Without Chromium the test fails, unless
/// `MESHPORT_SKIP_BROWSER=1` asks to leave the browser tests out: then it says so on the
/// terminal itself, past the test harness's output capture, and returns.
pub fn run(name: &str, options: Options, test: impl AsyncFnOnce(&Browser)) {
    let Some(tools) = tools_or_skip(name) else { return };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let browser = Browser::launch(&tools, options).await;
        test(&browser).await;
        browser.close().await;
    });
}

fn tools_or_skip(name: &str) -> Option<Tools> {
    if let Some(tools) = Tools::find() {
        return Some(tools);
    }
    let skip = std::env::var("MESHPORT_SKIP_BROWSER").is_ok_and(|v| v == "1");
    assert!(
        skip,
        "{name}: chromium or chromedriver is missing: install Debian's chromium and chromium-driver \
         (.ci/run does), or set MESHPORT_SKIP_BROWSER=1 to leave the browser tests out"
    );
    // Straight to the terminal: `eprintln!` would be captured and a skipped test shows `ok`.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {name}: MESHPORT_SKIP_BROWSER=1 and chromium or chromedriver is missing"
    );
    None
}

/// The bundled example mesh (`content/` at the repository root), built once with the real
/// CLI into cargo's per-target temporary directory.
pub fn example_site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-example-site");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        build_site(root, &out);
        out
    })
}

/// `meshport build --root <root> --output <out>`; panics with the CLI's output on failure.
/// Returns how long the build took and what it printed (with the search index's timing line).
pub fn build_site(root: &Path, out: &Path) -> (Duration, String) {
    let _ = std::fs::remove_dir_all(out);
    let start = Instant::now();
    let result = Command::new(env!("CARGO_BIN_EXE_meshport"))
        .env("MESHPORT_SEARCH_TIMINGS", "1")
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .output()
        .expect("run meshport build");
    let took = start.elapsed();
    assert!(
        result.status.success(),
        "meshport build --root {} failed:\n{}{}",
        root.display(),
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    (took, printed)
}

/// Waits until the server has answered everything the browser asked for.
pub async fn server_idle(server: &Server) {
    let idle = browser::wait_async(|| async move { (server.in_flight() == 0).then_some(()) }).await;
    assert!(
        idle.is_some(),
        "the server still had requests in flight after {:?}",
        browser::TIMEOUT
    );
}
