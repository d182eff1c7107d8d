// The release manager's journey on the real app: a fresh workspace loaded with the demo,
// driven through tauri-driver → WebKitWebDriver → steward-studio. Run with `bash run.sh`.
//
// What the screens show is checked against what the core answers over the same IPC the
// front end uses, so the test holds no lifecycle rule of its own.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, byTestId, go, invoke, openStudio, tid } from "./studio.js";

const SHOTS = path.join(ROOT, "artifacts/screenshots");
const MODEL = "summarize-copilot";
const workspace = process.env.E2E_WORKSPACE;

let browser;
/** The model as it was before the promotion. */
let initial;
let canary;
let oldProduction;

async function shot(screen) {
  fs.mkdirSync(SHOTS, { recursive: true });
  // Let fonts and the last render settle so the picture shows what the test saw.
  await browser.pause(300);
  await browser.saveScreenshot(path.join(SHOTS, `${screen}.png`));
}

async function ok(cmd, args) {
  const r = await invoke(browser, cmd, args);
  assert.ok("ok" in r, `${cmd} failed: ${JSON.stringify(r.err)}`);
  return r.ok;
}

async function texts(id) {
  const out = [];
  for (const el of await browser.$$(tid(id))) out.push(await el.getText());
  return out;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("the studio on the demo workspace", () => {
  before(async () => {
    assert.ok(workspace, "E2E_WORKSPACE must name a temp folder (run.sh sets it)");
    browser = await openStudio(["--workspace", workspace, "--demo"]);
  });

  after(async () => {
    await browser?.deleteSession();
  });

  it("home lists the demo models", async () => {
    await byTestId(browser, `model-row-${MODEL}`, 20_000);
    const models = await ok("model_list", { query: {} });
    assert.ok(models.length >= 3, `the demo has ${models.length} models`);
    const rows = await browser.$$('[data-testid^="model-row-"]');
    assert.equal(rows.length, models.length, "every demo model has a row");
    await shot("home");
  });

  it("the window may call only what the capability allows", async () => {
    const info = await ok("workspace_info");
    assert.equal(info.path, workspace);
    // Not granted: changing the window (core:default only reads it); and no fs plugin is
    // registered at all.
    const retitle = await invoke(browser, "plugin:window|set_title", { label: "main", value: "not allowed" });
    assert.ok("err" in retitle, "plugin:window|set_title must be denied");
    assert.match(String(retitle.err), /not allowed|denied/i);
    const read = await invoke(browser, "plugin:fs|read_text_file", { path: "/etc/hostname" });
    assert.ok("err" in read, "the window has no file system access");
  });

  it("the CSP refuses inline scripts", async () => {
    const outcome = await browser.executeAsync((done) => {
      let violated = "";
      document.addEventListener("securitypolicyviolation", (e) => (violated = e.violatedDirective), { once: true });
      const s = document.createElement("script");
      s.textContent = "window.__stewardInline = true;";
      document.head.appendChild(s);
      setTimeout(() => done({ ran: window.__stewardInline === true, violated }), 200);
    });
    assert.equal(outcome.ran, false, "an inline script ran: the CSP is not applied");
    assert.match(outcome.violated, /script-src/);
  });

  it("opens the model and its canary version", async () => {
    initial = await ok("model_show", { name: MODEL });
    canary = initial.versions.find((v) => v.stage === "canary")?.version;
    oldProduction = initial.production;
    assert.ok(canary, "the demo model has a canary version");
    assert.ok(oldProduction, "the demo model has a production version");

    await (await byTestId(browser, `model-row-${MODEL}`)).click();
    await byTestId(browser, "timeline");
    assert.equal(
      (await browser.$$(tid("timeline-item"))).length,
      initial.timeline.length,
      "the timeline shows every recorded stage change",
    );

    await (await byTestId(browser, `version-row-${canary}`)).click();
    await byTestId(browser, "moves");
    const chip = await browser.$(`${tid("stage-chip")}[data-stage="canary"]`);
    assert.ok(await chip.isExisting(), "the version screen shows the canary stage");
  });

  it("a refused move shows the core's reason", async () => {
    const detail = await ok("version_get", { model: MODEL, version: canary });
    const refused = detail.moves.find((m) => !m.allowed);
    assert.ok(refused, "some move is refused from canary");
    const button = await byTestId(browser, `move-${refused.to}`);
    assert.equal(await button.isEnabled(), false, "a refused move cannot be clicked");
    assert.equal(await (await byTestId(browser, `refused-reason-${refused.to}`)).getText(), refused.reason);
  });

  it("promotes the canary to production after confirmation", async () => {
    // The demo's canary does not pass the default policy's production gate (governance.test.js
    // shows that); this journey sets, through the window's own IPC, a policy whose gates ask
    // only for a bundle, so the promotion and its side effects can be followed.
    const text = fs.readFileSync(path.join(ROOT, "ui/flows/app/governance/bundle-only.toml"), "utf8");
    const set = await ok("policy_set", { req: { text, file: null, message: "e2e journey: bundle-only gates" } });
    assert.equal(set.revision.name, "flows-bundle-only");
    // A promotion is a release record signed by the person at the keyboard, who must be in
    // the roster: the demo's root (its model owner) adds the studio's identity with the CLI.
    execFileSync(process.env.E2E_STEWARD, ["--workspace", workspace, "roster", "add", process.env.E2E_IDENTITY_FILE], {
      env: {
        ...process.env,
        STEWARD_KEYRING_NAMESPACE: `${process.env.STEWARD_KEYRING_NAMESPACE}-demo`,
        STEWARD_IDENTITY: "priya@companyos.example",
      },
      encoding: "utf8",
    });
    await (await byTestId(browser, "move-production")).click();
    await byTestId(browser, "confirm-panel");
    const gate = await byTestId(browser, "promote-gate", 15_000);
    await browser.waitUntil(async () => (await gate.getAttribute("data-passed")) === "true", {
      timeout: 10_000,
      timeoutMsg: "the bundle-only gate did not pass",
    });
    await (await byTestId(browser, "move-reason")).setValue("canary held 48 h; e2e promotion");
    await shot("version");
    await (await byTestId(browser, "confirm-move")).click();

    await byTestId(browser, "stage-result");
    const prod = await browser.$(`${tid("stage-chip")}[data-stage="production"]`);
    await prod.waitForExist({ timeout: 10_000, timeoutMsg: "the stage never showed production" });
    assert.ok((await browser.$$(tid("stage-change"))).length >= 2, "the promotion and the supersede are listed");
    assert.equal((await ok("version_get", { model: MODEL, version: canary })).stage, "production");
  });

  it("the model's timeline shows the promotion and the supersede", async () => {
    await go(browser, `#/models/${MODEL}`);
    await byTestId(browser, "timeline");
    await browser.waitUntil(async () => (await browser.$$(tid("timeline-item"))).length > initial.timeline.length, {
      timeout: 10_000,
      timeoutMsg: "the timeline did not grow",
    });
    const model = await ok("model_show", { name: MODEL });
    assert.equal(model.production, canary);
    assert.equal(model.rollback_target, oldProduction);

    const fresh = model.timeline.slice(initial.timeline.length).map((e) => [e.version, e.from, e.to]);
    const expected = [
      [canary, "canary", "production"],
      [oldProduction, "production", "rollback-target"],
    ];
    // One rollback target is kept: the previous one is deprecated by the same promotion.
    if (initial.rollback_target) expected.push([initial.rollback_target, "rollback-target", "deprecated"]);
    assert.deepEqual(fresh.sort(), expected.sort());

    const items = await texts("timeline-item");
    assert.equal(items.length, model.timeline.length, "every new entry is on screen");
    const supersede = items.filter((t) => t.includes(oldProduction) && /rollback/i.test(t));
    assert.ok(supersede.length > 0, `no timeline entry shows ${oldProduction} becoming the rollback target`);
    await shot("model");
  });

  it("the audit log shows the stage change and the chain verifies", async () => {
    await (await byTestId(browser, "nav-audit")).click();
    await byTestId(browser, "audit-table");
    // The promotion's stage change, and after it the traffic dial it moved.
    const recent = await ok("audit_log", { limit: 2 });
    assert.deepEqual(recent.map((e) => e.action), ["traffic.change", "stage.set"]);
    const newest = recent[1];
    assert.match(newest.subject, new RegExp(escape(`${MODEL}@${canary}`)));
    const row = await byTestId(browser, `audit-row-${newest.seq}`);
    assert.match(await row.getText(), /stage\.set/);
    await (await byTestId(browser, "audit-verify")).click();
    const result = await byTestId(browser, "audit-result");
    assert.equal(await result.getAttribute("data-ok"), "true", await result.getText());
    await shot("audit");
  });

  it("shows a dataset snapshot and the settings", async () => {
    const datasets = await ok("dataset_list");
    assert.ok(datasets.length > 0, "the demo has dataset snapshots");
    const ref = `${datasets[0].name}@${datasets[0].version}`;
    await go(browser, `#/datasets/${encodeURIComponent(ref)}`);
    await byTestId(browser, "manifest-files");
    await shot("dataset");
    await (await byTestId(browser, "nav-settings")).click();
    const shown = await byTestId(browser, "workspace-path");
    assert.equal(await shown.getText(), workspace);
    await shot("settings");
  });
  it("the candidate's evaluations show the comparison, the failing group and every chart", async () => {
    const version = "1.3.0-15";
    await go(browser, `#/models/${MODEL}/versions/${version}/evaluations`);
    await byTestId(browser, "eval-runs", 20_000);
    const runs = await ok("eval_list", { model: MODEL, version });
    assert.ok(runs.length > 0, "the demo candidate has evaluation runs");
    for (const run of runs) await byTestId(browser, `eval-run-${run.id}`);
    const fairness = await ok("eval_fairness", { model: MODEL, version, key: null });
    assert.ok(fairness.failures.length > 0, "the demo candidate fails a fairness check");
    const callout = await byTestId(browser, "fairness-callout");
    const failing = await byTestId(browser, `fairness-failing-${fairness.key}`);
    const worst = fairness.metrics.find((m) => !m.passes_ratio)?.worst_group;
    assert.equal(await failing.getAttribute("data-group"), worst);
    assert.match(await callout.getText(), new RegExp(escape(`${fairness.key}=${worst}`)));
    const comparison = await ok("eval_compare", { model: MODEL, version, against: null });
    const rows = await browser.$$('[data-testid^="compare-row-"]');
    assert.equal(rows.length, comparison.metrics.length, "every compared metric has a row");
    await shot("evaluations");
    for (const kind of ["compare", "fairness", "latency", "kpi", "drift"]) {
      await (await byTestId(browser, `chart-tab-${kind}`)).click();
      const img = await browser.$(`${tid("chart-image")}[data-kind="${kind}"]`);
      await img.waitForExist({ timeout: 15_000, timeoutMsg: `the ${kind} chart never showed` });
      // WebKit decoded the core's SVG: the image has a size.
      await browser.waitUntil(async () => (await browser.execute((el) => el.naturalWidth, img)) > 0, {
        timeout: 10_000,
        timeoutMsg: `the ${kind} chart did not render`,
      });
      if (kind === "fairness") await shot("chart-fairness");
    }
    // The PNG the window draws from the core's SVG reaches the disk through the shell as the
    // request's raw bytes, its path in a header (STEWARD_E2E_SAVE_DIR answers the dialog).
    const saveDir = process.env.STEWARD_E2E_SAVE_DIR;
    assert.ok(saveDir, "STEWARD_E2E_SAVE_DIR must be set (run.sh sets it)");
    fs.mkdirSync(saveDir, { recursive: true });
    await (await byTestId(browser, "chart-tab-fairness")).click();
    await (await byTestId(browser, "chart-export-png")).click();
    const name = `${MODEL}-${version}-fairness.png`;
    const exported = await byTestId(browser, "chart-exported", 20_000);
    await browser.waitUntil(async () => (await exported.getText()).includes(name), {
      timeout: 20_000,
      timeoutMsg: `the PNG export never reported ${name}`,
    });
    const png = fs.readFileSync(path.join(saveDir, name));
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "a PNG signature");
    assert.ok(png.length > 10_000, `a full-size PNG, not ${png.length} bytes`);
  });

  it("a model card opens in the editor with the core's preview and gaps", async () => {
    const version = "1.3.0-15";
    const target = `${MODEL}@${version}`;
    await go(browser, `#/models/${MODEL}/versions/${version}`);
    await (await byTestId(browser, "doc-open-model-card", 15_000)).click();
    await byTestId(browser, "doc-editor", 15_000);
    const view = await ok("doc_show", { doc: { target, kind: "model-card" }, revision: null });
    const body = await byTestId(browser, "rendered-body", 15_000);
    await browser.waitUntil(async () => (await body.getText()).length > 0, {
      timeout: 10_000,
      timeoutMsg: "the preview stayed empty",
    });
    const gaps = view.completeness.findings.length;
    assert.ok(gaps > 0, "the demo candidate's model card has gaps");
    const findings = await browser.$$(tid("finding"));
    assert.equal(findings.length, gaps, "every gap the core found is listed");
    // The editor is CodeMirror running under the studio's CSP: its content is the revision.
    const editor = await byTestId(browser, "doc-editor-input");
    assert.match(await editor.getText(), /Model card/i);
    await shot("document");
  });
});
