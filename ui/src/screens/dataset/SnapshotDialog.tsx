import { useState, type FormEvent } from "react";
import type { DatasetDetail } from "../../api/bindings";
import { api, pickFolder } from "../../api/client";
import { Dialog } from "../../components/Dialog";
import { ProgressBar } from "../../components/ProgressBar";
import { useLongOperation } from "../../components/useLongOperation";
import { useErrors } from "../../errors";

type Props = { onClose: () => void; onDone: (dataset: DatasetDetail) => void };

const orNull = (s: string) => (s.trim() === "" ? null : s.trim());

export function SnapshotDialog({ onClose, onDone }: Props) {
  const { report } = useErrors();
  const op = useLongOperation();
  const [dir, setDir] = useState("");
  const [name, setName] = useState("");
  const [version, setVersion] = useState("");
  const [source, setSource] = useState("");
  const [license, setLicense] = useState("");
  const [consent, setConsent] = useState("");
  const [retention, setRetention] = useState("");
  const [personal, setPersonal] = useState<"" | "yes" | "no">("");

  const choose = async () => {
    try {
      const picked = await pickFolder("Folder to snapshot");
      if (picked) setDir(picked);
    } catch (e) {
      report(e);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const detail = await op.run((operation) =>
        api.datasetSnapshot(
          {
            dir,
            name: name.trim(),
            version: version.trim(),
            provenance: {
              source: orNull(source),
              license: orNull(license),
              consent: orNull(consent),
              retention: orNull(retention),
              personal_data: personal === "" ? null : personal === "yes",
            },
          },
          operation,
        ),
      );
      onDone(detail);
    } catch (err) {
      report(err);
    }
  };

  return (
    <Dialog title="Snapshot a dataset folder" onClose={onClose} busy={op.running} testId="snapshot-dialog">
      <form className="form" onSubmit={submit}>
        <div className="field">
          <span className="field-label">Folder</span>
          <div className="row">
            <input value={dir} onChange={(e) => setDir(e.target.value)} required aria-label="Folder" data-testid="snapshot-dir" />
            <button type="button" className="btn" onClick={choose} disabled={op.running}>
              Choose…
            </button>
          </div>
        </div>
        <div className="grid-2">
          <label className="field">
            <span className="field-label">Name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} required data-testid="snapshot-name" />
          </label>
          <label className="field">
            <span className="field-label">Version</span>
            <input value={version} onChange={(e) => setVersion(e.target.value)} required data-testid="snapshot-version" />
          </label>
        </div>
        <fieldset className="fieldset">
          <legend>Provenance</legend>
          <div className="grid-2">
            <label className="field">
              <span className="field-label">Source</span>
              <input value={source} onChange={(e) => setSource(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">License</span>
              <input value={license} onChange={(e) => setLicense(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">Consent basis</span>
              <input value={consent} onChange={(e) => setConsent(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">Retention</span>
              <input value={retention} onChange={(e) => setRetention(e.target.value)} />
            </label>
            <label className="field">
              <span className="field-label">Personal data</span>
              <select value={personal} onChange={(e) => setPersonal(e.target.value as "" | "yes" | "no")}>
                <option value="">Not stated</option>
                <option value="yes">Yes</option>
                <option value="no">No</option>
              </select>
            </label>
          </div>
        </fieldset>
        {op.running ? <ProgressBar progress={op.progress} /> : null}
        <div className="form-actions">
          {op.running ? (
            <button type="button" className="btn" onClick={() => op.cancel().catch(report)} data-testid="operation-cancel">
              Cancel snapshot
            </button>
          ) : (
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
          )}
          <button type="submit" className="btn btn-primary" disabled={op.running} data-testid="snapshot-submit">
            {op.running ? "Hashing…" : "Snapshot"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
