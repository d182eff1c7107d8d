import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { GateReportView, StageMove } from "../../api/bindings";
import { check, gateReport } from "../../test/gate";
import { Moves, StageResult } from "./Moves";

const MOVES: StageMove[] = [
  { to: "production", allowed: true, kind: "promote", reason: "promote: becomes the default serving path" },
  { to: "candidate", allowed: true, kind: "demote", reason: "demote: withdraw the canary" },
  { to: "experiment", allowed: false, kind: null, reason: "a canary goes back one stage at a time; demote it to candidate first" },
  { to: "deprecated", allowed: true, kind: "deprecate", reason: "deprecate: freeze for reference and remove traffic" },
];

const PASSING = gateReport([check("production.quality.rouge-l")], { passed: true, digest: "sha256:" + "1".repeat(64) });
const FAILING = gateReport(
  [
    check("production.quality.rouge-l"),
    check("production.approvals.sre", {
      category: "approvals",
      status: "missing-evidence",
      observed: "no current SRE approval",
      expected: "a current approval signed by a member with role sre",
    }),
  ],
  { passed: false, digest: "sha256:" + "2".repeat(64) },
);

function setup(gate: (to: string) => Promise<GateReportView>, onMove = vi.fn().mockResolvedValue(undefined)) {
  const onError = vi.fn();
  const evaluateGate = vi.fn(gate);
  render(<Moves version="1.2.0-3" stage="canary" moves={MOVES} evaluateGate={evaluateGate} onMove={onMove} onError={onError} />);
  return { onMove, onError, evaluateGate, user: userEvent.setup() };
}

describe("Moves", () => {
  it("shows allowed moves as buttons and refused ones disabled with the core's reason", () => {
    setup(() => Promise.resolve(PASSING));
    const promote = screen.getByTestId("move-production") as HTMLButtonElement;
    expect(promote.disabled).toBe(false);
    expect(promote.textContent).toBe("Promote to Production");
    expect((screen.getByTestId("move-deprecated") as HTMLButtonElement).disabled).toBe(false);

    const refused = screen.getByTestId("move-experiment") as HTMLButtonElement;
    expect(refused.disabled).toBe(true);
    const reason = document.getElementById(refused.getAttribute("aria-describedby") ?? "");
    expect(reason?.textContent).toBe("a canary goes back one stage at a time; demote it to candidate first");
  });

  it("evaluates the gate of a promotion and sends its digest with the reason", async () => {
    let answer: (r: GateReportView) => void = () => undefined;
    const { onMove, evaluateGate, user } = setup(() => new Promise((resolve) => (answer = resolve)));
    await user.click(screen.getByTestId("move-production"));
    expect(evaluateGate).toHaveBeenCalledWith("production");
    const confirm = screen.getByTestId("confirm-move") as HTMLButtonElement;
    expect(screen.getByTestId("promote-gate-evaluating")).toBeTruthy();
    expect(confirm.disabled).toBe(true); // until the core answered
    answer(PASSING);
    expect((await screen.findByTestId("promote-gate-summary")).textContent).toBe("1 pass, 0 fail, 0 missing");
    expect(confirm.disabled).toBe(false);
    await user.type(screen.getByTestId("move-reason"), "48 h clean");
    await user.click(confirm);
    expect(onMove).toHaveBeenCalledWith("production", "48 h clean", PASSING.digest);
    await waitFor(() => expect(screen.queryByTestId("confirm-move")).toBeNull());
  });

  it("keeps confirm disabled while the gate fails and lists what each failing check expects", async () => {
    const { onMove, user } = setup(() => Promise.resolve(FAILING));
    await user.click(screen.getByTestId("move-production"));
    const blocking = await screen.findByTestId("blocking-production.approvals.sre");
    expect(blocking.textContent).toContain("expected a current approval signed by a member with role sre");
    expect(blocking.textContent).toContain("missing evidence");
    expect(screen.queryByTestId("blocking-production.quality.rouge-l")).toBeNull();
    const confirm = screen.getByTestId("confirm-move") as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.click(confirm);
    expect(onMove).not.toHaveBeenCalled();
  });

  it("evaluates the gate again and shows the new report when the core refuses the confirmed digest", async () => {
    const reports = [PASSING, FAILING];
    const onMove = vi.fn().mockRejectedValue({ code: "conflict", message: "the gate decides differently now" });
    const { onError, evaluateGate, user } = setup(() => Promise.resolve(reports.shift() ?? FAILING), onMove);
    await user.click(screen.getByTestId("move-production"));
    await screen.findByTestId("promote-gate-summary");
    await user.click(screen.getByTestId("confirm-move"));
    expect(onMove).toHaveBeenCalledWith("production", null, PASSING.digest);
    expect((await screen.findByTestId("gate-changed")).textContent).toContain("the gate decides differently now");
    await screen.findByTestId("blocking-production.approvals.sre");
    expect(evaluateGate).toHaveBeenCalledTimes(2);
    expect((screen.getByTestId("confirm-move") as HTMLButtonElement).disabled).toBe(true);
    expect(onError).toHaveBeenCalledWith({ code: "conflict", message: "the gate decides differently now" });
  });

  it("says so, and keeps confirm disabled, when the gate cannot be evaluated", async () => {
    const { user } = setup(() => Promise.reject({ code: "corrupt", message: "policy revision r2 is damaged" }));
    await user.click(screen.getByTestId("move-production"));
    expect((await screen.findByTestId("promote-gate-error")).textContent).toContain("policy revision r2 is damaged");
    expect((screen.getByTestId("confirm-move") as HTMLButtonElement).disabled).toBe(true);
  });

  it("does not gate demotions or deprecations; other errors go to the banner", async () => {
    const onMove = vi.fn().mockRejectedValueOnce({ code: "busy", message: "the workspace is busy" }).mockResolvedValue(undefined);
    const { evaluateGate, onError, user } = setup(() => Promise.resolve(FAILING), onMove);
    await user.click(screen.getByTestId("move-candidate"));
    expect(screen.queryByTestId("promote-gate")).toBeNull();
    await user.click(screen.getByTestId("confirm-move"));
    expect(onMove).toHaveBeenCalledWith("candidate", null, null);
    expect(onError).toHaveBeenCalledWith({ code: "busy", message: "the workspace is busy" });
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await user.click(screen.getByTestId("move-deprecated"));
    await user.click(screen.getByTestId("confirm-move"));
    expect(onMove).toHaveBeenLastCalledWith("deprecated", null, null);
    expect(evaluateGate).not.toHaveBeenCalled();
  });

  it("lists the requested change, its side effects and the release record", () => {
    render(
      <StageResult
        onDismiss={vi.fn()}
        result={{
          changes: [
            { version: "1.2.0-3", from: "canary", to: "production", kind: "promote" },
            { version: "1.1.0-8", from: "production", to: "rollback-target", kind: "supersede" },
          ],
          version: null as never,
          release: {
            seq: 4,
            model: "fraud-scorer",
            version: "1.2.0-3",
            kind: "promote",
            from: "canary",
            to: "production",
            recorded_at: "2026-01-10T09:00:00Z",
            signer_name: "Ana López",
            signer_fingerprint: "SHA256:abc",
            digest: "sha256:" + "4".repeat(64),
            previous: null,
            rollback_target: "1.1.0-8",
            gate_passed: true,
            gate_digest: "sha256:" + "1".repeat(64),
            waived_checks: [],
            approvals: 5,
            incident: null,
            reason: "",
            git_tag: "fraud-scorer/v1.2.0-3",
            tag: null,
          } as never,
        }}
      />,
    );
    const items = screen.getAllByTestId("stage-change").map((li) => li.textContent);
    expect(items).toEqual([
      "1.2.0-3: Canary → Production (promote)",
      "1.1.0-8: Production → Rollback target (side effect: supersede)",
    ]);
    expect(screen.getByTestId("release-seq").textContent).toBe("#4");
    expect(screen.getByTestId("release-digest").textContent).toBe("sha256:" + "4".repeat(64));
    expect(screen.getByTestId("release-rollback").textContent).toBe("1.1.0-8");
  });

  it("shows no release record when the move wrote none", () => {
    render(
      <StageResult
        onDismiss={vi.fn()}
        result={{ changes: [{ version: "1.2.0-3", from: "canary", to: "candidate", kind: "demote" }], version: null as never, release: null }}
      />,
    );
    expect(screen.queryByTestId("release-record")).toBeNull();
  });
});
