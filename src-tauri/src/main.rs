//! `steward-studio`: opens a workspace (creating it if needed), optionally loads the demo
//! into an empty one, and runs the desktop window. Startup failures are printed as one line
//! on stderr with exit code 1 (the user can fix it) or 2 (damage or a bug); no panics.

// Without this a release build on Windows opens a console next to the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use steward_api::{ApiError, NoProgress, Workspace};
use steward_desktop::Studio;

/// Steward's desktop studio for model governance.
#[derive(Debug, Parser)]
#[command(name = "steward-studio", version)]
struct Args {
    /// The workspace folder to open; created if missing. Defaults to STEWARD_WORKSPACE, else
    /// the per-user data folder.
    #[arg(long, value_name = "DIR")]
    workspace: Option<PathBuf>,
    /// Load the demo models when the workspace has none (or set STEWARD_DEMO=1).
    #[arg(long, env = "STEWARD_DEMO", value_parser = clap::builder::FalseyValueParser::new())]
    demo: bool,
}

fn fail(what: &str, e: &ApiError) -> ExitCode {
    eprintln!("steward-studio: {what}: {e}");
    ExitCode::from(if e.code.is_user_error() { 1 } else { 2 })
}

fn open(args: &Args, actor: &str) -> Result<Workspace, ExitCode> {
    let dir = args
        .workspace
        .clone()
        .unwrap_or_else(steward_api::default_workspace_dir);
    let workspace =
        Workspace::init(&dir, actor).map_err(|e| fail("cannot open the workspace", &e))?;
    if args.demo {
        let empty = workspace
            .info()
            .map_err(|e| fail("cannot read the workspace", &e))?
            .models
            == 0;
        if empty {
            let loaded = steward_api::demo::load(&workspace, 0, &NoProgress)
                .map_err(|e| fail("cannot load the demo", &e))?;
            eprintln!(
                "steward-studio: loaded the demo into {}: {} models, {} versions, {} datasets",
                dir.display(),
                loaded.models,
                loaded.versions,
                loaded.datasets
            );
        }
    }
    Ok(workspace)
}

/// Builds the window. Without a usable display GTK's initialisation panics inside tao; that
/// is a situation to explain, not a crash, so the panic is caught and turned into a message.
fn build(builder: tauri::Builder<tauri::Wry>) -> Result<tauri::App, String> {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        builder.build(tauri::generate_context!())
    }));
    std::panic::set_hook(default_hook);
    match outcome {
        Ok(built) => built.map_err(|e| e.to_string()),
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_else(|| "the window toolkit failed to start".to_string())),
    }
}

fn main() -> ExitCode {
    // Before any thread and before GTK: WebKit reads it when it starts.
    steward_desktop::rendering::choose();
    let args = Args::parse();
    let actor = steward_api::current_actor();
    let workspace = match open(&args, &actor) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let builder =
        steward_desktop::builder(tauri::Builder::default(), Studio::new(workspace, actor));
    match build(builder) {
        Ok(app) => {
            app.run(|_, _| {});
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "steward-studio: cannot open a window: {e}\n\
                 run it from a desktop session (DISPLAY or WAYLAND_DISPLAY set), or under xvfb-run"
            );
            ExitCode::from(1)
        }
    }
}
