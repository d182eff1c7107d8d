//! The test host shared by the shell's integration tests: a temp workspace, the real command
//! set on Tauri's mock runtime, and a window to invoke commands through, as the front end would.

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
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::init(dir.path(), "tester").unwrap();
    let app = steward_desktop::builder(mock_builder(), Studio::new(workspace, "tester"))
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        dir,
        _app: app,
        window,
    }
}

impl Harness {
    /// Invokes `cmd` with a JSON body as the front end would; `Err` carries the error value.
    pub fn invoke(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        self.request(cmd, tauri::ipc::InvokeBody::Json(body), Default::default())
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
            map.insert(*k, v.parse().unwrap());
        }
        self.request(cmd, tauri::ipc::InvokeBody::Raw(body), map)
    }

    fn request(
        &self,
        cmd: &str,
        body: tauri::ipc::InvokeBody,
        headers: tauri::http::HeaderMap,
    ) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body,
                headers,
                invoke_key: tauri::test::INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<Value>().unwrap())
    }

    /// Invokes `cmd` and panics with the error if it fails.
    pub fn ok(&self, cmd: &str, body: Value) -> Value {
        self.invoke(cmd, body)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }
}
