import { useState, type FormEvent } from "react";
import type { ChangeKind, VersionDetail } from "../../api/bindings";
import { api, pickFile } from "../../api/client";
import { Dialog } from "../../components/Dialog";
import { OperationActions } from "../../components/OperationActions";
import { PathField } from "../../components/PathField";
import { orNull } from "../../components/text";
import { useLongOperation } from "../../components/useLongOperation";
import { useErrors } from "../../errors";

type Props = { model: string; onClose: () => void; onDone: (version: VersionDetail) => void };

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
        <PathField
          label="Bundle file (hashed)"
          ariaLabel="Bundle file"
          value={bundleFile}
          onChange={setBundleFile}
          pick={pickFile}
          title="Model bundle"
        />
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
          <PathField
            label="Config file (hashed)"
            ariaLabel="Config file"
            value={configFile}
            onChange={setConfigFile}
            pick={pickFile}
            title="Configuration"
          />
        </div>
        <OperationActions
          op={op}
          onClose={onClose}
          cancelLabel="Cancel"
          submitLabel="Add version"
          runningLabel="Adding…"
          submitTestId="add-version-submit"
        />
      </form>
    </Dialog>
  );
}
