//! Answers as the studio's registry-sync commands answer (src-tauri/src/sync.rs calls the same
//! `Workspace` methods), so ui/flows/app/sync/generate.sh records the Chromium flows' fake core
//! from the real one. One call per run, its answer printed as JSON on standard output; a refused
//! call prints the `{code, message}` error and exits 1.
//!
//! Usage: studio_sync WORKSPACE settings | set URL | clear | login [USER] | logout | test
//!        | status | findings | remote MODEL VERSION DIGEST | resolve MODEL VERSION ours|theirs
//!        | sync [push] [pull] [restore]
//!        | merge TARGET KIND | merge-compose TARGET KIND CHOICE | merge-save TARGET KIND FILE
//!
//! `merge-compose` resolves every conflict with the same CHOICE (ours, theirs, both, base);
//! `merge-save` saves FILE's text as the merge of the two heads `merge` shows.
//!
//! `login` reads the secret from `$STEWARD_REGISTRY_SECRET`. `sync` prints
//! `{"progress": [...], "report": ...}` (or `"error"` in place of the report): every progress
//! report in order, as the studio's window receives them.

use std::cell::RefCell;
use std::path::Path;

use serde_json::{json, Value};
use steward_api::wire::{DocumentMergeCompose, DocumentMergeSave, DocumentRef, SyncRequest};
use steward_api::{ApiError, Workspace};
use steward_domain::document::merge::MergeChoice;
use steward_domain::DocumentKind;

fn answer<T: serde::Serialize>(r: Result<T, ApiError>) -> (Value, bool) {
    match r {
        Ok(v) => (
            serde_json::to_value(v).expect("the answer serializes"),
            true,
        ),
        Err(e) => (
            serde_json::to_value(e).expect("the error serializes"),
            false,
        ),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(root), Some(cmd)) = (args.first(), args.get(1)) else {
        eprintln!("usage: studio_sync WORKSPACE settings|set URL|clear|login [USER]|logout|test|status|findings|sync [push] [pull] [restore]");
        std::process::exit(2);
    };
    let rest = &args[2..];
    let ws = Workspace::open(Path::new(root), &steward_api::current_actor())
        .expect("open the workspace");
    let (value, ok) = match cmd.as_str() {
        "settings" => answer(ws.registry_settings()),
        "set" => answer(
            ws.registry_set(rest.first().map_or("", String::as_str))
                .and_then(|_| ws.registry_settings()),
        ),
        "clear" => answer(ws.registry_clear()),
        "login" => {
            let secret = std::env::var("STEWARD_REGISTRY_SECRET").unwrap_or_default();
            answer(ws.registry_login_here(rest.first().map(String::as_str), &secret))
        }
        "logout" => answer(ws.registry_logout()),
        "test" => answer(ws.registry_test_here()),
        "status" => answer(ws.sync_status()),
        "findings" => answer(ws.sync_findings()),
        "remote" => {
            let arg = |i: usize| rest.get(i).map_or("", String::as_str);
            answer(ws.sync_conflict_remote(arg(0), arg(1), arg(2)))
        }
        "resolve" => {
            let arg = |i: usize| rest.get(i).map_or("", String::as_str);
            answer(ws.sync_conflict_resolve(arg(0), arg(1), arg(2) == "ours"))
        }
        "merge" | "merge-compose" | "merge-save" => {
            let arg = |i: usize| rest.get(i).map_or("", String::as_str);
            let kind: DocumentKind = arg(1).parse().expect("a document kind");
            let doc = DocumentRef {
                target: arg(0).to_string(),
                kind,
            };
            match cmd.as_str() {
                "merge" => answer(ws.doc_merge(&doc)),
                "merge-compose" => {
                    let choice: MergeChoice =
                        serde_json::from_value(json!(arg(2))).expect("ours, theirs, both or base");
                    answer(ws.doc_merge(&doc).and_then(|view| {
                        ws.doc_merge_compose(&DocumentMergeCompose {
                            target: doc.target.clone(),
                            kind,
                            theirs: view.theirs.number,
                            choices: vec![choice; view.conflicts as usize],
                        })
                    }))
                }
                _ => {
                    let text = std::fs::read_to_string(arg(2)).expect("the merged text");
                    answer(ws.doc_merge(&doc).and_then(|view| {
                        ws.doc_merge_save(&DocumentMergeSave {
                            target: doc.target.clone(),
                            kind,
                            ours: view.ours.number,
                            theirs: view.theirs.number,
                            text,
                            message: None,
                        })
                    }))
                }
            }
        }
        "sync" => {
            let has = |f: &str| rest.iter().any(|a| a == f);
            let req = SyncRequest {
                push: has("push"),
                pull: has("pull"),
                restore: has("restore"),
                verify: None,
            };
            let seen = RefCell::new(Vec::new());
            let r = ws.sync_observed(&req, &|| false, &|p| {
                seen.borrow_mut()
                    .push(serde_json::to_value(p).expect("progress serializes"));
            });
            let (v, ok) = answer(r);
            let key = if ok { "report" } else { "error" };
            (json!({ "progress": seen.into_inner(), key: v }), ok)
        }
        other => {
            eprintln!("studio_sync: unknown call {other:?}");
            std::process::exit(2);
        }
    };
    println!("{}", serde_json::to_string_pretty(&value).expect("JSON"));
    if !ok {
        std::process::exit(1);
    }
}
