import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { EvalComparison, EvalRunView, FairnessReport, MetricComparisonView } from "../../api/bindings";
import { href, parseHash } from "../../router";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { ComparisonTable } from "./ComparisonTable";
import { FairnessCallout } from "./Fairness";
import { EvaluationsScreen } from "./EvaluationsScreen";
import { RunsTable } from "./RunsTable";

const DIGEST = `sha256:${"ab".repeat(32)}`;

function run(id: number, extra: Partial<EvalRunView> = {}): EvalRunView {
  return {
    id,
    model: "summarize-copilot",
    version: "1.3.0-15",
    kind: "golden-set",
    kind_label: "Offline golden set",
    suite: "support-golden@2026-10",
    run_at: "2026-10-19T09:30:00Z",
    imported_at: "2026-11-26T15:20:17Z",
    file_name: "golden-set.json",
    file_digest: DIGEST,
    file_bytes: 949,
    format: "json",
    rows: 7,
    ...extra,
  };
}

function metric(name: string, extra: Partial<MetricComparisonView> = {}): MetricComparisonView {
  return {
    metric: name,
    label: name,
    unit: "share",
    direction: "higher",
    candidate: 0.8,
    candidate_ci: null,
    baseline: 0.7,
    baseline_ci: null,
    delta: 0.1,
    relative_delta: 0.142,
    verdict: "better",
    significant: null,
    threshold: null,
    meets_threshold: null,
    margin: null,
    meets_margin: null,
    check: "none",
    ...extra,
  };
}

function comparison(metrics: MetricComparisonView[]): EvalComparison {
  return { model: "summarize-copilot", candidate: "1.3.0-15", baseline: "1.1.0-8", baseline_stage: "production", metrics, note: "against the production version summarize-copilot@1.1.0-8" };
}

const LOCALE: FairnessReport = {
  model: "summarize-copilot",
  version: "1.3.0-15",
  key: "locale",
  keys: ["customer_tier", "locale"],
  max_difference: 0.1,
  min_ratio: 0.8,
  metrics: [
    {
      metric: "acceptance_rate",
      label: "Acceptance rate",
      unit: "share",
      direction: "higher",
      groups: [
        { group: "en", value: 0.61, n: 300, worst: false, outside_tolerance: false },
        { group: "es", value: 0.4, n: 300, worst: true, outside_tolerance: true },
      ],
      max_difference: 0.21,
      min_max_ratio: 0.6557,
      worst_group: "es",
      passes_difference: false,
      passes_ratio: false,
      failure: "both",
    },
  ],
  parity: null,
  failures: ["acceptance_rate: group locale=es is worst; difference 0.210 (max 0.1), ratio 0.656 (min 0.8): fails the four-fifths rule and differs by more than 0.1"],
  failing_groups: [{ group: "es", failure: "both", verdict: "fails the four-fifths rule and differs by more than 0.1", metrics: ["acceptance_rate"] }],
};
const TIER: FairnessReport = {
  ...LOCALE,
  key: "customer_tier",
  metrics: [
    {
      ...(LOCALE.metrics[0] as FairnessReport["metrics"][number]),
      groups: [{ group: "pro", value: 0.8, n: 400, worst: true, outside_tolerance: false }],
      max_difference: 0.05,
      min_max_ratio: 0.94,
      worst_group: "pro",
      passes_difference: true,
      passes_ratio: true,
      failure: null,
    },
  ],
  failures: [],
  failing_groups: [],
};

describe("RunsTable", () => {
  it("lists each run with kind, suite, time and the evidence digest", () => {
    render(<RunsTable runs={[run(1), run(2, { kind: "red-team", kind_label: "Red-team suite", suite: "jailbreak-suite@2026.10", run_at: null })]} />);
    const first = screen.getByTestId("eval-run-1");
    expect(within(first).getByTestId("eval-run-kind").textContent).toBe("Offline golden set");
    expect(first.textContent).toContain("support-golden@2026-10");
    expect(within(first).getByTestId("eval-run-digest").getAttribute("title")).toBe(DIGEST);
    expect(within(first).getByTestId("eval-run-digest").textContent).toBe(`sha256:${"ab".repeat(6)}…`);
    expect(screen.getByTestId("eval-run-2").textContent).toContain("run time not stated");
  });
});

describe("ComparisonTable", () => {
  it("colours pass and fail as the core's check says, only where it knows a threshold or margin", () => {
    render(
      <ComparisonTable
        comparison={comparison([
          metric("rouge_l", { threshold: 0.4, meets_threshold: true, margin: 0.005, meets_margin: true, check: "pass" }),
          metric("error_rate", { direction: "lower", verdict: "worse", threshold: 0.01, meets_threshold: false, check: "fail" }),
          metric("toxicity_rate", { direction: "lower", verdict: "better", margin: 0, meets_margin: false, check: "fail" }),
          // Worse than production, but the core knows no threshold: no pass/fail colour.
          metric("latency_p50_ms", { unit: "ms", direction: "lower", verdict: "worse", delta: 27.8 }),
        ])}
      />,
    );
    expect(screen.getByTestId("compare-row-rouge_l").getAttribute("data-check")).toBe("pass");
    expect(screen.getByTestId("compare-row-rouge_l").className).toContain("check-row-pass");
    expect(screen.getByTestId("compare-row-error_rate").getAttribute("data-check")).toBe("fail");
    expect(within(screen.getByTestId("compare-row-error_rate")).getByTestId("check-threshold").textContent).toContain("misses threshold 0.01");
    expect(screen.getByTestId("compare-row-toxicity_rate").getAttribute("data-check")).toBe("fail");
    const latency = screen.getByTestId("compare-row-latency_p50_ms");
    expect(latency.getAttribute("data-check")).toBe("none");
    expect(latency.className).not.toMatch(/check-row-(pass|fail)/);
    expect(latency.querySelector(".check")).toBeNull();
    expect(latency.textContent).toContain("▼ worse");
    expect(screen.getByTestId("compare-note").textContent).toContain("summarize-copilot@1.1.0-8");
  });
});

describe("FairnessCallout", () => {
  it("names the failing group and its ratio against the four-fifths rule", () => {
    render(<FairnessCallout reports={[TIER, LOCALE]} />);
    const callout = screen.getByTestId("fairness-callout");
    expect(callout.textContent).toContain("locale=es outside tolerance");
    expect(screen.getByTestId("fairness-failing-locale").getAttribute("data-group")).toBe("es");
    expect(callout.textContent).toContain("fails the four-fifths rule");
    expect(callout.textContent).toContain("ratio 0.66 of the best group (minimum 0.8)");
    expect(screen.queryByTestId("fairness-failing-customer_tier")).toBeNull();
  });

  // Regression (issue 14): a group failing only the difference rule was worded as failing the
  // four-fifths rule by the TypeScript; the words are the core's now.
  it("shows the core's words for what the group fails", () => {
    const differenceOnly: FairnessReport = {
      ...LOCALE,
      metrics: [{ ...(LOCALE.metrics[0] as FairnessReport["metrics"][number]), passes_ratio: true, failure: "difference" }],
      failing_groups: [{ group: "es", failure: "difference", verdict: "differs by more than 0.1", metrics: ["acceptance_rate"] }],
    };
    render(<FairnessCallout reports={[differenceOnly]} />);
    const failing = screen.getByTestId("fairness-failing-locale");
    expect(failing.getAttribute("data-failure")).toBe("difference");
    expect(failing.textContent).toContain("differs by more than 0.1");
    expect(failing.textContent).not.toContain("four-fifths");
  });

  it("says so when every key is within tolerance", () => {
    render(<FairnessCallout reports={[TIER]} />);
    expect(screen.queryByTestId("fairness-callout")).toBeNull();
    expect(screen.getByTestId("fairness-ok").textContent).toContain("customer_tier");
  });
});

describe("EvaluationsScreen", () => {
  it("loads runs, the comparison and every key's fairness from the core", async () => {
    const calls = mockBackend({
      eval_list: () => [run(16)],
      eval_compare: () => comparison([metric("rouge_l", { threshold: 0.4, meets_threshold: true, check: "pass" })]),
      eval_fairness: (a) => {
        if (a.key === null || a.key === "locale") return LOCALE;
        if (a.key === "customer_tier") return TIER;
        throw { code: "not_found", message: `summarize-copilot@1.3.0-15 has no rows grouped by "${String(a.key)}"; its group keys are customer_tier, locale` };
      },
      eval_drift: () => ({ model: "summarize-copilot", version: "1.3.0-15", convention: "PSI", features: [] }),
      eval_chart: (a) => ({ kind: (a.req as { kind: string }).kind, title: "Chart", svg: "<svg xmlns='http://www.w3.org/2000/svg'/>" }),
    });
    renderWithErrors(<EvaluationsScreen model="summarize-copilot" version="1.3.0-15" />);
    await screen.findByTestId("fairness-callout");
    expect(screen.getByTestId("eval-run-16")).toBeTruthy();
    expect(screen.getByTestId("compare-row-rouge_l").getAttribute("data-check")).toBe("pass");
    await screen.findByTestId("fairness-key");
    expect((screen.getByTestId("fairness-key") as HTMLSelectElement).value).toBe("locale");
    expect(screen.getByTestId("fairness-row-acceptance_rate-es").getAttribute("data-outside")).toBe("true");
    const img = await screen.findByTestId("chart-image");
    expect(img.getAttribute("src")).toMatch(/^data:image\/svg\+xml/);
    expect(calls.find((c) => c.cmd === "eval_compare")?.args).toEqual({ model: "summarize-copilot", version: "1.3.0-15", against: null });
    expect(screen.queryByTestId("error-banner")).toBeNull();
  });

  it("shows how to import when a version has no evidence", async () => {
    mockBackend({ eval_list: () => [] });
    renderWithErrors(<EvaluationsScreen model="summarize-copilot" version="2.0.0-17" />);
    const empty = await screen.findByTestId("evals-empty");
    expect(empty.textContent).toContain("assets/samples/");
    expect(screen.getByTestId("eval-import-choose")).toBeTruthy();
  });
});

describe("the evaluations route", () => {
  it("round-trips through the hash", () => {
    const to = href.evaluations("summarize-copilot", "1.3.0-15");
    expect(to).toBe("#/models/summarize-copilot/versions/1.3.0-15/evaluations");
    expect(parseHash(to)).toEqual({ name: "evaluations", model: "summarize-copilot", version: "1.3.0-15" });
  });
});
