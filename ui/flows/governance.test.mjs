// Chromium flows of the governance studio (issue 10) against the fake core
// (flows/app/fake-governance.ts), which answers with what the real core answered for
// `steward demo` and the flows' own models (flows/app/governance/).
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
const fixture = (name) => JSON.parse(readFileSync(new URL(`./app/governance/${name}`, import.meta.url), "utf8"));
/** @param {string} name */
const fixtureText = (name) => readFileSync(new URL(`./app/governance/${name}`, import.meta.url), "utf8");

describe("governance flows", () => {
  test("the demo canary: its production gate fails on the missing SRE approval, and promote cannot be confirmed", async () => {
    /** @type {import("../src/api/bindings").GateReportView} */
    const report = fixture("gate-summarize-copilot_1.2.0-12-production.json");
    /** @type {import("../src/api/bindings").ChecklistView} */
    const list = fixture("checklist-summarize-copilot_1.2.0-12.json");
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/summarize-copilot/versions/1.2.0-12`);
    const panel = page.getByTestId("gate-panel");
    await panel.getByTestId("gate-summary").waitFor();
    assert.equal(await panel.getByTestId("gate-stage").inputValue(), "production");
    const c = report.counts;
    assert.equal(await panel.getByTestId("gate-summary").innerText(), `${c.pass} pass, ${c.fail} fail, ${c.missing_evidence} missing`);
    assert.match(await panel.getByTestId("gate-verdict").innerText(), /Gate fails[\s\S]*Canary → Production under policy default \(built-in default\)/);
    const sre = panel.getByTestId("gate-check-production.approvals.sre");
    assert.equal(await sre.getAttribute("data-status"), "missing-evidence");
    assert.match(await sre.innerText(), /no sre approval/);
    assert.equal(await panel.getByTestId("gate-group-approvals").getByTestId("check-status").count(), 5);
    // Evidence names what the check read: the model owner's approval envelope, a run.
    assert.match(await panel.getByTestId("gate-check-production.approvals.model-owner").getByTestId("evidence").innerText(), /envelope/);
    assert.match(await panel.getByTestId("gate-check-production.quality.rouge-l").innerText(), /run/);

    const checklist = page.getByTestId("checklist");
    await checklist.getByTestId("checklist-verdict").waitFor();
    assert.equal(await checklist.locator('[data-testid^="checklist-item-"]').count(), 10);
    for (const item of list.items) {
      assert.equal(await checklist.getByTestId(`checklist-item-${item.number}`).getAttribute("data-mark"), item.mark, `item ${item.number}`);
    }
    const approvalsItem = list.items.find((i) => i.checks.some((k) => k.id === "production.approvals.sre"));
    assert.ok(approvalsItem, "an item stands on the SRE approval");
    assert.match(await checklist.getByTestId(`checklist-item-${approvalsItem.number}`).innerText(), /production\.approvals\.sre: missing evidence/);
    await page.setViewportSize({ width: 1280, height: 4200 });
    await page.screenshot({ path: join(ARTIFACTS, "gate-canary.png") });
    await page.setViewportSize({ width: 1280, height: 820 });

    // Promote by keyboard: the gate comes first, and confirm stays disabled.
    await page.getByTestId("move-production").focus();
    await page.keyboard.press("Enter");
    const gate = page.getByTestId("promote-gate");
    await gate.waitFor();
    assert.equal(await gate.getAttribute("data-passed"), "false");
    assert.equal(await page.getByTestId("confirm-move").isDisabled(), true);
    const blocking = page.getByTestId("blocking-production.approvals.sre");
    assert.match(await blocking.innerText(), /missing evidence\): expected a current sre approval of this version's subject/);
    const stops = report.checks.filter((k) => k.status === "fail" || k.status === "missing-evidence").length;
    assert.equal(await page.getByTestId("promote-gate-blocking").locator("li").count(), stops);
    assert.deepEqual(await page.evaluate(() => window.__fake?.calls.filter((x) => x.cmd === "stage_set")), []);
    await page.getByRole("button", { name: "Cancel" }).click();
    assertClean(problems);
    await page.close();
  });

  test("a passing gate lets the promotion through with the report's digest", async () => {
    const report = fixture("gate-fraud-scorer_1.3.0-1-canary.json");
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/fraud-scorer/versions/1.3.0-1`);
    await page.getByTestId("move-canary").click();
    await page.getByTestId("promote-gate").filter({ hasText: "Gate passes" }).waitFor();
    await page.getByTestId("confirm-move").click();
    await page.getByTestId("stage-result").waitFor();
    const sent = await page.evaluate(() => window.__fake?.calls.filter((x) => x.cmd === "stage_set").map((x) => x.args));
    assert.deepEqual(sent, [{ req: { model: "fraud-scorer", version: "1.3.0-1", stage: "canary", reason: null, gate_digest: report.digest } }]);
    assertClean(problems);
    await page.close();
  });

  test("the policy screen by keyboard: the default in force, a broken edit named by line and key, a valid edit saved, the diff", async () => {
    const { page, problems } = await openApp(flows.browser.context, flows.server.url);
    await page.locator("body").focus();
    await page.keyboard.press("Alt+5");
    await page.getByTestId("policy-in-force").waitFor();
    assert.match(await page.getByTestId("policy-in-force").innerText(), /default, the built-in default/);
    assert.equal(await page.getByTestId("nav-policy").getAttribute("aria-current"), "page");
    await page.getByTestId("policy-valid").waitFor();
    assert.equal(await page.getByTestId("policy-save").isDisabled(), true);

    const broken = fixture("check-broken.json").error;
    await page.getByTestId("policy-text").fill(fixtureText("policy-broken.toml"));
    const error = page.getByTestId("policy-error");
    await error.waitFor();
    assert.match(await error.innerText(), new RegExp(`Line ${broken.line}, key ${broken.key}`));
    assert.match(await error.innerText(), /Expected: one of `format`, `name`/);
    assert.equal(await page.getByTestId("policy-save").isDisabled(), true);
    await page.getByTestId("policy-error-goto").focus();
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "policy-text");
    const selected = await page.evaluate(() => {
      const el = /** @type {HTMLTextAreaElement} */ (document.activeElement);
      return el.value.slice(el.selectionStart, el.selectionEnd);
    });
    assert.equal(selected, "owner = 3");

    await page.getByTestId("policy-text").fill(fixtureText("policy-edited.toml"));
    await page.getByTestId("policy-valid").filter({ hasText: "companyos-strict" }).waitFor();
    await page.getByTestId("policy-message").fill("our own name for the policy");
    await page.keyboard.press("Enter");
    await page.getByTestId("policy-saved").filter({ hasText: "Saved as r1" }).waitFor();
    await page.getByTestId("policy-in-force").filter({ hasText: "stored revision r1" }).waitFor();
    assert.match(await page.getByTestId("policy-revision-1").innerText(), /companyos-strict[\s\S]*ana\.lopez[\s\S]*our own name for the policy/);

    const diff = fixture("policy-diff-0-1.json");
    await page.getByTestId("policy-diff-show").click();
    await page.getByTestId("diff-summary").waitFor();
    assert.equal(
      await page.getByTestId("diff-summary").innerText(),
      `default → r1: ${diff.insertions} line added, ${diff.deletions} line removed`,
    );
    assert.match(await page.getByTestId("diff-line-insert").innerText(), /name = "companyos-strict"/);
    await page.setViewportSize({ width: 1280, height: 2400 });
    await page.screenshot({ path: join(ARTIFACTS, "policy.png") });
    assertClean(problems);
    await page.close();
  });
});
