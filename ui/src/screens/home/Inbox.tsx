// The review inbox of the person at the keyboard, as the core answers it for the signing
// identity: the sign-offs their roles owe, their sign-offs that no longer count (and why), and
// the failing gates of the models they own. Without an identity the first-start prompt speaks
// (the core answers `keyring`); without a roster membership the core's words say why the inbox
// is empty. Nothing here decides who owes what.
import { useEffect, useState } from "react";
import type { InboxSignOff, InboxView } from "../../api/bindings";
import { api, toApiError } from "../../api/client";
import { STAGE_LABEL } from "../../components/StageChip";
import { ROLE_LABEL, stateLabel } from "../../components/trust";
import { useErrors } from "../../errors";
import { href } from "../../router";

type State = { state: "loading" } | { state: "ready"; inbox: InboxView } | { state: "unavailable"; message: string | null };

function SignOff({ s, testId }: { s: InboxSignOff; testId: string }) {
  return (
    <li data-testid={testId}>
      <a className="mono strong" href={href.approvals(s.model, s.version)}>
        {s.model}@{s.version}
      </a>{" "}
      <span className="small muted">
        {STAGE_LABEL[s.stage]} → {STAGE_LABEL[s.target]}
      </span>{" "}
      · your {ROLE_LABEL[s.role]} sign-off
      {s.state !== "awaiting" ? <span className="gate-mark gate-mark-fail"> {stateLabel(s.state)}</span> : null}
      {s.reasons.length > 0 ? (
        <ul className="gate-notes small" aria-label="Why it no longer counts">
          {s.reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function Inbox() {
  const { report } = useErrors();
  const [s, setS] = useState<State>({ state: "loading" });
  useEffect(() => {
    let live = true;
    api.reviewInbox().then(
      (inbox) => live && setS({ state: "ready", inbox }),
      (e: unknown) => {
        if (!live) return;
        const err = toApiError(e);
        // No identity: the first-start prompt above says what to do. No roster or not a member:
        // the core's message, in place. Anything else is an error.
        if (err.code === "keyring") setS({ state: "unavailable", message: null });
        else if (err.code === "untrusted" || err.code === "not_found") setS({ state: "unavailable", message: err.message });
        else {
          report(err);
          setS({ state: "unavailable", message: null });
        }
      },
    );
    return () => {
      live = false;
    };
  }, [report]);

  if (s.state === "loading") return null;
  if (s.state === "unavailable")
    return s.message ? (
      <p className="small muted" data-testid="inbox-unavailable">
        No review inbox: {s.message}
      </p>
    ) : null;
  const i = s.inbox;
  const nothing = i.awaiting.length === 0 && i.stale.length === 0 && i.failing_gates.length === 0;
  return (
    <section className="inbox" aria-labelledby="inbox-title" data-testid="inbox">
      <h2 id="inbox-title">Review inbox</h2>
      <p className="small muted" data-testid="inbox-who">
        For {i.name} ({i.email}) · {i.roles.length === 0 ? "no roles in the roster" : i.roles.map((r) => ROLE_LABEL[r]).join(", ")}
      </p>
      {nothing ? (
        <p className="flag flag-ok" data-testid="inbox-empty">
          Nothing waits for you: no sign-off owed, none gone stale, no failing gate of a model you own.
        </p>
      ) : null}
      {i.awaiting.length > 0 ? (
        <>
          <h3>Waiting for your sign-off ({i.awaiting.length})</h3>
          <ul className="inbox-list" data-testid="inbox-awaiting">
            {i.awaiting.map((x) => (
              <SignOff key={`${x.model}@${x.version}>${x.target}:${x.role}`} s={x} testId={`inbox-awaiting-${x.model}@${x.version}-${x.role}`} />
            ))}
          </ul>
        </>
      ) : null}
      {i.stale.length > 0 ? (
        <>
          <h3>Your sign-offs that no longer count ({i.stale.length})</h3>
          <ul className="inbox-list" data-testid="inbox-stale">
            {i.stale.map((x) => (
              <SignOff key={`${x.model}@${x.version}>${x.target}:${x.role}`} s={x} testId={`inbox-stale-${x.model}@${x.version}-${x.role}`} />
            ))}
          </ul>
        </>
      ) : null}
      {i.failing_gates.length > 0 ? (
        <>
          <h3>Failing gates of models you own ({i.failing_gates.length})</h3>
          <ul className="inbox-list" data-testid="inbox-gates">
            {i.failing_gates.map((g) => (
              <li key={`${g.model}@${g.version}>${g.target}`} data-testid={`inbox-gate-${g.model}@${g.version}`}>
                <a className="mono strong" href={href.version(g.model, g.version)}>
                  {g.model}@{g.version}
                </a>{" "}
                <span className="small muted">
                  {STAGE_LABEL[g.stage]} → {STAGE_LABEL[g.target]}
                </span>{" "}
                · {g.blocking} {g.blocking === 1 ? "check stops it" : "checks stop it"}
                {g.first.length > 0 ? (
                  <>
                    : <span className="mono small">{g.first.join(", ")}</span>
                    {g.blocking > g.first.length ? <span className="small muted"> and {g.blocking - g.first.length} more</span> : null}
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
