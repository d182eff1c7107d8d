import { useEffect, useMemo, useState } from "react";
import type { ModelQuery, ModelSummary, RiskTier, Stage } from "../../api/bindings";
import { RiskBadge, STAGE_LABEL, STAGES, StageChip } from "../../components/StageChip";
import { VirtualList } from "../../components/VirtualList";
import { href, navigate } from "../../router";
import { Inbox } from "./Inbox";
import { NewModelDialog } from "./NewModelDialog";
import { PAGE_SIZE, useModelPages } from "./useModelPages";
import "../version/gate.css";
import "../model/releases.css";
import { SnapshotDialog } from "../dataset/SnapshotDialog";

const ROW_HEIGHT = 64;
const CHIPS_SHOWN = 3;
const RISKS: RiskTier[] = ["low", "medium", "high"];

function ModelRow({ model }: { model: ModelSummary }) {
  const shown = model.versions.slice(0, CHIPS_SHOWN);
  const more = model.versions.length - shown.length;
  return (
    <div className="model-row">
      <div className="model-row-name">
        <span className="strong">{model.name}</span>
        {model.title && model.title !== model.name ? <span className="muted"> · {model.title}</span> : null}
        <div className="muted small">{model.owner}</div>
      </div>
      <div className="model-row-risk">
        <RiskBadge tier={model.risk_tier} />
      </div>
      <div className="model-row-chips">
        {shown.length === 0 ? <span className="muted small">No versions</span> : null}
        {shown.map((v) => (
          <StageChip key={v.version} stage={v.stage} version={v.version} />
        ))}
        {more > 0 ? <span className="muted small">+{more} more</span> : null}
      </div>
    </div>
  );
}

export function HomeScreen() {
  const [text, setText] = useState("");
  const [debounced, setDebounced] = useState("");
  const [stage, setStage] = useState<Stage | "">("");
  const [risk, setRisk] = useState<RiskTier | "">("");
  const [dialog, setDialog] = useState<"model" | "snapshot" | null>(null);

  useEffect(() => {
    const t = window.setTimeout(() => setDebounced(text.trim()), 150);
    return () => window.clearTimeout(t);
  }, [text]);

  const query: ModelQuery = {
    text: debounced === "" ? null : debounced,
    stage: stage === "" ? null : stage,
    risk_tier: risk === "" ? null : risk,
  };
  // The core answers a page at a time; the list is as long as the count and shows a
  // placeholder for a row whose page is still on its way.
  const models = useModelPages(query);
  const filtered = query.text !== null || query.stage !== null || query.risk_tier !== null;
  const total = models.total ?? 0;
  const { at } = models;
  const list = useMemo(() => {
    const rows: ModelSummary[] = [];
    for (let page = 0; page * PAGE_SIZE < total; page++) {
      for (let i = page * PAGE_SIZE; i < Math.min(total, (page + 1) * PAGE_SIZE); i++) {
        const m = at(i);
        if (m === undefined) break;
        rows[i] = m;
      }
    }
    return rows;
  }, [at, total]);

  return (
    <section className="screen screen-home" aria-labelledby="home-title">
      <header className="screen-header">
        <div>
          <h1 id="home-title">Models</h1>
          <p className="muted" data-testid="model-count" aria-live="polite">
            {models.total === null ? "Loading…" : `${total.toLocaleString()} ${total === 1 ? "model" : "models"}${filtered ? " match" : ""}`}
          </p>
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={() => setDialog("snapshot")} data-testid="open-snapshot">
            Snapshot dataset…
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setDialog("model")} data-testid="new-model">
            New model
          </button>
        </div>
      </header>

      <Inbox />

      <div className="toolbar" role="search">
        <label className="field field-grow">
          <span className="sr-only">Search models</span>
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Search name, title, owner, description   ( / )"
            data-testid="search"
            aria-keyshortcuts="/"
            onKeyDown={(e) => {
              if (e.key === "ArrowDown") {
                e.preventDefault();
                document.querySelector<HTMLElement>('[data-testid="model-list"]')?.focus();
              }
            }}
          />
        </label>
        <label className="field">
          <span className="field-label">Stage</span>
          <select value={stage} onChange={(e) => setStage(e.target.value as Stage | "")} data-testid="filter-stage">
            <option value="">Any stage</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {STAGE_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Risk tier</span>
          <select value={risk} onChange={(e) => setRisk(e.target.value as RiskTier | "")} data-testid="filter-risk">
            <option value="">Any tier</option>
            {RISKS.map((r) => (
              <option key={r} value={r}>
                {r[0]?.toUpperCase()}
                {r.slice(1)}
              </option>
            ))}
          </select>
        </label>
      </div>

      {models.total !== null && total === 0 ? (
        filtered ? (
          <div className="empty" data-testid="empty-filtered">
            <h2>No models match</h2>
            <p className="muted">Try other words, or clear the filters.</p>
            <button
              type="button"
              className="btn"
              onClick={() => {
                setText("");
                setDebounced("");
                setStage("");
                setRisk("");
              }}
            >
              Clear filters
            </button>
          </div>
        ) : (
          <div className="empty" data-testid="empty-state">
            <h2>No models in this workspace yet</h2>
            <p className="muted">
              Load the demo workspace by running <code>steward demo</code> in a terminal, or create your first
              model here.
            </p>
            <button type="button" className="btn btn-primary" onClick={() => setDialog("model")}>
              Create a model
            </button>
          </div>
        )
      ) : (
        <div className="list-frame">
          <div className="model-row model-row-head" aria-hidden="true">
            <div className="model-row-name">Model · owner</div>
            <div className="model-row-risk">Risk tier</div>
            <div className="model-row-chips">Versions (highest first)</div>
          </div>
          <VirtualList
            items={list}
            count={total}
            onRange={models.want}
            resetKey={models.key}
            rowHeight={ROW_HEIGHT}
            getKey={(m) => m.name}
            renderRow={(m) => <ModelRow model={m} />}
            onOpen={(m) => navigate(href.model(m.name))}
            label="Models"
            rowTestId={(m) => `model-row-${m.name}`}
            testId="model-list"
          />
        </div>
      )}

      {dialog === "model" ? (
        <NewModelDialog
          onClose={() => setDialog(null)}
          onCreated={(m) => {
            setDialog(null);
            navigate(href.model(m.name));
          }}
        />
      ) : null}
      {dialog === "snapshot" ? (
        <SnapshotDialog
          onClose={() => setDialog(null)}
          onDone={(d) => {
            setDialog(null);
            navigate(href.dataset(`${d.summary.name}@${d.summary.version}`));
          }}
        />
      ) : null}
    </section>
  );
}
