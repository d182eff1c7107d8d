// Chromium flows of the compliance coverage screen (issue 13) against the fake core
// (flows/app/fake-compliance.ts), which answers with what the real core answered for
// `steward demo` (flows/app/compliance/, written by its generate.sh).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, assertClean, openApp, setupFlows } from "./harness.mjs";

const flows = setupFlows();
/**
 * A recorded answer of the real core.
 * @param {string} name
 * @returns {any}
 */
const fixture = (name) => JSON.parse(readFileSync(new URL(`./app/compliance/${name}`, import.meta.url), "utf8"));
const MODEL = "summarize-copilot";
const PRODUCTION = "1.1.0-8";

/**
 * @param {import("playwright-core").Page} page
 * @param {import("../src/api/bindings").CoverageView} c
 */
async function assertShows(page, c) {
  await page.getByTestId("coverage-summary").filter({ hasText: c.pack.title }).waitFor();
  assert.match(
    await page.getByTestId("coverage-summary").innerText(),
    new RegExp(`${c.counts.satisfied} satisfied, ${c.counts.partial} partial, ${c.counts.missing} missing of ${c.requirements.length} requirements`),
  );
  const shown = await page
    .getByTestId("coverage-requirements")
    .locator(":scope > li")
    .evaluateAll((els) => els.map((e) => [e.getAttribute("data-testid"), e.getAttribute("data-status")]));
  assert.deepEqual(
    shown,
    c.requirements.map((r) => [`req-${r.id.replace(/[^A-Za-z0-9._-]/g, "_")}`, r.status]),
  );
}

describe("compliance flows", () => {
  test("the production co-pilot against the EU AI Act by keyboard: statuses, evidence, a gap opened for writing", async () => {
    /** @type {import("../src/api/bindings").CoverageView} */
    const eu = fixture("coverage-summarize-copilot_1.1.0-8-eu-ai-act.json");
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/${MODEL}/versions/${PRODUCTION}`);
    await page.getByTestId("version-coverage").focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/models\/summarize-copilot\/versions\/1\.1\.0-8\/coverage$/);
    await assertShows(page, eu);
    assert.equal(await page.getByTestId("coverage-pack").inputValue(), "eu-ai-act");

    // Evidence found links to where it lives; its words are the core's.
    const art17 = page.getByTestId("req-art-17");
    const approval = eu.requirements.find((r) => r.id === "art-17")?.selectors[0]?.found[0];
    assert.ok(approval, "the demo's production version has a model-owner approval");
    assert.equal(await art17.getByTestId("found-approval").first().innerText(), approval.what);
    assert.equal(await art17.getByTestId("found-approval").first().getAttribute("href"), `#/models/${MODEL}/versions/${PRODUCTION}/approvals`);
    assert.equal(await page.getByTestId("req-art-12").getByTestId("found-release-record").first().getAttribute("href"), `#/models/${MODEL}`);

    // The missing monitoring plan: the core's next step, and a link that opens it for writing.
    const item9 = page.getByTestId("req-annex-iv-9");
    assert.equal(await item9.getAttribute("data-status"), "missing");
    const next = eu.requirements.find((r) => r.id === "annex-iv-9")?.selectors[0]?.next_step;
    assert.ok(next);
    assert.match(await item9.getByTestId("coverage-next").innerText(), new RegExp(next.replace(/[.*+?^${}()|[\]\\`]/g, "\\$&")));
    await page.setViewportSize({ width: 1280, height: 5200 });
    await page.screenshot({ path: join(ARTIFACTS, "coverage-eu-ai-act.png") });
    await page.setViewportSize({ width: 1280, height: 820 });
    await item9.getByTestId("fix-write-document").focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/documents\/summarize-copilot%401\.1\.0-8\/post-market-monitoring-plan$/);
    await page.getByTestId("doc-create").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("doc-screen").waitFor();
    assert.match(await page.locator("#doc-title").innerText(), /Post-market monitoring plan/);
    const created = await page.evaluate(() => window.__fake?.calls.filter((x) => x.cmd === "doc_new").map((x) => x.args));
    assert.deepEqual(created, [{ doc: { target: `${MODEL}@${PRODUCTION}`, kind: "post-market-monitoring-plan" } }]);
    assertClean(problems);
    await page.close();
  });

  test("another pack is picked by keyboard, and the candidate is read as the core read it", async () => {
    const iso = fixture("coverage-summarize-copilot_1.1.0-8-iso-42001.json");
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/${MODEL}/versions/${PRODUCTION}/coverage`);
    await page.getByTestId("coverage-summary").waitFor();
    await page.getByTestId("coverage-pack").focus();
    await page.getByTestId("coverage-pack").selectOption("iso-42001");
    await page.waitForURL(/\/coverage\/iso-42001$/);
    await assertShows(page, iso);
    assert.equal(await page.getByTestId("coverage-pack").inputValue(), "iso-42001");

    await page.goto(`${flows.server.url}#/models/${MODEL}/versions/1.3.0-15/coverage/eu-ai-act`);
    await assertShows(page, fixture("coverage-summarize-copilot_1.3.0-15-eu-ai-act.json"));
    assertClean(problems);
    await page.close();
  });

  test("Export Annex IV file… writes the core's file to the path picked in the save dialog", async () => {
    const answered = fixture("annex-iv-summarize-copilot_1.1.0-8-html.json");
    const html = readFileSync(new URL("./app/compliance/annex-iv-summarize-copilot_1.1.0-8.html", import.meta.url));
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/${MODEL}/versions/${PRODUCTION}/coverage`);
    await page.getByTestId("annex-export").focus();
    await page.keyboard.press("Enter");
    const written = page.getByTestId("annex-written");
    await written.waitFor();
    const path = `/home/ana/exports/${MODEL}-${PRODUCTION}-annex-iv.html`;
    assert.match(await written.innerText(), new RegExp(`Wrote ${path.replace(/[.]/g, "\\.")}`));
    assert.match(await written.innerText(), new RegExp(`${answered.records} release records attached \\(all verify\\)`));
    const exported = await page.evaluate(() => window.__exported);
    assert.deepEqual(exported?.map((e) => [e.path, e.bytes]), [[path, html.length]]);
    const sent = await page.evaluate(() => window.__fake?.calls.filter((x) => x.cmd === "dossier_annex_iv").map((x) => x.args));
    assert.deepEqual(sent, [{ model: MODEL, version: PRODUCTION, format: "html", path }]);
    assertClean(problems);
    await page.close();
  });
});
