import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { check, checklist, gateReport, policy } from "../../test/gate";
import { Checklist, GatePanel, nextPromotion } from "./GatePanel";

describe("GatePanel", () => {
  it("picks the next promotion the core offers", () => {
    expect(nextPromotion([{ to: "candidate", allowed: true, kind: "demote", reason: "" }])).toBeNull();
    expect(
      nextPromotion([
        { to: "candidate", allowed: true, kind: "demote", reason: "" },
        { to: "production", allowed: false, kind: "promote", reason: "" },
      ]),
    ).toBe("production");
  });

  it("shows a waived check with its waiver and the notes of the report", async () => {
    const report = gateReport(
      [
        check("production.fairness.selection-rate", {
          category: "fairness",
          seed: "§3.3",
          status: "waived",
          waiver: { waived_status: "fail", rationale: "small cohort", expires_at: "2026-03-01", envelopes: [{ kind: "envelope", label: "waiver by Priya", digest: "sha256:" + "7".repeat(64) }] },
        }),
      ],
      { passed: true, notes: ["approvals were read before the roster existed"] },
    );
    mockBackend({ policy_show: () => policy(["production"]), gate_evaluate: () => report });
    renderWithErrors(<GatePanel model="fraud-scorer" version="1.2.0-3" moves={[{ to: "production", allowed: true, kind: "promote", reason: "" }]} />);
    const waived = await screen.findByTestId("gate-check-production.fairness.selection-rate");
    expect(within(waived).getByTestId("check-waiver").textContent).toBe(
      "Waived (it was fail) until 2026-03-01: small cohortwaiver by Priya sha256:777777777777…",
    );
    expect(screen.getByTestId("gate-summary").textContent).toBe("0 pass, 0 fail, 0 missing, 1 waived");
    expect(screen.getByTestId("gate-verdict").textContent).toContain("Gate passes");
    expect(screen.getByTestId("gate-notes").textContent).toContain("before the roster existed");
  });

  it("lists the ten checklist items with the mark and checks the core gave each", async () => {
    const items = Array.from({ length: 10 }, (_, i) => ({
      number: i + 1,
      text: `item ${i + 1}`,
      mark: i === 6 ? ("missing" as const) : ("met" as const),
      symbol: i === 6 ? "missing" : "✓",
      checks: i === 6 ? [{ id: "production.approvals.sre", status: "missing-evidence" as const }] : [],
      blocking: i === 6 ? ["production.approvals.sre"] : [],
    }));
    mockBackend({ gate_checklist: () => checklist({ items }) });
    renderWithErrors(<Checklist model="fraud-scorer" version="1.2.0-3" />);
    expect((await screen.findByTestId("checklist-verdict")).textContent).toBe("Not eligible for production 9 of 10 items met");
    const seven = screen.getByTestId("checklist-item-7");
    expect(seven.getAttribute("data-mark")).toBe("missing");
    expect(seven.textContent).toContain("production.approvals.sre: missing evidence (stops this item)");
    expect(screen.getAllByRole("listitem").filter((li) => li.dataset.testid?.startsWith("checklist-item-"))).toHaveLength(10);
  });
});
