// The Operations screen in the real studio (issue 12): the demo in a workspace of its own. The
// co-pilot's screen is opened from the model screen; the canary's p99 guardrail chart is the
// core's (compared over the app's own IPC) with the breach marked; one review-queue item is
// labelled with a single key press, and the label is read back through the `steward` CLI on
// the same workspace and on the screen after a reload.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, byTestId, go, invoke, openStudio, tid } from "./studio.js";

const MODEL = "summarize-copilot";
const P99 = "canary.guardrail.latency-p99";
const base = process.env.E2E_WORKSPACE;
const steward = process.env.E2E_STEWARD;

let browser;
let workspace;

async function ok(cmd, args) {
  const r = await invoke(browser, cmd, args);
  assert.ok("ok" in r, `${cmd} failed: ${JSON.stringify(r.err)}`);
  return r.ok;
}

describe("the Operations screen in the studio", () => {
  before(async () => {
    assert.ok(base, "E2E_WORKSPACE must be set (run.sh sets it)");
    assert.ok(steward, "E2E_STEWARD must be set (run.sh sets it)");
    workspace = path.join(path.dirname(base), "operations");
    browser = await openStudio(["--workspace", workspace, "--demo"]);
    await byTestId(browser, `model-row-${MODEL}`, 20_000);
  });

  after(async () => {
    await browser?.deleteSession();
  });

  it("opens from the model screen and shows the core's chart with the breach marked", async () => {
    await go(browser, `#/models/${MODEL}`);
    await (await byTestId(browser, "model-operations", 15_000)).click();
    await byTestId(browser, "operations-screen", 20_000);
    const view = await ok("operations_view", { model: MODEL });
    assert.equal(view.monitor.status, "breach");
    assert.equal(await (await byTestId(browser, "monitor-status")).getAttribute("data-status"), "breach");
    const chart = await byTestId(browser, "guardrail-chart", 30_000);
    assert.equal(await chart.getAttribute("data-rule"), P99);
    const drawn = await ok("guardrail_chart", { req: { model: MODEL, rule: P99, theme: "light" } });
    assert.ok(drawn.events >= 1 && drawn.breaching >= 1, JSON.stringify({ ...drawn, svg: undefined }));
    assert.ok(/>\s*breach\s*</.test(drawn.svg), "the core's SVG labels the breach");
    assert.equal(await chart.getAttribute("data-events"), String(drawn.events));
    assert.equal(await chart.getAttribute("data-breaching"), String(drawn.breaching));
    const event = await browser.$(`[data-testid="guardrail-event"][data-rule="${P99}"]`);
    assert.equal(await event.getAttribute("data-outcome"), "performed");
    assert.equal(await (await byTestId(browser, "dial-epoch")).getText(), String(view.traffic.current.epoch));
    fs.mkdirSync(path.join(ROOT, "artifacts/screenshots"), { recursive: true });
    await browser.saveScreenshot(path.join(ROOT, "artifacts/screenshots/operations.png"));
  });

  it("labels the current queue item with one key, stored in the workspace", async () => {
    const list = await byTestId(browser, "queue-list");
    const item = Number(await list.getAttribute("data-current"));
    assert.ok(item > 0, "the cursor is on an item");
    await list.click();
    await browser.keys(["w"]);
    await browser.waitUntil(async () => (await (await browser.$(tid(`queue-item-${item}`))).getAttribute("data-label")) === "wrong", {
      timeout: 15_000,
      timeoutMsg: `item ${item} never showed the label wrong`,
    });
    const stored = JSON.parse(execFileSync(steward, ["--workspace", workspace, "queue", "list", MODEL, "--all", "--json"], { encoding: "utf8" }));
    const row = stored.find((q) => q.id === item);
    assert.equal(row?.label?.label, "wrong", JSON.stringify(row));
    assert.equal(row.label.reviewer, process.env.STEWARD_ACTOR ?? "e2e");

    await (await byTestId(browser, "operations-reload")).click();
    await browser.waitUntil(async () => (await (await browser.$(tid(`queue-item-${item}`))).getAttribute("data-label")) === "wrong", {
      timeout: 15_000,
      timeoutMsg: `after a reload item ${item} does not show the stored label`,
    });
  });
});
