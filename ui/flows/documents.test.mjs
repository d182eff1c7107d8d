// Chromium flows of the release documents (issue 4) against the real UI and the fake core
// (flows/app/fake-documents.ts).
import { describe, test } from "node:test";
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

const FILLED = `---
license: apache-2.0
language: [en]
base_model: gbdt-v4
intended_use: ranking support tickets for the right queue
---

# Model card for fraud-scorer@1.3.0-1

## Model details

Gradient-boosted trees over 212 features.

## Uses

Scores every card authorisation.

## Bias, risks and limitations

False declines are higher for travellers; see the risk assessment.

## Evaluation

Golden set v3: AUC 0.94.
`;

describe("release documents", () => {
  test("a model card from the template: preview and gaps, fill, save, history, diff, restore, export", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/fraud-scorer/versions/1.3.0-1`);
    await page.getByTestId("doc-row-model-card").waitFor();
    assert.match(await page.getByTestId("doc-row-model-card").innerText(), /Not written/);
    await page.getByTestId("doc-create-model-card").click();

    await page.getByTestId("doc-editor").waitFor();
    assert.match(page.url(), /#\/documents\/fraud-scorer%401\.3\.0-1\/model-card$/);
    assert.match(await page.getByTestId("rendered-body").innerText(), /Model card for fraud-scorer@1\.3\.0-1/);
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
    await page.getByTestId("doc-dirty").waitFor();
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
    assert.equal(written, FILLED);
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
    await page.keyboard.insertText("\nPage the payments on-call first.\n");
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
    // (The fake core keeps revisions in memory, so only the draft store outlives the reload.)
    assert.equal(await page.getByTestId("draft-offer").count(), 0, "a save discards the draft");
    assertClean(problems);
    await page.close();
  });

  test("keyboard only: Tab into the editor, type, Ctrl+S saves; Alt+P hides the preview; F8 walks the gaps", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/fraud-scorer/versions/1.2.0-3`);
    await page.getByTestId("doc-open-model-card").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("doc-editor").waitFor();
    for (let i = 0; i < 40 && (await activeTestId(page)) !== "doc-editor-input"; i++) await page.keyboard.press("Tab");
    assert.equal(await activeTestId(page), "doc-editor-input");
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\nReviewed by keyboard.");
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
    assert.equal(await page.getByTestId("risk-score-0").textContent(), "16 High");
    assert.match(await page.getByTestId("matrix-4-4").innerText(), /R-1/);
    await page.getByLabel("R-1: likelihood").selectOption("5");
    await page.getByTestId("risk-score-0").filter({ hasText: "20 Critical" }).waitFor();
    assert.match(await page.getByTestId("matrix-5-4").innerText(), /R-1/);
    assert.match(await editorText(page), /likelihood: 5/);
    assert.match(await editorText(page), /# The register of the canary\./, "comments in the front matter are kept");

    const owner = page.getByLabel("R-2: owner");
    await owner.fill("payments-risk");
    await owner.press("Enter");
    const mitigation = page.getByLabel("R-2: mitigation");
    await mitigation.fill("weekly PSI check on BIN ranges");
    await mitigation.press("Tab");
    await page.getByTestId("doc-complete").waitFor();
    await page.getByTestId("risk-add").click();
    await page.getByTestId("risk-row-2").waitFor();
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
