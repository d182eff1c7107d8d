//! Operations after release (issue 12): online windows evaluated against the policy's
//! guardrails (`steward monitor`), the action a breach calls for, incidents, and the
//! workspace's guardrail service key.
//!
//! `monitor_import` reads a CSV of windows (`timestamp,version,metric,value`), has
//! `steward_domain::guardrail::check_windows` refuse what cannot be trusted (naming the line
//! and value; nothing is stored), evaluates the policy's guardrails canary against production
//! (`evaluate`), and performs the one action `decide` picks: a traffic reduction through the
//! dial, or a rollback through the governance engine's rollback, signed by the workspace's
//! service key (whose roster role lets it sign only that) with an incident opened for it. An
//! action that cannot be performed — no service key, a key the roster does not grant, no
//! rollback target — is not performed and the event says why. Then the windows and one event
//! per breach are stored in one transaction.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use steward_attest::{IdentityRecord, Signer};
use steward_domain::gate::time::{format_rfc3339, parse_rfc3339};
use steward_domain::guardrail::{
    check_windows, decide, describe, evaluate_after, history_needed, Arm, Breach, GuardAction,
    History, WindowRow, Windows,
};
use steward_domain::incident::{
    notification_text, parse_action_item, ActionItem, IncidentSuite, NotifyFacts, Severity,
};
use steward_domain::traffic::{self, TrafficChange};
use steward_domain::trust::{may_sign_release, ChangeKind as RosterOp, Role};
use steward_domain::{ModelName, Sha256Digest, Stage, TransitionKind, Version};
use steward_store::{
    GuardrailEventRow, IncidentRow, NewGuardrailEvent, NewOnlineImport, OnlineImportRow,
    OnlineSeries,
};

use super::trust::{current_identity, keystore, load_signer};
use super::{parse, Workspace};
use crate::error::{ApiError, ErrorCode, Result};
use crate::input::quote;
use crate::wire::*;
use crate::workspace::evals::bounded::Bounded;
/// The service key's name in the roster.
const SERVICE_NAME: &str = "Steward guardrail service";

fn incident_ref(id: i64) -> String {
    format!("INC-{id}")
}

fn parse_incident(text: &str) -> Result<i64> {
    let t = text.trim();
    let n = t
        .strip_prefix("INC-")
        .or_else(|| t.strip_prefix("inc-"))
        .unwrap_or(t);
    n.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        ApiError::invalid(format!(
            "{text:?} is not an incident: give INC-N (as `steward incident list` shows)"
        ))
    })
}

fn import_view(r: &OnlineImportRow) -> OnlineImportView {
    OnlineImportView {
        id: u32::try_from(r.id).unwrap_or(u32::MAX),
        file: r.file_name.clone(),
        sha256: r.file_sha256.clone(),
        canary: r.canary.clone(),
        production: r.production.clone(),
        rows: u32::try_from(r.rows).unwrap_or(u32::MAX),
        step_s: u32::try_from(r.step_s).unwrap_or(u32::MAX),
        first: format_rfc3339(r.first_at),
        last: format_rfc3339(r.last_at),
        policy: r.policy.clone(),
        actor: r.actor.clone(),
        at: r.at.clone(),
    }
}

fn event_view(r: &GuardrailEventRow) -> Result<GuardrailEventView> {
    let b: Breach = serde_json::from_str(&r.event.evidence).map_err(|e| {
        ApiError::new(
            ErrorCode::Corrupt,
            format!(
                "guardrail event {} holds evidence that does not read ({e})",
                r.id
            ),
        )
    })?;
    Ok(GuardrailEventView {
        rule: b.rule,
        stage: b.stage.to_string(),
        metric: b.metric,
        window: format_rfc3339(b.at),
        observed: b.observed,
        production: b.production,
        bound: b.bound,
        consecutive: b.consecutive,
        bad_windows: b.bad_windows,
        action: b.action.to_string(),
        outcome: r.event.outcome.clone(),
        detail: r.event.detail.clone(),
        release: r.event.release_sha256.clone(),
        traffic_epoch: r
            .event
            .traffic_epoch
            .map(|e| u32::try_from(e).unwrap_or(u32::MAX)),
        incident: r.event.incident_id.map(incident_ref),
        import: u32::try_from(r.import_id).unwrap_or(u32::MAX),
        at: r.at.clone(),
    })
}

fn breach_text(b: &Breach) -> String {
    let prod = b
        .production
        .map(|p| format!(" (production {p})"))
        .unwrap_or_default();
    format!(
        "guardrail {}: {} of the {} = {}{prod}, {}, at {} ({} consecutive window(s))",
        b.rule,
        b.metric,
        b.stage,
        b.observed,
        b.bound,
        format_rfc3339(b.at),
        b.consecutive
    )
}

fn action_items(text: &str) -> Vec<ActionItem> {
    serde_json::from_str(text).unwrap_or_default()
}

/// What performing the decided action did.
struct Performed {
    outcome: &'static str,
    detail: String,
    release: Option<String>,
    epoch: Option<u64>,
    incident: Option<i64>,
}

impl Performed {
    fn not(detail: String) -> Performed {
        Performed {
            outcome: "not-performed",
            detail,
            release: None,
            epoch: None,
            incident: None,
        }
    }
}

/// The most windows (values) one import takes: a week of minute windows for 50 metrics of
/// both arms is 1,008,000. What a check needs of them (24 bytes a window) stays in memory
/// until the guardrails have read them, so the count is bounded.
pub const MAX_WINDOWS: u64 = 2_000_000;

/// A window CSV streamed row by row: header `timestamp,version,metric,value` (any order;
/// `at` for `timestamp`), one value per row. Records over 1 MiB are refused before they are
/// buffered ([`Bounded`]); metric names are interned, a timestamp repeated from the row before
/// and a version seen before are not parsed again, so a row costs no allocation. The first fault
/// ends the rows and is kept in `fault`.
struct WindowRows<'a, R: Read> {
    rdr: csv::Reader<Bounded<R>>,
    file: &'a str,
    cols: [usize; 4],
    record: csv::ByteRecord,
    metrics: rustc_hash::FxHashMap<Vec<u8>, Arc<str>>,
    last_at: (Vec<u8>, i64),
    /// The versions seen (a file names two, usually row by row in turn).
    versions: Vec<(Vec<u8>, Version)>,
    rows: u64,
    /// The most rows read ([`MAX_WINDOWS`]).
    max: u64,
    fault: Option<ApiError>,
}

impl<'a, R: Read> WindowRows<'a, R> {
    fn new(reader: R, file: &'a str) -> Result<Self> {
        let bad = |why: String| ApiError::invalid(format!("{file} line 1: {why}"));
        // Fields are trimmed where they are read: the csv crate's own trim rebuilds every
        // record (an allocation a row).
        let mut rdr = csv::ReaderBuilder::new().from_reader(Bounded::new(reader));
        let header = rdr
            .headers()
            .map_err(|e| bad(format!("not CSV ({e})")))?
            .clone();
        let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.trim()));
        let (Some(ts), Some(ver), Some(met), Some(val)) = (
            col(&["timestamp", "at"]),
            col(&["version"]),
            col(&["metric"]),
            col(&["value"]),
        ) else {
            return Err(bad(format!(
                "the header is {:?}; a window file has the columns timestamp,version,metric,value",
                header.iter().collect::<Vec<_>>().join(",")
            )));
        };
        Ok(WindowRows {
            rdr,
            file,
            cols: [ts, ver, met, val],
            record: csv::ByteRecord::new(),
            metrics: Default::default(),
            last_at: (Vec::new(), 0),
            versions: Vec::new(),
            rows: 0,
            max: MAX_WINDOWS,
            fault: None,
        })
    }

    fn row(&mut self) -> Result<Option<WindowRow>> {
        let file = self.file;
        let bad = |place: String, why: String| ApiError::invalid(format!("{file} {place}: {why}"));
        match self.rdr.read_byte_record(&mut self.record) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                return Err(match e.kind() {
                    csv::ErrorKind::Io(io) => bad(format!("line {line}"), io.to_string()),
                    _ => bad(format!("line {line}"), format!("not CSV ({e})")),
                });
            }
        }
        self.rows += 1;
        if self.rows > self.max {
            return Err(ApiError::invalid(format!(
                "{file} holds more than {} windows, the most one import takes; split it (a week of minute windows for 50 metrics of both versions is 1,008,000)",
                self.max
            )));
        }
        let line = self.record.position().map_or(0, csv::Position::line);
        let [ts, ver, met, val] = self.cols;
        let field = |i: usize| self.record.get(i).unwrap_or_default().trim_ascii();
        let text = |i: usize| quote(&String::from_utf8_lossy(field(i)));
        let column = |i: usize, name: &str| format!("line {line}, column {} ({name})", i + 1);
        if field(ts) != self.last_at.0.as_slice() {
            let at = std::str::from_utf8(field(ts))
                .ok()
                .and_then(parse_rfc3339)
                .ok_or_else(|| {
                    bad(
                        column(ts, "timestamp"),
                        format!(
                            "{} is not an RFC 3339 time (2026-11-18T00:00:00Z)",
                            text(ts)
                        ),
                    )
                })?;
            self.last_at = (field(ts).to_vec(), at);
        }
        let version = match self
            .versions
            .iter()
            .find(|(t, _)| t.as_slice() == field(ver))
        {
            Some((_, v)) => *v,
            None => {
                let v: Version = std::str::from_utf8(field(ver))
                    .map_err(|e| e.to_string())
                    .and_then(|t| t.parse::<Version>().map_err(|e| e.to_string()))
                    .map_err(|e| bad(column(ver, "version"), format!("{}: {e}", text(ver))))?;
                // Only the two serving versions pass the checks; a few more are remembered
                // so a file naming others is refused as fast as it is read.
                if self.versions.len() < 4 {
                    self.versions.push((field(ver).to_vec(), v));
                }
                v
            }
        };
        let value: f64 = std::str::from_utf8(field(val))
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| {
                bad(
                    column(val, "value"),
                    format!("{} is not a number", text(val)),
                )
            })?;
        let metric = match self.metrics.get(field(met)) {
            Some(m) => m.clone(),
            None => {
                let name: Arc<str> = String::from_utf8_lossy(field(met)).into();
                self.metrics.insert(field(met).to_vec(), name.clone());
                name
            }
        };
        Ok(Some(WindowRow {
            line,
            at: self.last_at.1,
            version,
            metric,
            value,
        }))
    }
}

impl<R: Read> Iterator for WindowRows<'_, R> {
    type Item = WindowRow;

    fn next(&mut self) -> Option<WindowRow> {
        if self.fault.is_some() {
            return None;
        }
        match self.row() {
            Ok(row) => row,
            Err(e) => {
                self.fault = Some(e);
                None
            }
        }
    }
}

impl Workspace {
    fn serving_pair(&self, model: &ModelName) -> Result<(Option<Version>, Option<Version>)> {
        let versions = self.store.versions(model)?;
        let find = |s: Stage| versions.iter().find(|v| v.stage == s).map(|v| v.version);
        Ok((find(Stage::Canary), find(Stage::Production)))
    }

    /// Imports a file of online windows, evaluates the guardrails and acts on a breach. The
    /// file streams (hashed as it is read); a file over [`MAX_WINDOWS`] windows, or one that
    /// changes while it is read, is refused with nothing stored.
    pub fn monitor_import(&self, req: &MonitorImport) -> Result<MonitorView> {
        let model: ModelName = parse(&req.model)?;
        self.store.model(&model)?;
        let path = Path::new(&req.file);
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| req.file.clone());
        let (file, opened) = crate::input::open_regular_meta(path)?;
        self.monitor_import_from(&model, &file_name, &file, Some((path, &file, &opened)))
    }

    /// [`Workspace::monitor_import`] of a file already read (the demo's windows).
    pub(crate) fn monitor_import_bytes(
        &self,
        model: &ModelName,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<MonitorView> {
        self.monitor_import_from(model, file_name, bytes, None)
    }

    /// Streams `reader` (the file `file_name`; with `opened`, the file at that path as it was
    /// when opened, checked for changes once read) through the window checks, then evaluates
    /// and stores.
    fn monitor_import_from<R: Read>(
        &self,
        model: &ModelName,
        file_name: &str,
        reader: R,
        opened: Option<(&Path, &std::fs::File, &std::fs::Metadata)>,
    ) -> Result<MonitorView> {
        let model = model.clone();
        let file_name = file_name.to_string();
        let mut hashing = crate::input::HashingReader::new(reader);
        let (canary, production) = self.serving_pair(&model)?;
        let checked = (|| -> Result<_> {
            let mut rows = WindowRows::new(&mut hashing, &file_name)?;
            let checked = check_windows(&mut rows, canary, production);
            if let Some(fault) = rows.fault.take() {
                return Err(fault);
            }
            // Whatever the parser left unread still belongs to the file and its digest.
            let mut rest = rows.rdr.into_inner();
            std::io::copy(&mut rest, &mut std::io::sink())
                .map_err(|e| ApiError::invalid(format!("{file_name}: {e}")))?;
            Ok(checked.map_err(|e| ApiError::invalid(format!("{file_name} {e}"))))
        })()
        .and_then(|c| c);
        if let Some((path, file, meta)) = opened {
            // A file still being written explains any refusal better than its rows.
            let whole = checked.is_ok().then_some(hashing.bytes_read());
            crate::input::unchanged_while_read(path, file, meta, whole)?;
        }
        let windows = checked
            .map_err(|e| ApiError::new(e.code, format!("{}; nothing was stored", e.message)))?;
        let sha = format!("sha256:{}", hashing.hex());
        if self.store.online_import_exists(&model, &sha)? {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!("{file_name} was imported for {model} already ({sha}); nothing was stored"),
            ));
        }
        let policy = self.policy_in_force()?;
        let history = self.online_history(
            &model,
            &file_name,
            (canary, production),
            &windows,
            &policy.policy.guardrails,
        )?;
        let breaches = evaluate_after(&policy.policy.guardrails, &windows, &history);
        let decided = decide(&breaches);
        let performed = match decided {
            None | Some(GuardAction::Recommend) => None,
            Some(action) => Some(self.perform(&model, action, &breaches)),
        };
        let events: Vec<NewGuardrailEvent> = breaches
            .iter()
            .map(|b| {
                let evidence = serde_json::to_string(b).unwrap_or_default();
                let same = decided.is_some_and(|d| {
                    std::mem::discriminant(&d) == std::mem::discriminant(&b.action)
                });
                match (&performed, b.action) {
                    (_, GuardAction::Recommend) => NewGuardrailEvent {
                        rule_id: b.rule.clone(),
                        evidence,
                        outcome: "recommended".into(),
                        detail: format!("recommended: {}", breach_text(b)),
                        release_sha256: None,
                        traffic_epoch: None,
                        incident_id: None,
                    },
                    (Some(p), _) if same => NewGuardrailEvent {
                        rule_id: b.rule.clone(),
                        evidence,
                        outcome: p.outcome.into(),
                        detail: p.detail.clone(),
                        release_sha256: p.release.clone(),
                        traffic_epoch: p.epoch,
                        incident_id: p.incident,
                    },
                    _ => NewGuardrailEvent {
                        rule_id: b.rule.clone(),
                        evidence,
                        outcome: "recommended".into(),
                        detail: format!(
                            "{} is recommended; the stronger action ({}) was taken instead",
                            b.action,
                            decided.map(|d| d.to_string()).unwrap_or_default()
                        ),
                        release_sha256: None,
                        traffic_epoch: None,
                        incident_id: None,
                    },
                }
            })
            .collect();
        let series: Vec<OnlineSeries<'_>> = windows
            .series
            .iter()
            .map(|((arm, metric), points)| OnlineSeries {
                arm: match arm {
                    Arm::Canary => "canary",
                    Arm::Production => "production",
                },
                metric: metric.as_str(),
                points,
            })
            .collect();
        self.store.add_online_import(
            &NewOnlineImport {
                model: &model,
                file_name: &file_name,
                file_sha256: &sha,
                canary: canary.map(|v| v.to_string()),
                production: production.map(|v| v.to_string()),
                rows: windows.rows,
                step_s: windows.step_s,
                first_at: windows.first,
                last_at: windows.last,
                policy: &policy.policy.name,
            },
            &series,
            &events,
            &self.actor,
        )?;
        self.monitor(model.as_str())
    }

    /// The stored windows the guardrails read before a new file's (see
    /// `steward_domain::guardrail::evaluate_after`), after refusing a file that would store
    /// a window of a series a second time.
    fn online_history(
        &self,
        model: &ModelName,
        file_name: &str,
        (canary, production): (Option<Version>, Option<Version>),
        windows: &Windows,
        rules: &[steward_domain::guardrail::GuardrailRule],
    ) -> Result<History> {
        let mut history = History::new();
        for ((arm, metric), points) in &windows.series {
            let (arm_name, version) = match arm {
                Arm::Canary => ("canary", canary),
                Arm::Production => ("production", production),
            };
            let Some(version) = version.map(|v| v.to_string()) else {
                continue;
            };
            let starts: Vec<i64> = points.iter().map(|p| p.0).collect();
            if let Some((at, earlier)) = self
                .store
                .online_overlap(model, arm_name, &version, metric, &starts)?
            {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!(
                        "{file_name}: the {metric} window of {version} at {} was imported already, from {earlier}; nothing was stored",
                        format_rfc3339(at)
                    ),
                ));
            }
            let n = history_needed(rules, metric);
            if let (true, Some(&(first, _))) = (n > 0, points.first()) {
                let tail = self
                    .store
                    .online_tail(model, arm_name, &version, metric, first, n)?;
                if !tail.is_empty() {
                    history.insert((*arm, metric.clone()), tail);
                }
            }
        }
        Ok(history)
    }

    /// Performs a traffic reduction or a rollback for `breaches`.
    fn perform(&self, model: &ModelName, action: GuardAction, breaches: &[Breach]) -> Performed {
        let trigger = breaches
            .iter()
            .find(|b| std::mem::discriminant(&b.action) == std::mem::discriminant(&action))
            .map(breach_text)
            .unwrap_or_default();
        match action {
            GuardAction::Recommend => Performed::not("nothing to perform".into()),
            GuardAction::ReduceTraffic { to_percent } => {
                match self.reduce_traffic(model, to_percent, &trigger) {
                    Ok(p) => p,
                    Err(e) => Performed::not(format!(
                        "the canary's traffic was not reduced: {}",
                        e.message
                    )),
                }
            }
            GuardAction::Rollback => match self.guardrail_rollback(model, &trigger, breaches) {
                Ok(p) => p,
                Err(e) => Performed::not(format!("production was not rolled back: {}", e.message)),
            },
        }
    }

    fn reduce_traffic(&self, model: &ModelName, to: f64, trigger: &str) -> Result<Performed> {
        let before = self.current_traffic(model)?;
        let (canary, production) = self.serving_pair(model)?;
        let before = if before.serving.is_none() && before.canary.is_none() {
            traffic::TrafficState {
                serving: production,
                canary,
                ..before
            }
        } else {
            before
        };
        if before.canary.is_none() {
            return Ok(Performed::not("there is no canary to cut".into()));
        }
        if before.canary_percent <= to {
            return Ok(Performed::not(format!(
                "the canary already receives {}% (at or under {to}%): nothing to cut",
                before.canary_percent
            )));
        }
        let policy = self.policy_in_force()?;
        let next = traffic::change(
            &before,
            &TrafficChange::Canary { percent: to },
            &policy.policy.canary,
        )
        .map_err(|e| ApiError::new(ErrorCode::Refused, e.to_string()))?;
        let reason = format!("{trigger} → canary cut to {to}%");
        self.record_traffic(model, &next, &reason, None, false, false)?;
        Ok(Performed {
            outcome: "performed",
            detail: format!(
                "canary traffic cut from {}% to {to}% (serving epoch {})",
                before.canary_percent, next.epoch
            ),
            release: None,
            epoch: Some(next.epoch),
            incident: None,
        })
    }

    /// The service key's identity and signer, when it can sign a rollback now.
    fn service_signer(&self) -> Result<(IdentityRecord, Signer)> {
        let Some((identity, keyid)) = self.store.service_key()? else {
            return Err(ApiError::new(
                ErrorCode::Untrusted,
                "the workspace has no guardrail service key to sign the rollback's release record; a roster admin creates it with `steward service-key init`",
            ));
        };
        let ks = keystore();
        let secret = ks.load(&identity).map_err(|e| {
            ApiError::new(
                ErrorCode::Keyring,
                format!("the guardrail service key ({identity}) cannot be read from the OS keyring, so the rollback's release record cannot be signed: {e}"),
            )
        })?;
        let signer = Signer::new(secret);
        if signer.keyid().to_string() != keyid {
            return Err(ApiError::new(
                ErrorCode::Untrusted,
                format!("the keyring's {identity} is not the service key the workspace recorded ({keyid}); run `steward service-key init` again"),
            ));
        }
        let state = self.trust_state()?;
        let roster = state.roster()?;
        let Some(member) = roster.member(signer.keyid()).filter(|m| m.is_active()) else {
            return Err(ApiError::new(
                ErrorCode::Untrusted,
                "the guardrail service key is not an active member of the roster (revoked?), so it cannot sign the rollback",
            ));
        };
        if !member.roles.contains(&Role::GuardrailService) {
            return Err(ApiError::new(
                ErrorCode::Untrusted,
                "the roster does not grant the service key guardrail-service, so it cannot sign the rollback",
            ));
        }
        may_sign_release(&member.roles, TransitionKind::Rollback)
            .map_err(|e| ApiError::new(ErrorCode::Untrusted, e))?;
        Ok((
            IdentityRecord {
                identity: identity.clone(),
                name: SERVICE_NAME.into(),
                email: format!("{identity}@service.steward.invalid"),
            },
            signer,
        ))
    }

    fn guardrail_rollback(
        &self,
        model: &ModelName,
        trigger: &str,
        breaches: &[Breach],
    ) -> Result<Performed> {
        let versions = self.store.versions(model)?;
        let find = |s: Stage| versions.iter().find(|v| v.stage == s).map(|v| v.version);
        let (Some(serving), Some(target)) = (find(Stage::Production), find(Stage::RollbackTarget))
        else {
            return Err(ApiError::new(
                ErrorCode::Refused,
                format!("{model} has no production version with a rollback target behind it"),
            ));
        };
        // Everything the signature needs is checked before anything is written.
        let (who, signer) = self.service_signer()?;
        let rule = breaches
            .iter()
            .find(|b| b.action == GuardAction::Rollback)
            .map_or("guardrail".to_string(), |b| b.rule.clone());
        let versions_json =
            serde_json::to_string(&[serving.to_string(), target.to_string()]).unwrap_or_default();
        let incident = self.store.open_incident(
            model,
            &format!("automatic rollback: {rule}"),
            Severity::Sev2.as_str(),
            &versions_json,
            &format!("guardrail:{rule}"),
            &self.actor,
        )?;
        self.store
            .add_incident_entry(incident, "note", trigger, None, "[]", &self.actor)?;
        let result = self.rollback_signed(
            &RollbackRequest {
                model: model.to_string(),
                incident: incident_ref(incident),
                reason: trigger.to_string(),
            },
            Some((&who, &signer)),
        );
        match result {
            Ok(r) => {
                self.store.add_incident_entry(
                    incident,
                    "rollback",
                    &format!(
                        "rolled back {} → {} automatically, signed by the guardrail service key",
                        r.rolled_back, r.serving
                    ),
                    Some(&r.release.digest),
                    "[]",
                    &self.actor,
                )?;
                Ok(Performed {
                    outcome: "performed",
                    detail: format!(
                        "production rolled back from {} to {} (release record {}, {})",
                        r.rolled_back,
                        r.serving,
                        r.release.digest,
                        incident_ref(incident)
                    ),
                    release: Some(r.release.digest),
                    epoch: None,
                    incident: Some(incident),
                })
            }
            Err(e) => {
                self.store.add_incident_entry(
                    incident,
                    "note",
                    &format!("the automatic rollback was not performed: {}", e.message),
                    None,
                    "[]",
                    &self.actor,
                )?;
                Ok(Performed {
                    incident: Some(incident),
                    ..Performed::not(format!(
                        "production was not rolled back: {} ({} is open)",
                        e.message,
                        incident_ref(incident)
                    ))
                })
            }
        }
    }

    /// A model's guardrail state: the newest import's breaches, every import and event.
    pub fn monitor(&self, model: &str) -> Result<MonitorView> {
        let model: ModelName = parse(model)?;
        self.store.model(&model)?;
        let (canary, production) = self.serving_pair(&model)?;
        let policy = self.policy_in_force()?;
        let imports: Vec<OnlineImportView> = self
            .store
            .online_imports(&model)?
            .iter()
            .map(import_view)
            .collect();
        let rows = self.store.guardrail_events(&model)?;
        let events = rows.iter().map(event_view).collect::<Result<Vec<_>>>()?;
        let latest = imports.last().cloned();
        let breaches: Vec<GuardrailEventView> = match &latest {
            Some(l) => events
                .iter()
                .filter(|e| e.import == l.id)
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        let status = match (&latest, breaches.is_empty()) {
            (None, _) => "no-windows",
            (Some(_), true) => "ok",
            (Some(_), false) => "breach",
        };
        Ok(MonitorView {
            model: model.to_string(),
            status: status.into(),
            canary: canary.map(|v| v.to_string()),
            production: production.map(|v| v.to_string()),
            guardrails: policy
                .policy
                .guardrails
                .iter()
                .map(|g| GuardrailRuleView {
                    id: g.id.clone(),
                    stage: g.stage.to_string(),
                    metric: g.metric.clone(),
                    description: describe(g),
                })
                .collect(),
            latest,
            breaches,
            imports,
            events,
        })
    }

    // -----------------------------------------------------------------------------------
    // Incidents

    fn incident_view(&self, row: &IncidentRow) -> IncidentView {
        let versions: Vec<String> = serde_json::from_str(&row.versions).unwrap_or_default();
        let close = row.entries.iter().rev().find(|e| e.kind == "close");
        let rollback = row
            .entries
            .iter()
            .find(|e| e.kind == "rollback")
            .and_then(|e| e.release_sha256.clone());
        let actions = close
            .map(|c| action_items(&c.action_items))
            .unwrap_or_default();
        let state = if close.is_some() { "closed" } else { "open" };
        let reference = incident_ref(row.id);
        let breach = row
            .entries
            .first()
            .filter(|_| row.source.starts_with("guardrail:"))
            .map(|e| e.text.clone());
        let timeline: Vec<IncidentEntryView> = row
            .entries
            .iter()
            .map(|e| IncidentEntryView {
                kind: e.kind.clone(),
                text: e.text.clone(),
                release: e.release_sha256.clone(),
                actor: e.actor.clone(),
                at: e.at.clone(),
            })
            .collect();
        let notification = notification_text(&NotifyFacts {
            reference: reference.clone(),
            model: row.model.clone(),
            title: row.title.clone(),
            severity: row.severity.clone(),
            state: state.into(),
            versions: versions.clone(),
            breach,
            rollback: rollback.clone(),
            timeline: timeline
                .iter()
                .map(|t| format!("{} — {} ({}): {}", t.at, t.actor, t.kind, t.text))
                .collect(),
            actions: actions.clone(),
        });
        IncidentView {
            reference,
            model: row.model.clone(),
            title: row.title.clone(),
            severity: row.severity.clone(),
            state: state.into(),
            versions,
            source: row.source.clone(),
            rollback,
            analysis: close.map(|c| c.text.clone()),
            actions: actions
                .into_iter()
                .map(|a| ActionItemView {
                    text: a.text,
                    requires_suite: a.requires_suite,
                })
                .collect(),
            timeline,
            notification,
            opened_by: row.actor.clone(),
            opened_at: row.at.clone(),
        }
    }

    /// Opens an incident by hand.
    pub fn incident_open(&self, req: &IncidentOpen) -> Result<IncidentView> {
        let model: ModelName = parse(&req.model)?;
        self.store.model(&model)?;
        let title = req.title.trim();
        if title.is_empty() {
            return Err(ApiError::invalid(
                "an incident has a title: give --title TEXT",
            ));
        }
        let severity: Severity = req
            .severity
            .parse()
            .map_err(|e: String| ApiError::invalid(format!("--severity: {e}")))?;
        let known: Vec<Version> = self
            .store
            .versions(&model)?
            .iter()
            .map(|v| v.version)
            .collect();
        let versions: Vec<String> = if req.versions.is_empty() {
            let (c, p) = self.serving_pair(&model)?;
            [p, c]
                .into_iter()
                .flatten()
                .map(|v| v.to_string())
                .collect()
        } else {
            let mut out = Vec::new();
            for v in &req.versions {
                let parsed: Version = parse(v)?;
                if !known.contains(&parsed) {
                    return Err(ApiError::new(
                        ErrorCode::NotFound,
                        format!("{model} has no version {parsed}"),
                    ));
                }
                out.push(parsed.to_string());
            }
            out
        };
        let rollback = match req
            .rollback
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(r) => {
                let rows = self.store.release_records(&model)?;
                let found = rows.iter().find(|row| {
                    let d = row.envelope_sha256.to_string();
                    d == r || d.strip_prefix("sha256:") == Some(r)
                });
                match found {
                    Some(row) if row.kind == "rollback" => Some(row.envelope_sha256.to_string()),
                    Some(row) => {
                        return Err(ApiError::invalid(format!(
                            "release record {r} of {model} is a {}, not a rollback",
                            row.kind
                        )))
                    }
                    None => {
                        return Err(ApiError::new(
                            ErrorCode::NotFound,
                            format!("{model} has no release record {r} (see `steward release list {model}`)"),
                        ))
                    }
                }
            }
        };
        let id = self.store.open_incident(
            &model,
            title,
            severity.as_str(),
            &serde_json::to_string(&versions).unwrap_or_default(),
            "manual",
            &self.actor,
        )?;
        if let Some(r) = &rollback {
            self.store.add_incident_entry(
                id,
                "rollback",
                "the rollback behind this incident",
                Some(r),
                "[]",
                &self.actor,
            )?;
        }
        self.incident_show(&incident_ref(id))
    }

    fn open_incident_row(&self, incident: &str) -> Result<IncidentRow> {
        let id = parse_incident(incident)?;
        let row = self.store.incident(id)?;
        if row.entries.iter().any(|e| e.kind == "close") {
            return Err(ApiError::new(
                ErrorCode::Refused,
                format!(
                    "{} is closed; its timeline is final (open a new incident)",
                    incident_ref(id)
                ),
            ));
        }
        Ok(row)
    }

    /// Adds an annotation to an open incident's timeline.
    pub fn incident_note(&self, incident: &str, text: &str) -> Result<IncidentView> {
        let row = self.open_incident_row(incident)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(ApiError::invalid("the note is empty: give --text TEXT"));
        }
        self.store
            .add_incident_entry(row.id, "note", text, None, "[]", &self.actor)?;
        self.incident_show(&incident_ref(row.id))
    }

    /// Closes an incident with its post-incident analysis and action items.
    pub fn incident_close(&self, req: &IncidentClose) -> Result<IncidentView> {
        let row = self.open_incident_row(&req.incident)?;
        let analysis = req.analysis.trim();
        if analysis.is_empty() {
            return Err(ApiError::invalid(
                "an incident closes with its post-incident analysis: give --analysis TEXT",
            ));
        }
        let items = req
            .actions
            .iter()
            .map(|a| parse_action_item(a).map_err(ApiError::invalid))
            .collect::<Result<Vec<_>>>()?;
        let json = serde_json::to_string(&items).map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("action items are not JSON: {e}"),
            )
        })?;
        self.store
            .add_incident_entry(row.id, "close", analysis, None, &json, &self.actor)?;
        self.incident_show(&incident_ref(row.id))
    }

    /// One incident.
    pub fn incident_show(&self, incident: &str) -> Result<IncidentView> {
        let id = parse_incident(incident)?;
        let row = self.store.incident(id)?;
        Ok(self.incident_view(&row))
    }

    /// A model's incidents, oldest first.
    pub fn incident_list(&self, model: &str) -> Result<Vec<IncidentView>> {
        let model: ModelName = parse(model)?;
        Ok(self
            .store
            .incidents(&model)?
            .iter()
            .map(|r| self.incident_view(r))
            .collect())
    }

    /// The suites closed incidents' action items require of `model`'s promotions.
    pub(super) fn incident_suites(&self, model: &ModelName) -> Result<Vec<IncidentSuite>> {
        let mut out = Vec::new();
        for row in self.store.incidents(model)? {
            let Some(close) = row.entries.iter().rev().find(|e| e.kind == "close") else {
                continue;
            };
            for a in action_items(&close.action_items) {
                if let Some(suite) = a.requires_suite {
                    out.push(IncidentSuite {
                        incident: incident_ref(row.id),
                        item: a.text,
                        suite,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The version's runs as (run id, suite, evidence digest).
    pub(super) fn run_suites(
        &self,
        model: &ModelName,
        version: &Version,
    ) -> Result<Vec<(String, String, Sha256Digest)>> {
        Ok(self
            .store
            .eval_runs(model, version)?
            .iter()
            .map(|r| (r.id.to_string(), r.suite.to_string(), r.file_digest))
            .collect())
    }

    // -----------------------------------------------------------------------------------
    // The guardrail service key

    /// Makes the workspace's guardrail service key in the OS keyring and, signed by you (a
    /// roster admin), adds it to the roster with the one role `guardrail-service`.
    pub fn service_key_init(&self) -> Result<ServiceKeyView> {
        let ks = keystore();
        let roles_of = |keyid: &str| -> Result<Vec<String>> {
            let state = self.trust_state()?;
            let roster = state.roster()?;
            let roles: Vec<String> = roster
                .members()
                .find(|m| m.keyid.to_string() == keyid && m.is_active())
                .map(|m| m.roles.iter().map(|r| r.as_str().to_string()).collect())
                .unwrap_or_default();
            Ok(roles)
        };
        if let Some((identity, keyid)) = self.store.service_key()? {
            if let Ok(secret) = ks.load(&identity) {
                let signer = Signer::new(secret);
                if signer.keyid().to_string() == keyid {
                    return Ok(ServiceKeyView {
                        identity,
                        fingerprint: signer.keyid().fingerprint(),
                        roles: roles_of(&keyid)?,
                        keyid,
                        created: false,
                    });
                }
            }
        }
        let state = self.trust_state()?;
        state.roster()?;
        let who = current_identity(&ks)?;
        let admin = load_signer(&ks, &who)?;
        let tag = Sha256Digest::of(self.root().display().to_string().as_bytes()).to_string();
        let tag: String = tag.trim_start_matches("sha256:").chars().take(16).collect();
        let identity = format!("guardrail-service.{tag}");
        let secret = ks.create(&identity, true)?;
        let public = secret.public_key();
        drop(secret);
        let keyid = public.keyid().clone();
        self.sign_roster_change(
            &state,
            &admin,
            RosterOp::AddMember {
                keyid: keyid.clone(),
                name: SERVICE_NAME.into(),
                email: format!("{identity}@service.steward.invalid"),
            },
            &[&public],
        )?;
        let state = self.trust_state()?;
        self.sign_roster_change(
            &state,
            &admin,
            RosterOp::Grant {
                keyid: keyid.clone(),
                role: Role::GuardrailService,
            },
            &[],
        )?;
        self.store
            .add_service_key(&identity, &keyid.to_string(), &self.actor)?;
        Ok(ServiceKeyView {
            identity,
            fingerprint: keyid.fingerprint(),
            roles: roles_of(&keyid.to_string())?,
            keyid: keyid.to_string(),
            created: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_windows(bytes: &[u8], file: &str) -> Result<Vec<WindowRow>> {
        let mut rows = WindowRows::new(bytes, file)?;
        let read: Vec<WindowRow> = (&mut rows).collect();
        match rows.fault {
            Some(e) => Err(e),
            None => Ok(read),
        }
    }

    #[test]
    fn window_files_name_the_line_and_column_of_a_bad_value() {
        // (case, file, contains)
        let cases = [
            (
                "header",
                "when,version,metric,value\n",
                "line 1: the header is",
            ),
            (
                "time",
                "timestamp,version,metric,value\nyesterday,1.0.0-1,error_rate,0.1\n",
                "line 2, column 1 (timestamp): \"yesterday\" is not an RFC 3339 time",
            ),
            (
                "version",
                "timestamp,version,metric,value\n2026-11-18T00:00:00Z,one,error_rate,0.1\n",
                "line 2, column 2 (version): \"one\"",
            ),
            (
                "value",
                "timestamp,version,metric,value\n2026-11-18T00:00:00Z,1.0.0-1,error_rate,high\n",
                "line 2, column 4 (value): \"high\" is not a number",
            ),
        ];
        for (case, text, contains) in cases {
            let e = read_windows(text.as_bytes(), "w.csv").expect_err(case);
            assert!(e.message.contains(contains), "{case}: {}", e.message);
            assert!(e.message.starts_with("w.csv "), "{case}");
        }
        let rows = read_windows(
            b"version,metric,value,at\n1.0.0-1,error_rate,NaN,2026-11-18T00:00:00Z\n",
            "w.csv",
        )
        .expect("NaN reads as a number, for the domain to refuse");
        assert_eq!(rows[0].line, 2);
        assert!(rows[0].value.is_nan());
        // Past the most windows one import takes, the file is refused naming it and the limit.
        let three = "timestamp,version,metric,value\n2026-11-18T00:00:00Z,1.0.0-1,error_rate,0.1\n".to_string()
            + "2026-11-18T00:01:00Z,1.0.0-1,error_rate,0.1\n2026-11-18T00:02:00Z,1.0.0-1,error_rate,0.1\n";
        let mut rows = WindowRows::new(three.as_bytes(), "w.csv").expect("header");
        rows.max = 2;
        assert_eq!((&mut rows).count(), 2);
        let refused = rows.fault.expect("refused");
        assert!(
            refused
                .message
                .starts_with("w.csv holds more than 2 windows"),
            "{}",
            refused.message
        );
        assert_eq!(parse_incident("INC-4").ok(), Some(4));
        assert!(parse_incident("INC-x").is_err());
    }
}
