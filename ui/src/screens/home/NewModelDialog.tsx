import { useState, type FormEvent } from "react";
import type { ModelSummary, RiskTier } from "../../api/bindings";
import { api } from "../../api/client";
import { Dialog } from "../../components/Dialog";
import { orNull } from "../../components/text";
import { useErrors } from "../../errors";

type Props = { onClose: () => void; onCreated: (model: ModelSummary) => void };

export function NewModelDialog({ onClose, onCreated }: Props) {
  const { report } = useErrors();
  const [name, setName] = useState("");
  const [owner, setOwner] = useState("");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [risk, setRisk] = useState<RiskTier>("medium");
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      // The core checks the name and owner; its message is shown as it is.
      const created = await api.modelCreate({
        name: name.trim(),
        owner: owner.trim(),
        title: orNull(title),
        description: orNull(description),
        risk_tier: risk,
      });
      onCreated(created);
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="New model" onClose={onClose} testId="new-model-dialog">
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span className="field-label">Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            placeholder="fraud-scorer"
            aria-describedby="new-model-name-help"
            data-testid="new-model-name"
          />
          <span id="new-model-name-help" className="muted small">
            Lowercase letters, digits, dot, dash and underscore.
          </span>
        </label>
        <label className="field">
          <span className="field-label">Owner</span>
          <input value={owner} onChange={(e) => setOwner(e.target.value)} required data-testid="new-model-owner" />
        </label>
        <label className="field">
          <span className="field-label">Title (optional)</span>
          <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="new-model-title" />
        </label>
        <label className="field">
          <span className="field-label">Description (optional)</span>
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} />
        </label>
        <label className="field">
          <span className="field-label">Risk tier</span>
          <select value={risk} onChange={(e) => setRisk(e.target.value as RiskTier)} data-testid="new-model-risk">
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </select>
        </label>
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="new-model-submit">
            {busy ? "Creating…" : "Create model"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
