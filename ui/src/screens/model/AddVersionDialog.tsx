import { useState, type FormEvent } from "react";
import type { ChangeKind, VersionDetail } from "../../api/bindings";
import { api, pickFile } from "../../api/client";
import { Dialog } from "../../components/Dialog";
import { ProgressBar } from "../../components/ProgressBar";
import { useLongOperation } from "../../components/useLongOperation";
import { useErrors } from "../../errors";

type Props = { model: string; onClose: () => void; onDone: (version: VersionDetail) => void };

const orNull = (s: string) => (s.trim() === "" ? null : s.trim());

const CHANGES: { kind: ChangeKind; label: string }[] = [
  { kind: "architecture", label: "Architecture" },
  { kind: "data", label: "Data" },
  { kind: "config", label: "Config" },
  { kind: "fix", label: "Fix" },
];

export function AddVersionDialog({ model, onClose, onDone }: Props) {
  const { report } = useErrors();
  const op = useLongOperation();
  const [version, setVersion] = useState("");
  const [bundleFile, setBundleFile] = useState("");
  const [bundleDigest, setBundleDigest] = useState("");
  const [bundleUri, setBundleUri] = useState("");
  const [commit, setCommit] = useState("");
  const [configFile, setConfigFile] = useState("");

  const suggest = async (change: ChangeKind) => {
    try {
      const next = await api.versionNext(model, change);
      setVersion(next.next);
    } catch (e) {
      report(e);
    }
  };

  const choose = async (set: (s: string) => void, title: string) => {
    try {
      const picked = await pickFile(title);
      if (picked) set(picked);
    } catch (e) {
      report(e);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const added = await op.run((operation) =>
        api.versionAdd(
          {
            model,
            version: version.trim(),
            bundle_file: orNull(bundleFile),
            bundle_digest: orNull(bundleDigest),
            bundle_uri: orNull(bundleUri),
            commit: orNull(commit),
            config_file: orNull(configFile),
          },
          operation,
        ),
      );
      onDone(added);
    } catch (err) {
      report(err);
    }
  };

  return (
    <Dialog title={`Add a version of ${model}`} onClose={onClose} busy={op.running} testId="add-version-dialog">
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span className="field-label">Version (major.minor.patch-build)</span>
          <input value={version} onChange={(e) => setVersion(e.target.value)} required data-testid="add-version-version" />
        </label>
        <div className="row small" role="group" aria-label="Suggest the next version from the kind of change">
          <span className="muted">Suggest for a change of:</span>
          {CHANGES.map((c) => (
            <button key={c.kind} type="button" className="btn btn-small" onClick={() => suggest(c.kind)} data-testid={`suggest-${c.kind}`}>
              {c.label}
            </button>
          ))}
        </div>
        <div className="field">
          <span className="field-label">Bundle file (hashed)</span>
          <div className="row">
            <input value={bundleFile} onChange={(e) => setBundleFile(e.target.value)} aria-label="Bundle file" />
            <button type="button" className="btn" onClick={() => choose(setBundleFile, "Model bundle")}>
              Choose…
            </button>
          </div>
        </div>
        <div className="grid-2">
          <label className="field">
            <span className="field-label">…or bundle digest</span>
            <input value={bundleDigest} onChange={(e) => setBundleDigest(e.target.value)} placeholder="sha256:…" />
          </label>
          <label className="field">
            <span className="field-label">Bundle URI</span>
            <input value={bundleUri} onChange={(e) => setBundleUri(e.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">Code commit</span>
            <input value={commit} onChange={(e) => setCommit(e.target.value)} />
          </label>
          <div className="field">
            <span className="field-label">Config file (hashed)</span>
            <div className="row">
              <input value={configFile} onChange={(e) => setConfigFile(e.target.value)} aria-label="Config file" />
              <button type="button" className="btn" onClick={() => choose(setConfigFile, "Configuration")}>
                Choose…
              </button>
            </div>
          </div>
        </div>
        {op.running ? <ProgressBar progress={op.progress} /> : null}
        <div className="form-actions">
          {op.running ? (
            <button type="button" className="btn" onClick={() => op.cancel().catch(report)} data-testid="operation-cancel">
              Cancel
            </button>
          ) : (
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
          )}
          <button type="submit" className="btn btn-primary" disabled={op.running} data-testid="add-version-submit">
            {op.running ? "Adding…" : "Add version"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
