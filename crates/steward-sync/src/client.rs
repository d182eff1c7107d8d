//! The MLflow REST client: the registered-model, model-version, alias and tag calls Steward's
//! mapping needs, and the proxied artifact API (`/api/2.0/mlflow-artifacts/artifacts/…`).
//!
//! Every request has a timeout; idempotent requests are retried on connection errors,
//! timeouts, 5xx and 429 with exponential backoff and full jitter. Creating a model version is
//! not idempotent (each call makes a new version number), so it is never retried here: the
//! applier looks the version up by its `steward.version` tag before trying again.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand_core::{OsRng, RngCore};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::Method;
use serde_json::{json, Value};
use url::Url;
use zeroize::Zeroizing;

use crate::auth::{self, Grants};
use crate::error::{Result, SyncError};

/// A secret (token or password) that cannot be printed or logged.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps `text`.
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(text.into()))
    }

    /// The secret text, for the request header and the keyring only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How Steward authenticates to the registry.
#[derive(Debug, Clone)]
pub enum Credential {
    /// `Authorization: Bearer TOKEN` (managed MLflow, a token-checking proxy).
    Token(Secret),
    /// HTTP basic auth (MLflow's basic-auth app).
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: Secret,
    },
}

impl Credential {
    /// `token` or `user/password`, for reports (never the secret).
    pub fn kind(&self) -> String {
        match self {
            Credential::Token(_) => "token".into(),
            Credential::Basic { user, .. } => format!("user {user}"),
        }
    }
}

/// Timeouts and retries.
#[derive(Debug, Clone, Copy)]
pub struct ClientOptions {
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Attempts per idempotent request (1 = no retry).
    pub attempts: u32,
    /// First backoff.
    pub backoff: Duration,
    /// Longest backoff.
    pub max_backoff: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            attempts: 5,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// The backoff before attempt `attempt + 1` (from 0): exponential up to `max`, with full
/// jitter scaled by `jitter` in [0, 1) so many clients do not retry in step.
pub fn backoff_delay(base: Duration, max: Duration, attempt: u32, jitter: f64) -> Duration {
    let exp = base.saturating_mul(2u32.saturating_pow(attempt.min(16)));
    let capped = exp.min(max);
    // Half fixed, half random: never zero, never more than the cap.
    capped.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

fn jitter() -> f64 {
    f64::from(OsRng.next_u32()) / f64::from(u32::MAX)
}

/// The longest answer Steward reads (artifacts included): 64 MiB, far above a document
/// (5 MiB at most), a chart or a search page.
pub const MAX_BODY: usize = 64 << 20;

/// A model version as the registry holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteVersion {
    /// MLflow's version number (a string in JSON).
    pub number: String,
    /// Its `source` (`steward://MODEL/VERSION` for the versions Steward creates).
    pub source: String,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// Who last changed it, when MLflow says.
    pub user_id: Option<String>,
    /// When it last changed (ms since the epoch).
    pub last_updated_ms: Option<i64>,
}

/// A registered model as the registry holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteModel {
    /// Its description.
    pub description: String,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// Alias → version number.
    pub aliases: BTreeMap<String, String>,
}

/// The MLflow server at one URL, with its credential.
pub struct Registry {
    base: Url,
    http: Client,
    credential: Option<Credential>,
    options: ClientOptions,
    requests: AtomicU64,
    /// The auth app's answer for this credential, once asked (None inside: no auth app).
    grants: Mutex<Option<Option<Grants>>>,
    /// Told before each retry's wait.
    on_retry: Option<RetryObserver>,
}

/// A retry about to happen: what failed, how, and how long until the next attempt.
#[derive(Debug)]
pub struct Retry<'a> {
    /// The request, as errors name it (`reading registered model X`).
    pub what: &'a str,
    /// The attempt that failed, from 1.
    pub failed: u32,
    /// Attempts allowed in all.
    pub attempts: u32,
    /// Why it failed.
    pub error: &'a SyncError,
    /// The wait before the next attempt.
    pub wait: Duration,
}

impl Retry<'_> {
    /// One line for a person: `retrying …: attempt 1 of 5 failed (…); again in 0.2 s`.
    pub fn describe(&self) -> String {
        format!(
            "retrying {}: attempt {} of {} failed ({}); again in {:.1} s",
            self.what,
            self.failed,
            self.attempts,
            self.error,
            self.wait.as_secs_f64()
        )
    }
}

/// Hears each retry (progress output); shared with the threads a sync runs on.
pub type RetryObserver = Arc<dyn Fn(&Retry<'_>) + Send + Sync>;

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("url", &self.base.as_str())
            .finish()
    }
}

/// The longest registry URL accepted, in bytes (browsers' working limit; far below the 4 KiB
/// a kernel keyring allows for the credential's name).
pub const MAX_URL: usize = 2048;

/// Parses a registry URL: http or https, with a host, no query, at most [`MAX_URL`] bytes.
pub fn parse_url(text: &str) -> Result<Url> {
    let bad = |detail: &str| SyncError::BadUrl {
        value: text.to_string(),
        detail: detail.to_string(),
    };
    if text.trim().contains(char::is_whitespace) {
        return Err(bad("it contains a space or other whitespace"));
    }
    let mut url = Url::parse(text.trim()).map_err(|e| bad(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        // The value is not echoed: it holds a password, and errors reach logs.
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        return Err(SyncError::BadUrl {
            value: format!("{shown} (with a user name or password, not shown)"),
            detail: "credentials do not go in the URL, where they would be stored and logged: \
                     set the URL without them and run `steward registry login --user NAME` \
                     (the password goes to the OS keyring)"
                .into(),
        });
    }
    // The keyring names the credential after the URL, and keyutils refuses a name over 4 KiB.
    // (Checked after the credentials, so the start it shows holds none.)
    if url.as_str().len() > MAX_URL {
        return Err(SyncError::BadUrl {
            value: format!(
                "{}… ({} bytes)",
                url.as_str().chars().take(60).collect::<String>(),
                url.as_str().len()
            ),
            detail: format!("a registry URL is at most {MAX_URL} bytes"),
        });
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(&format!(
            "the scheme is {:?}, not http or https",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it has a query or fragment"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn field_str(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn tags_of(v: &Value) -> BTreeMap<String, String> {
    v.get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .map(|t| (field_str(t, "key"), field_str(t, "value")))
                .collect()
        })
        .unwrap_or_default()
}

/// What a server that answers 200 with something other than MLflow's shapes gets.
fn not_mlflow(url: &Url, what: &str, detail: String) -> SyncError {
    SyncError::NotMlflow {
        url: url.to_string(),
        what: what.to_string(),
        detail,
    }
}

/// The object under `key` of an answer, which MLflow always sends.
fn object_at<'v>(url: &Url, what: &str, v: &'v Value, key: &str) -> Result<&'v Value> {
    match v.get(key) {
        Some(o @ Value::Object(_)) => Ok(o),
        Some(other) => Err(not_mlflow(
            url,
            what,
            format!("{key:?} is {}, not an object", kind_of(other)),
        )),
        None => Err(not_mlflow(url, what, format!("the answer has no {key:?}"))),
    }
}

/// The list under `key` (absent when empty, as MLflow leaves it).
fn list_at<'v>(url: &Url, what: &str, v: &'v Value, key: &str) -> Result<&'v [Value]> {
    if !v.is_object() {
        return Err(not_mlflow(
            url,
            what,
            format!("the answer is {}, not an object", kind_of(v)),
        ));
    }
    match v.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(other) => Err(not_mlflow(
            url,
            what,
            format!("{key:?} is {}, not a list", kind_of(other)),
        )),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A model version from MLflow's JSON; one without a version number is not MLflow's.
fn version_of(url: &Url, what: &str, v: &Value) -> Result<RemoteVersion> {
    let number = field_str(v, "version");
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_mlflow(
            url,
            what,
            format!("a model version whose number is {number:?}"),
        ));
    }
    Ok(RemoteVersion {
        number,
        source: field_str(v, "source"),
        tags: tags_of(v),
        user_id: v
            .get("user_id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        last_updated_ms: v.get("last_updated_timestamp").and_then(Value::as_i64),
    })
}

fn tag_list(tags: &BTreeMap<String, String>) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({ "key": k, "value": v }))
            .collect(),
    )
}

/// Quotes `text` for an MLflow search filter.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// What a write of registered model `name` needs.
fn write_need(name: &str) -> String {
    format!("EDIT permission on registered model {name}")
}

/// What a read of registered model `name` needs.
fn read_need(name: &str) -> String {
    format!("READ permission on registered model {name}")
}

const CREATE_NEED: &str =
    "permission to create registered models (the server's default permission or a workspace grant)";
// MLflow's basic-auth app judges a proxied artifact outside an experiment by the server's
// default (or workspace) permission, not by any registered model's grant.
const ARTIFACT_WRITE_NEED: &str = "write access to the artifact store (MLflow judges proxied artifacts outside an experiment by the server's default permission)";
const ARTIFACT_READ_NEED: &str = "read access to the artifact store (MLflow judges proxied artifacts outside an experiment by the server's default permission)";

/// The first characters of an HTML answer's `<title>`, for error messages.
fn html_title(body: &str) -> String {
    let lower = body.to_ascii_lowercase();
    match (lower.find("<title>"), lower.find("</title>")) {
        (Some(a), Some(b)) if b > a + 7 => body[a + 7..b].trim().chars().take(80).collect(),
        _ => body.trim().chars().take(80).collect(),
    }
}

impl Registry {
    /// A client for the server at `url` (http or https).
    pub fn new(url: &str, credential: Option<Credential>, options: ClientOptions) -> Result<Self> {
        let base = parse_url(url)?;
        // rustls without aws-lc: ring is the process's provider (a second install is a no-op).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .user_agent(concat!("steward/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Unreachable {
                url: base.to_string(),
                detail: format!("the HTTP client could not be built: {e}"),
            })?;
        Ok(Registry {
            base,
            http,
            credential,
            options,
            requests: AtomicU64::new(0),
            grants: Mutex::new(None),
            on_retry: None,
        })
    }

    /// This client, telling `observer` before each retry's wait (a sync's progress output:
    /// five attempts at a 30 s timeout are minutes in which nothing else would be said).
    pub fn observing_retries(mut self, observer: RetryObserver) -> Self {
        self.on_retry = Some(observer);
        self
    }

    /// Tells the observer of a retry, then waits it out.
    pub(crate) fn wait_to_retry(&self, retry: &Retry<'_>) {
        if let Some(f) = &self.on_retry {
            f(retry);
        }
        std::thread::sleep(retry.wait);
    }

    /// The server's URL.
    pub fn url(&self) -> &str {
        self.base.as_str()
    }

    /// The whole-request timeout.
    pub fn timeout(&self) -> Duration {
        self.options.timeout
    }

    /// How many HTTP requests this client has sent (retries included).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn endpoint(&self, path: &str) -> Result<Url> {
        self.base.join(path).map_err(|e| SyncError::BadUrl {
            value: format!("{}{path}", self.base),
            detail: e.to_string(),
        })
    }

    fn authorized(&self, req: RequestBuilder) -> RequestBuilder {
        match &self.credential {
            None => req,
            Some(Credential::Token(t)) => req.bearer_auth(t.expose()),
            Some(Credential::Basic { user, password }) => {
                req.basic_auth(user, Some(password.expose()))
            }
        }
    }

    fn send_once(&self, build: &dyn Fn() -> Result<RequestBuilder>) -> Result<Response> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.authorized(build()?).send().map_err(|e| {
            if e.is_timeout() {
                SyncError::Timeout {
                    url: self.base.to_string(),
                    after: self.options.timeout,
                    attempts: 1,
                }
            } else {
                let mut detail = e.to_string();
                let mut src = std::error::Error::source(&e);
                while let Some(s) = src {
                    detail = format!("{detail}: {s}");
                    src = s.source();
                }
                SyncError::Unreachable {
                    url: self.base.to_string(),
                    detail,
                }
            }
        })
    }

    /// Sends, classifies the answer, and retries a retryable failure when `retry`.
    fn send(
        &self,
        what: &str,
        need: &str,
        retry: bool,
        build: &dyn Fn() -> Result<RequestBuilder>,
    ) -> Result<(u16, Vec<u8>)> {
        let attempts = if retry {
            self.options.attempts.max(1)
        } else {
            1
        };
        let mut attempt = 0;
        loop {
            let deadline = std::time::Instant::now() + self.options.timeout;
            let outcome = self
                .send_once(build)
                .and_then(|resp| self.classify(what, need, resp, deadline));
            match outcome {
                Err(e) if e.is_retryable() && attempt + 1 < attempts => {
                    self.wait_to_retry(&Retry {
                        what,
                        failed: attempt + 1,
                        attempts,
                        error: &e,
                        wait: backoff_delay(
                            self.options.backoff,
                            self.options.max_backoff,
                            attempt,
                            jitter(),
                        ),
                    });
                    attempt += 1;
                }
                Err(SyncError::Timeout { url, after, .. }) => {
                    return Err(SyncError::Timeout {
                        url,
                        after,
                        attempts: attempt + 1,
                    })
                }
                other => return other,
            }
        }
    }

    /// Reads an answer's body, at most [`MAX_BODY`] bytes and until `deadline`: a server that
    /// streams without end is cut off, not held in memory.
    fn read_body(&self, mut resp: Response, deadline: std::time::Instant) -> Result<Vec<u8>> {
        use std::io::Read;
        let mut body = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = resp.read(&mut buf).map_err(|e| {
                let timed_out = e.kind() == std::io::ErrorKind::TimedOut
                    || std::error::Error::source(&e)
                        .and_then(|s| s.downcast_ref::<reqwest::Error>())
                        .is_some_and(reqwest::Error::is_timeout);
                if timed_out {
                    SyncError::Timeout {
                        url: self.base.to_string(),
                        after: self.options.timeout,
                        attempts: 1,
                    }
                } else {
                    SyncError::Unreachable {
                        url: self.base.to_string(),
                        detail: format!("the answer was cut off: {e}"),
                    }
                }
            })?;
            if n == 0 {
                return Ok(body);
            }
            if body.len() + n > MAX_BODY {
                return Err(SyncError::NotMlflow {
                    url: self.base.to_string(),
                    what: "reading the answer".into(),
                    detail: format!(
                        "an answer longer than {} MiB, which no MLflow request of Steward's gets",
                        MAX_BODY >> 20
                    ),
                });
            }
            body.extend_from_slice(&buf[..n]);
            if std::time::Instant::now() > deadline {
                return Err(SyncError::Timeout {
                    url: self.base.to_string(),
                    after: self.options.timeout,
                    attempts: 1,
                });
            }
        }
    }

    fn classify(
        &self,
        what: &str,
        need: &str,
        resp: Response,
        deadline: std::time::Instant,
    ) -> Result<(u16, Vec<u8>)> {
        let status = resp.status().as_u16();
        let html = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        let body = self.read_body(resp, deadline)?;
        let url = self.base.to_string();
        let text = || String::from_utf8_lossy(&body).into_owned();
        let parsed: Option<Value> = serde_json::from_slice(&body).ok();
        let message = || {
            parsed
                .as_ref()
                .map(|v| field_str(v, "message"))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| html_title(&text()))
        };
        match status {
            401 => Err(SyncError::Unauthenticated {
                url,
                credential: match &self.credential {
                    None => "no credential".into(),
                    Some(Credential::Token(_)) => "a token".into(),
                    Some(Credential::Basic { user, .. }) => format!("the password of user {user}"),
                },
            }),
            403 => Err(SyncError::PermissionDenied {
                url,
                what: what.to_string(),
                message: message(),
                need: need.to_string(),
            }),
            _ if html && !(200..=299).contains(&status) => Err(SyncError::NotMlflow {
                url,
                what: what.to_string(),
                detail: format!(
                    "HTTP {status} with an HTML page ({:?})",
                    html_title(&text())
                ),
            }),
            200..=299 => Ok((status, body)),
            _ => match parsed {
                Some(v) if v.get("error_code").is_some() => Err(SyncError::Api {
                    url,
                    what: what.to_string(),
                    status,
                    code: field_str(&v, "error_code"),
                    message: field_str(&v, "message"),
                }),
                _ if status >= 500 || status == 429 => Err(SyncError::Api {
                    url,
                    what: what.to_string(),
                    status,
                    code: String::new(),
                    message: html_title(&text()),
                }),
                _ => Err(SyncError::NotMlflow {
                    url,
                    what: what.to_string(),
                    detail: format!("HTTP {status} that is not MLflow's JSON error"),
                }),
            },
        }
    }

    fn json(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
        (what, need): (&str, &str),
        retry: bool,
    ) -> Result<Value> {
        let mut url = self.endpoint(path)?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let (_, bytes) = self.send(what, need, retry, &|| {
            let mut req = self.http.request(method.clone(), url.clone());
            if let Some(b) = body {
                req = req.json(b);
            }
            Ok(req)
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(json!({}));
        }
        serde_json::from_slice(&bytes).map_err(|e| SyncError::NotMlflow {
            url: self.base.to_string(),
            what: what.to_string(),
            detail: format!(
                "a body that is not JSON ({e}): {:?}",
                html_title(&String::from_utf8_lossy(&bytes))
            ),
        })
    }

    /// MLflow answers a missing alias with 400 INVALID_PARAMETER_VALUE "Registered model
    /// alias X not found."
    fn no_such_alias(e: &SyncError) -> bool {
        matches!(e, SyncError::Api { code, message, .. }
            if code == "INVALID_PARAMETER_VALUE" && message.contains("alias") && message.contains("not found"))
    }

    fn not_found(e: &SyncError) -> bool {
        matches!(e, SyncError::Api { status: 404, .. })
            || matches!(e, SyncError::Api { code, .. } if code == "RESOURCE_DOES_NOT_EXIST")
    }

    /// `GET /health` and `GET /version`: the server's MLflow version.
    pub fn server_version(&self) -> Result<String> {
        let url = self.endpoint("version")?;
        let (_, body) = self.send("GET /version", "access to the server", true, &|| {
            Ok(self.http.get(url.clone()))
        })?;
        let text = String::from_utf8_lossy(&body).trim().to_string();
        let looks_like_version = !text.is_empty()
            && text.len() < 40
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '+' || c == '-');
        if !looks_like_version {
            return Err(SyncError::NotMlflow {
                url: self.base.to_string(),
                what: "GET /version".into(),
                detail: format!("{:?} instead of a version number", html_title(&text)),
            });
        }
        Ok(text)
    }

    /// A registered model with its aliases, or None when it does not exist.
    pub fn get_model(&self, name: &str) -> Result<Option<RemoteModel>> {
        match self.json(
            Method::GET,
            "api/2.0/mlflow/registered-models/get",
            &[("name", name)],
            None,
            (
                &format!("reading registered model {name}"),
                &read_need(name),
            ),
            true,
        ) {
            Ok(v) => {
                let what = format!("reading registered model {name}");
                let m = object_at(&self.base, &what, &v, "registered_model")?;
                if field_str(m, "name") != name {
                    return Err(not_mlflow(
                        &self.base,
                        &what,
                        format!(
                            "the answer is about registered model {:?}",
                            field_str(m, "name")
                        ),
                    ));
                }
                let aliases = m
                    .get("aliases")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|x| (field_str(x, "alias"), field_str(x, "version")))
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(Some(RemoteModel {
                    description: field_str(m, "description"),
                    tags: tags_of(m),
                    aliases,
                }))
            }
            Err(e) if Self::not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates a registered model with its tags inline; an existing one is left as it is.
    pub fn create_model(
        &self,
        name: &str,
        description: &str,
        tags: &BTreeMap<String, String>,
    ) -> Result<()> {
        let body = json!({ "name": name, "description": description, "tags": tag_list(tags) });
        match self.json(
            Method::POST,
            "api/2.0/mlflow/registered-models/create",
            &[],
            Some(&body),
            (&format!("creating registered model {name}"), CREATE_NEED),
            true,
        ) {
            Ok(_) => Ok(()),
            Err(SyncError::Api { code, .. }) if code == "RESOURCE_ALREADY_EXISTS" => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Sets a registered model's description.
    pub fn set_model_description(&self, name: &str, description: &str) -> Result<()> {
        let body = json!({ "name": name, "description": description });
        self.json(
            Method::PATCH,
            "api/2.0/mlflow/registered-models/update",
            &[],
            Some(&body),
            (
                &format!("updating registered model {name}"),
                &write_need(name),
            ),
            true,
        )
        .map(drop)
    }

    /// Sets (upserts) a registered-model tag.
    pub fn set_model_tag(&self, name: &str, key: &str, value: &str) -> Result<()> {
        let body = json!({ "name": name, "key": key, "value": value });
        self.json(
            Method::POST,
            "api/2.0/mlflow/registered-models/set-tag",
            &[],
            Some(&body),
            (
                &format!("tagging registered model {name}"),
                &write_need(name),
            ),
            true,
        )
        .map(drop)
    }

    /// Every version of a model with its tags (paged), or those whose tag `key` is `value`.
    pub fn search_versions(
        &self,
        name: &str,
        tag: Option<(&str, &str)>,
    ) -> Result<Vec<RemoteVersion>> {
        let mut filter = format!("name={}", quoted(name));
        if let Some((k, v)) = tag {
            filter.push_str(&format!(" and tags.`{k}`={}", quoted(v)));
        }
        let mut out = Vec::new();
        let mut token = String::new();
        loop {
            let mut query = vec![("filter", filter.as_str()), ("max_results", "10000")];
            if !token.is_empty() {
                query.push(("page_token", token.as_str()));
            }
            let v = self.json(
                Method::GET,
                "api/2.0/mlflow/model-versions/search",
                &query,
                None,
                (
                    &format!("searching the versions of {name}"),
                    &read_need(name),
                ),
                true,
            )?;
            let what = format!("searching the versions of {name}");
            for item in list_at(&self.base, &what, &v, "model_versions")? {
                out.push(version_of(&self.base, &what, item)?);
            }
            token = field_str(&v, "next_page_token");
            if token.is_empty() {
                return Ok(out);
            }
        }
    }

    /// Creates a model version with its tags inline. Not idempotent and never retried: the
    /// caller looks for the version by tag before calling again.
    pub fn create_version(
        &self,
        name: &str,
        source: &str,
        description: &str,
        tags: &BTreeMap<String, String>,
    ) -> Result<RemoteVersion> {
        let body = json!({
            "name": name, "source": source, "description": description, "tags": tag_list(tags),
        });
        let v = self.json(
            Method::POST,
            "api/2.0/mlflow/model-versions/create",
            &[],
            Some(&body),
            (&format!("creating a version of {name}"), &write_need(name)),
            false,
        )?;
        let what = format!("creating a version of {name}");
        version_of(
            &self.base,
            &what,
            object_at(&self.base, &what, &v, "model_version")?,
        )
    }

    /// One model version, or None.
    pub fn get_version(&self, name: &str, number: &str) -> Result<Option<RemoteVersion>> {
        match self.json(
            Method::GET,
            "api/2.0/mlflow/model-versions/get",
            &[("name", name), ("version", number)],
            None,
            (
                &format!("reading version {number} of {name}"),
                &read_need(name),
            ),
            true,
        ) {
            Ok(v) => {
                let what = "reading a model version";
                let mv = object_at(&self.base, what, &v, "model_version")?;
                Ok(Some(version_of(&self.base, what, mv)?))
            }
            Err(e) if Self::not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Sets (upserts) a model-version tag.
    pub fn set_version_tag(&self, name: &str, number: &str, key: &str, value: &str) -> Result<()> {
        let body = json!({ "name": name, "version": number, "key": key, "value": value });
        self.json(
            Method::POST,
            "api/2.0/mlflow/model-versions/set-tag",
            &[],
            Some(&body),
            (
                &format!("tagging version {number} of {name}"),
                &write_need(name),
            ),
            true,
        )
        .map(drop)
    }

    /// Points `alias` at version `number`.
    pub fn set_alias(&self, name: &str, alias: &str, number: &str) -> Result<()> {
        let body = json!({ "name": name, "alias": alias, "version": number });
        self.json(
            Method::POST,
            "api/2.0/mlflow/registered-models/alias",
            &[],
            Some(&body),
            (
                &format!("pointing alias {alias} of {name} at version {number}"),
                &write_need(name),
            ),
            true,
        )
        .map(drop)
    }

    /// Removes `alias` (a missing alias is not an error).
    pub fn delete_alias(&self, name: &str, alias: &str) -> Result<()> {
        let body = json!({ "name": name, "alias": alias });
        self.json(
            Method::DELETE,
            "api/2.0/mlflow/registered-models/alias",
            &[],
            Some(&body),
            (
                &format!("removing alias {alias} of {name}"),
                &write_need(name),
            ),
            true,
        )
        .map(drop)
    }

    /// Deletes model version `number` (a duplicate Steward created after a lost answer). A
    /// version already gone is not an error. MLflow's basic-auth app asks MANAGE for it.
    pub fn delete_version(&self, name: &str, number: &str) -> Result<()> {
        let body = json!({ "name": name, "version": number });
        match self.json(
            Method::DELETE,
            "api/2.0/mlflow/model-versions/delete",
            &[],
            Some(&body),
            (
                &format!("deleting duplicate version {number} of {name}"),
                &format!("MANAGE permission on registered model {name}"),
            ),
            true,
        ) {
            Ok(_) => Ok(()),
            Err(e) if Self::not_found(&e) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The version `alias` points at, or None.
    pub fn version_by_alias(&self, name: &str, alias: &str) -> Result<Option<RemoteVersion>> {
        match self.json(
            Method::GET,
            "api/2.0/mlflow/registered-models/alias",
            &[("name", name), ("alias", alias)],
            None,
            (
                &format!("reading alias {alias} of {name}"),
                &read_need(name),
            ),
            true,
        ) {
            Ok(v) => {
                let what = "reading a model version";
                let mv = object_at(&self.base, what, &v, "model_version")?;
                Ok(Some(version_of(&self.base, what, mv)?))
            }
            Err(e) if Self::not_found(&e) || Self::no_such_alias(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn artifact_url(&self, path: &str) -> Result<Url> {
        let mut url = self.endpoint("api/2.0/mlflow-artifacts/artifacts/")?;
        {
            let mut segs = url.path_segments_mut().map_err(|()| SyncError::BadUrl {
                value: self.base.to_string(),
                detail: "it cannot take a path".into(),
            })?;
            segs.pop_if_empty();
            for s in path.split('/').filter(|s| !s.is_empty()) {
                segs.push(s);
            }
        }
        Ok(url)
    }

    /// Uploads `bytes` to `path` through the server's artifact proxy (overwrites).
    pub fn put_artifact(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let url = self.artifact_url(path)?;
        let body = bytes.to_vec();
        self.send(
            &format!("uploading artifact {path}"),
            ARTIFACT_WRITE_NEED,
            true,
            &|| {
                Ok(self
                    .http
                    .put(url.clone())
                    .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                    .body(body.clone()))
            },
        )
        .map(drop)
    }

    /// Downloads the artifact at `path`, or None when there is none.
    pub fn get_artifact(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let url = self.artifact_url(path)?;
        match self.send(
            &format!("downloading artifact {path}"),
            ARTIFACT_READ_NEED,
            true,
            &|| Ok(self.http.get(url.clone())),
        ) {
            Ok((_, body)) => Ok(Some(body)),
            Err(e) if Self::not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The file names directly under artifact folder `path` (none when it does not exist).
    pub fn list_artifacts(&self, path: &str) -> Result<Vec<String>> {
        let v = self.json(
            Method::GET,
            "api/2.0/mlflow-artifacts/artifacts",
            &[("path", path)],
            None,
            (
                &format!("listing artifacts under {path}"),
                ARTIFACT_READ_NEED,
            ),
            true,
        )?;
        Ok(v.get("files")
            .and_then(Value::as_array)
            .map(|files| {
                files
                    .iter()
                    .filter(|f| f.get("is_dir").and_then(Value::as_bool) != Some(true))
                    .map(|f| field_str(f, "path"))
                    .map(|p| p.rsplit('/').next().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default())
    }

    /// What the current user may do, from the basic-auth app's
    /// `/api/3.0/mlflow/users/current/permissions` (asked once per client); None when the server
    /// has no auth app (then anyone who reaches it may write).
    pub fn current_permissions(&self) -> Result<Option<Grants>> {
        let mut cached = self.grants.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(g) = cached.as_ref() {
            return Ok(g.clone());
        }
        let grants = match self.json(
            Method::GET,
            "api/3.0/mlflow/users/current/permissions",
            &[],
            None,
            (
                "reading your permissions",
                "the right to read your own permissions",
            ),
            true,
        ) {
            Ok(v) => auth::parse_grants(&v),
            Err(SyncError::NotMlflow { .. }) => None,
            Err(e) if Self::not_found(&e) => None,
            Err(e) => return Err(e),
        };
        *cached = Some(grants.clone());
        Ok(grants)
    }

    /// The permission MLflow's auth app resolves for `user` on registered model `name`
    /// (`READ`, `EDIT`, …), the same way it decides a real request.
    pub fn model_permission(&self, user: &str, name: &str) -> Result<String> {
        let v = self.json(
            Method::GET,
            "api/3.0/mlflow/users/permissions/get",
            &[
                ("username", user),
                ("resource_type", "registered_model"),
                ("resource_id", name),
            ],
            None,
            (
                &format!("reading the permission of {user} on {name}"),
                "the right to read your own permissions",
            ),
            true,
        )?;
        Ok(field_str(&v, "permission"))
    }

    /// The user name of a basic-auth credential.
    pub fn user(&self) -> Option<&str> {
        match &self.credential {
            Some(Credential::Basic { user, .. }) => Some(user),
            _ => None,
        }
    }

    /// Refuses, before any write, a push to registered model `name` that MLflow's auth app
    /// would refuse: with a basic-auth login that is not an admin, the permission the server
    /// resolves on the model must be EDIT or MANAGE. Without an auth app, a token, or as an
    /// admin, nothing is asked.
    pub fn check_write(&self, name: &str) -> Result<()> {
        let Some(user) = self.user() else {
            return Ok(());
        };
        match self.current_permissions()? {
            None => Ok(()),
            Some(g) if g.is_admin => Ok(()),
            Some(_) => {
                let permission = self.model_permission(user, name)?;
                if auth::can_write(&permission) {
                    Ok(())
                } else {
                    Err(SyncError::ReadOnly {
                        url: self.base.to_string(),
                        model: name.to_string(),
                        user: user.to_string(),
                        permission,
                    })
                }
            }
        }
    }

    /// Whether a read of the registry succeeds with this credential (a one-result search).
    pub fn check_read(&self) -> Result<()> {
        let v = self.json(
            Method::GET,
            "api/2.0/mlflow/registered-models/search",
            &[("max_results", "1")],
            None,
            (
                "searching registered models",
                "READ permission on the registry's registered models",
            ),
            true,
        )?;
        list_at(
            &self.base,
            "searching registered models",
            &v,
            "registered_models",
        )
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_its_cap_and_jitter_stays_within_half() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(2);
        let cases: &[(u32, f64, u64)] = &[
            (0, 0.0, 50),
            (0, 1.0, 100),
            (1, 0.0, 100),
            (3, 1.0, 800),
            (5, 1.0, 2000),
            (30, 0.0, 1000),
        ];
        for &(attempt, j, ms) in cases {
            assert_eq!(
                backoff_delay(base, max, attempt, j),
                Duration::from_millis(ms),
                "attempt {attempt} jitter {j}"
            );
        }
    }

    #[test]
    fn urls_are_checked_and_end_with_a_slash() {
        let cases: &[(&str, Option<&str>)] = &[
            ("http://127.0.0.1:5000", Some("http://127.0.0.1:5000/")),
            (
                "https://mlflow.example.org/ml",
                Some("https://mlflow.example.org/ml/"),
            ),
            ("ftp://x", None),
            ("127.0.0.1:5000", None),
            ("http://x/?a=1", None),
            ("not a url", None),
            ("  http://127.0.0.1:5000  ", Some("http://127.0.0.1:5000/")),
            ("http://127.0.0.1:5000/ spaces here", None),
            ("http://alice:s3cretPW@127.0.0.1:5711", None),
            ("http://alice@127.0.0.1:5711", None),
        ];
        for (text, want) in cases {
            let got = parse_url(text).ok().map(|u| u.to_string());
            assert_eq!(got.as_deref(), *want, "{text}");
        }
        // The longest accepted, and one byte more: refused, naming the limit, not echoed whole.
        let host = "h".repeat(60);
        let at_limit = format!("http://{host}/{}/", "p".repeat(MAX_URL - host.len() - 9));
        assert_eq!(at_limit.len(), MAX_URL);
        assert!(parse_url(&at_limit).is_ok());
        let over = format!("{}x/", &at_limit[..at_limit.len() - 1]);
        let e = parse_url(&over).expect_err("too long").to_string();
        assert!(
            e.contains("at most 2048 bytes") && e.contains("2049 bytes"),
            "{e}"
        );
        assert!(e.len() < 400, "{e}");
        // A URL with credentials is refused without echoing them.
        let e = parse_url("http://alice:s3cretPW@127.0.0.1:5711")
            .expect_err("credentials in the URL")
            .to_string();
        assert!(!e.contains("s3cretPW") && !e.contains("alice"), "{e}");
        assert!(
            e.contains("http://127.0.0.1:5711/") && e.contains("registry login --user"),
            "{e}"
        );
    }

    /// Answers a server that is not MLflow could give with a 200: each is refused by shape.
    #[test]
    fn answers_not_shaped_like_mlflow_are_refused() {
        let url = parse_url("http://127.0.0.1:1").expect("url");
        let lists: &[(&str, bool)] = &[
            (r#"{}"#, true),
            (r#"{"registered_models": []}"#, true),
            (r#"{"registered_models": "not-a-list"}"#, false),
            (r#"{"registered_models": {"a": 1}}"#, false),
            (r#"[]"#, false),
            (r#""text""#, false),
        ];
        for (body, ok) in lists {
            let v: Value = serde_json::from_str(body).expect("json");
            assert_eq!(
                list_at(&url, "w", &v, "registered_models").is_ok(),
                *ok,
                "{body}"
            );
        }
        let versions: &[(&str, bool)] = &[
            (r#"{"version": "3", "source": "steward://m/1.0.0-1"}"#, true),
            (r#"{"version": 3}"#, true),
            (r#"{"version": ""}"#, false),
            (r#"{"version": "three"}"#, false),
            (r#"{}"#, false),
            (r#"{"version": 42.5}"#, false),
        ];
        for (body, ok) in versions {
            let v: Value = serde_json::from_str(body).expect("json");
            assert_eq!(version_of(&url, "w", &v).is_ok(), *ok, "{body}");
        }
        let objects: &[(&str, bool)] = &[
            (r#"{"model_version": {"version": "1"}}"#, true),
            (r#"{"model_version": "1"}"#, false),
            (r#"{"version": 42}"#, false),
        ];
        for (body, ok) in objects {
            let v: Value = serde_json::from_str(body).expect("json");
            assert_eq!(
                object_at(&url, "w", &v, "model_version").is_ok(),
                *ok,
                "{body}"
            );
        }
    }

    /// A loopback server that answers every connection with 200 and then `body` forever
    /// (after `stall` of silence when given).
    fn endless_server(json_body: bool) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { return };
                std::thread::spawn(move || {
                    let mut req = [0u8; 4096];
                    let _ = s.read(&mut req);
                    let _ = s.write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
                    );
                    let chunk = vec![if json_body { b' ' } else { b'x' }; 256 * 1024];
                    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                    framed.extend_from_slice(&chunk);
                    framed.extend_from_slice(b"\r\n");
                    while s.write_all(&framed).is_ok() {}
                });
            }
        });
        format!("http://{addr}")
    }

    #[test]
    fn an_endless_answer_is_cut_off_by_the_timeout_or_the_size_cap() {
        let options = ClientOptions {
            timeout: Duration::from_millis(700),
            attempts: 2,
            backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(10),
            ..ClientOptions::default()
        };
        let reg = Registry::new(&endless_server(true), None, options).expect("client");
        let started = std::time::Instant::now();
        let err = reg.check_read().expect_err("an endless answer");
        // Loopback streams faster than 64 MiB in 0.7 s on some machines: either ends it.
        match &err {
            SyncError::Timeout { attempts, .. } => assert_eq!(*attempts, 2, "{err}"),
            SyncError::NotMlflow { detail, .. } => assert!(detail.contains("64 MiB"), "{err}"),
            other => panic!("unexpected: {other}"),
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "took {:?}",
            started.elapsed()
        );
        let text = err.to_string();
        if matches!(err, SyncError::Timeout { .. }) {
            assert!(text.contains("within 0.7 s, 2 times in a row"), "{text}");
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let c = Credential::Basic {
            user: "ann".into(),
            password: Secret::new("hunter2"),
        };
        assert!(!format!("{c:?}").contains("hunter2"));
        assert_eq!(c.kind(), "user ann");
    }

    #[test]
    fn html_titles_are_read_for_messages() {
        assert_eq!(
            html_title("<html><title>404 Not Found</title>"),
            "404 Not Found"
        );
        assert_eq!(html_title("plain text"), "plain text");
    }

    #[test]
    fn filter_values_are_quoted() {
        assert_eq!(quoted("a'b"), "'a\\'b'");
    }
}
