// Waivers of a gate check for one version: the signatures the core holds for a check, each
// with the state the core decided now and why it does not count; and the dialog in which the
// person at the keyboard signs one for a role of theirs that may waive (the core signs with the
// keyring's key, checks the role against the roster, and refuses what may not be waived).
import { useState, type FormEvent } from "react";
import type { GateCheckView, Role, WaiverSignatureView } from "../../api/bindings";
import { api } from "../../api/client";
import { Dialog } from "../../components/Dialog";
import { formatTime, shortDigest } from "../../components/format";
import { ROLE_LABEL, stateLabel } from "../../components/trust";
import { useErrors } from "../../errors";

/** The roles whose signatures together waive a check (the seed's §2.3: legal and the owner). */
export const WAIVER_ROLES: Role[] = ["responsible-ai-legal", "model-owner"];

export function WaiverSignatures({ signatures }: { signatures: WaiverSignatureView[] }) {
  if (signatures.length === 0) return null;
  return (
    <ul className="gate-evidence small" aria-label="Waiver signatures" data-testid="waiver-signatures">
      {signatures.map((s) => (
        <li key={s.digest} data-testid="waiver-signature" data-state={s.state}>
          <span className="strong">{s.role ? ROLE_LABEL[s.role] : "no role"}</span>: {s.signer_name} · until {s.expires_at} ·{" "}
          <span className={`gate-mark ${s.state === "current" ? "gate-mark-pass" : "gate-mark-fail"}`}>{stateLabel(s.state)}</span>{" "}
          <span className="muted">
            signed <time dateTime={s.signed_at}>{formatTime(s.signed_at)}</time> ·{" "}
            <span className="mono" title={s.digest}>
              {shortDigest(s.digest)}
            </span>
          </span>
          <div>“{s.rationale}”</div>
          {s.reasons.length > 0 ? (
            <ul className="gate-notes" aria-label="Why this signature does not count">
              {s.reasons.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Tomorrow's date, `YYYY-MM-DD`, in local time: the earliest sensible expiry to offer. */
function tomorrow(now: Date): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function WaiveDialog({ model, version, check, roles, onClose, onSigned }: {
  model: string;
  version: string;
  check: GateCheckView;
  /** The person's roles that may waive (at least one). */
  roles: Role[];
  onClose: () => void;
  onSigned: (signature: WaiverSignatureView) => void;
}) {
  const { report } = useErrors();
  const [role, setRole] = useState<Role>(roles[0] ?? "model-owner");
  const [rationale, setRationale] = useState("");
  const [expires, setExpires] = useState("");
  const [missing, setMissing] = useState<"rationale" | "expiry" | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const empty = rationale.trim() === "" ? "rationale" : expires === "" ? "expiry" : null;
    if (empty) {
      setMissing(empty);
      document.querySelector<HTMLElement>(`[data-testid="waive-${empty}"]`)?.focus();
      return;
    }
    setMissing(null);
    setBusy(true);
    try {
      // The core reads the date, checks the role and the check, and signs.
      onSigned(await api.waive({ model, version, check_id: check.id, role, rationale: rationale.trim(), expires_at: expires }));
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Waive ${check.id}`} onClose={onClose} testId="waive-dialog" busy={busy}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="small">
          For <span className="mono">
            {model}@{version}
          </span>{" "}
          only. Observed {check.observed}; expected {check.expected}. The waiver counts once both {ROLE_LABEL["responsible-ai-legal"]} and{" "}
          {ROLE_LABEL["model-owner"]} have signed it, until it expires.
        </p>
        <label className="field">
          <span className="field-label">Sign as</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="waive-role">
            {roles.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Rationale</span>
          <textarea
            value={rationale}
            onChange={(e) => setRationale(e.target.value)}
            rows={3}
            aria-invalid={missing === "rationale"}
            aria-describedby="waive-error"
            data-testid="waive-rationale"
          />
        </label>
        <label className="field">
          <span className="field-label">Expires on</span>
          <input
            type="date"
            value={expires}
            min={tomorrow(new Date())}
            onChange={(e) => setExpires(e.target.value)}
            aria-invalid={missing === "expiry"}
            aria-describedby="waive-error"
            data-testid="waive-expiry"
          />
        </label>
        {missing ? (
          <p id="waive-error" className="flag flag-missing" role="alert" data-testid="waive-error">
            {missing === "rationale"
              ? "Rationale is empty: say why this check may be waived for this version."
              : "Expires on is empty: pick the date the waiver stops counting."}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="waive-sign">
            {busy ? "Signing…" : "Sign waiver"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
