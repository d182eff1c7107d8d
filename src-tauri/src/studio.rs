//! The shell's state: the open workspace and the cancellation flags of running operations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use steward_api::wire::{Progress, ProgressEvent};
use steward_api::{ApiError, Cancel, ErrorCode, ProgressSink, Result, Workspace};
use tauri::{Emitter, Runtime};

/// The event long operations report on, with a [`ProgressEvent`] payload.
pub const PROGRESS_EVENT: &str = "steward://progress";

/// What the commands share. `Workspace` holds a SQLite connection (`Send`, not `Sync`), so it
/// sits behind a mutex; long operations open their own connection instead of holding it.
#[derive(Debug)]
pub struct Studio {
    workspace: Mutex<Workspace>,
    actor: String,
    running: Mutex<HashMap<String, Cancel>>,
}

fn poisoned() -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        "an earlier command panicked while holding the workspace; restart Steward",
    )
}

impl Studio {
    /// State around an open workspace; `actor` is recorded on every change.
    pub fn new(workspace: Workspace, actor: impl Into<String>) -> Self {
        Studio {
            workspace: Mutex::new(workspace),
            actor: actor.into(),
            running: Mutex::new(HashMap::new()),
        }
    }

    /// Runs `f` on the open workspace.
    pub fn with<T>(&self, f: impl FnOnce(&Workspace) -> Result<T>) -> Result<T> {
        f(&*self.lock()?)
    }

    fn lock(&self) -> Result<MutexGuard<'_, Workspace>> {
        self.workspace.lock().map_err(|_| poisoned())
    }

    /// Replaces the open workspace with the one `open` yields from `path`; on failure the
    /// current one stays open.
    pub fn switch(
        &self,
        path: &str,
        open: fn(&Path, &str) -> Result<Workspace>,
    ) -> Result<steward_api::wire::WorkspaceInfo> {
        let next = open(Path::new(path), &self.actor)?;
        let info = next.info()?;
        *self.lock()? = next;
        Ok(info)
    }

    /// Runs a long operation off the main thread on its own connection to the workspace, so
    /// other commands keep answering while it hashes. Progress goes to the window as
    /// [`PROGRESS_EVENT`]s tagged with `operation`; [`Studio::cancel`] stops it.
    pub async fn run_long<R, T, F>(
        &self,
        app: tauri::AppHandle<R>,
        operation: String,
        f: F,
    ) -> Result<T>
    where
        R: Runtime,
        T: Send + 'static,
        F: FnOnce(&Workspace, &dyn ProgressSink, &Cancel) -> Result<T> + Send + 'static,
    {
        let root: PathBuf = self.lock()?.root().to_path_buf();
        let cancel = Cancel::new();
        {
            let mut running = self.running.lock().map_err(|_| poisoned())?;
            if running.contains_key(&operation) {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!("operation {operation:?} is already running; use a fresh id"),
                ));
            }
            running.insert(operation.clone(), cancel.clone());
        }
        let actor = self.actor.clone();
        let sink = EventSink {
            app,
            operation: operation.clone(),
        };
        let outcome = tauri::async_runtime::spawn_blocking(move || {
            let workspace = Workspace::open(&root, &actor)?;
            f(&workspace, &sink, &cancel)
        })
        .await;
        if let Ok(mut running) = self.running.lock() {
            running.remove(&operation);
        }
        outcome.map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("operation {operation:?} failed: {e}"),
            )
        })?
    }

    /// Asks a running operation to stop; `false` when none has that id (it may have finished).
    pub fn cancel(&self, operation: &str) -> Result<bool> {
        let running = self.running.lock().map_err(|_| poisoned())?;
        Ok(running.get(operation).map(Cancel::cancel).is_some())
    }
}

/// Forwards hashing progress to the window.
struct EventSink<R: Runtime> {
    app: tauri::AppHandle<R>,
    operation: String,
}

impl<R: Runtime> ProgressSink for EventSink<R> {
    fn report(&self, progress: &Progress) {
        let event = ProgressEvent {
            operation: self.operation.clone(),
            progress: progress.clone(),
        };
        // A window that is gone or closing cannot be told; the operation carries on.
        let _ = self.app.emit(PROGRESS_EVENT, event);
    }
}
