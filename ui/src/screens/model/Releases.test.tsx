import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ModelDetail, ReleaseList, ReleaseView, RollbackResult } from "../../api/bindings";
import { mockBackend, model, renderWithErrors } from "../../test/backend";
import { ModelScreen } from "./ModelScreen";
import { ReleaseTimeline } from "./Releases";

function release(seq: number, extra: Partial<ReleaseView> = {}): ReleaseView {
  return {
    seq,
    model: "summarize-copilot",
    version: "1.1.0-8",
    kind: "promote",
    from: "canary",
    to: "production",
    recorded_at: "2026-01-08T09:00:00Z",
    signer_name: "Maya Chen",
    signer_fingerprint: "SHA256:maya",
    digest: `sha256:${String(seq).repeat(64)}`,
    previous: null,
    rollback_target: "1.0.0-3",
    gate_passed: true,
    gate_digest: "sha256:" + "9".repeat(64),
    waived_checks: [],
    approvals: 5,
    incident: null,
    reason: "",
    git_tag: "steward/summarize-copilot/1.1.0-8/production",
    tag: null,
    problems: [],
    ...extra,
  };
}

function detail(extra: Partial<ModelDetail> = {}): ModelDetail {
  return {
    model: model("summarize-copilot"),
    versions: [],
    production: "1.1.0-8",
    rollback_target: "1.0.0-3",
    timeline: [],
    ...extra,
  };
}

describe("ReleaseTimeline", () => {
  it("shows each record as the core lists it, with its verification and the first broken part", () => {
    const list: ReleaseList = {
      model: "summarize-copilot",
      ok: false,
      first_broken: { seq: 2, part: "chain", message: "previous digest does not match record 1" },
      records: [
        release(1, { waived_checks: ["production.fairness.selection-rate"], tag: { tag: "steward/summarize-copilot/1.1.0-8/production", created: false, detail: "commit abc is not in /repo", at: "2026-01-08T09:00:01Z" } }),
        release(2, {
          kind: "rollback",
          version: "1.0.0-3",
          from: "rollback-target",
          to: "production",
          gate_passed: null,
          gate_digest: null,
          rollback_target: null,
          incident: "INC-7",
          reason: "latency",
          problems: [{ seq: 2, part: "chain", message: "previous digest does not match record 1" }],
        }),
      ],
    };
    renderWithErrors(<ReleaseTimeline list={list} />);
    expect(screen.getByTestId("releases-verdict").textContent).toBe(
      "Chain broken 2 records · first broken: record #2, its chain link: previous digest does not match record 1",
    );
    const first = screen.getByTestId("release-1");
    expect(first.getAttribute("data-verified")).toBe("true");
    expect(within(first).getByTestId("release-waived").textContent).toContain("production.fairness.selection-rate");
    expect(within(first).getByTestId("release-approvals").textContent).toBe("5 counted");
    expect(within(first).getByTestId("release-rollback-target").textContent).toBe("1.0.0-3");
    expect(within(first).getByTestId("release-tag").getAttribute("data-tag")).toBe("missing");
    expect(within(first).getByTestId("release-tag").textContent).toContain("commit abc is not in /repo");
    const second = screen.getByTestId("release-2");
    expect(second.getAttribute("data-verified")).toBe("false");
    expect(within(second).getByTestId("release-verified").textContent).toBe("1 problem");
    expect(within(second).getByTestId("release-problems").textContent).toBe("chain link: previous digest does not match record 1");
    expect(within(second).getByTestId("release-incident").textContent).toBe("INC-7");
    expect(second.textContent).toContain("not gated (rollback)");
    expect(within(second).getByTestId("release-tag").getAttribute("data-tag")).toBe("none");
  });

  it("says when there is no record yet", () => {
    renderWithErrors(<ReleaseTimeline list={{ model: "m", ok: true, first_broken: null, records: [] }} />);
    expect(screen.getByTestId("releases-none")).toBeTruthy();
  });
});

describe("rollback from the model screen", () => {
  it("offers no rollback without a rollback target", async () => {
    mockBackend({
      model_show: () => detail({ rollback_target: null }),
      release_list: () => ({ model: "summarize-copilot", ok: true, first_broken: null, records: [] }),
    });
    renderWithErrors(<ModelScreen name="summarize-copilot" />);
    await screen.findByTestId("releases-none");
    expect(screen.queryByTestId("rollback")).toBeNull();
  });

  it("asks for the incident and the reason by keyboard, then shows the record written and the time taken", async () => {
    const written = release(7, { kind: "rollback", version: "1.0.0-3", from: "rollback-target", to: "production", incident: "INC-2041", gate_passed: null });
    const result: RollbackResult = { serving: "1.0.0-3", rolled_back: "1.1.0-8", release: written, elapsed_ms: 42 };
    let records: ReleaseView[] = [release(6)];
    let current = detail();
    const calls = mockBackend({
      model_show: () => current,
      release_list: () => ({ model: "summarize-copilot", ok: true, first_broken: null, records }),
      rollback: () => {
        records = [...records, written];
        current = detail({ production: "1.0.0-3", rollback_target: null });
        return result;
      },
    });
    const user = userEvent.setup();
    renderWithErrors(<ModelScreen name="summarize-copilot" />);
    await screen.findByTestId("release-6");
    screen.getByTestId("rollback").focus();
    await user.keyboard("{Enter}");
    const dialog = await screen.findByTestId("rollback-dialog");
    expect(dialog.textContent).toContain("1.0.0-3 (the rollback target) will serve production again and 1.1.0-8 will leave production");
    expect(document.activeElement).toBe(screen.getByTestId("rollback-incident"));

    await user.keyboard("{Enter}");
    expect(screen.getByTestId("rollback-error").textContent).toContain("Incident reference is empty");
    expect(document.activeElement).toBe(screen.getByTestId("rollback-incident"));
    await user.type(screen.getByTestId("rollback-incident"), "INC-2041{Enter}");
    expect(screen.getByTestId("rollback-error").textContent).toContain("Reason is empty");
    expect(calls.filter((c) => c.cmd === "rollback")).toEqual([]);

    await user.type(screen.getByTestId("rollback-reason"), "p99 latency doubled");
    await user.click(screen.getByTestId("rollback-confirm"));
    const shown = await screen.findByTestId("rollback-result");
    expect(calls.filter((c) => c.cmd === "rollback").map((c) => c.args)).toEqual([
      { req: { model: "summarize-copilot", incident: "INC-2041", reason: "p99 latency doubled" } },
    ]);
    expect(shown.textContent).toContain("1.0.0-3 serves production again; 1.1.0-8 left production.");
    expect(shown.textContent).toContain("Release record #7 (rollback, incident INC-2041) signed by Maya Chen");
    expect(screen.getByTestId("rollback-elapsed").textContent).toBe("From request to committed record: 42 ms");
    // The timeline and the model reload behind the dialog; the button goes with the target.
    await screen.findByTestId("release-7");
    await waitFor(() => expect(screen.queryByTestId("rollback")).toBeNull());
    await user.click(screen.getByTestId("rollback-close"));
    expect(screen.queryByTestId("rollback-dialog")).toBeNull();
  });

  it("shows the core's refusal in the banner and keeps the dialog open", async () => {
    mockBackend({
      model_show: () => detail(),
      release_list: () => ({ model: "summarize-copilot", ok: true, first_broken: null, records: [] }),
      rollback: () => {
        throw { code: "untrusted", message: "your key is not an active member of this workspace's roster" };
      },
    });
    const user = userEvent.setup();
    renderWithErrors(<ModelScreen name="summarize-copilot" />);
    await user.click(await screen.findByTestId("rollback"));
    await user.type(screen.getByTestId("rollback-incident"), "INC-1");
    await user.type(screen.getByTestId("rollback-reason"), "r");
    await user.click(screen.getByTestId("rollback-confirm"));
    expect((await screen.findByRole("alert")).textContent).toContain("not an active member");
    expect(screen.getByTestId("rollback-dialog")).toBeTruthy();
    expect(screen.queryByTestId("rollback-result")).toBeNull();
  });
});
