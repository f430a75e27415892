//! The HTTP side: every request is answered from the in-memory site of the current
//! snapshot (nothing is read from or written to disk), plus one event stream for reloads.

use super::overlay::{self, EVENTS_PATH};
use super::state::{Served, Shared, Snapshot};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream, StreamExt};
use mime_guess::mime;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(page)
        .with_state(shared)
}

/// What a request path names in the site.
#[derive(Debug, PartialEq, Eq)]
enum Lookup {
    File(String),
    /// A folder asked for without its slash: relative links only work from `dir/`.
    Redirect(String),
    NotFound,
}

fn lookup(site: &dyn Served, request_path: &str) -> Lookup {
    let decoded = percent_decode(request_path);
    let rel = decoded.trim_start_matches('/');
    let candidate = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if site.get(&candidate).is_some() {
        return Lookup::File(candidate);
    }
    if !rel.is_empty() && !rel.ends_with('/') && site.get(&format!("{rel}/index.html")).is_some() {
        return Lookup::Redirect(same_site_location(rel));
    }
    Lookup::NotFound
}

/// `Location` for the folder `rel` (leading slashes already removed): built from the path the
/// site resolved, never from the request, and percent-encoded, so it always starts with one `/`
/// and a path character. `//host/x` or `/\host` there would send the browser to another host
/// (a protocol-relative URL), which is how `GET //products` used to answer.
fn same_site_location(rel: &str) -> String {
    format!("/{}/", utf8_percent_encode(rel, PATH_KEEPS))
}

/// What a path segment may hold as it is (RFC 3986 `pchar` and the separator `/`); everything
/// else, `\`, `%`, spaces and non-ASCII included, is percent-encoded.
const PATH_KEEPS: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

async fn page(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "read-only preview server\n",
        )
            .into_response();
    }
    let snap = shared.current();
    let Some(site) = snap.site.as_deref() else {
        // No build has succeeded yet: every path shows the findings.
        let html = decorate(overlay::placeholder_page().as_bytes(), &snap);
        return file_response(StatusCode::SERVICE_UNAVAILABLE, "x.html", html);
    };
    match lookup(site, uri.path()) {
        Lookup::File(path) => match site.get(&path) {
            Some(Ok(bytes)) => {
                let body = if is_html(&path) {
                    decorate(&bytes, &snap)
                } else {
                    bytes.to_vec()
                };
                file_response(StatusCode::OK, &path, body)
            }
            Some(Err(reason)) => render_failure(&path, &reason, &snap),
            None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        },
        Lookup::Redirect(to) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response(),
        Lookup::NotFound => match site.get("404.html") {
            Some(Ok(bytes)) => file_response(StatusCode::NOT_FOUND, "404.html", decorate(&bytes, &snap)),
            _ => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        },
    }
}

/// A page whose template failed: the reason on the page, as `build` would print it.
fn render_failure(path: &str, reason: &str, snap: &Snapshot) -> Response {
    let problem = overlay::failure(path, "render", reason.to_string());
    let html = format!(
        "<!doctype html><title>render failed</title>{}",
        overlay::panel(&[problem], false)
    );
    file_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "x.html",
        decorate(html.as_bytes(), snap),
    )
}

/// The reload script on every page, the findings panel while the latest rebuild failed.
fn decorate(html: &[u8], snap: &Snapshot) -> Vec<u8> {
    let mut extra = snap.overlay.as_deref().unwrap_or("").to_string();
    extra.push_str(&overlay::reload_script(snap.generation));
    overlay::inject(html, &extra)
}

fn file_response(status: StatusCode, path: &str, body: Vec<u8>) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type(path))
        // Every reload must show the newest build, never a cached page.
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn is_html(path: &str) -> bool {
    path.ends_with(".html") || path.ends_with(".htm")
}

/// Content type by extension (mime_guess's table). Text goes out marked UTF-8, which is what
/// meshport writes, so a browser never guesses another encoding.
fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == mime::TEXT || mime.subtype() == mime::JAVASCRIPT;
    if textual && mime.get_param(mime::CHARSET).is_none() {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// `%XX` escapes decoded; an invalid escape stays as it is, invalid UTF-8 becomes U+FFFD.
fn percent_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Server-sent events: `hello` with the current generation on connect, then `reload` after
/// every rebuild. The stream ends when the server stops.
async fn events(State(shared): State<Arc<Shared>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Subscribe before reading the generation, so no rebuild falls between the two.
    let rx = shared.subscribe();
    let hello = Event::default()
        .event("hello")
        .data(shared.current().generation.to_string());
    let shutdown = shared.shutdown_signal();
    let updates = stream::unfold((rx, shutdown, shared), |(mut rx, mut shutdown, shared)| async move {
        let generation = tokio::select! {
            r = rx.recv() => match r {
                Ok(g) => g,
                // Missed some: the page only needs to know that it is stale.
                Err(RecvError::Lagged(_)) => shared.current().generation,
                Err(RecvError::Closed) => return None,
            },
            _ = shutdown.wait_for(|stopping| *stopping) => return None,
        };
        let event = Event::default().event("reload").data(generation.to_string());
        Some((Ok(event), (rx, shutdown, shared)))
    });
    Sse::new(stream::once(async move { Ok(hello) }).chain(updates)).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Site;

    fn site() -> Site {
        let mut s = Site::default();
        for p in [
            "index.html",
            "products/index.html",
            "products/a b.html",
            "static/style.css",
        ] {
            s.add(p.into(), b"x".to_vec());
        }
        s
    }

    #[test]
    fn maps_request_paths_to_site_files() {
        let s = site();
        assert_eq!(lookup(&s, "/"), Lookup::File("index.html".into()));
        assert_eq!(lookup(&s, "/products/"), Lookup::File("products/index.html".into()));
        assert_eq!(lookup(&s, "/products"), Lookup::Redirect("/products/".into()));
        assert_eq!(
            lookup(&s, "/products/a%20b.html"),
            Lookup::File("products/a b.html".into())
        );
        assert_eq!(lookup(&s, "/static/style.css"), Lookup::File("static/style.css".into()));
        assert_eq!(lookup(&s, "/nope.html"), Lookup::NotFound);
        assert_eq!(lookup(&s, "/../index.html"), Lookup::NotFound);
    }

    #[test]
    fn redirects_never_leave_the_site() {
        let mut s = site();
        for p in ["evil.example/x/index.html", "\\evil/index.html", "a b/index.html"] {
            s.add(p.into(), b"x".to_vec());
        }
        let cases = [
            ("//products", "/products/"),
            ("///products", "/products/"),
            ("/%2F%2Fproducts", "/products/"),
            ("/%2f/products", "/products/"),
            ("//evil.example/x", "/evil.example/x/"),
            ("/%2F%2Fevil.example/x", "/evil.example/x/"),
            ("/\\evil", "/%5Cevil/"),
            ("/%5Cevil", "/%5Cevil/"),
            ("/a%20b", "/a%20b/"),
        ];
        for (request, location) in cases {
            let Lookup::Redirect(to) = lookup(&s, request) else {
                panic!("{request}: no redirect")
            };
            assert_eq!(to, location, "{request}");
            assert!(!to.starts_with("//") && !to.starts_with("/\\"), "{request} → {to}");
        }
        assert_eq!(
            lookup(&s, "//evil.example"),
            Lookup::NotFound,
            "no folder there, so no redirect"
        );
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/b.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("static/search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("static/m.mjs"), "application/javascript; charset=utf-8");
        assert_eq!(content_type("api/products.json"), "application/json");
        assert_eq!(content_type("sitemap.xml"), "text/xml; charset=utf-8");
        assert_eq!(content_type("static/logo.svg"), "image/svg+xml");
        assert_eq!(content_type("pagefind/wasm.unknown.wasm"), "application/wasm");
        assert_eq!(content_type("static/font.woff2"), "font/woff2");
        // Pagefind's index chunks have extensions of their own.
        assert_eq!(
            content_type("pagefind/index/en_1a2b.pf_index"),
            "application/octet-stream"
        );
        // Descriptors and guides a mesh puts in `static/` go out as text, marked UTF-8.
        assert_eq!(content_type("static/orders.odps.yaml"), "text/x-yaml; charset=utf-8");
        assert_eq!(content_type("static/README.md"), "text/markdown; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/a%2Fb%20c"), "/a/b c");
        assert_eq!(percent_decode("/100%"), "/100%");
        assert_eq!(percent_decode("/%zz"), "/%zz");
        assert_eq!(percent_decode("/%C3%A9t%C3%A9"), "/été");
        assert_eq!(percent_decode("/%FF"), "/\u{FFFD}");
    }

    #[test]
    fn locations_encode_all_but_path_characters() {
        assert_eq!(same_site_location("a b/é"), "/a%20b/%C3%A9/");
        assert_eq!(same_site_location("x-y_z.~!$&'()*+,;=:@"), "/x-y_z.~!$&'()*+,;=:@/");
        assert_eq!(same_site_location("100%\\?#"), "/100%25%5C%3F%23/");
    }
}
