//! The test host shared by the shell's integration tests: a temp workspace, the real command
//! set on Tauri's mock runtime, and a window to invoke commands through, as the front end would.

pub mod flows;
pub mod recording;

use serde_json::Value;
use steward_api::Workspace;
use steward_desktop::Studio;
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

pub struct Harness {
    pub dir: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
}

/// A fresh, empty workspace opened by the studio as `tester`.
pub fn harness() -> Harness {
    let dir = tempfile::tempdir().expect("a temp folder");
    let workspace = Workspace::init(dir.path(), "tester").expect("a fresh workspace");
    harness_on(dir, workspace, "tester")
}

/// The studio on `workspace` (kept in `dir`), acting as `actor`.
pub fn harness_on(dir: tempfile::TempDir, workspace: Workspace, actor: &str) -> Harness {
    let (app, window) = studio(workspace, actor);
    Harness {
        dir,
        _app: app,
        window,
    }
}

/// The real command set on the mock runtime over `workspace`, acting as `actor`, and its main
/// window; dropping the app closes the workspace.
pub fn studio(
    workspace: Workspace,
    actor: &str,
) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = steward_desktop::builder(mock_builder(), Studio::new(workspace, actor))
        .build(mock_context(noop_assets()))
        .expect("the app on the mock runtime");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("the main window");
    (app, window)
}

impl Harness {
    /// Invokes `cmd` with a JSON body as the front end would; `Err` carries the error value.
    pub fn invoke(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        invoke_on(&self.window, cmd, body)
    }

    /// Invokes `cmd` with a raw body (an `ArrayBuffer` in the front end) and headers.
    #[allow(dead_code)]
    pub fn invoke_raw(
        &self,
        cmd: &str,
        body: Vec<u8>,
        headers: &[(&'static str, &str)],
    ) -> Result<Value, Value> {
        let mut map = tauri::http::HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, v.parse().expect("a header value"));
        }
        request_on(&self.window, cmd, tauri::ipc::InvokeBody::Raw(body), map)
    }

    /// Invokes `cmd` and panics with the error if it fails.
    pub fn ok(&self, cmd: &str, body: Value) -> Value {
        self.invoke(cmd, body)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }
}

/// [`Harness::invoke`] through a window handle, for a call made from another thread.
pub fn invoke_on(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
    request_on(
        window,
        cmd,
        tauri::ipc::InvokeBody::Json(body),
        Default::default(),
    )
}

/// One IPC request as the front end sends it: a JSON or raw body, and headers.
fn request_on(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: tauri::ipc::InvokeBody,
    headers: tauri::http::HeaderMap,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("the app URL"),
            body,
            headers,
            invoke_key: tauri::test::INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("a JSON answer"))
}
