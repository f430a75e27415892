//! `meshport serve`: a live preview. The mesh is loaded into memory (nothing is written, not
//! even a temporary folder), served over HTTP on 127.0.0.1 with pages rendered on request, and
//! reloaded on every change (unchanged files are not parsed again); open pages reload. A
//! rebuild with errors keeps the last good site and overlays the findings on every page until
//! they are fixed.
//!
//! Threads: the tokio runtime serves requests; the watcher's debouncer thread sends batches
//! of changed paths to one rebuild thread, which runs the blocking pipeline and swaps the
//! result into the shared snapshot.

mod http;
pub mod live;
pub mod overlay;
mod rebuild;
mod state;
pub mod watch;

pub use rebuild::{rebuild, Report};
pub use state::{Published, Served};

use crate::source::ReadCache;
use anyhow::{anyhow, Context};
use state::Shared;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch as signal_channel;

pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the portal in a browser once it is served.
    pub open: bool,
}

/// Serves until Ctrl-C (exit 0). Errors: the port is taken, the root is not a mesh.
pub fn run(opts: &Options) -> anyhow::Result<i32> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(serve(opts))?;
    // Dropping the runtime would wait for the rebuild thread's blocking work; the caller
    // exits the process right after this returns.
    runtime.shutdown_background();
    Ok(0)
}

async fn serve(opts: &Options) -> anyhow::Result<()> {
    let listener = bind(SocketAddr::new(opts.bind, opts.port)).await?;
    let local = listener.local_addr().context("reading the bound address")?;
    let url = browser_url(local);
    let root = opts
        .root
        .canonicalize()
        .with_context(|| format!("mesh root {} does not exist", opts.root.display()))?;
    // Watch before the first build, so a save during it still triggers a rebuild.
    let (tx, changes) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    let watcher = watch::Watcher::start(&root, tx)?;
    println!("building {} in memory", root.display());
    let cache = Arc::new(ReadCache::default());
    // Lineage layouts outlive each rebuild: an edit redraws only the diagrams it changed.
    let layouts = Arc::new(crate::lineage::LayoutCache::default());
    let first = {
        let (root, url, cache, layouts) = (root.clone(), url.clone(), cache.clone(), layouts.clone());
        tokio::task::spawn_blocking(move || rebuild(&root, &url, &cache, &layouts))
            .await
            .context("the first build panicked")??
    };
    let mut printed = String::new();
    rebuild::print(&first, &mut printed);
    let (stop_tx, stop_rx) = signal_channel::channel(false);
    let live = first.live.clone();
    let shared = Arc::new(Shared::new(first.result, stop_rx.clone()));
    index_when_ready(live.clone());
    let rebuilder = Rebuilder {
        root: root.clone(),
        url: url.clone(),
        changes,
        watcher,
        printed,
        cache,
        layouts,
        live,
    };
    rebuilder.spawn(shared.clone())?;
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {local}: the portal and every descriptor in it are reachable from the network"
        );
    }
    println!("Serving {url}");
    println!("watching {} for changes; press Ctrl-C to stop", root.display());
    if opts.open {
        open_browser(&url);
    }
    run_until_stopped(listener, shared, stop_tx, stop_rx).await
}

/// Binds, turning the usual failures into a message that says what to do.
async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        ErrorKind::AddrInUse => anyhow!(
            "cannot serve on {addr}: the address is already in use (another `meshport serve`?)\n\
             hint: pick another port with `--port <other>`, or `--port 0` for any free one"
        ),
        ErrorKind::PermissionDenied => {
            anyhow!("cannot serve on {addr}: permission denied\nhint: use a port above 1023 with `--port <other>`")
        }
        ErrorKind::AddrNotAvailable => {
            anyhow!("cannot serve on {addr}: not an address of this machine\nhint: `--bind 127.0.0.1` (the default)")
        }
        _ => anyhow!("cannot serve on {addr}: {e}\nhint: try another port with `--port <other>`"),
    })
}

/// The address a browser on this machine uses: a wildcard bind is reached via loopback.
fn browser_url(local: SocketAddr) -> String {
    let ip = match local.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, local.port()))
}

/// The rebuild thread: waits for batches of changes, folds together those that queued up
/// during the previous rebuild, rebuilds and publishes.
struct Rebuilder {
    root: PathBuf,
    url: String,
    changes: std::sync::mpsc::Receiver<Vec<PathBuf>>,
    watcher: watch::Watcher,
    /// The findings last printed, so unchanged ones are not repeated.
    printed: String,
    /// Parsed files of the previous rebuild, by path and text.
    cache: Arc<ReadCache>,
    layouts: Arc<crate::lineage::LayoutCache>,
    /// The site last published, whose search index serves until the next one is ready.
    live: Option<Arc<live::LiveSite>>,
}

impl Rebuilder {
    fn spawn(mut self, shared: Arc<Shared>) -> anyhow::Result<()> {
        std::thread::Builder::new()
            .name("meshport-rebuild".into())
            .spawn(move || {
                while let Ok(mut changed) = self.changes.recv() {
                    while let Ok(more) = self.changes.try_recv() {
                        changed.extend(more);
                    }
                    self.watcher.refresh(&changed);
                    // File names come from the repository: no escape sequence reaches the terminal.
                    println!(
                        "changed: {}",
                        crate::diag::escape_controls(&describe_changes(&self.root, &changed))
                    );
                    let started = Instant::now();
                    let report = rebuild(&self.root, &self.url, &self.cache, &self.layouts)
                        .unwrap_or_else(|e| rebuild::unreadable(&self.root, &e, started.elapsed()));
                    rebuild::print(&report, &mut self.printed);
                    if let (Some(new), Some(old)) = (&report.live, &self.live) {
                        new.inherit_search(old);
                    }
                    shared.publish(report.result);
                    if report.live.is_some() {
                        self.live = report.live.clone();
                    }
                    index_when_ready(report.live);
                }
            })
            .context("starting the rebuild thread")?;
        Ok(())
    }
}

/// Compiles the search index of a published site in the background. Until it is ready the
/// site answers with the previous index, so search keeps working, one save behind.
fn index_when_ready(live: Option<Arc<live::LiveSite>>) {
    let Some(live) = live else { return };
    live.index_in_background(move |took, result| match result {
        Ok(()) => println!("search index ready in {} ms", took.as_millis()),
        Err(e) => eprintln!("warning: the search index failed ({e:#}); search is not available in this preview"),
    });
}

fn describe_changes(root: &Path, changed: &[PathBuf]) -> String {
    let mut names: Vec<String> = changed.iter().map(|p| crate::diag::rel_path(root, p)).collect();
    names.sort();
    names.dedup();
    match names.len() {
        0..=3 => names.join(", "),
        n => format!("{} and {} more", names[..3].join(", "), n - 3),
    }
}

/// Serves until Ctrl-C (or SIGTERM), then ends the event streams and lets requests in
/// flight finish, for a bounded time.
async fn run_until_stopped(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    stop_tx: signal_channel::Sender<bool>,
    mut stop_rx: signal_channel::Receiver<bool>,
) -> anyhow::Result<()> {
    let app = http::router(shared);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stop_rx.wait_for(|stopping| *stopping).await;
    });
    let mut server = tokio::spawn(async move { server.await });
    tokio::select! {
        done = &mut server => return done.context("the server task failed")?.context("serving"),
        _ = stop_signal() => {}
    }
    println!("stopping");
    let _ = stop_tx.send(true);
    match tokio::time::timeout(Duration::from_secs(3), server).await {
        Ok(done) => done.context("the server task failed")?.context("serving"),
        Err(_) => Ok(()), // a client that does not hang up must not keep us running
    }
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Best effort: a missing opener prints the reason, never fails the command.
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("note: could not open a browser ({program}: {e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_binds_are_browsed_via_loopback() {
        assert_eq!(browser_url("0.0.0.0:1111".parse().unwrap()), "http://127.0.0.1:1111/");
        assert_eq!(browser_url("[::]:80".parse().unwrap()), "http://[::1]:80/");
        assert_eq!(browser_url("127.0.0.1:5".parse().unwrap()), "http://127.0.0.1:5/");
    }

    #[test]
    fn change_lists_stay_short() {
        let root = Path::new("/m");
        let paths: Vec<PathBuf> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|n| root.join("content").join(n))
            .collect();
        assert_eq!(describe_changes(root, &paths[..2]), "content/a, content/b");
        assert_eq!(
            describe_changes(root, &paths),
            "content/a, content/b, content/c and 2 more"
        );
    }
}
