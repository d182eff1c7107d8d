// Chromium flows of the trust layer (issue 9) against the fake core (flows/app/fake-trust.ts),
// which answers with what the real core answered for `steward demo` (flows/app/trust/).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, assertClean, openApp, setupFlows } from "./harness.mjs";

const flows = setupFlows();

describe("trust flows", () => {
  test("the demo canary: four of five approvals, the SRE signs in the studio, a review packet goes out", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/summarize-copilot/versions/1.2.0-12`);
    const summary = page.getByTestId("approvals-summary");
    await summary.waitFor();
    assert.equal(await summary.innerText(), "4 of 5 roles approved");
    assert.equal(await page.getByTestId("approvals-stage").inputValue(), "production");
    for (const role of ["model-owner", "product-ux", "security-privacy", "responsible-ai-legal"]) {
      assert.equal(await page.getByTestId(`role-${role}`).getByTestId("approval-state").getAttribute("data-state"), "current", role);
    }
    assert.match(await page.getByTestId("role-model-owner").innerText(), /Approved by Priya Raman/);
    assert.match(await page.getByTestId("role-sre").innerText(), /Not signed yet/);
    assert.match(await page.getByTestId("approvals-root").innerText(), /[0-9A-F]{4}( [0-9A-F]{4}){9}/);
    await page.getByTestId("subject-items").waitFor();
    assert.match(await page.getByTestId("subject-items").innerText(), /bundle[\s\S]*summarize-copilot@1\.2\.0-12[\s\S]*evidence\tgolden-set run \d+[\s\S]*gate report\tgate to production\t/);
    const sheet = page.getByTestId("subject-items").getByRole("link", { name: "data-sheet of meeting-notes@2026-09-15 r2" });
    assert.equal(await sheet.getAttribute("href"), "#/documents/meeting-notes%402026-09-15/data-sheet");
    await page.setViewportSize({ width: 1280, height: 2600 });
    await page.screenshot({ path: join(ARTIFACTS, "approvals-canary.png") });
    await page.setViewportSize({ width: 1280, height: 820 });

    // Tom (the demo's SRE) signs by keyboard: the role follows his roster grant.
    assert.equal(await page.getByTestId("sign-role").inputValue(), "sre");
    await page.getByTestId("sign-comment").fill("on-call runbook checked");
    await page.getByTestId("sign-comment").press("Tab");
    await page.keyboard.press("Enter");
    await page.getByTestId("role-sre").getByTestId("approval-state").waitFor();
    assert.equal(await page.getByTestId("role-sre").getByTestId("approval-state").getAttribute("data-state"), "current");
    assert.equal(await summary.innerText(), "5 of 5 roles approved");
    const signed = await page.evaluate(() => window.__fake?.calls.filter((c) => c.cmd === "approval_sign").map((c) => c.args));
    assert.deepEqual(signed, [
      { req: { model: "summarize-copilot", version: "1.2.0-12", role: "sre", to: "production", decision: "approve", comment: "on-call runbook checked" } },
    ]);

    // A packet for the reviewers, written by the shell where the save dialog said.
    await page.getByTestId("review-export").click();
    await page.getByTestId("approvals-note").filter({ hasText: "summarize-copilot-1.2.0-12-production.review.json" }).waitFor();
    const files = await page.evaluate(() => window.__exported ?? []);
    assert.equal(files[0]?.path, "/home/ana/exports/summarize-copilot-1.2.0-12-production.review.json");

    // An approval signed for another version is refused with the core's words.
    await page.evaluate(() => window.__dropFiles?.(["/home/ana/Downloads/hana.approval.json"]));
    await page.getByTestId("error-banner").filter({ hasText: "an approval counts only for the version it was signed for" }).waitFor();
    await page.getByTestId("error-dismiss").click();
    assertClean(problems);
    await page.close();
  });

  test("the demo candidate: the stale approval with its reason; an offline approval is imported", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}#/models/summarize-copilot/versions/1.3.0-15`);
    const owner = page.getByTestId("role-model-owner");
    await owner.getByTestId("approval-state").waitFor();
    assert.equal(await owner.getByTestId("approval-state").innerText(), "Stale");
    assert.equal(await owner.getByTestId("approval-reasons").innerText(), "model-card is at revision 3, signed at revision 2");
    assert.equal(await page.getByTestId("approvals-stage").inputValue(), "canary");
    assert.equal(await page.getByTestId("approvals-summary").innerText(), "0 of 5 roles approved");

    await page.getByTestId("approval-import").click();
    await page.getByTestId("approvals-note").filter({ hasText: "Hana Suzuki" }).waitFor();
    const security = page.getByTestId("role-security-privacy");
    assert.equal(await security.getByTestId("approval-state").getAttribute("data-state"), "current");
    assert.match(await security.innerText(), /imported from a file/);
    assert.equal(await page.getByTestId("approvals-summary").innerText(), "1 of 5 roles approved");
    assertClean(problems);
    await page.close();
  });

  test("first start: create and export an identity; the roster takes a newcomer's key file; a packet is read and signed offline", async () => {
    const { page, problems } = await openApp(flows.browser.context, `${flows.server.url}?noidentity#/settings`);
    await page.getByTestId("identity-create").waitFor();
    assert.match(await page.getByTestId("identity-missing").innerText(), /no identity in the OS keyring/);
    await page.getByTestId("identity-name-input").fill("Ana López");
    await page.getByTestId("identity-email-input").fill("ana@companyos.example");
    await page.getByTestId("identity-submit").click();
    await page.getByTestId("identity-created").waitFor();
    assert.match(await page.getByTestId("identity-name").innerText(), /Ana López/);
    assert.match(await page.getByTestId("identity-fingerprint").innerText(), /^[0-9A-F]{4}( [0-9A-F]{4}){9}$/);
    assert.match(await page.getByTestId("identity-keyid").innerText(), /^[0-9a-f]{64}$/);
    await page.getByTestId("identity-export").click();
    await page.getByTestId("identity-exported").filter({ hasText: "/home/ana/exports/ana@companyos.example.key.json" }).waitFor();

    await page.keyboard.press("Alt+4");
    await page.getByTestId("roster-members").waitFor();
    assert.equal(await page.locator("[data-testid=roster-members] tbody tr").count(), 5);
    assert.match(await page.getByTestId("member-tom@companyos.example").innerText(), /SRE/);
    await page.getByTestId("roster-add").click();
    await page.getByTestId("member-ana@companyos.example").waitFor();
    assert.equal(await page.locator("[data-testid=roster-members] tbody tr").count(), 6);
    assert.match(await page.getByTestId("roster-history").innerText(), /Ana López/);

    // A reviewer without the workspace reads a packet and signs it to a file to send back.
    await page.getByTestId("packet-open").click();
    await page.getByTestId("packet-items").waitFor();
    assert.match(await page.getByTestId("packet-items").innerText(), /summarize-copilot@1\.3\.0-15/);
    await page.getByTestId("packet-doc-model-card").locator("summary").click();
    assert.match(await page.getByTestId("packet-doc-model-card").innerText(), /Temperature lowered from 0\.7 to 0\.4/);
    await page.getByTestId("packet-sign-role").selectOption("security-privacy");
    await page.getByTestId("packet-sign-comment").fill("threat model reviewed");
    await page.getByTestId("packet-sign-approve").click();
    await page.getByTestId("packet-signed").filter({ hasText: "summarize-copilot-1.3.0-15-security-privacy.approval.json" }).waitFor();
    const files = await page.evaluate(() => window.__exported ?? []);
    assert.deepEqual(files.map((f) => f.path), ["/home/ana/exports/ana@companyos.example.key.json", "/home/ana/exports/summarize-copilot-1.3.0-15-security-privacy.approval.json"]);
    assertClean(problems);
    await page.close();
  });
});
