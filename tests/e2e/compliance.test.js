// Compliance coverage and the Annex IV file in the real studio (issue 13): the demo in a
// workspace of its own. The production co-pilot's coverage against the EU AI Act is reached from
// the version screen and compared with what the core answers over the app's own IPC; then
// "Export Annex IV file…" writes HTML and PDF through the real button (run.sh sets
// STEWARD_E2E_SAVE_DIR, which answers the native save dialog WebDriver cannot drive), and each
// file is read back for the nine Annex IV items in order (the PDF with pdftotext).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, byTestId, go, invoke, openStudio, tid } from "./studio.js";

const MODEL = "summarize-copilot";
const PRODUCTION = "1.1.0-8";
const base = process.env.E2E_WORKSPACE;
const saveDir = process.env.STEWARD_E2E_SAVE_DIR;

let browser;

async function ok(cmd, args) {
  const r = await invoke(browser, cmd, args);
  assert.ok("ok" in r, `${cmd} failed: ${JSON.stringify(r.err)}`);
  return r.ok;
}

/** Positions of "Item 1." … "Item 9." in `text`, each after the one before. */
function itemsInOrder(text) {
  let at = 0;
  for (let n = 1; n <= 9; n++) {
    const i = text.indexOf(`Item ${n}. `, at);
    assert.ok(i >= 0, `item ${n} of Annex IV after offset ${at}`);
    at = i;
  }
}

async function exportAs(format) {
  await (await byTestId(browser, "annex-format")).selectByAttribute("value", format);
  await (await byTestId(browser, "annex-export")).click();
  const file = path.join(saveDir, `${MODEL}-${PRODUCTION}-annex-iv.${format}`);
  let text = "";
  await browser.waitUntil(
    async () => {
      // The message is drawn afresh for each export: look it up each time.
      const written = await browser.$(tid("annex-written"));
      text = (await written.isExisting()) ? await written.getText() : "";
      return text.includes(file);
    },
    { timeout: 30_000, timeoutMsg: `the studio never said it wrote ${file}` },
  );
  assert.equal(await (await browser.$(tid("annex-error"))).isExisting(), false, "no export error");
  assert.ok(fs.existsSync(file), `${file} exists`);
  return { file, text };
}

describe("compliance coverage in the studio", () => {
  before(async () => {
    assert.ok(base, "E2E_WORKSPACE must be set (run.sh sets it)");
    assert.ok(saveDir, "STEWARD_E2E_SAVE_DIR must be set (run.sh sets it)");
    fs.mkdirSync(saveDir, { recursive: true });
    browser = await openStudio(["--workspace", path.join(path.dirname(base), "compliance"), "--demo"]);
    await byTestId(browser, `model-row-${MODEL}`, 20_000);
  });

  after(async () => {
    await browser?.deleteSession();
  });

  it("the production co-pilot against the EU AI Act shows what the core decided", async () => {
    await go(browser, `#/models/${MODEL}/versions/${PRODUCTION}`);
    await (await byTestId(browser, "version-coverage", 15_000)).click();
    const summary = await byTestId(browser, "coverage-summary", 20_000);
    const packs = await ok("pack_list");
    const picker = await byTestId(browser, "coverage-pack");
    assert.equal(await picker.getValue(), packs[0].name);
    assert.equal(packs[0].name, "eu-ai-act");
    const c = await ok("coverage", { model: MODEL, version: PRODUCTION, pack: "eu-ai-act" });
    assert.match(
      await summary.getText(),
      new RegExp(`${c.counts.satisfied} satisfied, ${c.counts.partial} partial, ${c.counts.missing} missing of ${c.requirements.length} requirements`),
    );
    for (const r of c.requirements) {
      const el = await browser.$(tid(`req-${r.id}`));
      assert.equal(await el.getAttribute("data-status"), r.status, r.id);
    }
    fs.mkdirSync(path.join(ROOT, "artifacts/screenshots"), { recursive: true });
    await browser.saveScreenshot(path.join(ROOT, "artifacts/screenshots/coverage.png"));
  });

  it("a gap's link opens the missing monitoring plan, created from its template, and the core counts it", async () => {
    const gap = await browser.$(`${tid("req-annex-iv-9")} ${tid("fix-write-document")}`);
    // WebKit answers the resolved URL for href.
    assert.ok(
      (await gap.getAttribute("href")).endsWith(`#/documents/${encodeURIComponent(`${MODEL}@${PRODUCTION}`)}/post-market-monitoring-plan`),
    );
    await gap.click();
    await (await byTestId(browser, "doc-create", 15_000)).click();
    await byTestId(browser, "doc-screen", 15_000);
    const docs = await ok("doc_check", { target: `${MODEL}@${PRODUCTION}` });
    const plan = docs.compliance.find((d) => d.kind === "post-market-monitoring-plan");
    assert.equal(plan?.exists, true, JSON.stringify(docs.compliance));
    await go(browser, `#/models/${MODEL}/versions/${PRODUCTION}/coverage/eu-ai-act`);
    const item9 = await byTestId(browser, "req-annex-iv-9", 20_000);
    await browser.waitUntil(async () => (await item9.getAttribute("data-status")) === "partial", {
      timeout: 15_000,
      timeoutMsg: "the coverage screen never showed the drafted plan as partial",
    });
    const c = await ok("coverage", { model: MODEL, version: PRODUCTION, pack: "eu-ai-act" });
    assert.equal(c.requirements.find((r) => r.id === "annex-iv-9").status, "partial");
  });

  it("Export Annex IV file… writes HTML and PDF holding the nine items in order", async () => {
    const html = await exportAs("html");
    const page = fs.readFileSync(html.file, "utf8");
    for (let n = 1; n <= 9; n++) assert.ok(page.includes(`id="item-${n}"`), `item ${n} in the HTML`);
    itemsInOrder(page);
    assert.match(html.text, /release records attached \(all verify\)/);

    const pdf = await exportAs("pdf");
    assert.equal(fs.readFileSync(pdf.file).subarray(0, 5).toString(), "%PDF-");
    const text = execFileSync("pdftotext", [pdf.file, "-"], { encoding: "utf8" }).split(/\s+/).join(" ");
    itemsInOrder(text);
  });
});
