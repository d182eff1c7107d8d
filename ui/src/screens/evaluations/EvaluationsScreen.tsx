import { useCallback } from "react";
import "./evaluations.css";
import { api } from "../../api/client";
import { href } from "../../router";
import { useLoad } from "../../useLoad";
import { Charts } from "./Charts";
import { ComparisonTable } from "./ComparisonTable";
import { FairnessCallout, FairnessDetail } from "./Fairness";
import { loadFairness } from "./fairness";
import { ImportPanel } from "./ImportPanel";
import { RunsTable } from "./RunsTable";

/** A version's evaluation evidence: runs, comparison with production, fairness, charts. */
export function EvaluationsScreen({ model, version }: { model: string; version: string }) {
  const id = `${model}@${version}`;
  const runs = useLoad(`eval-runs:${id}`, () => api.evalList(model, version));
  // Everything below is derived from the runs, so it reloads when their count changes.
  const n = runs.data?.length ?? -1;
  const evidence = n > 0;
  const comparison = useLoad(`eval-compare:${id}:${n}`, () => (evidence ? api.evalCompare(model, version, null) : Promise.resolve(null)));
  const fairness = useLoad(`eval-fairness:${id}:${n}`, () => (evidence ? loadFairness(model, version) : Promise.resolve(null)));
  const drift = useLoad(`eval-drift:${id}:${n}`, () => (evidence ? api.evalDrift(model, version) : Promise.resolve(null)));
  const reload = runs.reload;
  const onImported = useCallback(() => reload(), [reload]);

  return (
    <section className="screen" aria-labelledby="evals-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href={href.home()}>Models</a> / <a href={href.model(model)}>{model}</a> /{" "}
        <a href={href.version(model, version)}>{version}</a> / <span aria-current="page">Evaluations</span>
      </nav>
      <header className="screen-header">
        <div>
          <h1 id="evals-title">
            Evaluations <span className="mono h1-sub">{version}</span>
          </h1>
          <p className="muted">
            Evidence for <a href={href.version(model, version)}>{id}</a>: each imported file is kept with its sha256.
          </p>
        </div>
      </header>

      {fairness.data ? <FairnessCallout reports={fairness.data} /> : null}

      <ImportPanel model={model} version={version} onImported={onImported} />

      {runs.data === null ? (
        <p className="muted">{runs.failed ? "The evaluation runs could not be loaded." : "Loading…"}</p>
      ) : runs.data.length === 0 ? (
        <div className="empty" data-testid="evals-empty">
          <h2>No evaluation evidence yet</h2>
          <p className="muted lede empty-text">
            Import the files your evaluation tools write: JSON in the <code>steward.eval/v1</code> format or long CSV
            (one metric value per row), as described in <code>docs/eval-format.md</code>. Samples for every kind are in{" "}
            <code>assets/samples/</code> (for example <code>golden-set.json</code> and <code>fairness-audit.csv</code>).
          </p>
        </div>
      ) : (
        <>
          <h2>Imported runs</h2>
          <RunsTable runs={runs.data} />

          <h2>Against production</h2>
          {comparison.data ? <ComparisonTable comparison={comparison.data} /> : <p className="muted">Comparing…</p>}

          <h2>Charts</h2>
          <Charts model={model} version={version} drift={drift.data} />

          <h2 id="fairness-detail">Fairness by group</h2>
          {fairness.data === null ? (
            <p className="muted">Loading…</p>
          ) : fairness.data.length === 0 ? (
            <p className="muted" data-testid="fairness-none">
              No per-group rows. Import a fairness audit (<code>assets/samples/fairness-audit.csv</code>) or raw predictions (
              <code>assets/samples/predictions.csv</code>).
            </p>
          ) : (
            <FairnessDetail reports={fairness.data} />
          )}
        </>
      )}
    </section>
  );
}
