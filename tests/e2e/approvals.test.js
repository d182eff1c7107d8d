// Signing an approval in the real studio (issue 9): the demo in a workspace of its own, the
// identity run.sh made with the CLI added to the roster by the demo's admin, then the SRE
// sign-off the canary lacks, given in the window and signed in the core with the keyring's
// key. What the panel shows is checked against what the core answers (over the app's IPC and
// through the CLI), and the envelope is verified with the exported public key alone.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, byTestId, go, invoke, openStudio, tid } from "./studio.js";

const MODEL = "summarize-copilot";
const CANARY = "1.2.0-12";
const workspace = process.env.E2E_APPROVALS_WORKSPACE;
const keyFile = process.env.E2E_IDENTITY_FILE;
const steward = process.env.E2E_STEWARD;
const namespace = process.env.STEWARD_KEYRING_NAMESPACE;

/** The CLI on the same workspace; `as` acts as one of the demo's reviewers. */
function cli(args, as) {
  const env = { ...process.env };
  if (as) {
    env.STEWARD_KEYRING_NAMESPACE = `${namespace}-demo`;
    env.STEWARD_IDENTITY = `${as}@companyos.example`;
  }
  return execFileSync(steward, ["--workspace", workspace, ...args], { env, encoding: "utf8" });
}

let browser;
let me;

describe("signing an approval in the studio", () => {
  before(async () => {
    for (const [name, value] of Object.entries({ workspace, keyFile, steward, namespace }))
      assert.ok(value, `${name} must be set (run.sh sets it)`);
    browser = await openStudio(["--workspace", workspace, "--demo"]);
    await byTestId(browser, `model-row-${MODEL}`, 20_000);
    me = JSON.parse(cli(["key", "show", "--json"]));
    // The roster's root (the demo's model owner) adds the newcomer and lets them sign as SRE.
    cli(["roster", "add", keyFile], "priya");
    cli(["roster", "grant", me.keyid, "sre"], "priya");
  });

  after(async () => {
    await browser?.deleteSession();
  });

  it("settings show the identity the core signs with", async () => {
    await (await byTestId(browser, "nav-settings")).click();
    assert.equal(await (await byTestId(browser, "identity-fingerprint")).getText(), me.fingerprint);
    assert.equal(await (await byTestId(browser, "identity-keyid")).getText(), me.keyid);
  });

  it("the roster lists the newcomer with the role granted", async () => {
    await (await byTestId(browser, "nav-roster")).click();
    const row = await byTestId(browser, `member-${me.email}`);
    assert.match(await row.getText(), /SRE/);
    const roster = JSON.parse(cli(["roster", "show", "--json"]));
    assert.equal(await (await byTestId(browser, "roster-root")).getText(), roster.root_fingerprint);
  });

  it("the canary shows four of five, and the SRE signs the fifth in the window", async () => {
    await go(browser, `#/models/${MODEL}/versions/${CANARY}`);
    const summary = await byTestId(browser, "approvals-summary", 15_000);
    assert.equal(await summary.getText(), "4 of 5 roles approved");
    assert.match(await (await browser.$(`${tid("role-sre")}`)).getText(), /Not signed yet/);
    assert.equal(await (await byTestId(browser, "sign-role")).getValue(), "sre");
    await (await byTestId(browser, "sign-comment")).setValue("signed in the real studio by e2e");
    await (await byTestId(browser, "sign-approve")).click();
    const mark = await browser.$(`${tid("role-sre")} ${tid("approval-state")}`);
    await mark.waitForExist({ timeout: 15_000, timeoutMsg: "the SRE approval did not appear" });
    assert.equal(await mark.getAttribute("data-state"), "current");
    await browser.waitUntil(async () => (await summary.getText()) === "5 of 5 roles approved", { timeout: 10_000 });
    fs.mkdirSync(path.join(ROOT, "artifacts/screenshots"), { recursive: true });
    await browser.saveScreenshot(path.join(ROOT, "artifacts/screenshots/approvals.png"));
  });

  it("the core holds the approval, signed by the keyring's key, and it verifies with the public key alone", async () => {
    const r = await invoke(browser, "approval_list", { model: MODEL, version: CANARY });
    assert.ok("ok" in r, JSON.stringify(r.err));
    const sre = r.ok.approvals.filter((a) => a.role === "sre");
    assert.equal(sre.length, 1);
    assert.equal(sre[0].signer, me.keyid);
    assert.equal(sre[0].state, "current");
    assert.equal(sre[0].comment, "signed in the real studio by e2e");
    const listed = JSON.parse(cli(["approvals", `${MODEL}@${CANARY}`, "--json"]));
    assert.equal(listed.approvals.filter((a) => a.counts).length, 5);
    const out = path.join(path.dirname(keyFile), "sre.approval.json");
    cli(["approval", "export", `${MODEL}@${CANARY}`, "--role", "sre", "-o", out]);
    const verified = JSON.parse(cli(["approval", "verify", out, "--key", keyFile, "--json"]));
    assert.equal(verified.keyid, me.keyid);
    assert.equal(verified.decision, "approve");
  });
});
