import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { IdentityView, MemberView, Role, RosterView, WaiverSignatureView } from "../../api/bindings";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { check, gateReport, policy } from "../../test/gate";
import { GatePanel } from "./GatePanel";

const ME: IdentityView = { identity: "priya@companyos.example", keyid: "k".repeat(64), fingerprint: "SHA256:me", name: "Priya Nair", email: "priya@companyos.example", public_key: "ab", keyring_service: "steward", backend: "Secret Service" };

function roster(roles: Role[]): RosterView {
  const member = { keyid: ME.keyid, fingerprint: ME.fingerprint, name: ME.name, email: ME.email, roles, admin: false, active: true, retired: null, added: 1 } satisfies MemberView;
  return { root: ME.keyid, root_fingerprint: ME.fingerprint, members: [member], history: [], problems: [] };
}

const SELECTION = check("production.fairness.selection-rate", {
  category: "fairness",
  status: "fail",
  observed: "ratio 0.71 on locale=es",
  expected: ">= 0.80",
  waiver_notes: ["a waiver needs a current responsible-ai-legal signature too"],
});
const SRE = check("production.approvals.sre", { category: "approvals", status: "missing-evidence" });

const SIGNED: WaiverSignatureView = {
  check_id: SELECTION.id,
  role: "model-owner",
  signer_name: "Maya Chen",
  rationale: "es cohort is 40 users; mitigation plan in review",
  expires_at: "2026-03-01T00:00:00Z",
  signed_at: "2026-01-09T10:00:00Z",
  state: "current",
  reasons: [],
  digest: "sha256:" + "5".repeat(64),
};

function backend(roles: Role[], waivers: WaiverSignatureView[] = []) {
  let stored = waivers;
  const calls = mockBackend({
    policy_show: () => policy(["production"]),
    gate_evaluate: () => gateReport([SELECTION, SRE]),
    waivers: () => stored,
    roster_show: () => roster(roles),
    key_show: () => ME,
    waive: (a) => {
      const signed: WaiverSignatureView = { ...SIGNED, role: "responsible-ai-legal", signer_name: ME.name, state: "current", digest: "sha256:" + "6".repeat(64) };
      stored = [...stored, signed];
      void a;
      return signed;
    },
  });
  return calls;
}

const MOVES = [{ to: "production" as const, allowed: true, kind: "promote" as const, reason: "" }];

describe("waivers in the gate panel", () => {
  it("shows the signatures the core holds and why a waiver does not count yet", async () => {
    backend(["sre"], [{ ...SIGNED, state: "expired", reasons: ["it expired on 2026-01-01"] }]);
    renderWithErrors(<GatePanel model="summarize-copilot" version="1.2.0-12" moves={MOVES} />);
    const c = await screen.findByTestId("gate-check-production.fairness.selection-rate");
    const sig = await within(c).findByTestId("waiver-signature");
    expect(sig.getAttribute("data-state")).toBe("expired");
    expect(sig.textContent).toContain("Model owner: Maya Chen");
    expect(sig.textContent).toContain("it expired on 2026-01-01");
    expect(c.textContent).toContain("a waiver needs a current responsible-ai-legal signature too");
    // An SRE holds no waiver role: nothing to sign.
    expect(screen.queryByTestId("waive-production.fairness.selection-rate")).toBeNull();
  });

  it("lets a responsible-AI/legal holder sign one for a failing check, never for a sign-off, by keyboard", async () => {
    const calls = backend(["responsible-ai-legal", "sre"], [SIGNED]);
    const user = userEvent.setup();
    renderWithErrors(<GatePanel model="summarize-copilot" version="1.2.0-12" moves={MOVES} />);
    const button = await screen.findByTestId("waive-production.fairness.selection-rate");
    expect(screen.queryByTestId("waive-production.approvals.sre")).toBeNull();
    button.focus();
    await user.keyboard("{Enter}");
    const dialog = await screen.findByTestId("waive-dialog");
    expect(dialog.textContent).toContain("Observed ratio 0.71 on locale=es; expected >= 0.80");
    expect(within(dialog).getAllByRole("option").map((o) => o.textContent)).toEqual(["Responsible AI / legal"]);
    await user.click(screen.getByTestId("waive-sign"));
    expect(screen.getByTestId("waive-error").textContent).toContain("Rationale is empty");
    await user.type(screen.getByTestId("waive-rationale"), "small cohort, mitigation planned");
    await user.click(screen.getByTestId("waive-sign"));
    expect(screen.getByTestId("waive-error").textContent).toContain("Expires on is empty");
    expect(calls.filter((c) => c.cmd === "waive")).toEqual([]);
    await user.type(screen.getByTestId("waive-expiry"), "2026-03-01");
    await user.click(screen.getByTestId("waive-sign"));
    expect(calls.filter((c) => c.cmd === "waive").map((c) => c.args)).toEqual([
      {
        req: {
          model: "summarize-copilot",
          version: "1.2.0-12",
          check_id: "production.fairness.selection-rate",
          role: "responsible-ai-legal",
          rationale: "small cohort, mitigation planned",
          expires_at: "2026-03-01",
        },
      },
    ]);
    const c = screen.getByTestId("gate-check-production.fairness.selection-rate");
    await waitFor(() => expect(within(c).getAllByTestId("waiver-signature").map((x) => x.textContent?.split(" · ")[0])).toEqual(["Model owner: Maya Chen", "Responsible AI / legal: Priya Nair"]));
    expect(screen.queryByTestId("waive-dialog")).toBeNull();
    // The gate is evaluated again after the signature.
    expect(calls.filter((c) => c.cmd === "gate_evaluate").length).toBeGreaterThanOrEqual(2);
  });
});
