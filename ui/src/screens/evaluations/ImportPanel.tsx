import { useEffect, useState, type FormEvent } from "react";
import type { EvalKind, EvalRunView } from "../../api/bindings";
import { api, pickFile, subscribeFileDrop } from "../../api/client";
import { CancelOperation } from "../../components/OperationActions";
import { ProgressBar } from "../../components/ProgressBar";
import { orNull } from "../../components/text";
import { useLongOperation } from "../../components/useLongOperation";
import { useErrors } from "../../errors";

const KINDS: { kind: EvalKind; label: string }[] = [
  { kind: "golden-set", label: "Offline golden set" },
  { kind: "scenario-suite", label: "Scenario suite" },
  { kind: "red-team", label: "Red-team / jailbreak suite" },
  { kind: "fairness-audit", label: "Fairness audit" },
  { kind: "load-test", label: "Load test" },
  { kind: "online-kpis", label: "Online KPIs" },
];

/**
 * Import by file dialog or by dropping a file anywhere on the window. JSON files name their kind
 * and suite; CSV files need both here (the core says so when they are missing).
 */
export function ImportPanel({ model, version, onImported }: { model: string; version: string; onImported: (run: EvalRunView) => void }) {
  const { report } = useErrors();
  const [file, setFile] = useState<string | null>(null);
  const [kind, setKind] = useState<EvalKind | "">("");
  const [suite, setSuite] = useState("");
  const [over, setOver] = useState(false);
  const [done, setDone] = useState<EvalRunView | null>(null);
  const op = useLongOperation();

  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let live = true;
    subscribeFileDrop(
      (paths) => {
        const first = paths[0];
        if (!first) return;
        setFile(first);
        setDone(null);
      },
      setOver,
    ).then(
      (u) => (live ? (unlisten = u) : u()),
      // Without a webview (component tests) there is nothing to drop; the dialog still works.
      () => undefined,
    );
    return () => {
      live = false;
      unlisten?.();
    };
  }, []);

  const choose = async () => {
    try {
      const picked = await pickFile("Choose an evaluation file (.json or .csv)");
      if (picked) {
        setFile(picked);
        setDone(null);
      }
    } catch (e) {
      report(e);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    try {
      const run = await op.run((operation) =>
        api.evalImport({ model, version, file, kind: kind === "" ? null : kind, suite: orNull(suite) }, operation),
      );
      setDone(run);
      setFile(null);
      onImported(run);
    } catch (err) {
      report(err);
    }
  };

  return (
    <div className={`dropzone${over ? " is-over" : ""}`} data-testid="eval-dropzone" data-over={over}>
      {file ? (
        <form className="form" onSubmit={submit} aria-label="Import an evaluation file">
          <div>
            <span className="field-label">File</span>
            <div className="mono break" data-testid="eval-import-file">
              {file}
            </div>
          </div>
          <div className="grid-2">
            <label className="field">
              <span className="field-label">Kind (JSON files say; needed for CSV)</span>
              <select value={kind} onChange={(e) => setKind(e.target.value as EvalKind | "")} data-testid="eval-import-kind" disabled={op.running}>
                <option value="">From the file</option>
                {KINDS.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {k.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Dataset or suite, NAME@VERSION (needed for CSV)</span>
              <input value={suite} onChange={(e) => setSuite(e.target.value)} placeholder="fairness-panel@2026-10" data-testid="eval-import-suite" disabled={op.running} />
            </label>
          </div>
          {op.running ? (
            <div className="row">
              <div className="field-grow">
                <ProgressBar progress={op.progress} />
              </div>
              <CancelOperation op={op} label="Cancel" />
            </div>
          ) : (
            <div className="form-actions">
              <button type="button" className="btn btn-quiet" onClick={() => setFile(null)}>
                Clear
              </button>
              <button type="submit" className="btn btn-primary" data-testid="eval-import-submit">
                Import
              </button>
            </div>
          )}
        </form>
      ) : (
        <div className="dropzone-idle">
          <span aria-hidden="true" className="dropzone-icon">
            ⇪
          </span>
          <span>
            {over ? "Drop to import this file" : "Drop an evaluation file (.json or .csv) anywhere on this window, or"}
          </span>
          <button type="button" className="btn" onClick={choose} data-testid="eval-import-choose">
            Choose file…
          </button>
          {done ? (
            <span className="flag flag-ok" role="status" data-testid="eval-imported">
              Imported {done.file_name}: {done.rows.toLocaleString()} rows
            </span>
          ) : null}
        </div>
      )}
    </div>
  );
}
