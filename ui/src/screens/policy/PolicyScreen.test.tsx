import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { PolicyCheck, PolicyCheckRequest, PolicyHistory, PolicyRevisionView } from "../../api/bindings";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { policy } from "../../test/gate";
import { PolicyScreen } from "./PolicyScreen";

const TEXT = 'name = "default"\n[stages.production]\n';
const BAD = 'name = "default"\n[stages.production]\ncriteria = 3\n';
const valid: PolicyCheck = { file: "(text)", valid: true, name: "default", stages: ["production"], error: null, warnings: [] };
const invalid: PolicyCheck = {
  file: "(text)",
  valid: false,
  name: null,
  stages: [],
  error: {
    line: 3,
    key: "stages.production.criteria",
    kind: "wrong-type",
    detail: "found an integer",
    expected: "an array of tables",
    message: "(text):3: stages.production.criteria: found an integer, expected an array of tables",
  },
  warnings: [],
};
const rev = (number: number, message: string): PolicyRevisionView => ({
  number,
  sha256: "sha256:" + String(number).repeat(64),
  name: "default",
  author: "ana.lopez",
  message,
  created_at: "2026-01-10T09:00:00Z",
});

function backend(history: PolicyHistory = { source: "default", revisions: [] }) {
  let stored = history;
  return mockBackend({
    policy_show: () =>
      stored.revisions.length > 0 ? policy(["production"], { source: "stored", revision: stored.revisions[0] ?? null, text: TEXT + "# r\n", sha256: "sha256:" + "2".repeat(64) }) : policy(["production"], { text: TEXT }),
    policy_history: () => stored,
    policy_check: (a) => ((a.req as PolicyCheckRequest).text.includes("criteria = 3") ? invalid : { ...valid, warnings: (a.req as PolicyCheckRequest).text.includes("# warn") ? [{ line: 2, key: "stages.production", message: "no criterion can pass" }] : [] }),
    policy_set: () => {
      stored = { source: "stored", revisions: [rev(1, "stricter")] };
      return { revision: rev(1, "stricter"), unchanged: false, warnings: [] };
    },
    policy_diff: (a) => ({
      from: a.from,
      to: a.to,
      lines: [
        { tag: "equal", old_line: 1, new_line: 1, text: 'name = "default"' },
        { tag: "insert", old_line: null, new_line: 2, text: "# r" },
      ],
      insertions: 1,
      deletions: 0,
      unified: "",
    }),
  });
}

describe("PolicyScreen", () => {
  it("shows the built-in default in force and an empty history", async () => {
    backend();
    renderWithErrors(<PolicyScreen />);
    expect((await screen.findByTestId("policy-in-force")).textContent).toContain("the built-in default");
    expect(await screen.findByTestId("policy-history-empty")).toBeTruthy();
    expect((screen.getByTestId("policy-save") as HTMLButtonElement).disabled).toBe(true);
  });

  it("validates the edited text in the core, naming line and key, and blocks saving until fixed", async () => {
    const calls = backend();
    renderWithErrors(<PolicyScreen />);
    const area = (await screen.findByTestId("policy-text")) as HTMLTextAreaElement;
    fireEvent.change(area, { target: { value: BAD } });
    const error = await screen.findByTestId("policy-error");
    expect(error.textContent).toContain("Line 3, key stages.production.criteria");
    expect(error.textContent).toContain("Expected: an array of tables");
    expect((screen.getByTestId("policy-save") as HTMLButtonElement).disabled).toBe(true);
    expect(calls.filter((c) => c.cmd === "policy_check").at(-1)?.args).toEqual({ req: { text: BAD, file: null } });

    const user = userEvent.setup();
    await user.click(screen.getByTestId("policy-error-goto"));
    expect(document.activeElement).toBe(area);
    expect(area.value.slice(area.selectionStart, area.selectionEnd)).toBe("criteria = 3");

    fireEvent.change(area, { target: { value: TEXT + "# warn\n" } });
    expect((await screen.findByTestId("policy-warning")).textContent).toContain("no criterion can pass");
    await waitFor(() => expect((screen.getByTestId("policy-save") as HTMLButtonElement).disabled).toBe(false));
  });

  it("saves with a message, then shows the stored revision and diffs it against the default", async () => {
    const calls = backend();
    const user = userEvent.setup();
    renderWithErrors(<PolicyScreen />);
    const area = await screen.findByTestId("policy-text");
    fireEvent.change(area, { target: { value: TEXT + "# r\n" } });
    await waitFor(() => expect((screen.getByTestId("policy-save") as HTMLButtonElement).disabled).toBe(false));
    await user.type(screen.getByTestId("policy-message"), "stricter");
    await user.click(screen.getByTestId("policy-save"));
    expect((await screen.findByTestId("policy-saved")).textContent).toContain("Saved as r1");
    expect(calls.find((c) => c.cmd === "policy_set")?.args).toEqual({ req: { text: TEXT + "# r\n", file: null, message: "stricter" } });
    expect((await screen.findByTestId("policy-in-force")).textContent).toContain("stored revision r1");
    const row = await screen.findByTestId("policy-revision-1");
    expect(row.textContent).toContain("stricter");
    await user.click(screen.getByTestId("policy-diff-show"));
    expect(calls.find((c) => c.cmd === "policy_diff")?.args).toEqual({ from: 0, to: 1 });
    const diff = await screen.findByTestId("diff-view");
    expect(within(diff).getByTestId("diff-summary").textContent).toBe("default → r1: 1 line added, 0 lines removed");
  });
});
