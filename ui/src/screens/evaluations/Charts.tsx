import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { ApiError, ChartKind, ChartSvg, DriftReport, EvalChartRequest } from "../../api/bindings";
import { api, toApiError } from "../../api/client";
import { useErrors } from "../../errors";
import { formatValue } from "./format";
import { svgDataUrl, svgToPng } from "./png";
import { useChartTheme } from "./theme";

export const CHART_KINDS: { kind: ChartKind; label: string; empty: string }[] = [
  { kind: "compare", label: "Candidate vs production", empty: "no metrics to compare" },
  { kind: "fairness", label: "Fairness by group", empty: "no per-group rows: import a fairness audit (assets/samples/fairness-audit.csv)" },
  { kind: "latency", label: "Latency vs SLO", empty: "no latency: import a load test (assets/samples/load-test.json)" },
  { kind: "kpi", label: "Canary KPIs", empty: "no KPI series: import canary KPIs (assets/samples/canary-kpis.csv)" },
  { kind: "drift", label: "Drift (PSI)", empty: "no distributions: import canary KPIs with feature bins (assets/samples/canary-kpis.csv)" },
];

type Shown = { key: string; chart: ChartSvg | null; missing: ApiError | null };

function ChartPanel({ model, version, kind, drift }: { model: string; version: string; kind: ChartKind; drift: DriftReport | null }) {
  const { report } = useErrors();
  const theme = useChartTheme();
  const key = `${kind}:${theme}`;
  const [shown, setShown] = useState<Shown | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const req: EvalChartRequest = { model, version, kind, theme, against: null, group: null, metric: null };

  useEffect(() => {
    let live = true;
    api.evalChart({ model, version, kind, theme, against: null, group: null, metric: null }).then(
      (chart) => live && setShown({ key, chart, missing: null }),
      (e: unknown) => {
        if (!live) return;
        const err = toApiError(e);
        // Evidence the version simply lacks is an empty state, not an error.
        if (err.code === "not_found") setShown({ key, chart: null, missing: err });
        else {
          report(err);
          setShown({ key, chart: null, missing: null });
        }
      },
    );
    return () => {
      live = false;
    };
  }, [model, version, kind, theme, key, report]);

  const current = shown?.key === key ? shown : null;
  const chart = current?.chart ?? (shown?.chart?.kind === kind ? shown.chart : null);
  const info = CHART_KINDS.find((c) => c.kind === kind);

  const exportAs = async (format: "svg" | "png") => {
    if (!chart) return;
    setBusy(true);
    setSaved(null);
    try {
      const path = await api.exportPick(`Export chart as ${format.toUpperCase()}`, `${model}-${version}-${kind}.${format}`, format);
      if (!path) return;
      if (format === "svg") await api.evalChartSave(req, path);
      else await api.exportWrite(path, await svgToPng(chart.svg));
      setSaved(path);
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="chart-panel" data-testid={`chart-${kind}`}>
      {chart ? (
        <>
          <figure className="chart-figure">
            <img
              src={svgDataUrl(chart.svg)}
              alt={chart.title}
              className="chart-image"
              data-testid="chart-image"
              data-kind={kind}
              data-theme={theme}
            />
            <figcaption className="muted small">{chart.title}</figcaption>
          </figure>
          <div className="row">
            <button type="button" className="btn" disabled={busy} onClick={() => exportAs("svg")} data-testid="chart-export-svg">
              Export SVG
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => exportAs("png")} data-testid="chart-export-png">
              Export PNG
            </button>
            {saved ? (
              <span className="muted small" role="status" data-testid="chart-exported">
                Saved to <span className="mono break">{saved}</span>
              </span>
            ) : null}
          </div>
          {kind === "drift" && drift ? (
            <div className="drift-list">
              <ul className="plain-list" data-testid="drift-features">
                {drift.features.map((f) => (
                  <li key={f.feature}>
                    <span className="mono">{f.feature}</span> PSI {formatValue(f.psi)} ·{" "}
                    <span className={`drift drift-${f.level}`}>{f.level}</span>
                  </li>
                ))}
              </ul>
              <p className="muted small">{drift.convention}</p>
            </div>
          ) : null}
        </>
      ) : current?.missing ? (
        <p className="empty small" data-testid="chart-empty">
          Nothing to draw: {info?.empty}.
        </p>
      ) : current ? null : (
        <p className="muted chart-loading">Drawing…</p>
      )}
    </div>
  );
}

/** The five charts as tabs (arrow keys move between them), each drawn by the core. */
export function Charts({ model, version, drift }: { model: string; version: string; drift: DriftReport | null }) {
  const [kind, setKind] = useState<ChartKind>("compare");
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, index: number) => {
    const n = CHART_KINDS.length;
    const to = e.key === "ArrowRight" ? (index + 1) % n : e.key === "ArrowLeft" ? (index - 1 + n) % n : e.key === "Home" ? 0 : e.key === "End" ? n - 1 : null;
    if (to === null) return;
    e.preventDefault();
    const next = CHART_KINDS[to];
    if (next) setKind(next.kind);
    tabs.current[to]?.focus();
  };
  return (
    <div>
      <div role="tablist" aria-label="Charts" className="tabs" data-testid="chart-tabs">
        {CHART_KINDS.map((c, i) => (
          <button
            key={c.kind}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`chart-tab-${c.kind}`}
            aria-selected={kind === c.kind}
            aria-controls="chart-tabpanel"
            tabIndex={kind === c.kind ? 0 : -1}
            className={`tab${kind === c.kind ? " is-current" : ""}`}
            onClick={() => setKind(c.kind)}
            onKeyDown={(e) => onKey(e, i)}
            data-testid={`chart-tab-${c.kind}`}
          >
            {c.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="chart-tabpanel" aria-labelledby={`chart-tab-${kind}`} className="tabpanel">
        <ChartPanel key={kind} model={model} version={version} kind={kind} drift={drift} />
      </div>
    </div>
  );
}
