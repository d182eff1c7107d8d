import { useState } from "react";
import type { ModelDetail, VersionSummary } from "../../api/bindings";
import { api } from "../../api/client";
import { formatTime, shortDigest } from "../../components/format";
import { RiskBadge, StageChip } from "../../components/StageChip";
import { Timeline } from "../../components/Timeline";
import { VirtualList } from "../../components/VirtualList";
import { href, navigate } from "../../router";
import { useLoad } from "../../useLoad";
import { AddVersionDialog } from "./AddVersionDialog";
import { ReleaseTimeline, RollbackDialog } from "./Releases";

const ROW_HEIGHT = 52;

function VersionRow({ v, detail }: { v: VersionSummary; detail: ModelDetail }) {
  const isProduction = detail.production === v.version;
  const isRollback = detail.rollback_target === v.version;
  return (
    <div className="version-row">
      <span className="strong mono version-cell">{v.version}</span>
      <span>
        <StageChip stage={v.stage} />
      </span>
      <span className="marks">
        {isProduction ? (
          <span className="mark mark-production" data-testid="mark-production">
            Serving production
          </span>
        ) : null}
        {isRollback ? (
          <span className="mark mark-rollback" data-testid="mark-rollback">
            N-1: restored on rollback
          </span>
        ) : null}
      </span>
      <span className="mono small muted" title={v.bundle_digest ?? undefined}>
        {v.bundle_digest ? shortDigest(v.bundle_digest) : "no bundle digest"}
      </span>
      <span className="small muted">{formatTime(v.created_at)}</span>
    </div>
  );
}

export function ModelScreen({ name }: { name: string }) {
  const detail = useLoad(`model:${name}`, () => api.modelShow(name));
  const releases = useLoad(`releases:${name}`, () => api.releaseList(name));
  const [adding, setAdding] = useState(false);
  // What the confirmation was opened for: it stays open on the result after the model reloads.
  const [rollingBack, setRollingBack] = useState<{ production: string; target: string } | null>(null);
  const d = detail.data;

  if (!d) {
    return (
      <section className="screen">
        <nav className="crumbs" aria-label="Breadcrumb">
          <a href={href.home()}>Models</a> / <span>{name}</span>
        </nav>
        <p className="muted">{detail.failed ? "This model could not be loaded." : "Loading…"}</p>
      </section>
    );
  }
  const m = d.model;
  return (
    <section className="screen" aria-labelledby="model-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href={href.home()}>Models</a> / <span aria-current="page">{m.name}</span>
      </nav>
      <header className="screen-header">
        <div>
          <h1 id="model-title">{m.title || m.name}</h1>
          <p className="muted">
            <span className="mono">{m.name}</span> · owned by {m.owner} · <RiskBadge tier={m.risk_tier} />
          </p>
          {m.description ? <p className="lede">{m.description}</p> : null}
        </div>
        <div className="actions">
          <a className="btn" href={href.operations(m.name)} data-testid="model-operations">
            Operations
          </a>
          {d.production && d.rollback_target ? (
            <button type="button" className="btn btn-danger" onClick={() => d.production && d.rollback_target && setRollingBack({ production: d.production, target: d.rollback_target })} data-testid="rollback">
              Roll back…
            </button>
          ) : null}
          <button type="button" className="btn btn-primary" onClick={() => setAdding(true)} data-testid="add-version">
            Add version…
          </button>
        </div>
      </header>

      <div className="cards">
        <div className="card" data-testid="production-card">
          <div className="card-label">In production</div>
          <div className="card-value mono">{d.production ?? <span className="muted">none</span>}</div>
        </div>
        <div className="card" data-testid="rollback-card">
          <div className="card-label">Rollback target (N-1)</div>
          <div className="card-value mono">{d.rollback_target ?? <span className="muted">none</span>}</div>
        </div>
        <div className="card">
          <div className="card-label">Versions</div>
          <div className="card-value">{d.versions.length}</div>
        </div>
      </div>

      <h2>Versions</h2>
      {d.versions.length === 0 ? (
        <p className="muted">No versions yet. Add one to start its lifecycle at Experiment.</p>
      ) : (
        <div className="list-frame">
          <VirtualList
            items={d.versions}
            rowHeight={ROW_HEIGHT}
            maxHeight={ROW_HEIGHT * 8}
            getKey={(v) => v.version}
            renderRow={(v) => <VersionRow v={v} detail={d} />}
            onOpen={(v) => navigate(href.version(m.name, v.version))}
            label={`Versions of ${m.name}`}
            rowTestId={(v) => `version-row-${v.version}`}
            testId="version-list"
          />
        </div>
      )}

      <h2>Release records</h2>
      {releases.data ? (
        <ReleaseTimeline list={releases.data} />
      ) : (
        <p className="muted">{releases.failed ? "The release records could not be loaded." : "Loading the release records…"}</p>
      )}

      <h2>Stage timeline</h2>
      <Timeline events={d.timeline} />

      {rollingBack ? (
        <RollbackDialog
          model={m.name}
          production={rollingBack.production}
          target={rollingBack.target}
          onClose={() => setRollingBack(null)}
          onDone={() => {
            detail.reload();
            releases.reload();
          }}
        />
      ) : null}
      {adding ? (
        <AddVersionDialog
          model={m.name}
          onClose={() => setAdding(false)}
          onDone={(v) => {
            setAdding(false);
            navigate(href.version(v.model, v.version));
          }}
        />
      ) : null}
    </section>
  );
}
