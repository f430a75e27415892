//! Headless Chromium driven over WebDriver: Debian's `chromedriver` started on a free port, a
//! fantoccini session on it, and the helpers the tests share (navigation, scripts, waits,
//! console errors). Every wait polls a condition until a deadline; nothing sleeps blindly.

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};
use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long any single condition may take before the test fails. Generous because CI
/// machines are shared; a passing wait returns as soon as its condition holds.
pub const TIMEOUT: Duration = Duration::from_secs(20);
pub const POLL: Duration = Duration::from_millis(25);

/// Where the browser and its driver live.
#[derive(Debug, Clone)]
pub struct Tools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

impl Tools {
    /// Debian's paths, or `MESHPORT_CHROMIUM` / `MESHPORT_CHROMEDRIVER`; `None` when either
    /// is missing.
    pub fn find() -> Option<Tools> {
        let pick = |var: &str, default: &str| {
            let path = PathBuf::from(std::env::var_os(var).unwrap_or_else(|| default.into()));
            path.is_file().then_some(path)
        };
        Some(Tools {
            chromium: pick("MESHPORT_CHROMIUM", "/usr/bin/chromium")?,
            chromedriver: pick("MESHPORT_CHROMEDRIVER", "/usr/bin/chromedriver")?,
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub javascript: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { javascript: true }
    }
}

/// A running chromedriver + Chromium session. Dropping it kills both (the driver runs in its
/// own process group, which Chromium joins), so a failing test leaves no processes behind.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts a driver and a session. A start that fails is tried again on a new port, up to
    /// three times: tests start drivers in parallel, and a port found free can be taken by
    /// another test's server before chromedriver binds it.
    pub async fn launch(tools: &Tools, options: Options) -> Browser {
        let mut failures = Vec::new();
        for _ in 0..3 {
            match Browser::try_launch(tools, options).await {
                Ok(browser) => return browser,
                Err(e) => failures.push(e),
            }
        }
        panic!("cannot open a Chromium session through chromedriver: {failures:#?}");
    }

    async fn try_launch(tools: &Tools, options: Options) -> Result<Browser, String> {
        let profile = tempfile::tempdir().expect("temp profile dir");
        let port = free_port();
        let mut driver = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", tools.chromedriver.display()));
        let up = wait_sync(|| TcpStream::connect(("127.0.0.1", port)).is_ok());
        if !up {
            kill_group(&mut driver);
            return Err(format!("chromedriver did not listen on port {port} within {TIMEOUT:?}"));
        }
        let caps = capabilities(tools, options, &profile);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match client {
            Ok(client) => Ok(Browser {
                client,
                driver,
                _profile: profile,
            }),
            Err(e) => {
                kill_group(&mut driver);
                Err(format!("port {port}: {e}"))
            }
        }
    }

    /// Ends the session politely (the driver closes Chromium), then stops the driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        kill_group(&mut self.driver);
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("navigate to {url}: {e}"));
        self.wait_js(
            "the page to finish loading",
            "return document.readyState === 'complete'",
        )
        .await;
    }

    pub async fn url(&self) -> String {
        self.client.current_url().await.expect("current url").to_string()
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`) and returns its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Runs `script` asynchronously: it ends by calling `arguments[arguments.length - 1]` with
    /// its value (for promises such as axe-core's `axe.run`).
    pub async fn js_async(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute_async(script, args)
            .await
            .unwrap_or_else(|e| panic!("async script failed: {e}\n{}", &script[..script.len().min(200)]))
    }

    /// Emulates `prefers-color-scheme` (`"light"` or `"dark"`) through the DevTools protocol,
    /// as a reader whose system is set to that scheme; it holds across navigations.
    pub async fn emulate_color_scheme(&self, scheme: &str) {
        let features = json!([{ "name": "prefers-color-scheme", "value": scheme }]);
        self.client
            .issue_cmd(Cdp {
                cmd: "Emulation.setEmulatedMedia",
                params: json!({ "features": features }),
            })
            .await
            .unwrap_or_else(|e| panic!("emulate prefers-color-scheme: {scheme}: {e}"));
    }

    /// Polls `script` until it returns something truthy (not null/false/""/0/[]) and returns it.
    pub async fn wait_js(&self, what: &str, script: &str) -> Value {
        self.wait_js_args(what, script, vec![]).await
    }

    pub async fn wait_js_args(&self, what: &str, script: &str, args: Vec<Value>) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let last = self.client.execute(script, args.clone()).await.unwrap_or(Value::Null);
            if truthy(&last) {
                return last;
            }
            if Instant::now() >= deadline {
                panic!("timed out after {TIMEOUT:?} waiting for {what}; last value {last}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Types `text` into the element matching `css` (WebDriver key events, so the page sees
    /// real keydown/input events). `text` may contain fantoccini `Key` characters.
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self
            .client
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"));
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Presses each key in turn on the keyboard, delivered to whatever has focus (as a user
    /// pressing `/` on a page, or arrows in an open dropdown). `keys` may contain `Key` chars.
    pub async fn press(&self, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut seq = KeyActions::new("keyboard".to_string());
        for value in keys.chars() {
            seq = seq.then(KeyAction::Down { value }).then(KeyAction::Up { value });
        }
        self.client
            .perform_actions(seq)
            .await
            .unwrap_or_else(|e| panic!("press {keys:?}: {e}"));
    }

    /// Console messages at level SEVERE since the last call (failed loads, uncaught errors).
    pub async fn console_errors(&self) -> Vec<String> {
        let logs = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("read the browser console log");
        let entries = logs.as_array().cloned().unwrap_or_default();
        entries
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        kill_group(&mut self.driver);
    }
}

fn capabilities(tools: &Tools, options: Options, profile: &tempfile::TempDir) -> serde_json::Map<String, Value> {
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.path().display()));
    let mut chrome = json!({ "binary": tools.chromium, "args": args });
    if !options.javascript {
        chrome["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
    }
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": chrome,
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    caps.as_object().cloned().unwrap()
}

/// chromedriver's log endpoint (not in the W3C spec, so fantoccini has no method for it).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// chromedriver's DevTools pass-through (`goog/cdp/execute`), for what WebDriver cannot do.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) => true,
    }
}

/// Polls `check` until it yields `Some` or [`TIMEOUT`] passes.
pub async fn wait_async<T, F, Fut>(mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(POLL).await;
    }
}

fn wait_sync(mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + TIMEOUT;
    while !check() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(POLL);
    }
    true
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

/// Kills the driver's whole process group (driver, Chromium and its helpers) by its id.
/// Sent even when the driver itself has exited: Chromium may outlive it in the same group.
fn kill_group(driver: &mut Child) {
    let group = format!("-{}", driver.id());
    let _ = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stderr(Stdio::null())
        .status();
    let _ = driver.wait();
}
