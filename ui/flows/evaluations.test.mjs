// Chromium flows of the Evaluations screen (issue 5) against the fake core (flows/app/fake-evals.ts),
// which replays what the real core answered for `steward demo` and the imports below
// (src-tauri/tests/flow_evals.rs records them).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, assertClean, launch, openApp, setupFlows } from "./harness.mjs";

const flows = setupFlows();

const KINDS = ["compare", "fairness", "latency", "kpi", "drift"];

/** @param {import("playwright-core").Page} page */
async function exported(page) {
  return page.evaluate(() => window.__exported ?? []);
}

describe("evaluations flows", () => {
  test("the demo candidate: comparison vs production, the failing fairness group, five charts, import, export", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/summarize-copilot/versions/1.3.0-15`);
    await page.getByTestId("version-evaluations").click();
    assert.match(page.url(), /#\/models\/summarize-copilot\/versions\/1\.3\.0-15\/evaluations$/);

    // Runs with kind, suite and evidence digest.
    await page.getByTestId("eval-runs").waitFor();
    assert.equal(await page.locator("[data-testid=eval-runs] tbody tr").count(), 6);
    const runs = await page.getByTestId("eval-runs").innerText();
    assert.match(runs, /Offline golden set[\s\S]*support-golden@2026-10/);
    assert.match(runs, /Fairness audit[\s\S]*fairness-panel@2026-10/);
    assert.match(await page.getByTestId("eval-run-19").getByTestId("eval-run-digest").getAttribute("title") ?? "", /^sha256:e7a63b5b/);

    // The comparison against production: pass colour only where the core knows a threshold.
    await page.getByTestId("eval-compare").waitFor();
    assert.match(await page.getByTestId("compare-note").innerText(), /production version summarize-copilot@1\.1\.0-8/);
    assert.equal(await page.getByTestId("compare-row-error_rate").getAttribute("data-check"), "pass");
    assert.match(await page.getByTestId("compare-row-error_rate").getByTestId("check-threshold").innerText(), /✓ threshold 0\.01/);
    assert.equal(await page.getByTestId("compare-row-latency_p50_ms").getAttribute("data-check"), "none");
    assert.equal(await page.getByTestId("compare-row-requests").getAttribute("data-check"), "none");

    // The failing fairness group, at a glance, above everything else.
    const callout = page.getByTestId("fairness-callout");
    await callout.waitFor();
    assert.equal(await page.getByTestId("fairness-failing-locale").getAttribute("data-group"), "es");
    const text = await callout.innerText();
    assert.match(text, /locale=es fails the four-fifths rule/);
    assert.match(text, /Acceptance rate: ratio 0\.66 of the best group \(minimum 0\.8\)/);
    const calloutTop = await callout.evaluate((el) => el.getBoundingClientRect().top);
    const compareTop = await page.getByTestId("eval-compare").evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(calloutTop < compareTop, "the callout comes before the comparison");
    assert.equal(await page.getByTestId("fairness-key").inputValue(), "locale");
    assert.equal(await page.getByTestId("fairness-row-acceptance_rate-es").getAttribute("data-outside"), "true");
    assert.equal(await page.getByTestId("fairness-row-acceptance_rate-en").getAttribute("data-outside"), "false");
    await page.setViewportSize({ width: 1280, height: 3200 });
    await page.getByTestId("chart-compare").getByTestId("chart-image").waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "evaluations.png") });
    await page.setViewportSize({ width: 1280, height: 820 });

    // Each chart kind, drawn by the core, in the light variant; arrow keys move between tabs.
    for (const kind of KINDS) {
      await page.getByTestId(`chart-tab-${kind}`).click();
      const img = page.getByTestId(`chart-${kind}`).getByTestId("chart-image");
      await img.waitFor();
      assert.equal(await img.getAttribute("data-theme"), "light");
      const size = await img.evaluate((el) => /** @type {HTMLImageElement} */ (el).naturalWidth);
      assert.equal(size, 960, `${kind} chart decoded under the CSP`);
    }
    assert.match(await page.getByTestId("drift-features").innerText(), /prompt_length PSI 0\.173 · moderate/);
    await page.getByTestId("chart-tab-drift").focus();
    await page.keyboard.press("Home");
    await page.getByTestId("chart-compare").getByTestId("chart-image").waitFor();
    await page.keyboard.press("ArrowRight");
    await page.getByTestId("chart-fairness").getByTestId("chart-image").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "chart-tab-fairness");

    // Export the fairness chart as SVG (written by the shell from the core's SVG) and as PNG.
    await page.getByTestId("chart-export-svg").click();
    await page.getByTestId("chart-exported").filter({ hasText: "summarize-copilot-1.3.0-15-fairness.svg" }).waitFor();
    await page.getByTestId("chart-export-png").click();
    await page.getByTestId("chart-exported").filter({ hasText: "summarize-copilot-1.3.0-15-fairness.png" }).waitFor();
    const files = await exported(page);
    assert.equal(files.length, 2);
    assert.equal(files[0]?.path, "/home/ana/exports/summarize-copilot-1.3.0-15-fairness.svg");
    assert.ok((files[0]?.bytes ?? 0) > 1000);
    assert.deepEqual(files[1]?.head, [137, 80, 78, 71, 13, 10, 26, 10], "a PNG signature");
    assert.ok((files[1]?.bytes ?? 0) > 10_000, "a 1920×1080 PNG");

    // Import a large file with progress, cancel it, then import it for real.
    await page.getByTestId("eval-import-choose").click();
    assert.equal(await page.getByTestId("eval-import-file").innerText(), "/home/ana/models/bundle.tar.zst");
    await page.getByRole("button", { name: "Clear" }).click();
    await page.evaluate(() => window.__dropFiles?.(["/home/ana/evals/golden-set-nov.json"]));
    assert.equal(await page.getByTestId("eval-import-file").innerText(), "/home/ana/evals/golden-set-nov.json");
    await page.getByTestId("eval-import-submit").click();
    await page.locator('[role="progressbar"][aria-valuenow]').waitFor();
    await page.getByTestId("operation-cancel").click();
    await page.getByTestId("error-banner").filter({ hasText: "import cancelled; nothing was imported" }).waitFor();
    await page.getByTestId("error-dismiss").click();
    await page.getByTestId("eval-import-submit").click();
    await page.locator('[role="progressbar"][aria-valuenow]').waitFor();
    assert.match(await page.getByTestId("progress").innerText(), /importing/);
    await page.getByTestId("eval-imported").filter({ hasText: "golden-set-nov.json" }).waitFor();
    await page.getByTestId("eval-run-30").waitFor();
    assert.equal(await page.locator("[data-testid=eval-runs] tbody tr").count(), 7);
    assertClean(problems);
    await page.close();
  });

  test("a version without evidence says how to import; a CSV that does not say its kind shows the core's error", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/fraud-scorer/versions/2.0.0-1/evaluations`);
    const empty = page.getByTestId("evals-empty");
    await empty.waitFor();
    assert.match(await empty.innerText(), /assets\/samples\//);
    assert.equal(await page.getByTestId("fairness-callout").count(), 0);
    await page.evaluate(() => window.__dropFiles?.(["/home/ana/evals/fairness-audit.csv"]));
    await page.getByTestId("eval-import-submit").click();
    await page.getByTestId("error-banner").filter({ hasText: "does not say what kind of evaluation it is; pass --kind" }).waitFor();
    await page.getByTestId("eval-import-kind").selectOption("fairness-audit");
    await page.getByTestId("eval-import-suite").fill("fairness-panel@2026-11");
    await page.getByTestId("eval-import-submit").click();
    await page.getByTestId("eval-runs").waitFor();
    assert.match(await page.getByTestId("eval-runs").innerText(), /Fairness audit[\s\S]*fairness-panel@2026-11/);
    assert.equal(await page.getByTestId("chart-compare").getByTestId("chart-empty").count(), 1);
    await page.getByTestId("error-dismiss").click();
    assertClean(problems);
    await page.close();
  });

  test("dark theme draws the dark charts", async () => {
    const dark = await launch({ colorScheme: "dark" });
    try {
      const { page, problems } = await openApp(dark.context, `${flows.server.url}#/models/summarize-copilot/versions/1.3.0-15/evaluations`);
      const img = page.getByTestId("chart-compare").getByTestId("chart-image");
      await img.waitFor();
      assert.equal(await img.getAttribute("data-theme"), "dark");
      await page.getByTestId("fairness-callout").waitFor();
      await page.setViewportSize({ width: 1280, height: 3200 });
      await page.screenshot({ path: join(ARTIFACTS, "evaluations-dark.png") });
      assertClean(problems);
    } finally {
      await dark.close();
    }
  });
});
