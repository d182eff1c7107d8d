// The release manager's journey on the real app: a fresh workspace loaded with the demo,
// driven through tauri-driver → WebKitWebDriver → steward-studio. Run with `bash run.sh`.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, byTestId, go, invoke, openStudio, tid } from "./studio.js";

const SHOTS = path.join(ROOT, "artifacts/screenshots");
const MODEL = "summarize-copilot";
const workspace = process.env.E2E_WORKSPACE;

let browser;
/** The model's state before the promotion, read through the app's own IPC. */
let before_;
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

async function textOf(id) {
  return (await byTestId(browser, id)).getText();
}

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
    const rows = await browser.$$('[data-testid^="model-row-"]');
    const models = await ok("model_list", { query: {} });
    assert.ok(models.length >= 3, `the demo has ${models.length} models`);
    assert.equal(rows.length, models.length, "every demo model has a row");
    await shot("home");
  });

  it("the window may call only what the capability allows", async () => {
    const info = await ok("workspace_info");
    assert.equal(info.path, workspace);
    // Not granted: saving through the dialog plugin, and no fs plugin is registered at all.
    const save = await invoke(browser, "plugin:dialog|save", { options: {} });
    assert.ok("err" in save, "plugin:dialog|save must be denied");
    assert.match(String(save.err), /not allowed|denied/i);
    const fsRead = await invoke(browser, "plugin:fs|read_text_file", { path: "/etc/hostname" });
    assert.ok("err" in fsRead, "no fs access");
  });

  it("opens the model and its canary version", async () => {
    before_ = await ok("model_show", { name: MODEL });
    canary = before_.versions.find((v) => v.stage === "canary")?.version;
    oldProduction = before_.production;
    assert.ok(canary, "the demo model has a canary version");
    assert.ok(oldProduction, "the demo model has a production version");

    await (await byTestId(browser, `model-row-${MODEL}`)).click();
    await byTestId(browser, "timeline");
    assert.equal(
      (await browser.$$(tid("timeline-item"))).length,
      before_.timeline.length,
      "the timeline shows every recorded stage change",
    );
    await shot("model");

    await (await byTestId(browser, `version-row-${canary}`)).click();
    const chip = await byTestId(browser, "moves");
    assert.ok(chip);
    const stage = await browser.$(`${tid("stage-chip")}[data-stage="canary"]`);
    assert.ok(await stage.isExisting(), "the version screen shows the canary stage");
  });

  it("a refused move shows the core's reason", async () => {
    const detail = await ok("version_get", { model: MODEL, version: canary });
    const refused = detail.moves.find((m) => !m.allowed);
    assert.ok(refused, "some move is refused from canary");
    const button = await byTestId(browser, `move-${refused.to}`);
    assert.equal(await button.isEnabled(), false, "a refused move cannot be clicked");
    assert.equal(await textOf(`refused-reason-${refused.to}`), refused.reason);
  });

  it("promotes the canary to production after confirmation", async () => {
    await (await byTestId(browser, "move-production")).click();
    await byTestId(browser, "confirm-panel");
    await (await byTestId(browser, "move-reason")).setValue("canary held 48 h; e2e promotion");
    await shot("version");
    await (await byTestId(browser, "confirm-move")).click();

    await byTestId(browser, "stage-result");
    const prod = await browser.$(`${tid("stage-chip")}[data-stage="production"]`);
    await prod.waitForExist({ timeout: 10_000, timeoutMsg: "the stage never showed production" });
    const changes = await browser.$$(tid("stage-change"));
    assert.ok(changes.length >= 2, "the promotion and the supersede are both listed");
    const after_ = await ok("version_get", { model: MODEL, version: canary });
    assert.equal(after_.stage, "production");
  });

  it("the model's timeline shows the promotion and the supersede", async () => {
    await go(browser, `#/models/${MODEL}`);
    await byTestId(browser, "timeline");
    const items = await browser.$$(tid("timeline-item"));
    await browser.waitUntil(async () => (await browser.$$(tid("timeline-item"))).length > before_.timeline.length, {
      timeout: 10_000,
      timeoutMsg: "the timeline did not grow",
    });
    const text = (await Promise.all((await browser.$$(tid("timeline-item"))).map((i) => i.getText()))).join("\n");
    assert.ok(items.length >= before_.timeline.length);
    assert.match(text, new RegExp(oldProduction.replace(/\./g, "\\.")), "the old production version appears");
    assert.match(text, /rollback/i, "the old production became the rollback target");
    const model = await ok("model_show", { name: MODEL });
    assert.equal(model.production, canary);
    assert.equal(model.rollback_target, oldProduction);
    const fresh = model.timeline.slice(before_.timeline.length);
    assert.deepEqual(
      fresh.map((e) => [e.version, e.from, e.to]).sort(),
      [
        [canary, "canary", "production"],
        [oldProduction, "production", "rollback-target"],
      ].sort(),
    );
    assert.equal(
      (await browser.$$(tid("timeline-item"))).length,
      model.timeline.length,
      "both new entries are on screen",
    );
  });

  it("the audit log shows the stage change and the chain verifies", async () => {
    await go(browser, "#/audit");
    const first = await byTestId(browser, "audit-entry");
    assert.match(await first.getText(), /stage\.set/);
    assert.match(await first.getText(), new RegExp(`${MODEL}`));
    await (await byTestId(browser, "audit-verify")).click();
    const result = await byTestId(browser, "audit-verify-result");
    await browser.waitUntil(async () => /ok|intact|verified/i.test(await result.getText()), {
      timeout: 10_000,
      timeoutMsg: "verify chain did not report OK",
    });
    await shot("audit");
  });

  it("shows a dataset snapshot and the settings", async () => {
    const datasets = await ok("dataset_list");
    assert.ok(datasets.length > 0, "the demo has dataset snapshots");
    const ref = `${datasets[0].name}@${datasets[0].version}`;
    await go(browser, `#/datasets/${encodeURIComponent(ref)}`);
    await byTestId(browser, "dataset-files");
    await shot("dataset");
    await go(browser, "#/settings");
    const shown = await byTestId(browser, "workspace-path");
    assert.match(await shown.getText(), new RegExp(path.basename(workspace)));
    await shot("settings");
  });
});
