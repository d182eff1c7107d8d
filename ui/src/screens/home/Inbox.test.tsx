import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { InboxView } from "../../api/bindings";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { Inbox } from "./Inbox";

const INBOX: InboxView = {
  name: "Tom Becker",
  email: "tom@companyos.example",
  roles: ["sre"],
  awaiting: [{ model: "summarize-copilot", version: "1.2.0-12", stage: "canary", target: "production", role: "sre", state: "awaiting", reasons: [] }],
  stale: [
    {
      model: "summarize-copilot",
      version: "1.3.0-15",
      stage: "candidate",
      target: "canary",
      role: "sre",
      state: "stale",
      reasons: ["the runbook changed since you signed (r1 → r2)"],
    },
  ],
  failing_gates: [
    { model: "summarize-copilot", version: "1.3.0-15", stage: "candidate", target: "canary", blocking: 5, first: ["canary.fairness.selection-rate", "canary.data-policy.security-review", "canary.canary.kill-switch"] },
  ],
};

describe("Inbox", () => {
  it("lists what the core says the person owes, with links to the approvals and the gate", async () => {
    mockBackend({ review_inbox: () => INBOX });
    renderWithErrors(<Inbox />);
    const inbox = await screen.findByTestId("inbox");
    expect(screen.getByTestId("inbox-who").textContent).toBe("For Tom Becker (tom@companyos.example) · SRE");
    const awaiting = screen.getByTestId("inbox-awaiting-summarize-copilot@1.2.0-12-sre");
    expect(awaiting.textContent).toBe("summarize-copilot@1.2.0-12 Canary → Production · your SRE sign-off");
    expect(within(awaiting).getByRole("link").getAttribute("href")).toBe("#/models/summarize-copilot/versions/1.2.0-12/approvals");
    const stale = screen.getByTestId("inbox-stale-summarize-copilot@1.3.0-15-sre");
    expect(stale.textContent).toContain("Stale");
    expect(stale.textContent).toContain("the runbook changed since you signed (r1 → r2)");
    const gate = screen.getByTestId("inbox-gate-summarize-copilot@1.3.0-15");
    expect(gate.textContent).toContain("5 checks stop it: canary.fairness.selection-rate, canary.data-policy.security-review, canary.canary.kill-switch and 2 more");
    expect(within(gate).getByRole("link").getAttribute("href")).toBe("#/models/summarize-copilot/versions/1.3.0-15");
    expect(within(inbox).queryByTestId("inbox-empty")).toBeNull();
  });

  it("says so when nothing waits", async () => {
    mockBackend({ review_inbox: () => ({ ...INBOX, awaiting: [], stale: [], failing_gates: [] }) });
    renderWithErrors(<Inbox />);
    expect((await screen.findByTestId("inbox-empty")).textContent).toContain("Nothing waits for you");
  });

  it("shows the core's words when the key is not in the roster, and nothing (no banner) without an identity", async () => {
    mockBackend({
      review_inbox: () => {
        throw { code: "untrusted", message: "your key ab:cd (Ana) is not an active member of this workspace's roster" };
      },
    });
    const { unmount } = renderWithErrors(<Inbox />);
    expect((await screen.findByTestId("inbox-unavailable")).textContent).toContain("is not an active member");
    expect(screen.queryByRole("alert")).toBeNull();
    unmount();

    const calls = mockBackend({
      review_inbox: () => {
        throw { code: "keyring", message: "no identity" };
      },
    });
    renderWithErrors(<Inbox />);
    await vi.waitFor(() => expect(calls.map((c) => c.cmd)).toEqual(["review_inbox"]));
    expect(screen.queryByTestId("inbox")).toBeNull();
    expect(screen.queryByTestId("inbox-unavailable")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("puts any other failure in the error banner", async () => {
    mockBackend({
      review_inbox: () => {
        throw { code: "corrupt", message: "the approvals table is damaged" };
      },
    });
    renderWithErrors(<Inbox />);
    expect((await screen.findByRole("alert")).textContent).toContain("the approvals table is damaged");
  });
});
