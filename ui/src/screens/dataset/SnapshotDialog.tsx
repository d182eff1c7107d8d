import { useState, type FormEvent } from "react";
import type { DatasetDetail } from "../../api/bindings";
import { api, pickFolder } from "../../api/client";
import { Dialog } from "../../components/Dialog";
import { OperationActions } from "../../components/OperationActions";
import { PathField } from "../../components/PathField";
import { orNull } from "../../components/text";
import { useLongOperation } from "../../components/useLongOperation";
import { useErrors } from "../../errors";

type Props = { onClose: () => void; onDone: (dataset: DatasetDetail) => void };

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
        <PathField
          label="Folder"
          ariaLabel="Folder"
          value={dir}
          onChange={setDir}
          pick={pickFolder}
          title="Folder to snapshot"
          required
          disabled={op.running}
          testId="snapshot-dir"
        />
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
        <OperationActions
          op={op}
          onClose={onClose}
          cancelLabel="Cancel snapshot"
          submitLabel="Snapshot"
          runningLabel="Hashing…"
          submitTestId="snapshot-submit"
        />
      </form>
    </Dialog>
  );
}
