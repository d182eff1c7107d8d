//! A real `mlflow server` on 127.0.0.1 for the registry-sync journeys: a free port, one
//! worker, a SQLite backend and a served artifact store in a temporary folder, health-checked
//! before use (up to 180 s) and stopped by its process group id when dropped.
//!
//! [`Mlflow::start_with_auth`] runs MLflow's basic-auth app (`--app-name basic-auth`) with its
//! own user database in the same folder, no permission by default, and an admin user
//! [`ADMIN`] whose password is [`ADMIN_PASSWORD`]; [`Mlflow::python`] then acts as that admin.
//!
//! The interpreter is `$STEWARD_MLFLOW_PYTHON` (set by scripts/setup.sh `need_mlflow`), else
//! the workspace's `.venv-mlflow`. Without either the journey fails saying how to install it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running MLflow server.
pub struct Mlflow {
    child: Child,
    /// Its root URL, `http://127.0.0.1:PORT`.
    pub url: String,
    python: PathBuf,
    dir: tempfile::TempDir,
    auth: bool,
}

/// The basic-auth app's admin user ([`Mlflow::start_with_auth`]).
pub const ADMIN: &str = "admin";
/// Its password (the auth app wants at least 12 characters).
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

/// The Python that has MLflow installed.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("STEWARD_MLFLOW_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv-mlflow/bin/python");
    assert!(
        venv.is_file(),
        "MLflow is not installed: run `bash -c 'source scripts/setup.sh && need_mlflow'` (or scripts/test.sh), which makes .venv-mlflow"
    );
    venv
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr").port()
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect_timeout(
        &format!("127.0.0.1:{port}").parse().ok()?,
        Duration::from_secs(2),
    )
    .ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

impl Mlflow {
    /// Starts a server and waits until `/health` answers OK.
    pub fn start() -> Mlflow {
        Mlflow::launch(false)
    }

    /// Starts a server with MLflow's basic-auth app: users need a password, a user holds no
    /// permission until one is granted (`default_permission = NO_PERMISSIONS`), and
    /// [`ADMIN`] / [`ADMIN_PASSWORD`] may do everything.
    pub fn start_with_auth() -> Mlflow {
        Mlflow::launch(true)
    }

    fn launch(auth: bool) -> Mlflow {
        let python = python();
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log");
        let mut cmd = Command::new(&python);
        if auth {
            let ini = dir.path().join("basic_auth.ini");
            std::fs::write(
                &ini,
                format!(
                    "[mlflow]\ndefault_permission = NO_PERMISSIONS\ndatabase_uri = sqlite:///{}\nadmin_username = {ADMIN}\nauthorization_function = mlflow.server.auth:authenticate_request_basic_auth\n",
                    dir.path().join("auth.db").display()
                ),
            )
            .expect("write the auth config");
            cmd.env("MLFLOW_AUTH_CONFIG_PATH", &ini)
                .env("MLFLOW_AUTH_ADMIN_PASSWORD", ADMIN_PASSWORD)
                .env("MLFLOW_FLASK_SERVER_SECRET_KEY", "steward-tests-only")
                .args(["-m", "mlflow", "server", "--app-name", "basic-auth"]);
        } else {
            cmd.args(["-m", "mlflow", "server"]);
        }
        let child = cmd
            .args(["--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .args(["--workers", "1", "--backend-store-uri"])
            .arg(format!(
                "sqlite:///{}",
                dir.path().join("mlflow.db").display()
            ))
            .arg("--serve-artifacts")
            .arg("--artifacts-destination")
            .arg(dir.path().join("artifacts"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .expect("start mlflow server");
        let mut server = Mlflow {
            child,
            url: format!("http://127.0.0.1:{port}"),
            python,
            dir,
            auth,
        };
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            if get(port, "/health")
                .is_some_and(|r| r.starts_with("HTTP/1.1 200") && r.ends_with("OK"))
            {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("mlflow server exited ({status}): {}", server.log());
            }
            assert!(
                Instant::now() < deadline,
                "mlflow server not healthy after 180 s: {}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// Where the server keeps the artifacts it is sent (`--artifacts-destination`).
    pub fn artifacts_dir(&self) -> PathBuf {
        self.dir.path().join("artifacts")
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Runs `script` with MLflow's Python, `MLFLOW_TRACKING_URI` pointing here (as the admin
    /// when the auth app runs); its stdout parsed as JSON.
    pub fn python(&self, script: &str) -> serde_json::Value {
        let mut cmd = Command::new(&self.python);
        cmd.arg("-c")
            .arg(script)
            .env("MLFLOW_TRACKING_URI", &self.url);
        if self.auth {
            cmd.env("MLFLOW_TRACKING_USERNAME", ADMIN)
                .env("MLFLOW_TRACKING_PASSWORD", ADMIN_PASSWORD);
        }
        let out = cmd.output().expect("run python");
        assert!(
            out.status.success(),
            "python failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "python printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }
}

impl Drop for Mlflow {
    fn drop(&mut self) {
        // The server's workers are its children: stop the whole process group it leads.
        let pgid = self.child.id();
        let _ = Command::new("kill")
            .arg("--")
            .arg(format!("-{pgid}"))
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--"])
            .arg(format!("-{pgid}"))
            .status();
        let _ = self.child.wait();
    }
}

/// A loopback server that answers every request with HTTP `status`, `content_type` and `body`,
/// for the errors a real registry would not give (an HTML portal, a proxy refusing a token).
/// Serves at most `limit` connections, then stops.
pub fn canned_server(status: &str, content_type: &str, body: &str, limit: usize) -> String {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in l.incoming().take(limit) {
            let Ok(mut s) = stream else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(response.as_bytes());
        }
    });
    url
}
