//! Saving files the user asked for. There is no fs plugin: the window cannot name a path and
//! write to it. `export_pick` shows the native save dialog from Rust and remembers the one path
//! the user chose; `export_write` (and `eval_chart_save`) write only to a remembered path, once.
//! Under the WebDriver suite, [`SAVE_DIR_ENV`] answers the dialog instead (see there).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use steward_api::{ApiError, ErrorCode, Result};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

type Reply<T> = std::result::Result<T, ApiError>;

/// Paths the user chose in a save dialog and that have not been written yet.
#[derive(Debug, Default)]
pub struct Exports {
    granted: Mutex<HashSet<PathBuf>>,
}

impl Exports {
    /// Lets the next write go to `path` (the user chose it in a save dialog).
    pub fn grant(&self, path: PathBuf) -> Result<()> {
        self.granted
            .lock()
            .map_err(|_| {
                ApiError::new(
                    ErrorCode::Internal,
                    "the export list is poisoned; restart Steward",
                )
            })?
            .insert(path);
        Ok(())
    }

    /// The path the user chose in a save dialog, forgotten so it is used once; refused when
    /// they did not choose it.
    pub fn take(&self, path: &str) -> Result<PathBuf> {
        let path = PathBuf::from(path);
        let chosen = self
            .granted
            .lock()
            .map_err(|_| {
                ApiError::new(
                    ErrorCode::Internal,
                    "the export list is poisoned; restart Steward",
                )
            })?
            .remove(&path);
        if !chosen {
            return Err(ApiError::new(
                ErrorCode::Refused,
                format!(
                    "{} was not chosen in a save dialog; export again and pick where to save",
                    path.display()
                ),
            ));
        }
        Ok(path)
    }

    /// Writes `bytes` to `path` if the user chose it, and forgets it.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let path = self.take(path)?;
        std::fs::write(&path, bytes).map_err(|e| {
            ApiError::new(
                ErrorCode::Io,
                format!("cannot write {}: {e}", path.display()),
            )
        })
    }
}

/// Set by the WebDriver suite (`tests/e2e/run.sh`), which cannot drive a native dialog: the save
/// dialog is not shown and its answer is the suggested file name in this folder, granted as a
/// pick is. The person who starts the app sets its environment; the window cannot.
pub const SAVE_DIR_ENV: &str = "STEWARD_E2E_SAVE_DIR";

/// The answer [`SAVE_DIR_ENV`] gives for the suggested `name`: its last path component in `dir`
/// (a name with no file part is refused, naming it).
pub fn answer_in(dir: &Path, name: &str) -> Result<PathBuf> {
    let file = Path::new(name).file_name().ok_or_else(|| {
        ApiError::invalid(format!(
            "{name:?} is not a file name to save as; suggest one such as report.html"
        ))
    })?;
    Ok(dir.join(file))
}

/// Asks the user where to save a file (`name` suggested, `extension` filtered); `None` when
/// they cancel. The answer is the only path a following write may use.
#[tauri::command]
pub async fn export_pick<R: Runtime>(
    app: AppHandle<R>,
    exports: State<'_, Exports>,
    title: String,
    name: String,
    extension: String,
) -> Reply<Option<String>> {
    if let Some(dir) = std::env::var_os(SAVE_DIR_ENV).filter(|d| !d.is_empty()) {
        let path = answer_in(Path::new(&dir), &name)?;
        exports.grant(path.clone())?;
        return Ok(Some(path.display().to_string()));
    }
    let dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(name)
        .add_filter(extension.to_uppercase(), &[extension.as_str()]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the save dialog failed: {e}")))?;
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    exports.grant(path.clone())?;
    Ok(Some(path.display().to_string()))
}

/// The header naming an `export_write`'s path (from `export_pick`), percent-encoded.
pub const PATH_HEADER: &str = "x-steward-path";

/// Writes bytes the window produced (a chart drawn as PNG) to a path from `export_pick`. The
/// bytes are the request's raw body (an `ArrayBuffer` on the wire, not a JSON array of
/// numbers, which costs several bytes a byte and a parse); the path is the
/// [`PATH_HEADER`] header.
#[tauri::command(async)]
pub fn export_write(request: tauri::ipc::Request<'_>, exports: State<'_, Exports>) -> Reply<()> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(ApiError::invalid(
            "export_write takes the file's bytes as the request body (an ArrayBuffer), not JSON",
        ));
    };
    let Some(header) = request.headers().get(PATH_HEADER) else {
        return Err(ApiError::invalid(format!(
            "export_write needs the path from export_pick in the {PATH_HEADER} header"
        )));
    };
    let path = header
        .to_str()
        .ok()
        .and_then(|h| percent_encoding::percent_decode_str(h).decode_utf8().ok())
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "the {PATH_HEADER} header is not a percent-encoded UTF-8 path"
            ))
        })?;
    exports.write(&path, bytes)
}
