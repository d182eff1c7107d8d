import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { GateReportView, GateRequest, StageSetResult, VersionDetail, VersionDocuments } from "../../api/bindings";
import { href } from "../../router";
import { mockBackend, noApprovals, renderWithErrors, versionDetail } from "../../test/backend";
import { check, checklist, gateReport, policy } from "../../test/gate";
import { VersionScreen } from "./VersionScreen";

const noDocuments: VersionDocuments = { model: "fraud-scorer", version: "1.2.0-3", complete: true, documents: [], compliance: [] };
const PASSING = gateReport([check("production.quality.rouge-l")], { passed: true });
const gate = (report: GateReportView = PASSING) => ({
  policy_show: () => policy(),
  gate_evaluate: (a: Record<string, unknown>) => ({ ...report, target: (a.req as GateRequest).to }),
  gate_checklist: () => checklist(),
});

describe("VersionScreen", () => {
  it("flags missing artifacts the core reports", async () => {
    mockBackend({ ...noApprovals(), ...gate(), version_get: () => versionDetail(), dataset_list: () => [], doc_check: () => noDocuments });
    renderWithErrors(<VersionScreen model="fraud-scorer" version="1.2.0-3" />);
    await screen.findByTestId("artifacts");
    expect(screen.queryByTestId("artifact-missing-bundle")).toBeNull();
    expect(screen.getByTestId("artifact-missing-commit")).toBeTruthy();
    expect(screen.getByTestId("artifact-missing-config")).toBeTruthy();
    expect(screen.getByTestId("version-coverage").getAttribute("href")).toBe(href.coverage("fraud-scorer", "1.2.0-3"));
  });

  it("promotes through stage_set, shows the side effects, and refreshes", async () => {
    let current: VersionDetail = versionDetail();
    const after = versionDetail({ stage: "production", moves: [] });
    const calls = mockBackend({
      ...noApprovals(),
      ...gate(),
      version_get: () => current,
      dataset_list: () => [],
      doc_check: () => noDocuments,
      stage_set: () => {
        current = after;
        const result: StageSetResult = {
          changes: [
            { version: "1.2.0-3", from: "canary", to: "production", kind: "promote" },
            { version: "1.1.0-8", from: "production", to: "rollback-target", kind: "supersede" },
          ],
          version: after,
          release: null,
        };
        return result;
      },
    });
    const user = userEvent.setup();
    renderWithErrors(<VersionScreen model="fraud-scorer" version="1.2.0-3" />);
    await user.click(await screen.findByTestId("move-production"));
    await screen.findByTestId("promote-gate-summary");
    await user.click(screen.getByTestId("confirm-move"));
    const result = await screen.findByTestId("stage-result");
    expect(result.textContent).toContain("1.1.0-8: Production → Rollback target");
    const heading = screen.getByRole("heading", { level: 1 });
    expect(within(heading).getByTestId("stage-chip").getAttribute("data-stage")).toBe("production");
    expect(calls.find((c) => c.cmd === "stage_set")?.args).toEqual({
      req: { model: "fraud-scorer", version: "1.2.0-3", stage: "production", reason: null, gate_digest: PASSING.digest },
    });
    await screen.findByText("No stage move is allowed from here right now.");
    expect(calls.filter((c) => c.cmd === "version_get").length).toBeGreaterThanOrEqual(2);
  });

  it("shows a refused demotion in the error banner", async () => {
    mockBackend({
      ...noApprovals(),
      ...gate(),
      version_get: () => versionDetail({ moves: [{ to: "candidate", allowed: true, kind: "demote", reason: "demote: withdraw the canary" }] }),
      dataset_list: () => [],
      doc_check: () => noDocuments,
      stage_set: () => {
        throw { code: "busy", message: "the workspace is locked by another writer" };
      },
    });
    const user = userEvent.setup();
    renderWithErrors(<VersionScreen model="fraud-scorer" version="1.2.0-3" />);
    await user.click(await screen.findByTestId("move-candidate"));
    await user.click(screen.getByTestId("confirm-move"));
    expect((await screen.findByRole("alert")).textContent).toContain("the workspace is locked by another writer");
    expect(screen.queryByTestId("stage-result")).toBeNull();
  });

  it("shows the gate of the next promotion, and another gated stage on request", async () => {
    const failing = gateReport(
      [
        check("production.quality.rouge-l", { seed: "§3.1", evidence: [{ kind: "run", label: "run 14 of production", digest: "sha256:" + "9".repeat(64) }] }),
        check("production.approvals.sre", { category: "approvals", seed: "§3.7", status: "missing-evidence", observed: "none", expected: "sre approval" }),
      ],
      { counts: { pass: 1, fail: 0, missing_evidence: 1, waived: 0 } },
    );
    const calls = mockBackend({
      ...noApprovals(),
      ...gate(failing),
      version_get: () => versionDetail(),
      dataset_list: () => [],
      doc_check: () => noDocuments,
    });
    const user = userEvent.setup();
    renderWithErrors(<VersionScreen model="fraud-scorer" version="1.2.0-3" />);
    const panel = await screen.findByTestId("gate-panel");
    expect((await within(panel).findByTestId("gate-summary")).textContent).toBe("1 pass, 0 fail, 1 missing");
    expect(within(panel).getByTestId("gate-verdict").textContent).toContain("Gate fails");
    const sre = within(panel).getByTestId("gate-check-production.approvals.sre");
    expect(sre.getAttribute("data-status")).toBe("missing-evidence");
    expect(within(within(panel).getByTestId("gate-group-approvals")).getByText("production.approvals.sre")).toBeTruthy();
    expect(within(panel).getByTestId("gate-check-production.quality.rouge-l").textContent).toContain("run 14 of production");
    expect(calls.find((c) => c.cmd === "gate_evaluate")?.args).toEqual({ req: { model: "fraud-scorer", version: "1.2.0-3", to: "production" } });

    await user.selectOptions(within(panel).getByTestId("gate-stage"), "canary");
    await waitFor(() => expect(calls.filter((c) => c.cmd === "gate_evaluate").map((c) => (c.args.req as GateRequest).to)).toContain("canary"));
  });
});
