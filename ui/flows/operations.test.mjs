// Chromium flows of the Operations screen (issue 12) against the fake core
// (flows/app/fake-operations.ts), which answers with what the real core answered for
// `steward demo` (flows/app/operations/, written by its generate.sh).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, assertClean, openApp, setupFlows } from "./harness.mjs";

const flows = setupFlows();
const MODEL = "summarize-copilot";
/**
 * A recorded answer of the real core.
 * @param {string} name
 * @returns {any}
 */
const fixture = (name) => JSON.parse(readFileSync(new URL(`./app/operations/${name}`, import.meta.url), "utf8"));
/** @type {import("../src/api/bindings").OperationsView} */
const view = fixture(`view-${MODEL}.json`);
/** @type {import("../src/api/bindings").OperationsView} */
const labelled = fixture(`view-${MODEL}-labelled.json`);
const labelFile = readdirSync(new URL("./app/operations/", import.meta.url)).find((f) => f.startsWith("label-"));
assert.ok(labelFile, "generate.sh records one label");
/** @type {import("../src/api/bindings").QueueItemView} */
const label = fixture(labelFile);

describe("operations flows", () => {
  test("from the model screen by keyboard: the breached guardrail's chart, the events, the dial and its history", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/${MODEL}`);
    await page.getByTestId("model-operations").focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/models\/summarize-copilot\/operations$/);
    await page.getByTestId("operations-screen").waitFor();
    assert.equal(await page.getByTestId("monitor-status").getAttribute("data-status"), view.monitor.status);
    assert.equal(view.monitor.status, "breach", "the demo's newest windows breached the canary's p99 guardrail");

    // One tab per guardrail with windows; the breached one opens first, drawn by the core.
    const drawn = view.series.filter((s) => s.windows > 0);
    const tabs = await page.getByTestId("guardrail-tabs").getByRole("tab").evaluateAll((els) => els.map((e) => [e.getAttribute("data-testid"), e.getAttribute("data-breached")]));
    assert.deepEqual(
      tabs,
      drawn.map((s) => [`guardrail-tab-${s.rule}`, s.events > 0 || s.breaching > 0 ? "yes" : "no"]),
    );
    const p99 = "canary.guardrail.latency-p99";
    const chart = page.getByTestId("guardrail-chart");
    await chart.waitFor();
    assert.equal(await chart.getAttribute("data-rule"), p99);
    /** @type {import("../src/api/bindings").GuardrailChartSvg} */
    const recorded = fixture(`chart-${MODEL}-${p99}-light.json`);
    assert.ok(recorded.events >= 1 && recorded.breaching >= 1, "the recorded chart marks the breach");
    assert.equal(await chart.getAttribute("data-events"), String(recorded.events));
    assert.equal(await page.getByTestId("guardrail-chart-image").getAttribute("alt"), recorded.title);
    const src = await page.getByTestId("guardrail-chart-image").getAttribute("src");
    assert.ok(src && />\s*breach\s*</.test(decodeURIComponent(src)), "the SVG shown is the core's, with the breach line labelled");
    assert.match(await page.getByTestId("guardrail-chart-caption").innerText(), new RegExp(`${recorded.breaching} breaching, ${recorded.events} breach event`));

    await page.setViewportSize({ width: 1280, height: 4200 });
    await page.screenshot({ path: join(ARTIFACTS, "operations.png") });
    await page.setViewportSize({ width: 1280, height: 820 });

    // Arrow keys move to the next guardrail; its chart is the core's too.
    await page.getByTestId(`guardrail-tab-${p99}`).focus();
    await page.keyboard.press("ArrowRight");
    const index = drawn.findIndex((s) => s.rule === p99);
    const next = drawn[(index + 1) % drawn.length];
    assert.ok(next);
    await page.locator(`[data-testid="guardrail-chart"][data-rule="${next.rule}"]`).waitFor();

    // The guardrail event: what was done, in the core's words.
    const events = page.getByTestId("guardrail-event");
    assert.equal(await events.count(), view.monitor.events.length);
    const performed = view.monitor.events.find((e) => e.rule === p99);
    assert.ok(performed);
    assert.equal(await page.locator(`[data-testid="guardrail-event"][data-rule="${p99}"]`).getAttribute("data-outcome"), performed.outcome);
    assert.equal(await page.locator(`[data-testid="guardrail-event"][data-rule="${p99}"]`).getByTestId("guardrail-event-detail").innerText(), performed.detail);

    // The dial now and every change, newest first, with why.
    const current = view.traffic.current;
    assert.ok(current);
    assert.equal(await page.getByTestId("dial-epoch").innerText(), String(current.epoch));
    assert.equal(await page.getByTestId("dial-path").innerText(), view.traffic.path);
    const rows = await page.getByTestId("dial-history").locator("tbody tr").evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")));
    assert.deepEqual(rows, view.dial.map((d) => `dial-change-${d.change.epoch}`));
    const cut = view.dial[0];
    assert.ok(cut);
    assert.equal(await page.getByTestId(`dial-change-${cut.change.epoch}`).getByTestId("dial-reason").innerText(), cut.change.reason);
    assertClean(problems);
    await page.close();
  });

  test("the incident's timeline, action item and notification text; feedback per variant; the triage", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/${MODEL}/operations`);
    await page.getByTestId("operations-screen").waitFor();
    const inc = view.incidents[0];
    assert.ok(inc, "the demo has INC-1");
    const card = page.getByTestId(`incident-${inc.reference}`);
    assert.equal(await card.getAttribute("data-state"), inc.state);
    const kinds = await card.getByTestId("incident-timeline").locator("li").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
    assert.deepEqual(kinds, inc.timeline.map((t) => t.kind));
    assert.match(await card.getByTestId("incident-actions").innerText(), new RegExp(inc.actions[0]?.text ?? "no action"));
    assert.equal(await card.getByTestId("incident-notification").inputValue(), inc.notification);

    for (const v of view.feedback.variants) {
      assert.equal(await page.getByTestId(`feedback-${v.version}-${v.variant}`).getByTestId("feedback-items").innerText(), String(v.items));
    }
    assert.ok(view.feedback.variants.some((v) => v.variant === "concise") && view.feedback.variants.some((v) => v.variant === "detailed"));

    const t = view.triage.triage;
    assert.match(await page.getByTestId("triage-counts").innerText(), new RegExp(`${t.complaints} complaints, ${t.safety_incidents} safety incidents`));
    assert.equal(await page.getByTestId("triage-safety").locator("li").count(), t.safety.length);
    assertClean(problems);
    await page.close();
  });

  test("the review queue by keyboard: j moves, w labels, the core's label is shown and the cursor moves on", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/${MODEL}/operations`);
    const list = page.getByTestId("queue-list");
    await list.waitFor();
    const firstOpen = view.queue.find((q) => q.label === null);
    assert.ok(firstOpen);
    assert.equal(label.id, firstOpen.id, "generate.sh labels the first unlabelled item");
    assert.equal(await list.getAttribute("data-current"), String(firstOpen.id), "the cursor starts on the first item without a label");
    await list.focus();
    // Move away and back: j then k.
    await page.keyboard.press("j");
    assert.notEqual(await list.getAttribute("data-current"), String(firstOpen.id));
    await page.keyboard.press("k");
    assert.equal(await list.getAttribute("data-current"), String(firstOpen.id));
    await page.keyboard.press("w");
    const item = page.getByTestId(`queue-item-${firstOpen.id}`);
    await page.locator(`[data-testid="queue-item-${firstOpen.id}"][data-label="wrong"]`).waitFor();
    assert.match(await item.getByTestId("queue-item-label").innerText(), new RegExp(`wrong\\s+by ${label.label?.reviewer ?? "?"}`));
    const sent = await page.evaluate(() => window.__fake?.calls.filter((x) => x.cmd === "queue_label").map((x) => x.args));
    assert.deepEqual(sent, [{ req: { item: firstOpen.id, label: "wrong", note: "" } }]);
    const nextOpen = view.queue.find((q) => q.label === null && q.id !== firstOpen.id && view.queue.indexOf(q) > view.queue.indexOf(firstOpen));
    assert.equal(await list.getAttribute("data-current"), String(nextOpen?.id ?? firstOpen.id), "on to the next item without a label");

    // After a reload the screen reads the core's view after the label.
    await page.getByTestId("operations-reload").click();
    await page.locator(`[data-testid="queue-item-${firstOpen.id}"][data-label="wrong"]`).waitFor();
    assert.match(await page.getByTestId("queue-help").innerText(), new RegExp(`^${labelled.queue_open} of ${labelled.queue.length} waiting`));
    assertClean(problems);
    await page.close();
  });

  test("a model with no windows, feedback or incidents shows its empty states", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/ticket-router/operations`);
    await page.getByTestId("operations-screen").waitFor();
    assert.equal(await page.getByTestId("monitor-status").getAttribute("data-status"), "no-windows");
    await page.getByTestId("guardrail-charts-empty").waitFor();
    await page.getByTestId("queue-empty").waitFor();
    assertClean(problems);
    await page.close();
  });
});
