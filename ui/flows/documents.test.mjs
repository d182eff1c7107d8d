// Chromium flows of the release documents (issue 4) against the real UI and the real core's
// recorded answers (flows/app/fake-documents.ts replays flows/app/documents/recorded.json, which
// src-tauri/tests/flow_documents.rs records through the same calls).
import { describe, test } from "node:test";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, assertClean, launch, openApp, setupFlows } from "./harness.mjs";

const flows = setupFlows();

/** @param {import("playwright-core").Page} page */
async function activeTestId(page) {
  return page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName ?? null);
}

/** The editor's text, as CodeMirror holds it. @param {import("playwright-core").Page} page */
async function editorText(page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll(".cm-content .cm-line"), (l) => l.textContent ?? "").join("\n"),
  );
}

/** The 1-based line the editor's cursor is on. @param {import("playwright-core").Page} page */
async function cursorLine(page) {
  return page.evaluate(() => document.querySelector(".cm-activeLineGutter")?.textContent ?? null);
}

/** The card the first flow pastes: complete under the real model-card template. */
const FILLED = readFileSync(new URL("./app/documents/model-card-filled.md", import.meta.url), "utf8");

/** Waits until the editor's unsaved text has been kept as the `n`th draft of this page, so a
 * flow's writes reach the core in the order they were recorded (the draft is written after
 * a pause in typing, which would otherwise race the flow's next step). */
async function draftsKept(/** @type {import("playwright-core").Page} */ page, /** @type {number} */ n) {
  await page.waitForFunction((n) => (window.__fake?.calls.filter((c) => c.cmd === "doc_draft_save").length ?? 0) >= n, n);
}

describe("release documents", () => {
  test("a model card from the template: preview and gaps, fill, save, history, diff, restore, export", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/fraud-scorer/versions/1.3.0-1`);
    await page.getByTestId("doc-row-model-card").waitFor();
    assert.match(await page.getByTestId("doc-row-model-card").innerText(), /Not written/);
    await page.getByTestId("doc-create-model-card").click();

    await page.getByTestId("doc-editor").waitFor();
    assert.match(page.url(), /#\/documents\/fraud-scorer%401\.3\.0-1\/model-card$/);
    assert.match(await page.getByTestId("rendered-body").innerText(), /Model card for fraud-scorer 1\.3\.0-1/);
    assert.match(await page.getByTestId("front-matter-panel").innerText(), /license/);
    const gaps = page.getByTestId("finding");
    assert.ok((await gaps.count()) >= 4, "the template's empty fields and guidance are gaps");
    assert.match(await page.getByTestId("doc-gap-count").innerText(), /\d+ gaps/);

    // A gap jumps to its line.
    const guidance = page.locator('[data-testid="finding"][data-code="guidance-left"]').first();
    const line = await guidance.getAttribute("data-line");
    await guidance.click();
    assert.equal(await cursorLine(page), line);
    await page.screenshot({ path: join(ARTIFACTS, "document-template.png") });

    // Fill it in: replace the whole text, as pasting would.
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(FILLED);
    await page.getByTestId("doc-complete").waitFor();
    assert.equal(await page.getByTestId("finding").count(), 0);
    await page.getByTestId("doc-dirty").filter({ hasText: "draft kept" }).waitFor();
    await page.getByTestId("doc-message").fill("first complete card");
    await page.getByTestId("doc-save").click();
    await page.getByTestId("doc-status").filter({ hasText: "Saved as r2." }).waitFor();
    assert.equal(await page.getByTestId("doc-dirty").count(), 0);
    await page.screenshot({ path: join(ARTIFACTS, "document-editor.png") });

    // History and the diff of r2 against its parent.
    await page.getByTestId("revision-row-2").waitFor();
    assert.match(await page.getByTestId("revision-row-2").innerText(), /first complete card/);
    assert.match(await page.getByTestId("revision-row-1").innerText(), /from template/);
    await page.getByTestId("revision-changes-2").click();
    await page.getByTestId("diff-view").waitFor();
    assert.match(await page.getByTestId("diff-summary").innerText(), /r1 → r2: \d+ lines added, \d+ lines? removed/);
    assert.ok((await page.getByTestId("diff-line-insert").count()) > 0);
    const removed = await page.getByTestId("diff-line-delete").first().innerText();
    assert.match(removed, /removed/, "a removed line says so, not only in colour");
    await page.getByTestId("diff-view").screenshot({ path: join(ARTIFACTS, "document-diff.png") });

    // Restore the template text: a new revision r3, the editor shows it.
    await page.getByTestId("revision-restore-1").click();
    await page.getByTestId("doc-status").filter({ hasText: "Restored r1 as a new revision." }).waitFor();
    await page.getByTestId("revision-row-3").waitFor();
    assert.match(await page.getByTestId("revision-row-3").innerText(), /restore r1/);
    assert.match(await editorText(page), /> Guidance:/);
    assert.match(await page.getByTestId("doc-revision").innerText(), /^r3 of 3/);

    // Restore r2 again and export the card.
    await page.getByTestId("revision-restore-2").click();
    await page.getByTestId("revision-row-4").waitFor();
    await page.getByTestId("export-hf").click();
    await page.getByTestId("export-written").filter({ hasText: "/home/ana/exports/README.md" }).waitFor();
    const written = await page.evaluate(() => window.__fake?.written.get("/home/ana/exports/README.md"));
    assert.match(written ?? "", /^---\nbase_model: "gbdt-v4"\n[\s\S]*license: "apache-2\.0"[\s\S]*\n---\n\n# Model card for fraud-scorer 1\.3\.0-1\n/, "the core's Hugging Face README");
    assert.ok(written?.endsWith(FILLED.slice(FILLED.indexOf("\n# Model card"))), "the card's body, as saved");
    await page.getByTestId("export-mct").click();
    await page.getByTestId("export-written").filter({ hasText: "fraud-scorer-1.3.0-1-model-card.json" }).waitFor();

    // Back on the version, the list shows the card complete.
    await page.locator("nav.crumbs a", { hasText: "1.3.0-1" }).click();
    await page.getByTestId("doc-row-model-card").waitFor();
    assert.match(await page.getByTestId("doc-row-model-card").innerText(), /Complete/);
    await page.screenshot({ path: join(ARTIFACTS, "version-documents.png"), fullPage: true });
    assertClean(problems);
    await page.close();
  });

  test("an unsaved draft survives a closed window and is offered on reopen", async () => {
    const url = `${flows.server.url}#/documents/fraud-scorer%401.2.0-3/runbook`;
    const { page, problems } = await openApp(flows.browser.context, url);
    await page.getByTestId("doc-editor").waitFor();
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+End");
    // The text ends with a newline, so the cursor is on a line of its own.
    await page.keyboard.insertText("Page the payments on-call first.");
    await page.getByTestId("doc-dirty").filter({ hasText: "draft kept" }).waitFor();

    // The window goes away without saving; the app starts again.
    await page.reload();
    await page.getByTestId("draft-offer").waitFor();
    assert.doesNotMatch(await editorText(page), /Page the payments on-call first/, "the head is shown until the draft is taken");
    await page.getByTestId("draft-restore").click();
    assert.match(await editorText(page), /Page the payments on-call first\./);
    await page.getByTestId("doc-save").click();
    await page.getByTestId("doc-status").filter({ hasText: "Saved as r2." }).waitFor();

    await page.reload();
    await page.getByTestId("doc-editor").waitFor();
    assert.match(await page.getByTestId("doc-revision").innerText(), /^r2 of 2/, "the saved revision outlives the window");
    assert.equal(await page.getByTestId("draft-offer").count(), 0, "a save discards the draft");
    assertClean(problems);
    await page.close();
  });

  test("keyboard only: Tab into the editor, type, the draft is kept, Ctrl+S saves; Alt+P hides the preview; F8 walks the gaps", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/fraud-scorer/versions/1.2.0-3`);
    await page.getByTestId("doc-open-model-card").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("doc-editor").waitFor();
    for (let i = 0; i < 40 && (await activeTestId(page)) !== "doc-editor-input"; i++) await page.keyboard.press("Tab");
    assert.equal(await activeTestId(page), "doc-editor-input");
    await page.keyboard.press("Control+End");
    await page.keyboard.insertText("Reviewed by keyboard.");
    await page.getByTestId("doc-dirty").filter({ hasText: "draft kept" }).waitFor();
    await page.keyboard.press("Control+S");
    await page.getByTestId("doc-status").filter({ hasText: "Saved as r2." }).waitFor();
    assert.equal(await activeTestId(page), "doc-editor-input", "focus stays in the editor after saving");

    await page.keyboard.press("Alt+P");
    await page.getByTestId("doc-preview").waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("preview-toggle").getAttribute("aria-pressed"), "false");
    await page.keyboard.press("Control+P");
    await page.getByTestId("doc-preview").waitFor();

    const lines = await page.getByTestId("finding").evaluateAll((els) => els.map((e) => e.getAttribute("data-line")).filter(Boolean));
    assert.ok(lines.length >= 2, "the seeded card still has gaps");
    await page.keyboard.press("F8");
    assert.equal(await cursorLine(page), lines[0]);
    await page.keyboard.press("Alt+N");
    assert.equal(await cursorLine(page), lines[1]);
    assert.equal(await activeTestId(page), "doc-editor-input");

    // Settings lists the document shortcuts.
    await page.goto(`${flows.server.url}#/settings`);
    await page.getByTestId("workspace-info").waitFor();
    assert.match(await page.locator(".shortcuts").innerText(), /Documents: save a revision/);
    assertClean(problems);
    await page.close();
  });

  test("the risk register: edits go into the front matter, the core scores them, the matrix follows", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/documents/fraud-scorer%401.2.0-3/risk-assessment`);
    await page.getByTestId("risk-table").waitFor();
    // The core's scores and bands (steward-domain: 10–16 high, 20–25 critical), as it answered.
    assert.equal(await page.getByTestId("risk-score-0").textContent(), "16 High");
    assert.equal(await page.getByTestId("risk-score-1").textContent(), "6 Medium");
    assert.match(await page.getByTestId("matrix-4-4").innerText(), /R-1/);
    await page.getByLabel("R-1: likelihood").selectOption("5");
    await page.getByTestId("risk-score-0").filter({ hasText: "20 Critical" }).waitFor();
    await draftsKept(page, 1);
    assert.match(await page.getByTestId("matrix-5-4").innerText(), /R-1/);
    assert.match(await editorText(page), /likelihood: 5/);
    assert.match(await editorText(page), /# The register of the canary\./, "comments in the front matter are kept");

    const owner = page.getByLabel("R-2: owner");
    await owner.fill("payments-risk");
    await owner.press("Enter");
    await draftsKept(page, 2);
    const mitigation = page.getByLabel("R-2: mitigation");
    await mitigation.fill("weekly PSI check on BIN ranges");
    await mitigation.press("Tab");
    await page.getByTestId("doc-complete").waitFor();
    await draftsKept(page, 3);
    await page.getByTestId("risk-add").click();
    await page.getByTestId("risk-row-2").waitFor();
    assert.equal(await page.getByTestId("risk-score-2").textContent(), "9 Medium", "the new row starts at the template's 3 × 3");
    assert.match(await editorText(page), /id: R-3/);
    await page.screenshot({ path: join(ARTIFACTS, "risk-register.png"), fullPage: true });
    assertClean(problems);
    await page.close();
  });

  test("dark theme: the editor screen", async () => {
    const dark = await launch({ colorScheme: "dark" });
    try {
      const { page, problems } = await openApp(dark.context, `${flows.server.url}#/documents/fraud-scorer%401.2.0-3/model-card`);
      await page.getByTestId("doc-editor").waitFor();
      await page.getByTestId("finding").first().waitFor();
      await page.screenshot({ path: join(ARTIFACTS, "document-editor-dark.png") });
      assertClean(problems);
    } finally {
      await dark.close();
    }
  });
});
