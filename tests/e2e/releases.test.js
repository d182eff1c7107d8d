// Governed promotion and rollback in the real studio (issue 10). The demo is made with the CLI
// as it stands 20 hours on (`steward demo --hours-later 20`: the canary has passed the 192 h its
// rollout plan commits to), the identity run.sh made is added to its roster as SRE by the demo's admin, and the
// studio opens it. The home screen's inbox lists the canary's SRE sign-off; the canary's move to
// production is refused by the gate; the SRE signs the last approval in the window; the
// promotion goes through and writes a signed release record; one action rolls production back
// and the record appears in the timeline. Each step is checked against what the core answers
// over the app's own IPC and through the CLI (`steward release verify`).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, byTestId, go, invoke, openStudio, tid } from "./studio.js";

const MODEL = "summarize-copilot";
const CANARY = "1.2.0-12";
const PRODUCTION = "1.1.0-8";
const base = process.env.E2E_WORKSPACE;
const keyFile = process.env.E2E_IDENTITY_FILE;
const steward = process.env.E2E_STEWARD;
const namespace = process.env.STEWARD_KEYRING_NAMESPACE;
const workspace = base ? path.join(path.dirname(base), "releases") : "";

/** The CLI on the releases workspace; `as` acts as one of the demo's reviewers. */
function cli(args, as) {
  const env = { ...process.env };
  if (as) {
    env.STEWARD_KEYRING_NAMESPACE = `${namespace}-demo`;
    env.STEWARD_IDENTITY = `${as}@companyos.example`;
  }
  return execFileSync(steward, ["--workspace", workspace, ...args], { env, encoding: "utf8" });
}

let browser;

async function ok(cmd, args) {
  const r = await invoke(browser, cmd, args);
  assert.ok("ok" in r, `${cmd} failed: ${JSON.stringify(r.err)}`);
  return r.ok;
}

function screenshot(name) {
  fs.mkdirSync(path.join(ROOT, "artifacts/screenshots"), { recursive: true });
  return browser.saveScreenshot(path.join(ROOT, `artifacts/screenshots/${name}.png`));
}

describe("promotion and rollback in the studio", () => {
  before(async () => {
    for (const [name, value] of Object.entries({ base, keyFile, steward, namespace })) assert.ok(value, `${name} must be set (run.sh sets it)`);
    cli(["demo", "--hours-later", "20"]);
    // Right after the demo (its reviewers' keys are the newest in the keyring): the admin adds
    // the studio's identity and lets it sign as SRE.
    const me = JSON.parse(cli(["key", "show", "--json"]));
    cli(["roster", "add", keyFile], "priya");
    cli(["roster", "grant", me.keyid, "sre"], "priya");
    browser = await openStudio(["--workspace", workspace]);
    await byTestId(browser, `model-row-${MODEL}`, 20_000);
  });

  after(async () => {
    await browser?.deleteSession();
  });

  it("home opens on the inbox: the canary waits for this person's SRE sign-off", async () => {
    const inbox = await ok("review_inbox");
    assert.deepEqual(inbox.roles, ["sre"]);
    const owed = inbox.awaiting.find((a) => a.version === CANARY && a.role === "sre");
    assert.ok(owed, `the core says the canary awaits the SRE: ${JSON.stringify(inbox)}`);
    const row = await byTestId(browser, `inbox-awaiting-${MODEL}@${CANARY}-sre`, 15_000);
    assert.match(await row.getText(), /Canary → Production · your SRE sign-off/);
    await screenshot("inbox");
  });

  it("the canary's promotion to production is refused by the gate: only the SRE sign-off is missing", async () => {
    await go(browser, `#/models/${MODEL}/versions/${CANARY}`);
    const report = await ok("gate_evaluate", { req: { model: MODEL, version: CANARY, to: "production" } });
    assert.equal(report.passed, false);
    const blocking = report.checks.filter((k) => k.status === "fail" || k.status === "missing-evidence").map((k) => k.id);
    assert.deepEqual(blocking, ["production.approvals.sre"]);
    await (await byTestId(browser, "move-production", 15_000)).click();
    const gate = await byTestId(browser, "promote-gate", 15_000);
    await browser.waitUntil(async () => (await gate.getAttribute("data-passed")) === "false", { timeout: 15_000 });
    await byTestId(browser, "blocking-production.approvals.sre");
    assert.equal(await (await byTestId(browser, "confirm-move")).isEnabled(), false);
    await (await browser.$("button=Cancel")).click();
    // The core itself refuses the move, naming the check.
    const refused = await invoke(browser, "stage_set", { req: { model: MODEL, version: CANARY, stage: "production", reason: null } });
    assert.equal(refused.err?.code, "refused", JSON.stringify(refused));
    assert.match(refused.err.message, /production\.approvals\.sre/);
    assert.equal((await ok("version_get", { model: MODEL, version: CANARY })).stage, "canary");
  });

  it("the SRE signs the last approval in the window and the promotion goes through with a signed record", async () => {
    const summary = await byTestId(browser, "approvals-summary", 15_000);
    assert.equal(await summary.getText(), "4 of 5 roles approved");
    assert.equal(await (await byTestId(browser, "sign-role")).getValue(), "sre");
    await (await byTestId(browser, "sign-comment")).setValue("on-call runbook checked in the real studio");
    await (await byTestId(browser, "sign-approve")).click();
    await browser.waitUntil(async () => (await summary.getText()) === "5 of 5 roles approved", { timeout: 15_000 });

    await (await byTestId(browser, "move-production")).click();
    const gate = await byTestId(browser, "promote-gate", 15_000);
    await browser.waitUntil(async () => (await gate.getAttribute("data-passed")) === "true", {
      timeout: 15_000,
      timeoutMsg: "the gate did not pass after the SRE sign-off",
    });
    await (await byTestId(browser, "confirm-move")).click();
    await byTestId(browser, "stage-result", 15_000);
    assert.equal((await ok("version_get", { model: MODEL, version: CANARY })).stage, "production");
    const list = await ok("release_list", { model: MODEL });
    const last = list.records[list.records.length - 1];
    assert.equal(last.version, CANARY);
    assert.equal(last.to, "production");
    assert.equal(last.rollback_target, PRODUCTION);
    assert.equal(last.gate_passed, true);
    assert.equal(last.signer_name, "Erin Reviewer");
    assert.equal(list.ok, true, JSON.stringify(list.first_broken));
  });

  it("one action rolls production back and the record appears in the timeline", async () => {
    await go(browser, `#/models/${MODEL}`);
    const before = await ok("release_list", { model: MODEL });
    const promoted = await byTestId(browser, `release-${before.records.length}`, 15_000);
    assert.equal(await (await promoted.$(tid("release-rollback-target"))).getText(), PRODUCTION);
    await (await byTestId(browser, "rollback")).click();
    await byTestId(browser, "rollback-dialog");
    await (await byTestId(browser, "rollback-incident")).setValue("INC-E2E-1");
    await (await byTestId(browser, "rollback-reason")).setValue("rolled back by the e2e suite");
    await (await byTestId(browser, "rollback-confirm")).click();
    const result = await byTestId(browser, "rollback-result", 15_000);
    assert.match(await result.getText(), new RegExp(`${PRODUCTION} serves production again; ${CANARY} left production`));
    const elapsed = /(\d+) ms/.exec(await (await byTestId(browser, "rollback-elapsed")).getText());
    assert.ok(elapsed && Number(elapsed[1]) < 1000, `Steward's part of a rollback takes under a second: ${elapsed?.[0]}`);
    await (await byTestId(browser, "rollback-close")).click();

    const after = await ok("release_list", { model: MODEL });
    assert.equal(after.records.length, before.records.length + 1);
    const rec = after.records[after.records.length - 1];
    assert.equal(rec.kind, "rollback");
    assert.equal(rec.incident, "INC-E2E-1");
    const shown = await byTestId(browser, `release-${rec.seq}`, 15_000);
    assert.equal(await shown.getAttribute("data-verified"), "true");
    assert.equal(await (await shown.$(tid("release-incident"))).getText(), "INC-E2E-1");
    assert.equal((await ok("model_show", { name: MODEL })).production, PRODUCTION);
    const verified = JSON.parse(cli(["release", "verify", MODEL, "--json"]));
    assert.equal(verified.ok, true, JSON.stringify(verified));
    await screenshot("releases");
  });
});
