import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { AuditEntryView, AuditVerifyResult } from "../../api/bindings";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { AuditScreen } from "./AuditScreen";
// Recorded from the real core: `steward audit verify --deep --json` on a demo workspace whose
// file was edited with sqlite3 (a revision's content, a provenance field, a deleted stage
// history entry, a forced stage).
import recorded from "./deep-verify.recorded.json";

const ENTRIES: AuditEntryView[] = [2, 1].map((seq) => ({
  seq,
  at: "2025-09-01T09:00:00Z",
  actor: "ana",
  action: "model.create",
  subject: `m${seq}`,
  detail: "{}",
  prev_hash: "0",
  hash: "1",
}));

function setup(result: AuditVerifyResult) {
  mockBackend({ audit_log: () => ENTRIES, audit_verify: () => result });
  renderWithErrors(<AuditScreen />);
}

describe("AuditScreen", () => {
  it("lists entries newest first", async () => {
    setup({ ok: true, entries: 2, first_broken: null, deep: false, rows: 0, mismatches: [] });
    await screen.findByTestId("audit-table");
    expect(screen.getByTestId("audit-row-2").textContent).toContain("m2");
    expect(screen.getByTestId("audit-row-1")).toBeTruthy();
  });

  it("shows OK with the entry count", async () => {
    setup({ ok: true, entries: 1234, first_broken: null, deep: false, rows: 0, mismatches: [] });
    await userEvent.setup().click(screen.getByTestId("audit-verify"));
    const result = await screen.findByTestId("audit-result");
    expect(result.getAttribute("data-ok")).toBe("true");
    expect(result.textContent).toContain("All 1,234 entries verified");
  });

  it("shows the first broken entry's seq and reason as an alert", async () => {
    setup({ ok: false, entries: 2, first_broken: { seq: 1, reason: "prev_hash does not match entry 0" }, deep: false, rows: 0, mismatches: [] });
    await screen.findByTestId("audit-table");
    await userEvent.setup().click(screen.getByTestId("audit-verify"));
    const result = await screen.findByTestId("audit-result");
    expect(result.getAttribute("role")).toBe("alert");
    expect(result.textContent).toContain("Chain broken at entry #1");
    expect(result.textContent).toContain("prev_hash does not match entry 0");
    expect(screen.getByTestId("audit-row-1").className).toContain("is-broken");
  });

  it("deep verify asks the core for a deep check and lists every mismatch it names", async () => {
    let asked: unknown = null;
    mockBackend({
      audit_log: () => ENTRIES,
      audit_verify: (args: unknown) => {
        asked = args;
        return recorded as AuditVerifyResult;
      },
    });
    renderWithErrors(<AuditScreen />);
    await userEvent.setup().click(await screen.findByTestId("audit-verify-deep"));
    const result = await screen.findByTestId("audit-result");
    expect(asked).toEqual({ deep: true });
    expect(result.getAttribute("data-ok")).toBe("false");
    const items = screen.getByTestId("audit-mismatches").querySelectorAll("li");
    expect(items.length).toBe((recorded as AuditVerifyResult).mismatches.length);
    expect(result.textContent).toContain("license is cc0 where the audit log says");
  });
});
