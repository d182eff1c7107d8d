// Chromium flows of release records, rollback and the review inbox (issue 10) against the fake
// core (flows/app/fake-releases.ts), which answers with what the real core answered for
// `steward demo` (flows/app/releases/).
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
const fixture = (name) => JSON.parse(readFileSync(new URL(`./app/releases/${name}`, import.meta.url), "utf8"));

describe("release flows", () => {
  test("home opens on the SRE's inbox, which links to the canary's approvals", async () => {
    /** @type {import("../src/api/bindings").InboxView} */
    const inbox = fixture("inbox-tom.json");
    const { page, problems } = await openApp(flows.browser.context, flows.server.url);
    await page.getByTestId("inbox").waitFor();
    assert.match(await page.getByTestId("inbox-who").innerText(), /For Tom Becker \(tom@companyos\.example\) · SRE/);
    const owed = inbox.awaiting[0];
    assert.ok(owed, "the demo SRE owes a sign-off");
    const row = page.getByTestId(`inbox-awaiting-${owed.model}@${owed.version}-${owed.role}`);
    assert.equal(await page.getByTestId("inbox-awaiting").locator("li").count(), inbox.awaiting.length);
    assert.match(await row.innerText(), /summarize-copilot@1\.2\.0-12 Canary → Production · your SRE sign-off/);
    // The model list still works below it.
    await page.getByTestId("model-row-summarize-copilot").waitFor();
    await row.getByRole("link").focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/models\/summarize-copilot\/versions\/1\.2\.0-12\/approvals$/);
    await page.getByTestId("approvals-summary").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "approvals-title");
    assertClean(problems);
    await page.close();
  });

  test("a first start has no inbox: the prompt and the model list work", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}?noidentity`);
    await page.getByTestId("model-row-summarize-copilot").waitFor();
    await page.getByTestId("first-start").waitFor();
    assert.equal(await page.getByTestId("inbox").count(), 0);
    assert.equal(await page.getByRole("alert").count(), 0);
    assertClean(problems);
    await page.close();
  });

  test("the co-pilot's release timeline, and rolling production back by keyboard", async () => {
    /** @type {import("../src/api/bindings").ReleaseList} */
    const before = fixture("releases-summarize-copilot.json");
    /** @type {import("../src/api/bindings").RollbackResult} */
    const rolled = fixture("rollback-summarize-copilot.json");
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/summarize-copilot`);
    await page.getByTestId("releases").waitFor();
    assert.equal(await page.locator('[data-testid^="release-"][data-verified]').count(), before.records.length);
    assert.match(await page.getByTestId("releases-verdict").innerText(), new RegExp(`Chain verified ${before.records.length} records`));
    const production = before.records.find((r) => r.to === "production");
    assert.ok(production, "a recorded promotion to production");
    const rec = page.getByTestId(`release-${production.seq}`);
    assert.equal(await rec.getAttribute("data-verified"), "true");
    assert.equal(await rec.getByTestId("release-rollback-target").innerText(), production.rollback_target);
    assert.equal(await rec.getByTestId("release-approvals").innerText(), `${production.approvals} counted`);
    assert.match(await rec.innerText(), new RegExp(`by ${production.signer_name}`));
    assert.equal(await rec.getByTestId("release-tag").getAttribute("data-tag"), "none");

    await page.getByTestId("rollback").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("rollback-dialog").waitFor();
    await page.keyboard.press("Enter");
    assert.match(await page.getByTestId("rollback-error").innerText(), /Incident reference is empty/);
    await page.keyboard.type("INC-2041");
    await page.keyboard.press("Tab");
    await page.keyboard.type("p99 latency doubled after the 1.1 rollout");
    await page.getByTestId("rollback-confirm").focus();
    await page.keyboard.press("Enter");
    const result = page.getByTestId("rollback-result");
    await result.waitFor();
    assert.match(await result.innerText(), new RegExp(`${rolled.serving} serves production again; ${rolled.rolled_back} left production`));
    assert.match(await result.innerText(), new RegExp(`Release record #${rolled.release.seq} \\(rollback, incident INC-2041\\) signed by ${rolled.release.signer_name}`));
    assert.equal(await page.getByTestId("rollback-elapsed").innerText(), `From request to committed record: ${rolled.elapsed_ms} ms`);
    const sent = await page.evaluate(() => window.__fake?.calls.filter((x) => x.cmd === "rollback").map((x) => x.args));
    assert.deepEqual(sent, [{ req: { model: "summarize-copilot", incident: "INC-2041", reason: "p99 latency doubled after the 1.1 rollout" } }]);
    await page.getByTestId("rollback-close").click();

    const written = page.getByTestId(`release-${rolled.release.seq}`);
    await written.waitFor();
    assert.equal(await written.getByTestId("release-incident").innerText(), "INC-2041");
    assert.equal(await page.getByTestId("production-card").locator(".card-value").innerText(), rolled.serving);
    assert.equal(await page.getByTestId("rollback").count(), 0, "no rollback target left, so no button");
    await page.setViewportSize({ width: 1280, height: 3200 });
    await page.screenshot({ path: join(ARTIFACTS, "releases.png") });
    assertClean(problems);
    await page.close();
  });
});
