// The guardrail charts: one tab per guardrail of the policy that has windows, each chart drawn
// by the core (canary against production, the bound lines, crossed and breaching windows, the
// recorded breaches). The counts on each tab are the core's; nothing is decided here.
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { GuardrailChartSvg, GuardrailSeriesView } from "../../api/bindings";
import { api, toApiError } from "../../api/client";
import { svgDataUrl } from "../evaluations/png";
import { useChartTheme } from "../evaluations/theme";

type Shown = { key: string; chart: GuardrailChartSvg | null; error: string | null };

function ChartPanel({ model, rule }: { model: string; rule: string }) {
  const theme = useChartTheme();
  const key = `${rule}:${theme}`;
  const [shown, setShown] = useState<Shown | null>(null);
  useEffect(() => {
    let live = true;
    api.guardrailChart({ model, rule, theme }).then(
      (chart) => live && setShown({ key, chart, error: null }),
      (e: unknown) => live && setShown({ key, chart: null, error: toApiError(e).message }),
    );
    return () => {
      live = false;
    };
  }, [model, rule, theme, key]);
  const current = shown?.key === key ? shown : null;
  if (!current) return <p className="muted chart-loading">Drawing…</p>;
  if (current.error !== null)
    return (
      <p className="ops-error small" role="alert" data-testid="guardrail-chart-error">
        {current.error}
      </p>
    );
  const c = current.chart;
  if (!c) return null;
  return (
    <figure className="chart-figure" data-testid="guardrail-chart" data-rule={c.rule} data-breaching={c.breaching} data-events={c.events}>
      <img src={svgDataUrl(c.svg)} alt={c.title} className="chart-image" data-testid="guardrail-chart-image" data-theme={theme} />
      <figcaption className="muted small" data-testid="guardrail-chart-caption">
        {c.title} · {c.windows} windows, {c.crossed} crossed a bound, {c.breaching} breaching, {c.events} breach event{c.events === 1 ? "" : "s"}
      </figcaption>
    </figure>
  );
}

/** Tabs over the guardrails with windows (arrow keys move between them). */
export function GuardrailCharts({ model, series }: { model: string; series: GuardrailSeriesView[] }) {
  const drawn = series.filter((s) => s.windows > 0);
  // Open on the first guardrail that breached, else the first with windows.
  const first = drawn.find((s) => s.events > 0 || s.breaching > 0) ?? drawn[0];
  const [picked, setPicked] = useState<string | null>(null);
  const rule = picked ?? first?.rule ?? null;
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  if (drawn.length === 0 || rule === null)
    return (
      <p className="empty small" data-testid="guardrail-charts-empty">
        No online windows for the canary or production yet: import them with <code>steward monitor import {model} FILE</code>.
      </p>
    );
  const onKey = (e: KeyboardEvent, index: number) => {
    const n = drawn.length;
    const to = e.key === "ArrowRight" ? (index + 1) % n : e.key === "ArrowLeft" ? (index - 1 + n) % n : e.key === "Home" ? 0 : e.key === "End" ? n - 1 : null;
    if (to === null) return;
    e.preventDefault();
    const next = drawn[to];
    if (next) setPicked(next.rule);
    tabs.current[to]?.focus();
  };
  return (
    <div>
      <div role="tablist" aria-label="Guardrail charts" className="tabs ops-tabs" data-testid="guardrail-tabs">
        {drawn.map((s, i) => {
          const breached = s.events > 0 || s.breaching > 0;
          return (
            <button
              key={s.rule}
              ref={(el) => {
                tabs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`guardrail-tab-${s.rule}`}
              aria-selected={rule === s.rule}
              aria-controls="guardrail-tabpanel"
              tabIndex={rule === s.rule ? 0 : -1}
              className={`tab${rule === s.rule ? " is-current" : ""}`}
              onClick={() => setPicked(s.rule)}
              onKeyDown={(e) => onKey(e, i)}
              data-testid={`guardrail-tab-${s.rule}`}
              data-breached={breached ? "yes" : "no"}
              title={s.description}
            >
              {breached ? <span className="ops-breach-dot" aria-label="breached">● </span> : null}
              <span className="mono">{s.metric}</span> <span className="muted small">{s.stage}</span>
            </button>
          );
        })}
      </div>
      <div role="tabpanel" id="guardrail-tabpanel" aria-labelledby={`guardrail-tab-${rule}`} className="ops-chart">
        <p className="small muted" data-testid="guardrail-description">
          {drawn.find((s) => s.rule === rule)?.description}
        </p>
        <ChartPanel model={model} rule={rule} />
      </div>
    </div>
  );
}
