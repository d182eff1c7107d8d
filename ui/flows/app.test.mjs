// Chromium flows against the real UI with a mocked Tauri backend (flows/app/fake-backend.ts: it
// replays the real core's answers on real workspaces, recorded in flows/app/models/recorded.json
// by src-tauri/tests/flow_models.rs).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, assertClean, launch, openApp, setupFlows } from "./harness.mjs";

const flows = setupFlows();

/** @param {import("playwright-core").Page} page */
async function activeTestId(page) {
  return page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName ?? null);
}

/** Presses Tab until the element with this test id has focus. */
async function tabTo(/** @type {import("playwright-core").Page} */ page, /** @type {string} */ testId, max = 40) {
  for (let i = 0; i < max; i++) {
    if ((await activeTestId(page)) === testId) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${testId}; focus is on ${await activeTestId(page)}`);
}

describe("steward flows", () => {
  test("browse, search, open a model and a version, promote canary to production", async () => {
    const { page, problems } = await openApp(flows.browser.context, flows.server.url);
    await page.getByTestId("model-row-fraud-scorer").waitFor();
    assert.equal(await page.locator('[data-testid^="model-row-"]').count(), 6);
    await page.screenshot({ path: join(ARTIFACTS, "home.png") });

    await page.getByTestId("search").fill("payments");
    await page.getByTestId("model-count").filter({ hasText: "1 model match" }).waitFor();
    assert.equal(await page.locator('[data-testid^="model-row-"]').count(), 1);

    await page.getByTestId("model-row-fraud-scorer").click();
    await page.getByTestId("version-row-1.2.0-3").waitFor();
    const versions = await page
      .locator('[data-testid^="version-row-"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-testid")));
    assert.deepEqual(versions, [
      "version-row-2.0.0-1",
      "version-row-1.3.0-1",
      "version-row-1.2.0-3",
      "version-row-1.1.0-8",
      "version-row-1.0.0-3",
    ]);
    assert.equal(await page.getByTestId("version-row-1.1.0-8").getByTestId("mark-production").count(), 1);
    assert.equal(await page.getByTestId("version-row-1.0.0-3").getByTestId("mark-rollback").count(), 1);
    await page.screenshot({ path: join(ARTIFACTS, "model.png") });

    await page.getByTestId("version-row-1.2.0-3").click();
    await page.getByTestId("move-production").waitFor();
    assert.equal(await page.getByTestId("move-production").isEnabled(), true);
    assert.equal(await page.getByTestId("move-rollback-target").isDisabled(), true);
    assert.match(await page.getByTestId("refused-reason-rollback-target").innerText(), /only when a newer version is promoted/);
    await page.screenshot({ path: join(ARTIFACTS, "version.png"), fullPage: true });

    await page.getByTestId("move-production").click();
    await page.getByTestId("move-reason").fill("canary held 48 h with no regressions");
    await page.getByTestId("confirm-move").click();

    const result = page.getByTestId("stage-result");
    await result.waitFor();
    const text = await result.innerText();
    assert.match(text, /1\.2\.0-3: Canary → Production/);
    assert.match(text, /1\.1\.0-8: Production → Rollback target/);
    assert.match(text, /1\.0\.0-3: Rollback target → Deprecated/);
    await page.locator("h1 [data-testid=stage-chip][data-stage=production]").waitFor();
    assert.match(await page.getByTestId("timeline").innerText(), /canary held 48 h with no regressions/);
    await page.screenshot({ path: join(ARTIFACTS, "version-promoted.png"), fullPage: true });

    await page.locator("nav.crumbs a", { hasText: "fraud-scorer" }).click();
    await page.getByTestId("timeline").waitFor();
    const timeline = await page.getByTestId("timeline").innerText();
    assert.match(timeline, /supersede/i);
    assert.equal(await page.getByTestId("version-row-1.2.0-3").getByTestId("mark-production").count(), 1);
    assert.equal(await page.getByTestId("version-row-1.1.0-8").getByTestId("mark-rollback").count(), 1);
    assertClean(problems);
    await page.close();
  });

  test("audit verify shows OK, then a broken chain prominently", async () => {
    const { page, problems } = await openApp(flows.browser.context, flows.server.url);
    await page.getByTestId("nav-audit").click();
    await page.getByTestId("audit-table").waitFor();
    await page.getByTestId("audit-verify").click();
    const ok = page.locator('[data-testid="audit-result"][data-ok="true"]');
    await ok.waitFor();
    assert.match(await ok.innerText(), /Chain intact[\s\S]*entries verified/);

    // The recorded workspace whose third audit row an attacker edited in the SQLite file.
    await page.evaluate(() => window.__fake?.breakChain());
    await page.getByTestId("audit-verify").click();
    const bad = page.locator('[data-testid="audit-result"][data-ok="false"]');
    await bad.waitFor();
    const text = await bad.innerText();
    assert.match(text, /Chain broken at entry #3/);
    assert.match(text, /contents do not match the stored hash [0-9a-f]{64} \(recomputed [0-9a-f]{64}\)/);
    assert.equal(await bad.getAttribute("role"), "alert");
    assert.match((await page.getByTestId("audit-row-3").getAttribute("class")) ?? "", /is-broken/);
    await page.screenshot({ path: join(ARTIFACTS, "audit-broken.png") });
    assertClean(problems);
    await page.close();
  });

  test("the dataset screen flags missing provenance", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/support-triage/versions/1.0.1-4`);
    await page.getByTestId("dataset-link-support-tickets@2").click();
    await page.getByTestId("provenance-missing").waitFor();
    assert.match(await page.getByTestId("provenance-missing").innerText(), /license, consent/);
    assert.equal(await page.getByTestId("provenance-missing-license").count(), 1);
    assert.equal(await page.getByTestId("provenance-missing-consent").count(), 1);
    assert.equal(await page.getByTestId("provenance-missing-source").count(), 0);
    assert.match(await page.getByTestId("manifest-checksum").innerText(), /^sha256:[0-9a-f]{64}$/);
    assert.match(await page.getByTestId("manifest-files").innerText(), /tickets\.jsonl\s+4\.71 KiB/);
    assert.match(await page.getByTestId("linked-versions").innerText(), /support-triage@1\.0\.1-4/);

    await page.goto(`${flows.server.url}#/datasets/transactions-2024q4%401.0`);
    await page.getByTestId("provenance-complete").waitFor();
    assertClean(problems);
    await page.close();
  });

  test("a backend error shows in the banner and can be dismissed", async () => {
    const { page, problems } = await openApp(flows.browser.context, flows.server.url);
    await page.getByTestId("model-row-fraud-scorer").waitFor();
    await page.evaluate(() =>
      window.__fake?.failNext("model_show", { code: "corrupt", message: "the workspace database is damaged: run steward doctor" }),
    );
    await page.getByTestId("model-row-fraud-scorer").click();
    const banner = page.locator('[role="alert"][data-testid="error-banner"]');
    await banner.waitFor();
    assert.match(await banner.innerText(), /Workspace damaged[\s\S]*the workspace database is damaged: run steward doctor/);
    await page.getByTestId("error-dismiss").click();
    await banner.waitFor({ state: "detached" });

    // A refusal from the core is shown as it is, too.
    await page.goto(`${flows.server.url}#/models/fraud-scorer/versions/1.3.0-1`);
    await page.getByTestId("move-canary").waitFor();
    await page.evaluate(() =>
      window.__fake?.failNext("stage_set", { code: "refused", message: "promotion to canary needs an approved risk assessment" }),
    );
    await page.getByTestId("move-canary").click();
    await page.getByTestId("confirm-move").click();
    await banner.filter({ hasText: "promotion to canary needs an approved risk assessment" }).waitFor();
    assertClean(problems);
    await page.close();
  });

  test("keyboard only: home to a version, shortcuts, visible focus", async () => {
    const { page, problems } = await openApp(flows.browser.context, flows.server.url);
    await page.getByTestId("model-row-fraud-scorer").waitFor();
    await page.keyboard.press("/");
    assert.equal(await activeTestId(page), "search");
    await page.keyboard.type("fraud");
    await page.getByTestId("model-count").filter({ hasText: "1 model match" }).waitFor();
    await page.keyboard.press("ArrowDown");
    assert.equal(await activeTestId(page), "model-list");
    const outline = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? getComputedStyle(el).boxShadow : "none";
    });
    assert.notEqual(outline, "none", "the focused list shows a focus ring");
    await page.keyboard.press("Enter");
    await page.getByTestId("version-list").waitFor();
    await tabTo(page, "version-list");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.getByTestId("move-production").waitFor();
    assert.match(page.url(), /#\/models\/fraud-scorer\/versions\/1\.2\.0-3$/);

    await tabTo(page, "move-production");
    const ring = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? getComputedStyle(el).outlineStyle : "none";
    });
    assert.notEqual(ring, "none", "the focused button shows an outline");
    await page.keyboard.press("Enter");
    await page.getByTestId("confirm-move").waitFor();
    assert.equal(await activeTestId(page), "move-reason");
    await page.keyboard.type("keyboard promotion");
    await tabTo(page, "confirm-move");
    await page.keyboard.press("Enter");
    await page.getByTestId("stage-result").waitFor();

    // Shortcuts: g a → audit, Alt+3 → settings, Backspace → back, Alt+1 → home.
    await page.locator("body").focus();
    await page.keyboard.press("g");
    await page.keyboard.press("a");
    await page.getByTestId("audit-verify").waitFor();
    await page.keyboard.press("Alt+3");
    await page.getByTestId("workspace-info").waitFor();
    await page.keyboard.press("Backspace");
    await page.getByTestId("audit-verify").waitFor();
    await page.keyboard.press("Alt+1");
    await page.getByTestId("search").waitFor();

    // Escape closes a dialog and gives focus back.
    await tabTo(page, "new-model");
    await page.keyboard.press("Enter");
    await page.getByTestId("new-model-dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("new-model-dialog").waitFor({ state: "detached" });
    assert.equal(await activeTestId(page), "new-model");
    assertClean(problems);
    await page.close();
  });

  test("ten thousand models stay windowed", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}?models=10000`);
    await page.getByTestId("model-count").filter({ hasText: "10,006 models" }).waitFor();
    const rendered = await page.locator('[role="option"]').count();
    assert.ok(rendered > 5 && rendered < 60, `only the visible rows are in the DOM (${rendered})`);
    await page.getByTestId("model-list").focus();
    await page.keyboard.press("End");
    await page.getByTestId("model-row-summarize-copilot").waitFor();
    await page.keyboard.press("Home");
    await page.getByTestId("model-row-bulk-model-00000").waitFor();
    await page.getByTestId("filter-risk").selectOption("high");
    await page.getByTestId("model-count").filter({ hasText: "3,336 models match" }).waitFor();
    assertClean(problems);
    await page.close();
  });

  test("create a model, add a version and snapshot a dataset with progress", async () => {
    const { page, problems } = await openApp(flows.browser.context, flows.server.url);
    await page.getByTestId("new-model").click();
    await page.getByTestId("new-model-name").fill("Bad Name");
    await page.getByTestId("new-model-owner").fill("ml-platform");
    await page.getByTestId("new-model-submit").click();
    await page.getByTestId("error-banner").filter({ hasText: "invalid model name \"Bad Name\": it starts with 'B'" }).waitFor();
    await page.getByTestId("new-model-name").fill("eta-forecaster");
    await page.getByTestId("new-model-submit").click();
    await page.locator("h1", { hasText: "eta-forecaster" }).waitFor();
    await page.getByTestId("error-dismiss").click();

    await page.getByTestId("add-version").click();
    await page.getByTestId("suggest-architecture").click();
    assert.equal(await page.getByTestId("add-version-version").inputValue(), "1.0.0-1");
    await page.getByTestId("add-version-submit").click();
    await page.getByTestId("progress").waitFor();
    await page.getByTestId("artifacts").waitFor();
    assert.match(page.url(), /#\/models\/eta-forecaster\/versions\/1\.0\.0-1$/);
    assert.equal(await page.getByTestId("artifact-missing-bundle").count(), 1);

    await page.goto(flows.server.url);
    await page.getByTestId("open-snapshot").click();
    await page.getByRole("button", { name: "Choose…" }).click();
    assert.equal(await page.getByTestId("snapshot-dir").inputValue(), "/home/ana/data/new-snapshot");
    await page.getByTestId("snapshot-name").fill("eta-trips");
    await page.getByTestId("snapshot-version").fill("1");
    await page.getByTestId("snapshot-submit").click();
    await page.locator('[role="progressbar"][aria-valuenow]').waitFor();
    await page.getByTestId("operation-cancel").click();
    await page.getByTestId("error-banner").filter({ hasText: "cancelled" }).waitFor();
    await page.getByTestId("snapshot-submit").click();
    await page.getByTestId("provenance-missing").waitFor();
    assert.match(await page.locator("h1").innerText(), /eta-trips@1/);
    assertClean(problems);
    await page.close();
  });

  test("dark theme renders", async () => {
    const dark = await launch({ colorScheme: "dark" });
    try {
      const { page, problems } = await openApp(dark.context, `${flows.server.url}#/models/fraud-scorer/versions/1.2.0-3`);
      await page.getByTestId("move-production").waitFor();
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, "rgb(20, 23, 27)");
      await page.screenshot({ path: join(ARTIFACTS, "version-dark.png"), fullPage: true });
      assertClean(problems);
    } finally {
      await dark.close();
    }
  });
});
