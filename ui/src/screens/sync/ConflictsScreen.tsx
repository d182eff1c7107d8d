// Conflicts and tampered items (#/sync/conflicts), as pulls stored them: a release record in
// the registry that differs from the one this workspace holds for the same version (both kept,
// neither overwritten), shown beside the local record as it verifies here, with the registry's
// record read back and verified by the core on request; and anything in the registry that
// failed verification, shown as tampered and ignored; and a document with two heads (someone
// else's concurrent edit), with Merge… to the three-way merge screen while they stay unmerged.
// A conflicting record is settled here by a person, keeping one side (a second step confirms:
// a settlement is recorded for good); the core says what it did. The core's words, as given.
import { useState, type ReactNode } from "react";
import type { DocumentKind, ReleaseView, RemoteRecordView, SyncConflictDetail } from "../../api/bindings";
import { api } from "../../api/client";
import { formatTime, shortDigest } from "../../components/format";
import { useErrors } from "../../errors";
import { href } from "../../router";
import { useLoad } from "../../useLoad";
import { useSync } from "./SyncContext";
import { SyncSubScreen } from "./SyncSubScreen";
import "./sync.css";

type Facts = { move: string; signer: string | null; fingerprint: string | null; at: string | null; reason: string; verifies: ReactNode };

/** One side's signed record, as the core read it. */
function RecordFacts({ f, testId }: { f: Facts; testId: string }) {
  return (
    <dl className="kv small" data-testid={testId}>
      <dt>Record</dt>
      <dd>{f.move}</dd>
      <dt>Signed by</dt>
      <dd>
        {f.signer} <span className="mono muted">{f.fingerprint}</span>
      </dd>
      <dt>Signed at</dt>
      <dd>{f.at ? formatTime(f.at) : "—"}</dd>
      <dt>Reason</dt>
      <dd>{f.reason}</dd>
      <dt>Verifies here</dt>
      <dd>{f.verifies}</dd>
    </dl>
  );
}

const YES = <span className="flag flag-ok">yes</span>;

function LocalRecord({ r }: { r: ReleaseView }) {
  const verifies =
    r.problems.length === 0 ? (
      YES
    ) : (
      <ul className="plain-list">
        {r.problems.map((p) => (
          <li key={`${p.part}-${p.message}`}>{p.message}</li>
        ))}
      </ul>
    );
  return (
    <RecordFacts
      testId="conflict-local-record"
      f={{ move: `#${r.seq} · ${r.kind} ${r.from} → ${r.to}`, signer: r.signer_name, fingerprint: r.signer_fingerprint, at: r.recorded_at, reason: r.reason, verifies }}
    />
  );
}

function RemoteRecord({ c }: { c: SyncConflictDetail["conflict"] }) {
  const { report } = useErrors();
  const [record, setRecord] = useState<RemoteRecordView | null>(null);
  const [busy, setBusy] = useState(false);
  const read = async () => {
    setBusy(true);
    try {
      setRecord(await api.syncConflictRemote(c.model, c.version, c.remote_sha256));
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };
  if (!record)
    return (
      <button type="button" className="btn btn-small" onClick={() => void read()} disabled={busy} data-testid="conflict-remote-read">
        {busy ? "Reading…" : "Read it from the registry"}
      </button>
    );
  if (!record.verified)
    return (
      <p className="sync-error small" data-testid="conflict-remote-problem">
        {record.problem}
      </p>
    );
  return (
    <RecordFacts
      testId="conflict-remote-record"
      f={{
        move: `${record.kind ?? ""} ${record.from ?? ""} → ${record.to ?? ""}`,
        signer: record.signer_name,
        fingerprint: record.signer_fingerprint,
        at: record.recorded_at,
        reason: record.reason ?? "",
        verifies: YES,
      }}
    />
  );
}

/** Keeping one side of a conflicting record: choose, then confirm (it is recorded for good). */
function Settle({ c, onSettled }: { c: SyncConflictDetail["conflict"]; onSettled: () => void }) {
  const { report } = useErrors();
  const [keepOurs, setKeepOurs] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const settle = async (ours: boolean) => {
    setBusy(true);
    try {
      await api.syncConflictResolve(c.model, c.version, ours);
      onSettled();
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };
  if (keepOurs === null)
    return (
      <div className="sync-settle" data-testid="conflict-settle">
        <button type="button" className="btn btn-small" onClick={() => setKeepOurs(true)} data-testid="conflict-keep-ours">
          Keep this workspace&apos;s record
        </button>
        <button type="button" className="btn btn-small" onClick={() => setKeepOurs(false)} data-testid="conflict-keep-theirs">
          Keep the registry&apos;s record
        </button>
      </div>
    );
  return (
    <div className="sync-settle" role="group" aria-label="Confirm the settlement" data-testid="conflict-settle-confirm">
      <p className="small">
        {keepOurs
          ? `The next push writes this workspace's record for ${c.model}@${c.version}, with its tags and aliases, over the registry's.`
          : `The registry's record for ${c.model}@${c.version} stands; this workspace's stays here and is not pushed over it.`}{" "}
        This settlement is recorded and cannot be undone.
      </p>
      <button type="button" className="btn btn-small btn-primary" onClick={() => void settle(keepOurs)} disabled={busy} autoFocus data-testid="conflict-settle-yes">
        {busy ? "Settling…" : keepOurs ? "Keep ours" : "Keep theirs"}
      </button>
      <button type="button" className="btn btn-small" onClick={() => setKeepOurs(null)} disabled={busy} data-testid="conflict-settle-no">
        Cancel
      </button>
    </div>
  );
}

function Digest({ value, testId }: { value: string; testId: string }) {
  return (
    <span className="mono" title={value} data-testid={testId}>
      {shortDigest(value, 16)}
    </span>
  );
}

/** Two heads of a document, until a merge combines them. */
function DocumentConflict({ c }: { c: SyncConflictDetail["conflict"] }) {
  const kind = c.kind.slice("document:".length) as DocumentKind;
  const target = `${c.model}@${c.version}`;
  return (
    <li className="sync-card" data-testid={`conflict-${c.model}-${c.version}-${c.kind}`} data-kind={c.kind}>
      <div className="sync-card-head">
        <span className="strong">
          <a href={href.document(target, kind)}>
            {target} · {kind.replace(/-/g, " ")}
          </a>
        </span>
        <span className="flag flag-missing">two heads to merge</span>
        <span className="muted small">found {formatTime(c.found_at)}</span>
      </div>
      <p data-testid="conflict-detail">{c.detail}</p>
      <a className="btn btn-small" href={href.syncMerge(target, kind)} data-testid="conflict-merge">
        Merge…
      </a>
    </li>
  );
}

function Conflict({ d, onSettled }: { d: SyncConflictDetail; onSettled: () => void }) {
  const c = d.conflict;
  if (c.kind.startsWith("document:")) return <DocumentConflict c={c} />;
  const tampered = c.kind === "tampered";
  return (
    <li className={`sync-card${tampered ? " sync-card-tampered" : ""}`} data-testid={`conflict-${c.model}-${c.version}-${c.kind}`} data-kind={c.kind}>
      <div className="sync-card-head">
        <span className="strong">
          <a href={href.version(c.model, c.version)}>
            {c.model}@{c.version}
          </a>
        </span>
        <span className={`flag ${tampered ? "sync-flag-tampered" : "flag-missing"}`}>{tampered ? "tampered — ignored" : "conflicting release record"}</span>
        <span className="muted small">found {formatTime(c.found_at)}</span>
      </div>
      <p data-testid="conflict-detail">{c.detail}</p>
      <div className="sync-sides">
        <div>
          <h3>This workspace</h3>
          {c.local_sha256 ? (
            <>
              <Digest value={c.local_sha256} testId="conflict-local-digest" />
              {d.local ? <LocalRecord r={d.local} /> : <p className="muted small">This workspace no longer lists that record.</p>}
            </>
          ) : (
            <p className="muted small">Holds nothing for it.</p>
          )}
        </div>
        <div>
          <h3>The registry</h3>
          <Digest value={c.remote_sha256} testId="conflict-remote-digest" />
          <p className="small muted">{tampered ? "Not verified, so not used." : "Kept in the registry; this workspace's record is not overwritten."}</p>
          {tampered ? null : <RemoteRecord c={c} />}
        </div>
      </div>
      {tampered ? (
        <p className="muted small">Closed by the first sync that no longer finds it.</p>
      ) : (
        <Settle c={c} onSettled={onSettled} />
      )}
    </li>
  );
}

export function ConflictsScreen() {
  const { generation, reloadStatus } = useSync();
  const findings = useLoad(`findings-${generation}`, () => api.syncFindings());
  const settled = () => {
    findings.reload();
    reloadStatus();
  };
  const list = findings.data?.conflicts ?? [];
  return (
    <SyncSubScreen
      id="conflicts-title"
      title="Conflicts and tampered items"
      lede="A different signed record for a version is kept on both sides and overwritten by neither until you keep one; anything that failed verification is ignored."
      testId="conflicts-screen"
    >
      {findings.loading && !findings.data ? (
        <p className="muted">Loading…</p>
      ) : list.length === 0 ? (
        <p className="empty" data-testid="conflicts-empty">
          No conflict or tampered item is open.
        </p>
      ) : (
        <ul className="plain-list sync-cards" data-testid="conflicts">
          {list.map((d) => (
            <Conflict key={`${d.conflict.model}-${d.conflict.version}-${d.conflict.kind}-${d.conflict.remote_sha256}`} d={d} onSettled={settled} />
          ))}
        </ul>
      )}
    </SyncSubScreen>
  );
}
