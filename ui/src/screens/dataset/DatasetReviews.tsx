// A dataset snapshot's security/privacy reviews: each signed review with the state the core
// decided now (a review of an older manifest is stale) and why it does not count; and "Sign
// review" for a holder of the security-privacy role, signed in the core with the keyring's key.
import { useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { formatTime, shortDigest } from "../../components/format";
import { noRoster, ROLE_LABEL, stateLabel } from "../../components/trust";
import { useIdentity } from "../../components/useIdentity";
import { useErrors } from "../../errors";
import { href } from "../../router";
import { useLoad } from "../../useLoad";

export function DatasetReviews({ reference }: { reference: string }) {
  const { report } = useErrors();
  const reviews = useLoad(`dataset-reviews:${reference}`, () => api.datasetReviews(reference));
  const roster = useLoad("roster", () => api.rosterShow().catch(noRoster));
  const identity = useIdentity();
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const me = roster.data?.members.find((m) => m.keyid === identity.identity?.keyid && m.active);
  const mayReview = me?.roles.includes("security-privacy") ?? false;

  const sign = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api.datasetReview({ dataset: reference, comment: comment.trim() });
      setComment("");
      reviews.reload();
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  };

  const list = reviews.data;
  return (
    <div data-testid="dataset-reviews">
      {list === null ? (
        <p className="muted">{reviews.failed ? "The reviews could not be loaded." : "Loading the reviews…"}</p>
      ) : list.length === 0 ? (
        <p className="muted" data-testid="dataset-reviews-none">
          No {ROLE_LABEL["security-privacy"].toLowerCase()} review of this snapshot yet; a canary gate asks for one.
        </p>
      ) : (
        <ul className="plain-list">
          {list.map((r) => (
            <li key={r.digest} data-testid="dataset-review" data-state={r.state}>
              <span className={`gate-mark ${r.state === "current" ? "gate-mark-pass" : "gate-mark-fail"}`}>{stateLabel(r.state)}</span>{" "}
              <span className="strong">{r.signer_name}</span>{" "}
              <span className="muted small">
                signed <time dateTime={r.signed_at}>{formatTime(r.signed_at)}</time> ·{" "}
                <span className="mono" title={r.digest}>
                  {shortDigest(r.digest)}
                </span>
              </span>
              {r.reasons.length > 0 ? (
                <ul className="gate-notes small" aria-label="Why this review does not count">
                  {r.reasons.map((x, i) => (
                    <li key={i}>{x}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {mayReview ? (
        <form className="row" onSubmit={sign} aria-label="Sign a security and privacy review">
          <label className="field field-grow">
            <span className="field-label">What you checked (optional)</span>
            <input
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              placeholder="PII columns dropped, access limited to the training job"
              data-testid="review-comment"
            />
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="review-sign">
            {busy ? "Signing…" : "Sign review"}
          </button>
        </form>
      ) : identity.loading || roster.loading ? null : (
        <p className="small muted" data-testid="review-not-holder">
          {identity.identity ? (
            <>
              Signing a review needs the {ROLE_LABEL["security-privacy"]} role in the <a href={href.roster()}>roster</a>.
            </>
          ) : (
            <>
              {identity.missing ?? "No identity."} <a href={href.settings()}>Create your identity in Settings.</a>
            </>
          )}
        </p>
      )}
    </div>
  );
}
