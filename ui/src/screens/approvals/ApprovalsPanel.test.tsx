import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ApprovalsView, IdentityView, ReviewSubjectView, RosterView, StageMove } from "../../api/bindings";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { ApprovalsPanel } from "./ApprovalsPanel";
// Recorded from the real core for the demo (ui/flows/app/trust/generate.sh).
import canaryJson from "../../../flows/app/trust/approvals-1.2.0-12.json";
import candidateJson from "../../../flows/app/trust/approvals-1.3.0-15.json";
import canarySubjectJson from "../../../flows/app/trust/subject-1.2.0-12.json";
import candidateSubjectJson from "../../../flows/app/trust/subject-1.3.0-15.json";
import rosterJson from "../../../flows/app/trust/roster.json";
import tomJson from "../../../flows/app/trust/key-show.json";

const canary = canaryJson as ApprovalsView;
const candidate = candidateJson as ApprovalsView;
const roster = rosterJson as RosterView;
const tom = tomJson as IdentityView;
const MODEL = "summarize-copilot";
const toProduction: StageMove[] = [{ to: "production", allowed: true, kind: "promote", reason: "promote" }];
const toCanary: StageMove[] = [{ to: "canary", allowed: true, kind: "promote", reason: "promote" }];

function backend(approvals: ApprovalsView, subject: unknown, identity: IdentityView | null = tom) {
  return mockBackend({
    approval_list: () => approvals,
    review_subject: () => subject as ReviewSubjectView,
    roster_show: () => roster,
    key_show: () => {
      if (!identity) throw { code: "keyring", message: "no identity in the OS keyring; create one with `steward key init`" };
      return identity;
    },
    approval_sign: () => canary.approvals[0],
  });
}

describe("ApprovalsPanel", () => {
  it("shows the canary's four current approvals of five, by role, with the subject", async () => {
    backend(canary, canarySubjectJson);
    renderWithErrors(<ApprovalsPanel model={MODEL} version="1.2.0-12" stage="canary" moves={toProduction} />);
    expect((await screen.findByTestId("approvals-summary")).textContent).toBe("4 of 5 roles approved");
    for (const role of ["model-owner", "product-ux", "security-privacy", "responsible-ai-legal"]) {
      const row = screen.getByTestId(`role-${role}`);
      expect(within(row).getByTestId("approval-state").getAttribute("data-state")).toBe("current");
    }
    expect(within(screen.getByTestId("role-sre")).getByText("Not signed yet.")).toBeTruthy();
    expect(screen.getByTestId("approvals-root").textContent).toContain(canary.roster_root_fingerprint ?? "");
    const items = await screen.findByTestId("subject-items");
    expect(items.querySelectorAll("tbody tr").length).toBe((canarySubjectJson as ReviewSubjectView).items.length);
    expect(screen.getByTestId("subject-digest").textContent).toBe((canarySubjectJson as ReviewSubjectView).subject_digest);
  });

  it("marks the candidate's approval stale with the core's reason", async () => {
    backend(candidate, candidateSubjectJson);
    renderWithErrors(<ApprovalsPanel model={MODEL} version="1.3.0-15" stage="candidate" moves={toCanary} />);
    const owner = await screen.findByTestId("role-model-owner");
    expect(within(owner).getByTestId("approval-state").textContent).toBe("Stale");
    expect(within(owner).getByTestId("approval-reasons").textContent).toBe("model-card is at revision 3, signed at revision 2");
    expect(screen.getByTestId("approvals-summary").textContent).toBe("0 of 5 roles approved");
  });

  it("takes every mark from the wire, even one it has no word for", async () => {
    const [first, ...rest] = canary.approvals;
    if (!first) throw new Error("the recording has approvals");
    const revoked: ApprovalsView = {
      ...canary,
      approvals: [{ ...first, state: "revoked-key", counts: false, reasons: ["key revoked at roster change 9"] }, { ...first, id: 99, role: "sre", state: "frobnicated", counts: false, reasons: [] }, ...rest],
    };
    backend(revoked, canarySubjectJson);
    renderWithErrors(<ApprovalsPanel model={MODEL} version="1.2.0-12" stage="canary" moves={toProduction} />);
    const owner = await screen.findByTestId("role-model-owner");
    expect(within(owner).getByTestId("approval-state").textContent).toBe("Revoked key");
    expect(within(owner).getByTestId("approval-reasons").textContent).toBe("key revoked at roster change 9");
    expect(within(screen.getByTestId("role-sre")).getByTestId("approval-state").textContent).toBe("frobnicated");
    expect(screen.getByTestId("approvals-summary").textContent).toBe("3 of 5 roles approved");
  });

  it("signs in the core as the identity's role, with the decision and comment", async () => {
    const calls = backend(canary, canarySubjectJson);
    const user = userEvent.setup();
    renderWithErrors(<ApprovalsPanel model={MODEL} version="1.2.0-12" stage="canary" moves={toProduction} />);
    await user.type(await screen.findByTestId("sign-comment"), "add the pager rota");
    await user.click(screen.getByTestId("sign-request-changes"));
    expect(calls.find((c) => c.cmd === "approval_sign")?.args).toEqual({
      req: { model: MODEL, version: "1.2.0-12", role: "sre", to: "production", decision: "request-changes", comment: "add the pager rota" },
    });
    expect(calls.filter((c) => c.cmd === "approval_list").length).toBeGreaterThanOrEqual(2);
  });

  it("without an identity, says what the core said and where to create one", async () => {
    backend(canary, canarySubjectJson, null);
    renderWithErrors(<ApprovalsPanel model={MODEL} version="1.2.0-12" stage="canary" moves={toProduction} />);
    const note = await screen.findByTestId("sign-no-identity");
    expect(note.textContent).toContain("no identity in the OS keyring");
    expect(screen.queryByTestId("sign-approve")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
