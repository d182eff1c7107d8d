//! The shell's state: the open workspace and the cancellation flags of running operations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use steward_api::wire::{Progress, ProgressEvent};
use steward_api::{ApiError, Cancel, ErrorCode, ProgressSink, Result, Workspace};
use tauri::{Emitter, Runtime};

/// The event long operations report on, with a [`ProgressEvent`] payload.
pub const PROGRESS_EVENT: &str = "steward://progress";

/// At most this many idle connections are kept for reuse.
const IDLE_CONNECTIONS: usize = 4;

/// What the commands share: the open workspace's folder and a small pool of connections to
/// it. Each command takes a connection of its own for as long as it runs (opening one when
/// none is idle), so commands run side by side and a write waits only for SQLite's write lock,
/// never for another command's read. Long operations open their own connection too.
#[derive(Debug)]
pub struct Studio {
    pool: Mutex<Pool>,
    actor: String,
    running: Mutex<HashMap<String, Cancel>>,
}

#[derive(Debug)]
struct Pool {
    root: PathBuf,
    /// Bumped by a switch, so a connection to the previous workspace is not put back.
    generation: u64,
    idle: Vec<Workspace>,
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
            pool: Mutex::new(Pool {
                root: workspace.root().to_path_buf(),
                generation: 0,
                idle: vec![workspace],
            }),
            actor: actor.into(),
            running: Mutex::new(HashMap::new()),
        }
    }

    /// Runs `f` on a connection of its own to the open workspace.
    pub fn with<T>(&self, f: impl FnOnce(&Workspace) -> Result<T>) -> Result<T> {
        let (taken, root, generation) = {
            let mut pool = self.lock()?;
            (pool.idle.pop(), pool.root.clone(), pool.generation)
        };
        let workspace = match taken {
            Some(w) => w,
            None => Workspace::open(&root, &self.actor)?,
        };
        let out = f(&workspace);
        if let Ok(mut pool) = self.lock() {
            if pool.generation == generation && pool.idle.len() < IDLE_CONNECTIONS {
                pool.idle.push(workspace);
            }
        }
        out
    }

    fn lock(&self) -> Result<MutexGuard<'_, Pool>> {
        self.pool.lock().map_err(|_| poisoned())
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
        let mut pool = self.lock()?;
        pool.root = next.root().to_path_buf();
        pool.generation += 1;
        pool.idle = vec![next];
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
        let sink = EventSink {
            app,
            operation: operation.clone(),
        };
        self.run_cancellable(operation, move |w, cancel| f(w, &sink, cancel))
            .await
    }

    /// Runs `f` off the main thread on its own connection to the workspace, registered under
    /// `operation` so [`Studio::cancel`] can stop it; the caller reports its progress.
    pub async fn run_cancellable<T, F>(&self, operation: String, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Workspace, &Cancel) -> Result<T> + Send + 'static,
    {
        let root: PathBuf = self.lock()?.root.clone();
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
        let outcome = tauri::async_runtime::spawn_blocking(move || {
            let workspace = Workspace::open(&root, &actor)?;
            f(&workspace, &cancel)
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

    /// Runs `f` on a blocking thread with its own connection to the workspace: for calls that
    /// wait on the network (the registry client blocks, and must not run on the async runtime).
    pub async fn run_blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Workspace) -> Result<T> + Send + 'static,
    {
        let root: PathBuf = self.lock()?.root.clone();
        let actor = self.actor.clone();
        tauri::async_runtime::spawn_blocking(move || f(&Workspace::open(&root, &actor)?))
            .await
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the call failed: {e}")))?
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
