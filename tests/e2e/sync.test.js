// Registry sync in the real studio (issue 11, point 9): the demo in a workspace of its own.
// Settings → Registry takes a URL on a closed loopback port, Test connection shows the core's
// "unreachable" error in the banner, and the shell's count of waiting changes is the one
// `steward sync status --json` reports for the same workspace, before and after a sync that
// cannot reach the registry (every change keeps waiting, with its error).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { ROOT, byTestId, go, openStudio, tid } from "./studio.js";

const base = process.env.E2E_WORKSPACE;
const steward = process.env.E2E_STEWARD;
let browser;
let workspace;

function status() {
  return JSON.parse(execFileSync(steward, ["--workspace", workspace, "sync", "status", "--json"], { encoding: "utf8" }));
}

async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitingShown(n) {
  await browser.waitUntil(async () => (await (await browser.$(tid("sync-waiting-count"))).getText()) === String(n), {
    timeout: 30_000,
    timeoutMsg: `the shell never showed ${n} waiting changes`,
  });
}

describe("registry sync in the studio", () => {
  before(async () => {
    assert.ok(base, "E2E_WORKSPACE must be set (run.sh sets it)");
    assert.ok(steward, "E2E_STEWARD must be set (run.sh sets it)");
    workspace = path.join(path.dirname(base), "sync");
    browser = await openStudio(["--workspace", workspace, "--demo"]);
    await byTestId(browser, "model-row-summarize-copilot", 20_000);
  });

  after(async () => {
    await browser?.deleteSession();
  });

  it("a closed port is unreachable, and the shell's waiting count is the CLI's", async () => {
    const before = status();
    assert.ok(before.waiting.length > 0, "the demo's records and approvals wait");
    await waitingShown(before.waiting.length);

    await go(browser, "#/settings");
    const url = `http://127.0.0.1:${await closedPort()}`;
    const field = await byTestId(browser, "registry-url", 15_000);
    await field.setValue(url);
    await (await byTestId(browser, "registry-url-set")).click();
    await (await byTestId(browser, "registry-test-run", 15_000)).click();
    const message = await byTestId(browser, "error-message", 30_000);
    const text = await message.getText();
    assert.match(text, /is unreachable/, text);
    assert.ok(text.includes(url), `the message names the registry: ${text}`);
    assert.equal(status().url, `${url}/`, "the URL set in the studio is the workspace's");
    await browser.saveScreenshot(path.join(ROOT, "artifacts/screenshots/settings-registry-unreachable.png"));
    await (await byTestId(browser, "error-dismiss")).click();

    // Sync now cannot reach it either: nothing is lost, each change waits with its error.
    await (await byTestId(browser, "sync-indicator")).click();
    await (await byTestId(browser, "sync-now", 15_000)).click();
    await byTestId(browser, "sync-last-error", 60_000);
    const after = status();
    assert.equal(after.waiting.length, before.waiting.length);
    assert.ok(after.waiting.every((w) => /is unreachable/.test(w.last_error ?? "")), JSON.stringify(after.waiting[0]));
    await waitingShown(after.waiting.length);
    const rows = await browser.$$(`${tid("sync-waiting")} tbody tr`);
    assert.equal(rows.length, after.waiting.length);
    await browser.saveScreenshot(path.join(ROOT, "artifacts/screenshots/sync-offline.png"));
  });
});
