//! A small static HTTP server for the browser tests: serves a built site under a sub-path
//! (e.g. `/portal/`) on 127.0.0.1 and records every request with the exact number of bytes
//! written back, so a test can say "this query transferred N bytes".
//!
//! One thread per connection, `Connection: close` on every response: Chromium then opens a
//! fresh connection per request, which keeps the accounting per request exact and the server
//! simple. No compression: the numbers are what a host without gzip would send.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

/// One answered request.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Request path without the query string, percent-decoded, as the browser asked for it.
    pub path: String,
    pub status: u16,
    /// Everything written to the socket for this response: status line, headers, body.
    pub bytes: u64,
}

#[derive(Default)]
struct Shared {
    hits: Mutex<Vec<Hit>>,
    in_flight: AtomicUsize,
    stop: AtomicBool,
}

/// Serves `root` at `http://127.0.0.1:<port><prefix>`; stops when dropped.
pub struct Server {
    addr: SocketAddr,
    prefix: String,
    shared: Arc<Shared>,
    accept: Option<thread::JoinHandle<()>>,
}

impl Server {
    /// `prefix` starts and ends with `/`, e.g. `/portal/`.
    pub fn start(root: &Path, prefix: &str) -> Server {
        assert!(
            prefix.starts_with('/') && prefix.ends_with('/'),
            "prefix must look like /x/"
        );
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared::default());
        let (root, pre, sh) = (root.to_path_buf(), prefix.to_string(), Arc::clone(&shared));
        let accept = thread::spawn(move || accept_loop(listener, root, pre, sh));
        Server {
            addr,
            prefix: prefix.to_string(),
            shared,
            accept: Some(accept),
        }
    }

    /// Absolute URL of a site-relative path (`""` is the site root).
    pub fn url(&self, rel: &str) -> String {
        format!("http://{}{}{}", self.addr, self.prefix, rel.trim_start_matches('/'))
    }

    /// The URL prefix of the site, e.g. `http://127.0.0.1:4321/portal/`.
    pub fn base(&self) -> String {
        self.url("")
    }

    /// A position in the request log; pass it to [`Server::since`].
    pub fn mark(&self) -> usize {
        self.shared.hits.lock().unwrap().len()
    }

    /// Requests answered since `mark`, in the order they finished.
    pub fn since(&self, mark: usize) -> Vec<Hit> {
        self.shared.hits.lock().unwrap()[mark..].to_vec()
    }

    /// Requests that are accepted but not yet fully answered.
    pub fn in_flight(&self) -> usize {
        self.shared.in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the thread sees `stop`.
        let _ = TcpStream::connect(self.addr);
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

fn accept_loop(listener: TcpListener, root: PathBuf, prefix: String, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        // Counted here, before the thread starts, so a test polling `in_flight` right after
        // the browser sent a request cannot see zero while the response is still pending.
        shared.in_flight.fetch_add(1, Ordering::SeqCst);
        let (root, prefix, shared) = (root.clone(), prefix.clone(), Arc::clone(&shared));
        thread::spawn(move || {
            answer(stream, &root, &prefix, &shared);
            shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// Reads one request, writes one response and logs it before the socket closes (so a client
/// that saw the end of the response always finds it in the log). Nothing is logged when the
/// peer sent nothing usable, e.g. a speculative connection Chromium opened and closed.
fn answer(stream: TcpStream, root: &Path, prefix: &str, shared: &Shared) -> Option<()> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    // Drain the headers; the request body (none for GET/HEAD) is ignored.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or(""));
    let (status, body, mime) = resolve(root, prefix, &path, &method);
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    let mut stream = stream;
    let mut sent = stream.write_all(head.as_bytes()).map(|_| head.len()).unwrap_or(0);
    if method != "HEAD" && stream.write_all(&body).is_ok() {
        sent += body.len();
    }
    let _ = stream.flush();
    shared.hits.lock().unwrap().push(Hit {
        path,
        status,
        bytes: sent as u64,
    });
    Some(())
}

fn resolve(root: &Path, prefix: &str, path: &str, method: &str) -> (u16, Vec<u8>, &'static str) {
    if method != "GET" && method != "HEAD" {
        return (405, b"method not allowed\n".to_vec(), "text/plain");
    }
    let Some(rel) = path.strip_prefix(prefix) else {
        return (404, b"outside the site prefix\n".to_vec(), "text/plain");
    };
    // Refuse anything that could climb out of the site directory.
    if rel.split('/').any(|seg| seg == ".." || seg.contains('\\')) {
        return (404, b"not found\n".to_vec(), "text/plain");
    }
    let mut file = root.join(rel);
    if rel.is_empty() || rel.ends_with('/') || file.is_dir() {
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => (200, body, mime_for(&file)),
        Err(_) => (404, b"not found\n".to_vec(), "text/plain"),
    }
}

fn mime_for(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "wasm" => "application/wasm",
        "xml" => "application/xml",
        "txt" | "md" | "yaml" | "yml" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn get(server: &Server, path: &str) -> String {
        let mut s = TcpStream::connect(server.addr).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn serves_under_the_prefix_and_counts_every_byte() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a b")).unwrap();
        std::fs::write(dir.path().join("a b/index.html"), "<p>hi</p>").unwrap();
        let server = Server::start(dir.path(), "/portal/");
        let mark = server.mark();
        let ok = get(&server, "/portal/a%20b/?q=1");
        assert!(ok.starts_with("HTTP/1.1 200") && ok.ends_with("<p>hi</p>"), "{ok}");
        let outside = get(&server, "/a%20b/index.html");
        assert!(outside.starts_with("HTTP/1.1 404"), "{outside}");
        assert!(get(&server, "/portal/../secret").starts_with("HTTP/1.1 404"));
        let hits = server.since(mark);
        assert_eq!(hits.len(), 3);
        assert_eq!((hits[0].path.as_str(), hits[0].status), ("/portal/a b/", 200));
        assert_eq!(hits[0].bytes, ok.len() as u64, "the log counts what went on the wire");
        assert_eq!(hits[1].status, 404);
    }
}
