//! A small W3C WebDriver client for the browser test: it starts ChromeDriver on a
//! free 127.0.0.1 port, opens one headless Chromium session and drives it with the
//! handful of commands a consumer's visit needs (navigate, find by CSS, type,
//! click, read the URL and the page). Hand-written over `reqwest` JSON rather than
//! a WebDriver crate: the protocol surface used is a dozen requests, and the
//! workspace's rustls-only `reqwest` is already built.
//!
//! Chromium never reaches the internet: background networking, component updates,
//! sync and QUIC are off, and every request that is not to a loopback address goes
//! to a proxy on 127.0.0.1 port 9 (discard), where nothing answers. Loopback
//! addresses bypass the proxy, so the sandbox and the merchant pages load.
//!
//! Dropping the [`Browser`] ends the session (Chromium quits), kills ChromeDriver
//! and anything left in its process group, and removes the profile directory, also
//! when the test panicked half-way.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// Where Debian's `chromium-driver` installs ChromeDriver.
pub const DEFAULT_CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Where Debian's `chromium` installs the browser.
pub const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
/// Environment variable overriding [`DEFAULT_CHROMEDRIVER`].
pub const CHROMEDRIVER_ENV: &str = "CHROMEDRIVER";
/// Environment variable overriding [`DEFAULT_CHROMIUM`].
pub const CHROMIUM_ENV: &str = "CHROMIUM";
/// What to run when they are missing.
pub const INSTALL_HINT: &str = "apt-get install chromium chromium-driver";

/// How long ChromeDriver may take to answer `/status` with `ready: true`.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(20);
/// Upper bound on any single WebDriver request (a session start launches Chromium).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How often [`Browser::wait_until`] looks again.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// The W3C name of an element reference in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// What can go wrong driving the browser.
#[derive(Debug, thiserror::Error)]
pub enum WebDriverError {
    /// ChromeDriver or Chromium is not installed where expected.
    #[error("{what} not found at {} (${env} overrides the path)", path.display())]
    Missing {
        /// `ChromeDriver` or `Chromium`.
        what: &'static str,
        /// The path looked at.
        path: PathBuf,
        /// The variable that overrides the path.
        env: &'static str,
    },
    /// A local resource (port, profile directory, process) could not be set up.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
    /// ChromeDriver did not become ready.
    #[error("ChromeDriver did not become ready within {timeout:?}: {detail}")]
    DriverNotReady {
        /// How long it was given.
        timeout: Duration,
        /// What was seen (exit status, last log lines).
        detail: String,
    },
    /// A request to ChromeDriver failed on the wire.
    #[error("WebDriver {command}: {source}")]
    Http {
        /// The command (`POST /session/…/url`).
        command: String,
        /// The cause.
        source: reqwest::Error,
    },
    /// ChromeDriver answered with a WebDriver error.
    #[error("WebDriver {command}: {error}: {message}")]
    Command {
        /// The command.
        command: String,
        /// The W3C error code (`no such element`, `timeout`…).
        error: String,
        /// ChromeDriver's message.
        message: String,
    },
    /// ChromeDriver answered something that is not the expected JSON.
    #[error("WebDriver {command}: unexpected answer: {answer}")]
    Protocol {
        /// The command.
        command: String,
        /// What came back (shortened).
        answer: String,
    },
    /// [`Browser::wait_until`] gave up.
    #[error("waited {timeout:?} for {what}; last seen: {last}")]
    Timeout {
        /// What was waited for.
        what: String,
        /// How long.
        timeout: Duration,
        /// The last state observed.
        last: String,
    },
}

/// The result of a WebDriver operation.
pub type Result<T, E = WebDriverError> = std::result::Result<T, E>;

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> WebDriverError {
    let context = context.into();
    move |source| WebDriverError::Io { context, source }
}

/// ChromeDriver and Chromium: where they are installed.
#[derive(Debug, Clone)]
pub struct Installation {
    /// The ChromeDriver executable.
    pub chromedriver: PathBuf,
    /// The Chromium executable.
    pub chromium: PathBuf,
}

impl Installation {
    /// The paths from `$CHROMEDRIVER` / `$CHROMIUM`, else Debian's; an error naming
    /// the first one that is not there.
    pub fn locate() -> Result<Self> {
        let find = |env: &'static str, default: &str, what: &'static str| {
            let path = std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from);
            if path.is_file() {
                Ok(path)
            } else {
                Err(WebDriverError::Missing { what, path, env })
            }
        };
        Ok(Self {
            chromedriver: find(CHROMEDRIVER_ENV, DEFAULT_CHROMEDRIVER, "ChromeDriver")?,
            chromium: find(CHROMIUM_ENV, DEFAULT_CHROMIUM, "Chromium")?,
        })
    }
}

/// A temporary directory removed on drop (Chromium's profile, ChromeDriver's log).
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "veritrans-e2e-browser-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir(&path).map_err(io(format!("creating {}", path.display())))?;
        Ok(Self(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The ChromeDriver process; killed, with its process group, on drop.
#[derive(Debug)]
struct Driver {
    child: Child,
    addr: SocketAddr,
}

impl Driver {
    fn start(installation: &Installation, dir: &Path) -> Result<Self> {
        // A free port: bound, read, released, then given to ChromeDriver.
        let addr = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(io("finding a free 127.0.0.1 port"))?;
        let log = dir.join("chromedriver.log");
        let mut command = Command::new(&installation.chromedriver);
        command
            .arg(format!("--port={}", addr.port()))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so Chromium and its helpers can be killed with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command.spawn().map_err(io(format!(
            "starting {}",
            installation.chromedriver.display()
        )))?;
        Ok(Self { child, addr })
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Polls `/status` until ChromeDriver says it is ready.
    async fn wait_ready(&mut self, http: &reqwest::Client, log: &Path) -> Result<()> {
        let deadline = Instant::now() + DRIVER_START_TIMEOUT;
        let url = format!("{}/status", self.base_url());
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(WebDriverError::DriverNotReady {
                    timeout: DRIVER_START_TIMEOUT,
                    detail: format!("it exited with {status}; log: {}", log_tail(log)),
                });
            }
            let ready = match http.get(&url).send().await {
                Ok(answer) => answer
                    .json::<Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == Value::Bool(true)),
                Err(_) => false,
            };
            if ready {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(WebDriverError::DriverNotReady {
                    timeout: DRIVER_START_TIMEOUT,
                    detail: format!("log: {}", log_tail(log)),
                });
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // ChromeDriver leads its own process group (ID = its PID), which holds
        // whatever Chromium processes are left: the whole group goes, before
        // ChromeDriver is reaped so the ID cannot have been reused.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(5)..].join(" | ");
    if tail.is_empty() {
        "(empty)".into()
    } else {
        tail
    }
}

/// An element found on the page.
#[derive(Debug, Clone)]
pub struct Element {
    id: String,
    selector: String,
}

/// One headless Chromium session; ends, with ChromeDriver, on drop.
#[derive(Debug)]
pub struct Browser {
    http: reqwest::Client,
    session: String,
    // Field order is drop order: the session is ended in `Drop for Browser`,
    // then ChromeDriver is killed, then the profile directory goes.
    driver: Driver,
    _dir: TempDir,
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium session with a fresh profile.
    pub async fn start(installation: &Installation) -> Result<Self> {
        let dir = TempDir::new()?;
        let profile = dir.0.join("profile");
        std::fs::create_dir(&profile).map_err(io("creating the Chromium profile"))?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|source| WebDriverError::Http {
                command: "client".into(),
                source,
            })?;
        let mut driver = Driver::start(installation, &dir.0)?;
        driver
            .wait_ready(&http, &dir.0.join("chromedriver.log"))
            .await?;
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-default-apps".into(),
            "--disable-extensions".into(),
            "--disable-breakpad".into(),
            // Everything but loopback goes to a port where nothing answers.
            "--proxy-server=http://127.0.0.1:9".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "goog:chromeOptions": {
                        "binary": installation.chromium,
                        "args": args,
                    },
                },
            },
        });
        let url = format!("{}/session", driver.base_url());
        let value = send(&http, reqwest::Method::POST, &url, Some(&capabilities)).await?;
        let session = value["sessionId"]
            .as_str()
            .ok_or_else(|| WebDriverError::Protocol {
                command: "POST /session".into(),
                answer: shorten(&value.to_string()),
            })?
            .to_string();
        let browser = Self {
            http,
            session,
            driver,
            _dir: dir,
        };
        browser
            .command(
                reqwest::Method::POST,
                "timeouts",
                Some(&json!({ "pageLoad": 20_000, "script": 10_000, "implicit": 0 })),
            )
            .await?;
        Ok(browser)
    }

    async fn command(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value> {
        let url = format!("{}/session/{}/{path}", self.driver.base_url(), self.session);
        send(&self.http, method, &url, body).await
    }

    /// Opens `url` and waits for it to load.
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.command(reqwest::Method::POST, "url", Some(&json!({ "url": url })))
            .await
            .map(drop)
    }

    /// The address of the page shown.
    pub async fn current_url(&self) -> Result<String> {
        let value = self.command(reqwest::Method::GET, "url", None).await?;
        as_string(value, "GET url")
    }

    /// The page's HTML as the browser has it now.
    pub async fn page_source(&self) -> Result<String> {
        let value = self.command(reqwest::Method::GET, "source", None).await?;
        as_string(value, "GET source")
    }

    /// The first element matching the CSS `selector`.
    pub async fn find(&self, selector: &str) -> Result<Element> {
        let value = self
            .command(
                reqwest::Method::POST,
                "element",
                Some(&json!({ "using": "css selector", "value": selector })),
            )
            .await?;
        let id = value[ELEMENT_KEY]
            .as_str()
            .ok_or_else(|| WebDriverError::Protocol {
                command: format!("find {selector}"),
                answer: shorten(&value.to_string()),
            })?;
        Ok(Element {
            id: id.to_string(),
            selector: selector.to_string(),
        })
    }

    /// Types `text` into `element`, as a user at the keyboard.
    pub async fn send_keys(&self, element: &Element, text: &str) -> Result<()> {
        self.command(
            reqwest::Method::POST,
            &format!("element/{}/value", element.id),
            Some(&json!({ "text": text })),
        )
        .await
        .map(drop)
    }

    /// Clicks `element`.
    pub async fn click(&self, element: &Element) -> Result<()> {
        self.command(
            reqwest::Method::POST,
            &format!("element/{}/click", element.id),
            Some(&json!({})),
        )
        .await
        .map(drop)
    }

    /// The rendered text of `element`.
    pub async fn text(&self, element: &Element) -> Result<String> {
        let value = self
            .command(
                reqwest::Method::GET,
                &format!("element/{}/text", element.id),
                None,
            )
            .await?;
        as_string(value, &format!("text of {}", element.selector))
    }

    /// Finds `selector` and types `text` into it.
    pub async fn fill(&self, selector: &str, text: &str) -> Result<()> {
        let element = self.find(selector).await?;
        self.send_keys(&element, text).await
    }

    /// Finds `selector` and clicks it.
    pub async fn click_on(&self, selector: &str) -> Result<()> {
        let element = self.find(selector).await?;
        self.click(&element).await
    }

    /// Polls the current URL (and page) until `done(url, source)` holds, up to
    /// `timeout`. Navigation in progress may make single reads fail; those count
    /// as "not yet".
    pub async fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        done: impl Fn(&str, &str) -> bool,
    ) -> Result<(String, String)> {
        let deadline = Instant::now() + timeout;
        loop {
            let seen = async {
                Ok::<_, WebDriverError>((self.current_url().await?, self.page_source().await?))
            }
            .await;
            let last = match seen {
                Ok((url, source)) if done(&url, &source) => return Ok((url, source)),
                Ok((url, source)) => format!("{url}: {}", shorten(&source)),
                Err(e) => e.to_string(),
            };
            if Instant::now() >= deadline {
                return Err(WebDriverError::Timeout {
                    what: what.into(),
                    timeout,
                    last,
                });
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// Ends the session over a plain blocking socket, so that it works in `Drop`
    /// whatever state the async runtime is in.
    fn end_session_blocking(&self) {
        let request = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            self.session, self.driver.addr
        );
        let Ok(mut stream) = TcpStream::connect_timeout(&self.driver.addr, Duration::from_secs(2))
        else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
        if stream.write_all(request.as_bytes()).is_err() {
            return;
        }
        // ChromeDriver answers once Chromium has quit; it may keep the
        // connection open, so read only until the answer is complete.
        let mut answer = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = stream.read(&mut chunk) {
            answer.extend_from_slice(&chunk[..n]);
            if http_answer_complete(&answer) {
                break;
            }
        }
    }
}

/// Whether `answer` holds a whole HTTP/1.1 answer with a `Content-Length`.
fn http_answer_complete(answer: &[u8]) -> bool {
    let Some(head_end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&answer[..head_end]);
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())
            .flatten()
    });
    length.is_some_and(|length| answer.len() >= head_end + 4 + length)
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.end_session_blocking();
        // `driver` and `_dir` drop next: ChromeDriver killed, profile removed.
    }
}

async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<&Value>,
) -> Result<Value> {
    let path = url
        .split_once("//")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or(url);
    let command = format!("{method} {path}");
    let mut request = http.request(method, url);
    if let Some(body) = body {
        request = request.json(body);
    }
    let answer = request
        .send()
        .await
        .map_err(|source| WebDriverError::Http {
            command: command.clone(),
            source,
        })?;
    let status = answer.status();
    let text = answer.text().await.map_err(|source| WebDriverError::Http {
        command: command.clone(),
        source,
    })?;
    let json: Value = serde_json::from_str(&text).map_err(|_| WebDriverError::Protocol {
        command: command.clone(),
        answer: shorten(&text),
    })?;
    let mut json = json;
    let value = json
        .get_mut("value")
        .map(Value::take)
        .unwrap_or(Value::Null);
    if !status.is_success() || value.get("error").is_some_and(Value::is_string) {
        return Err(WebDriverError::Command {
            command,
            error: value["error"]
                .as_str()
                .unwrap_or("unknown error")
                .to_string(),
            message: value["message"].as_str().map(shorten).unwrap_or_default(),
        });
    }
    Ok(value)
}

fn as_string(value: Value, command: &str) -> Result<String> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(WebDriverError::Protocol {
            command: command.into(),
            answer: shorten(&other.to_string()),
        }),
    }
}

/// At most 300 characters, for error messages.
fn shorten(text: &str) -> String {
    const MAX: usize = 300;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_complete_once_its_content_length_has_arrived() {
        let head =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 14\r\n\r\n";
        let mut answer = head.as_bytes().to_vec();
        assert!(!http_answer_complete(&answer[..10]));
        assert!(!http_answer_complete(&answer));
        answer.extend_from_slice(br#"{"value":nul"#);
        assert!(!http_answer_complete(&answer));
        answer.extend_from_slice(b"l}");
        assert!(http_answer_complete(&answer));
    }

    #[test]
    fn an_answer_without_content_length_waits_for_the_close() {
        assert!(!http_answer_complete(b"HTTP/1.1 200 OK\r\n\r\n{}"));
    }

    #[test]
    fn long_texts_are_shortened_on_a_character_boundary() {
        assert_eq!(shorten("abc"), "abc");
        let long = "\u{3042}".repeat(400);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), 301);
        assert!(short.ends_with('\u{2026}'));
    }
}
