//! `meshport serve`: the real binary on a free port, driven over plain HTTP/1.1 (a tiny
//! client over `TcpStream`, no extra dependency): pages, live edits, the reload event,
//! the findings overlay, recovery, binding, a busy port, Ctrl-C, and no writes to the mesh.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

const PRODUCT: &str = "/products/sales-orders.html";
const DESCRIPTOR: &str = "content/products/orders.odps.yaml";
const PURPOSE: &str = "Every confirmed customer order, one row per order line.";
const OVERLAY: &str = "id=\"meshport-overlay\"";

/// A running `meshport serve`; killed when dropped, so a failing test never leaks it.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`, from the `Serving http://…/` line.
    addr: String,
    out: Arc<Mutex<String>>,
    err: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_serve(root: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_meshport"))
        .args(["serve", "--root", root.to_str().unwrap()])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start meshport serve")
}

/// Copies a pipe into a buffer on a thread; `on_line` sees each line.
fn drain(pipe: impl Read + Send + 'static, buf: Arc<Mutex<String>>, on_line: impl Fn(&str) + Send + 'static) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            on_line(&line);
            let mut b = buf.lock().unwrap();
            b.push_str(&line);
            b.push('\n');
        }
    });
}

/// `spawn_serve` with its address space (and its Rego workers') capped at 4 GiB, for tests
/// whose policies try to take all memory.
fn spawn_serve_limited(root: &Path) -> Child {
    Command::new("sh")
        .args([
            "-c",
            "ulimit -v 4194304 && exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_meshport"),
        ])
        .args(["serve", "--root", root.to_str().unwrap(), "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start meshport serve under sh")
}

impl Server {
    /// Starts `serve --port 0` and waits for the URL it prints.
    fn start(root: &Path) -> Server {
        Server::attach(spawn_serve(root, &["--port", "0"]))
    }

    /// Waits for the URL a started `serve` prints.
    fn attach(mut child: Child) -> Server {
        let (out, err) = (Arc::new(Mutex::new(String::new())), Arc::new(Mutex::new(String::new())));
        let (tx, rx) = mpsc::channel::<String>();
        drain(child.stdout.take().unwrap(), out.clone(), move |line| {
            if let Some(url) = line.strip_prefix("Serving ") {
                let _ = tx.send(url.trim().to_string());
            }
        });
        drain(child.stderr.take().unwrap(), err.clone(), |_| {});
        let url = rx.recv_timeout(Duration::from_secs(60));
        let mut server = Server {
            child,
            addr: String::new(),
            out,
            err,
        };
        let url = url.unwrap_or_else(|_| panic!("serve printed no `Serving` line within 60 s\n{}", server.log()));
        server.addr = url
            .strip_prefix("http://")
            .and_then(|u| u.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected URL `{url}`"))
            .to_string();
        server
    }

    fn log(&self) -> String {
        format!(
            "--- serve stdout ---\n{}--- serve stderr ---\n{}",
            self.out.lock().unwrap(),
            self.err.lock().unwrap()
        )
    }

    fn get(&self, path: &str) -> Response {
        http_get(&self.addr, path)
    }

    /// Polls `check` until it holds; panics with the server's log after `limit`.
    fn wait_until(&self, what: &str, limit: Duration, mut check: impl FnMut() -> bool) -> Duration {
        let start = Instant::now();
        while start.elapsed() < limit {
            if check() {
                return start.elapsed();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out after {limit:?} waiting until {what}\n{}", self.log());
    }
}

struct Response {
    status: u16,
    /// Header block, lower-cased.
    headers: String,
    body: String,
}

fn http_get(addr: &str, path: &str) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in response:\n{text}"));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    Response {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// The reload event stream, read on a thread into a buffer.
struct Events {
    text: Arc<Mutex<String>>,
    _stream: TcpStream,
}

impl Events {
    fn connect(addr: &str) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET /__meshport/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let text = Arc::new(Mutex::new(String::new()));
        let (mut reader, sink) = (stream.try_clone().unwrap(), text.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Events { text, _stream: stream }
    }

    fn count(&self, needle: &str) -> usize {
        self.text.lock().unwrap().matches(needle).count()
    }
}

fn replace_in(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} does not contain `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The file list of a directory, to show that serving wrote nothing into the mesh.
fn file_list(root: &Path) -> Vec<String> {
    read_tree(root).into_keys().collect()
}

/// `file:line:column` of the first error `meshport check` reports, and its rule.
fn first_error(root: &Path) -> (String, String) {
    let (_, report) = check_json(root);
    let errors = findings(&report, "error");
    let e = errors.first().expect("check reports an error");
    (format!("{}:{}:{}", e.file, e.line, e.column), e.rule.clone())
}

#[test]
fn serves_the_site_and_follows_edits_errors_and_fixes() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    let files_before = file_list(root);
    let server = Server::start(root);

    // Pages from memory, with the right types; unknown paths get the portal's 404 page.
    let home = server.get("/");
    assert_eq!(home.status, 200, "{}", server.log());
    assert!(home.headers.contains("content-type: text/html"), "{}", home.headers);
    assert!(
        home.body.contains("/__meshport/events"),
        "no reload script on the home page"
    );
    assert!(!home.body.contains(OVERLAY), "overlay shown on a clean build");
    let page = server.get(PRODUCT);
    assert_eq!(page.status, 200);
    assert!(visible_text(&page.body).contains(PURPOSE));
    let css = server.get("/static/style.css");
    assert_eq!(css.status, 200);
    assert!(css.headers.contains("content-type: text/css"), "{}", css.headers);
    let missing = server.get("/no/such/page.html");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("/__meshport/events"),
        "the 404 page is not live-reloaded"
    );

    // An edit is served within seconds, and open pages are told to reload.
    let events = Events::connect(&server.addr);
    server.wait_until("the event stream says hello", Duration::from_secs(5), || {
        events.count("event: hello") == 1
    });
    replace_in(root, DESCRIPTOR, PURPOSE, "Edited live while serving.");
    let took = server.wait_until("the edit is served", Duration::from_secs(5), || {
        visible_text(&server.get(PRODUCT).body).contains("Edited live while serving.")
    });
    println!("edit visible after {took:?}");
    server.wait_until("a reload event arrives", Duration::from_secs(2), || {
        events.count("event: reload") >= 1
    });

    // A broken descriptor: the findings overlay every page, the last good content stays.
    replace_in(root, DESCRIPTOR, "  usage: ", "  oops: [unclosed, list\n  usage: ");
    let (location, rule) = first_error(root);
    server.wait_until("the overlay appears", Duration::from_secs(5), || {
        server.get(PRODUCT).body.contains(OVERLAY)
    });
    let broken = server.get(PRODUCT);
    assert_eq!(broken.status, 200);
    assert!(
        broken.body.contains(&format!("<code>{location}</code>")),
        "overlay lacks `{location}`:\n{}",
        broken.body
    );
    assert!(
        broken.body.contains(&format!("error[{rule}]")),
        "overlay lacks the rule {rule}"
    );
    assert!(
        visible_text(&broken.body).contains("Edited live while serving."),
        "the last good page is not served"
    );
    for other in ["/", "/products/index.html", "/no/such/page.html"] {
        assert!(server.get(other).body.contains(&location), "no overlay on {other}");
    }
    assert!(
        server.get("/static/style.css").body.find(OVERLAY).is_none(),
        "overlay injected into CSS"
    );
    server.wait_until("a second reload event", Duration::from_secs(2), || {
        events.count("event: reload") >= 2
    });
    let log = server.log();
    assert!(
        log.contains(&location) && log.contains(&format!("error[{rule}]")),
        "terminal lacks the finding:\n{log}"
    );

    // Fixed: the overlay goes, the page is current again.
    replace_in(root, DESCRIPTOR, "  oops: [unclosed, list\n", "");
    server.wait_until("the overlay goes", Duration::from_secs(5), || {
        !server.get(PRODUCT).body.contains(OVERLAY)
    });
    assert!(visible_text(&server.get(PRODUCT).body).contains("Edited live while serving."));
    assert!(
        server.log().contains("rebuilt in "),
        "no rebuild time printed:\n{}",
        server.log()
    );

    drop(server);
    assert_eq!(file_list(root), files_before, "serve wrote into the mesh repository");
}

#[test]
fn a_first_build_with_errors_still_serves_the_findings_and_recovers() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    replace_in(root, DESCRIPTOR, "  usage: ", "  oops: [unclosed, list\n  usage: ");
    let (location, _) = first_error(root);
    let server = Server::start(root);
    let page = server.get(PRODUCT);
    assert_eq!(page.status, 503, "{}", server.log());
    assert!(
        page.body.contains(OVERLAY) && page.body.contains(&location),
        "no overlay before the first good build:\n{}",
        page.body
    );
    replace_in(root, DESCRIPTOR, "  oops: [unclosed, list\n", "");
    server.wait_until("the portal appears", Duration::from_secs(5), || {
        server.get(PRODUCT).status == 200
    });
    let page = server.get(PRODUCT);
    assert!(!page.body.contains(OVERLAY) && visible_text(&page.body).contains(PURPOSE));
}

#[test]
fn binds_loopback_only_by_default() {
    let mesh = copy_fixture("valid-basic");
    let server = Server::start(mesh.path());
    assert!(
        server.addr.starts_with("127.0.0.1:"),
        "default address is {}",
        server.addr
    );
    // A socket bound to 127.0.0.1 does not answer on other addresses (a 0.0.0.0 bind would).
    #[cfg(target_os = "linux")]
    {
        let port = server.addr.rsplit(':').next().unwrap();
        assert!(
            TcpStream::connect(format!("127.0.0.2:{port}")).is_err(),
            "serve answers beyond 127.0.0.1"
        );
    }
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let mesh = copy_fixture("valid-basic");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut child = spawn_serve(mesh.path(), &["--port", &port]);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("serve kept running on a busy port");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        stderr.contains(&format!("127.0.0.1:{port}")),
        "the error does not name the address:\n{stderr}"
    );
    assert!(stderr.contains("--port"), "no `--port` hint:\n{stderr}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_nothing_is_written() {
    let mesh = copy_fixture("valid-basic");
    let before = read_tree(mesh.path());
    let mut server = Server::start(mesh.path());
    assert_eq!(server.get("/").status, 200);
    let events = Events::connect(&server.addr); // an open stream must not hold up the stop
    server.wait_until("the event stream says hello", Duration::from_secs(5), || {
        events.count("event: hello") == 1
    });
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "serve did not stop on SIGINT\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{}", server.log());
    assert!(
        read_tree(mesh.path()) == before,
        "serve changed files in the mesh repository"
    );
}

#[test]
fn editor_temp_files_and_the_output_dir_do_not_trigger_rebuilds() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    let server = Server::start(root);
    std::fs::write(root.join("content/products/orders.odps.yaml~"), "backup").unwrap();
    std::fs::write(root.join("content/products/.orders.odps.yaml.swp"), "swap").unwrap();
    std::fs::write(root.join("content/products/4913"), "").unwrap();
    std::fs::create_dir_all(root.join("public")).unwrap();
    std::fs::write(root.join("public/index.html"), "built elsewhere").unwrap();
    std::fs::write(root.join("static-note.txt"), "outside the watched folders").unwrap();
    // A real change after the ignored ones: events arrive in order, so once its rebuild shows,
    // any rebuild the ignored files caused would have shown before it or named them with it.
    replace_in(root, "content/index.md", "Welcome to the", "Hello from the");
    server.wait_until("a real change rebuilds", Duration::from_secs(5), || {
        server.log().contains("changed: content/index.md")
    });
    let log = server.log();
    let rebuilds: Vec<&str> = log.lines().filter(|l| l.starts_with("changed:")).collect();
    assert_eq!(
        rebuilds,
        ["changed: content/index.md"],
        "a rebuild ran for ignored files:\n{log}"
    );
}

#[test]
fn root_files_are_served_at_the_site_root_and_followed() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    std::fs::create_dir_all(root.join("root/.well-known")).unwrap();
    std::fs::write(root.join("root/CNAME"), "portal.example.com\n").unwrap();
    std::fs::write(
        root.join("root/.well-known/security.txt"),
        "Contact: mailto:s@example.com\n",
    )
    .unwrap();
    let server = Server::start(root);
    assert_eq!(server.get("/CNAME").body, "portal.example.com\n", "{}", server.log());
    assert_eq!(server.get("/.well-known/security.txt").status, 200);
    std::fs::write(root.join("root/robots.txt"), "User-agent: *\n").unwrap();
    server.wait_until("a new root/ file is served", Duration::from_secs(10), || {
        server.get("/robots.txt").status == 200
    });
    assert_eq!(server.get("/robots.txt").body, "User-agent: *\n");
}

#[test]
fn redirects_never_leave_the_site() {
    let mesh = copy_fixture("valid-basic");
    let server = Server::start(mesh.path());
    let location = |r: &Response| {
        r.headers
            .lines()
            .find_map(|l| l.strip_prefix("location: "))
            .map(str::to_string)
    };
    for request in [
        "/products",
        "//products",
        "///products",
        "/%2F%2Fproducts",
        "/%2f/products",
        "//%2Fproducts",
    ] {
        let r = server.get(request);
        assert_eq!(
            (r.status, location(&r).as_deref()),
            (301, Some("/products/")),
            "{request}\n{}",
            r.headers
        );
    }
    // No such folder in the site, so no redirect at all: the 404 page.
    for request in [
        "//evil.example/x",
        "/\\evil.example",
        "/%5Cevil.example",
        "/%2F%2Fevil.example/x",
    ] {
        let r = server.get(request);
        assert_eq!((r.status, location(&r)), (404, None), "{request}\n{}", r.headers);
    }
}

#[test]
fn no_policy_can_stop_the_server() {
    let mesh = copy_fixture("valid-basic");
    let root = mesh.path();
    let rules = root.join("content/governance/rules");
    std::fs::create_dir_all(&rules).unwrap();
    let mut server = Server::attach(spawn_serve_limited(root));
    assert_eq!(server.get(PRODUCT).status, 200, "{}", server.log());
    let mut chain = String::from("package meshport.bad\n\ndeny_product contains \"m\" if p0 > 0\n\n");
    for i in 0..10_000 {
        chain.push_str(&format!("p{i} := p{} + 1\n", i + 1));
    }
    chain.push_str("p10000 := 0\n");
    // In turn: recursion (rejected when compiled), an allocation beyond the Rego worker's
    // memory, and a rule chain deeper than its stack (both end the worker, not the server).
    let policies = [
        (
            "error[rego.recursion]",
            "package meshport.bad\n\nf(x) := y if {\n\ty := f(x)\n}\n\ndeny_product contains \"m\" if f(1)\n"
                .to_string(),
        ),
        (
            "ran out of memory",
            "package meshport.bad\n\ndeny_product contains \"m\" if count(numbers.range(1, 80000000)) < 0\n"
                .to_string(),
        ),
        ("overflowed its stack", chain),
    ];
    for (needle, policy) in policies {
        std::fs::write(rules.join("bad.rego"), policy).unwrap();
        server.wait_until(
            &format!("the overlay shows `{needle}`"),
            Duration::from_secs(30),
            || server.get(PRODUCT).body.contains(needle),
        );
        let page = server.get(PRODUCT);
        assert_eq!(page.status, 200);
        assert!(
            visible_text(&page.body).contains(PURPOSE),
            "the last good page is not served"
        );
        assert!(
            server.child.try_wait().unwrap().is_none(),
            "serve died\n{}",
            server.log()
        );
    }
    std::fs::remove_file(rules.join("bad.rego")).unwrap();
    server.wait_until("the overlay goes", Duration::from_secs(30), || {
        !server.get(PRODUCT).body.contains(OVERLAY)
    });
}
