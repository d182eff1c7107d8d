// Chromium flows of registry sync in the studio (issue 11, point 9) against the fake core
// (flows/app/fake-sync.ts), which answers with what the real core answered for `steward demo`
// against a closed port and a real MLflow server (flows/app/sync/, written by its generate.sh).
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
const fixture = (name) => JSON.parse(readFileSync(new URL(`./app/sync/${name}.json`, import.meta.url), "utf8"));

/**
 * The shell's indicator shows the core's count of waiting changes.
 * @param {import("playwright-core").Page} page
 * @param {number} n
 */
async function waitingShown(page, n) {
  await page.getByTestId("sync-waiting-count").filter({ hasText: new RegExp(`^${n}$`) }).waitFor();
}

describe("registry sync flows", () => {
  test("the shell shows what waits from every screen; an unreachable registry is the core's error, and every change keeps waiting with it", async () => {
    const demo = fixture("demo-status");
    const closed = fixture("closed-settings");
    const test = fixture("closed-test");
    const sync = fixture("closed-sync");
    const after = fixture("closed-status");
    const { page, problems } = await openApp(flows.browser.context, flows.server.url);
    await waitingShown(page, demo.waiting.length);
    assert.equal(await page.getByTestId("sync-indicator-unset").innerText(), "No registry set");
    await page.goto(`${flows.server.url}#/audit`);
    await waitingShown(page, demo.waiting.length);

    // Settings → Registry, by keyboard: the closed port, then Test connection.
    await page.goto(`${flows.server.url}#/settings`);
    await page.getByTestId("registry-url").focus();
    await page.keyboard.type(closed.url.replace(/\/$/, ""));
    await page.keyboard.press("Enter");
    await page.getByTestId("registry-test-run").waitFor();
    assert.equal(await page.getByTestId("registry-url").inputValue(), closed.url);
    await page.getByTestId("registry-test-run").focus();
    await page.keyboard.press("Enter");
    const banner = page.getByTestId("error-banner").filter({ hasText: test.message });
    await banner.waitFor();
    assert.equal(test.code, "registry");
    assert.match(await banner.innerText(), /^Registry/);
    assert.match(test.message, /is unreachable/);
    await banner.getByTestId("error-dismiss").click();

    // Sync now from the indicator's screen: the core's error (it stopped connecting).
    await page.getByTestId("sync-indicator").focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/sync$/);
    await page.getByTestId("sync-now").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("error-banner").filter({ hasText: sync.error.message }).waitFor();
    const rows = page.getByTestId("sync-waiting").locator("tbody tr");
    await rows.first().waitFor();
    assert.equal(await rows.count(), after.waiting.length);
    for (const [i, w] of after.waiting.entries()) {
      const row = rows.nth(i);
      assert.equal(await row.getAttribute("data-testid"), `waiting-${w.id}`);
      assert.match(await row.getByTestId("waiting-error").innerText(), new RegExp(w.last_error.slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    }
    assert.match(await page.getByTestId("sync-last-error").innerText(), /is unreachable/);
    assert.equal(await page.getByTestId("sync-indicator-last").getAttribute("data-outcome"), "failed");
    await waitingShown(page, after.waiting.length);
    await page.setViewportSize({ width: 1280, height: 1600 });
    await page.screenshot({ path: join(ARTIFACTS, "sync-offline.png") });
    assertClean(problems);
    await page.close();
  });

  test("a real MLflow: the token goes in and only its kind comes back, the test reports the server, and Sync now empties the outbox", async () => {
    const online = fixture("online-settings");
    const login = fixture("online-login");
    const tested = fixture("online-test");
    const sync = fixture("online-sync");
    const after = fixture("online-status");
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/settings`);
    await page.getByTestId("registry-url").fill(online.url);
    await page.getByTestId("registry-url-set").click();
    await page.getByTestId("registry-secret").waitFor();
    await page.getByTestId("registry-secret").fill("fixture-token");
    await page.getByTestId("registry-secret").press("Enter");
    await page.getByTestId("registry-credential").filter({ hasText: login.credential }).waitFor();
    assert.equal(await page.getByTestId("registry-secret").inputValue(), "", "the window keeps no copy of the secret");
    const sent = await page.evaluate(() => window.__fake?.calls.filter((c) => c.cmd === "registry_login").map((c) => c.args));
    assert.deepEqual(sent, [{ user: null, secret: "fixture-token" }]);
    assert.ok(!JSON.stringify(login).includes("fixture-token"), "the core answers the kind, not the secret");

    await page.getByTestId("registry-test-run").click();
    await page.getByTestId("registry-test").waitFor();
    assert.match(await page.getByTestId("registry-test-version").innerText(), new RegExp(`${tested.mlflow_version.replace(/\./g, "\\.")}\\s+supported`));
    assert.equal(await page.getByTestId("registry-test-credential").innerText(), tested.credential);
    assert.equal(await page.getByTestId("registry-test-permissions").innerText(), tested.permissions);

    await page.goto(`${flows.server.url}#/sync`);
    await page.getByTestId("sync-now").click();
    await page.getByTestId("sync-progress-text").filter({ hasText: /^Sending / }).waitFor();
    const report = page.getByTestId("sync-report");
    await report.waitFor();
    const r = sync.report;
    assert.match(await report.innerText(), new RegExp(`Synced ${r.models} models with .*: ${r.ops} operations, ${r.versions_created} versions created, ${r.requests} requests, ${r.sent} waiting changes sent`));
    await page.getByTestId("sync-waiting-empty").waitFor();
    assert.equal(after.waiting.length, 0);
    await waitingShown(page, 0);
    assert.equal(await page.getByTestId("sync-indicator-last").getAttribute("data-outcome"), "ok");
    const runs = await page.evaluate(() => window.__fake?.calls.filter((c) => c.cmd === "sync_run").map((c) => /** @type {{ req: unknown }} */ (c.args).req));
    assert.deepEqual(runs, [{ push: false, pull: false, restore: false }]);
    assertClean(problems);
    await page.close();
  });

  test("an alias set by hand in MLflow is listed with who and when, and restored behind a confirm", async () => {
    const found = fixture("ungoverned-findings");
    const restored = fixture("restored-sync");
    const u = found.report.ungoverned[0];
    assert.ok(u, "the recording holds the hand-set alias");
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}?sync=ungoverned#/sync/ungoverned`);
    const row = page.getByTestId(`ungoverned-${u.model}-${u.alias}`);
    await row.waitFor();
    assert.equal(await row.getAttribute("data-restored"), "no");
    const text = await row.innerText();
    assert.match(text, new RegExp(`registry version ${u.number}`));
    assert.ok(text.includes(u.points_at), text);
    assert.ok(text.includes(u.governed), text);
    if (u.user_id) assert.ok(text.includes(u.user_id), text);
    await page.screenshot({ path: join(ARTIFACTS, "sync-ungoverned.png") });

    // Keep as is: nothing runs.
    await page.getByTestId("restore-governed").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("restore-confirm").waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("restore-confirm").waitFor({ state: "detached" });
    // Restore: what `steward sync --restore` runs.
    await page.getByTestId("restore-governed").click();
    await page.getByTestId("restore-confirm-go").click();
    await page.getByTestId(`ungoverned-${u.model}-${u.alias}`).and(page.locator('[data-restored="yes"]')).waitFor();
    assert.equal(restored.report.ungoverned[0].restored, true);
    const runs = await page.evaluate(() => window.__fake?.calls.filter((c) => c.cmd === "sync_run").map((c) => /** @type {{ req: unknown }} */ (c.args).req));
    assert.deepEqual(runs, [{ push: false, pull: false, restore: true }]);
    assert.equal(await page.getByTestId("restore-governed").isDisabled(), true);
    assertClean(problems);
    await page.close();
  });

  test("a conflicting release record is shown beside the local one, and a tampered tag as tampered and ignored", async () => {
    const found = fixture("conflict-findings");
    const status = fixture("conflict-status");
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}?sync=conflict#/sync/conflicts`);
    await page.getByTestId("conflicts").waitFor();
    await page.getByTestId("sync-conflict-count").filter({ hasText: String(status.conflicts.length) }).waitFor();
    const kinds = await page.getByTestId("conflicts").locator(":scope > li").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
    assert.deepEqual(kinds, found.conflicts.map((/** @type {any} */ d) => d.conflict.kind));
    const record = found.conflicts.find((/** @type {any} */ d) => d.conflict.kind === "release-record");
    assert.ok(record, "the recording holds a conflicting record");
    const card = page.getByTestId(`conflict-${record.conflict.model}-${record.conflict.version}-release-record`);
    assert.equal(await card.getByTestId("conflict-local-digest").getAttribute("title"), record.conflict.local_sha256);
    assert.equal(await card.getByTestId("conflict-remote-digest").getAttribute("title"), record.conflict.remote_sha256);
    assert.equal(await card.getByTestId("conflict-detail").innerText(), record.conflict.detail);
    assert.ok(record.local, "the local record is listed");
    assert.match(await card.getByTestId("conflict-local-record").innerText(), new RegExp(record.local.signer_name));
    // The registry's side, read back and verified by the core on request.
    const remote = fixture("conflict-remote");
    assert.equal(remote.verified, true);
    await card.getByTestId("conflict-remote-read").focus();
    await page.keyboard.press("Enter");
    const side = card.getByTestId("conflict-remote-record");
    await side.waitFor();
    assert.match(await side.innerText(), new RegExp(remote.signer_name));
    assert.match(await side.innerText(), new RegExp(remote.reason));
    assert.notEqual(remote.reason, record.local.reason, "the two laptops signed different records");
    const tampered = found.conflicts.find((/** @type {any} */ d) => d.conflict.kind === "tampered");
    assert.ok(tampered, "the recording holds the forged tag");
    const t = page.getByTestId(`conflict-${tampered.conflict.model}-${tampered.conflict.version}-tampered`);
    assert.match(await t.innerText(), /tampered — ignored/);
    assert.equal(await t.getByTestId("conflict-detail").innerText(), tampered.conflict.detail);
    await page.setViewportSize({ width: 1280, height: 1400 });
    await page.screenshot({ path: join(ARTIFACTS, "sync-conflicts.png") });
    assertClean(problems);
    await page.close();
  });

  test("a model card's two heads are merged on the merge screen, by keyboard, and saved through the core", async () => {
    const found = fixture("conflict-findings");
    const view = fixture("merge-view");
    const composed = fixture("merge-compose-theirs");
    const saved = fixture("merge-save");
    const doc = found.conflicts.find((/** @type {any} */ d) => d.conflict.kind === "document:model-card");
    assert.ok(doc, "the recording holds the model card's two heads");
    assert.ok(view.conflicts >= 1, "the same line was changed on both laptops");
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}?sync=conflict#/sync/conflicts`);
    const card = page.getByTestId(`conflict-${doc.conflict.model}-${doc.conflict.version}-document:model-card`);
    await card.waitFor();
    assert.equal(await card.getByTestId("conflict-detail").innerText(), doc.conflict.detail);
    await card.getByTestId("conflict-merge").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("merge-screen").waitFor();
    assert.match(await page.getByTestId("merge-head-ours").innerText(), new RegExp(`r${view.ours.number} by ${view.ours.author}`));
    assert.match(await page.getByTestId("merge-head-theirs").innerText(), new RegExp(`r${view.theirs.number} by ${view.theirs.author}`));
    // Until a side is chosen, the text holds the core's markers.
    assert.equal(await page.getByTestId("merge-result").inputValue(), view.marked);
    const first = view.hunks.find((/** @type {any} */ h) => h.kind === "conflict");
    assert.equal((await page.getByTestId("merge-conflict-0").getByTestId("merge-ours").innerText()).trim(), first.ours.trim());
    assert.equal((await page.getByTestId("merge-conflict-0").getByTestId("merge-theirs").innerText()).trim(), first.theirs.trim());
    await page.setViewportSize({ width: 1280, height: 1400 });
    await page.screenshot({ path: join(ARTIFACTS, "sync-merge.png") });
    for (let n = 0; n < view.conflicts; n++) {
      await page.getByTestId(`merge-choice-${n}-theirs`).focus();
      await page.keyboard.press("Space");
    }
    await page.waitForFunction((want) => /** @type {HTMLTextAreaElement} */ (document.querySelector('[data-testid="merge-result"]')).value === want, composed);
    await page.getByTestId("merge-result").focus();
    await page.keyboard.press("Control+s");
    await page.getByTestId("merge-saved").waitFor();
    assert.match(await page.getByTestId("merge-saved").innerText(), new RegExp(`as r${saved.document.revision.number}`));
    const saves = await page.evaluate(() => window.__fake?.calls.filter((c) => c.cmd === "doc_merge_save").map((c) => /** @type {{ req: any }} */ (c.args).req));
    assert.deepEqual(saves, [{ target: view.target, kind: view.kind, ours: view.ours.number, theirs: view.theirs.number, text: composed, message: null }]);
    // The shell's count drops to what the core now lists.
    await page.getByTestId("sync-conflict-count").filter({ hasText: String(fixture("merged-status").conflicts.length) }).waitFor();
    // Back on the conflicts screen, the core no longer lists the merged heads.
    await page.goto(`${flows.server.url}?sync=merged#/sync/conflicts`);
    await page.getByTestId("conflicts-screen").waitFor();
    const after = fixture("merged-findings");
    assert.ok(!after.conflicts.some((/** @type {any} */ d) => d.conflict.kind.startsWith("document:")), "the merge closed it");
    await page.getByTestId("conflicts").or(page.getByTestId("conflicts-empty")).waitFor();
    assert.equal(await card.count(), 0);
    assertClean(problems);
    await page.close();
  });

  test("a conflicting release record is settled by keeping the registry's, behind a confirm, and leaves the list", async () => {
    const before = fixture("merged-findings");
    const settled = fixture("resolve-theirs");
    const after = fixture("resolved-findings");
    const { model, version } = settled[0];
    assert.ok(before.conflicts.some((/** @type {any} */ d) => d.conflict.kind === "release-record" && d.conflict.version === version));
    assert.ok(!after.conflicts.some((/** @type {any} */ d) => d.conflict.kind === "release-record" && d.conflict.version === version), "the core no longer lists it");
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}?sync=merged#/sync/conflicts`);
    const card = page.getByTestId(`conflict-${model}-${version}-release-record`);
    await card.waitFor();
    // Cancel first: nothing is sent.
    await card.getByTestId("conflict-keep-theirs").click();
    await card.getByTestId("conflict-settle-no").click();
    await card.getByTestId("conflict-keep-theirs").focus();
    await page.keyboard.press("Enter");
    const confirm = card.getByTestId("conflict-settle-confirm");
    assert.match(await confirm.innerText(), /cannot be undone/);
    // The confirm button has the focus: Enter settles.
    await page.keyboard.press("Enter");
    await card.waitFor({ state: "detached" });
    await page.getByTestId("sync-conflict-count").filter({ hasText: String(fixture("resolved-status").conflicts.length) }).waitFor();
    const calls = await page.evaluate(() => window.__fake?.calls.filter((c) => c.cmd === "sync_conflict_resolve").map((c) => c.args));
    assert.deepEqual(calls, [{ model, version, keepOurs: false }]);
    await page.screenshot({ path: join(ARTIFACTS, "sync-settled.png") });
    assertClean(problems);
    await page.close();
  });
});
