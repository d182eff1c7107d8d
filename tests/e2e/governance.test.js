// The gate in the real studio (issue 10): the demo in a workspace of its own, under the
// built-in default policy. The canary's production gate fails with the SRE approval missing,
// and promote's confirm stays disabled; what the window shows is checked against what the core
// answers over the app's own IPC. The policy editor's live validation runs in the core too.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, byTestId, go, invoke, openStudio, tid } from "./studio.js";

const MODEL = "summarize-copilot";
const CANARY = "1.2.0-12";
const base = process.env.E2E_WORKSPACE;

let browser;

async function ok(cmd, args) {
  const r = await invoke(browser, cmd, args);
  assert.ok("ok" in r, `${cmd} failed: ${JSON.stringify(r.err)}`);
  return r.ok;
}

describe("the gate in the studio", () => {
  before(async () => {
    assert.ok(base, "E2E_WORKSPACE must be set (run.sh sets it)");
    browser = await openStudio(["--workspace", path.join(path.dirname(base), "governance"), "--demo"]);
    await byTestId(browser, `model-row-${MODEL}`, 20_000);
  });

  after(async () => {
    await browser?.deleteSession();
  });

  it("the demo canary's production gate fails with the SRE approval missing, and promote cannot be confirmed", async () => {
    await go(browser, `#/models/${MODEL}/versions/${CANARY}`);
    const summary = await browser.$(`${tid("gate-panel")} ${tid("gate-summary")}`);
    await summary.waitForExist({ timeout: 15_000, timeoutMsg: "the gate panel never showed a summary" });
    const report = await ok("gate_evaluate", { req: { model: MODEL, version: CANARY, to: "production" } });
    assert.equal(report.passed, false);
    const c = report.counts;
    assert.equal(await summary.getText(), `${c.pass} pass, ${c.fail} fail, ${c.missing_evidence} missing`);
    const sre = await byTestId(browser, "gate-check-production.approvals.sre");
    assert.equal(await sre.getAttribute("data-status"), "missing-evidence");
    const expected = report.checks.find((k) => k.id === "production.approvals.sre");
    assert.match(await sre.getText(), new RegExp(expected.observed));

    await (await byTestId(browser, "move-production")).click();
    const gate = await byTestId(browser, "promote-gate", 15_000);
    assert.equal(await gate.getAttribute("data-passed"), "false");
    const blocking = await byTestId(browser, "blocking-production.approvals.sre");
    assert.match(await blocking.getText(), new RegExp(`expected ${expected.expected}`));
    assert.equal(await (await byTestId(browser, "confirm-move")).isEnabled(), false, "confirm is disabled while the gate fails");
    fs.mkdirSync(path.join(ROOT, "artifacts/screenshots"), { recursive: true });
    await browser.saveScreenshot(path.join(ROOT, "artifacts/screenshots/gate.png"));
    assert.equal((await ok("version_get", { model: MODEL, version: CANARY })).stage, "canary");
  });

  it("the policy screen shows the policy in force, validated live by the core", async () => {
    await (await byTestId(browser, "nav-policy")).click();
    const inForce = await byTestId(browser, "policy-in-force");
    assert.match(await inForce.getText(), /the built-in default/);
    await byTestId(browser, "policy-valid", 15_000);
  });
});
