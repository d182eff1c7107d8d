import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { StageMove } from "../../api/bindings";
import { Moves, StageResult } from "./Moves";

const MOVES: StageMove[] = [
  { to: "production", allowed: true, kind: "promote", reason: "promote: becomes the default serving path" },
  { to: "experiment", allowed: false, kind: null, reason: "a canary goes back one stage at a time; demote it to candidate first" },
  { to: "deprecated", allowed: true, kind: "deprecate", reason: "deprecate: freeze for reference and remove traffic" },
];

describe("Moves", () => {
  it("shows allowed moves as buttons and refused ones disabled with the core's reason", () => {
    render(<Moves version="1.2.0-3" stage="canary" moves={MOVES} onMove={vi.fn()} />);
    const promote = screen.getByTestId("move-production") as HTMLButtonElement;
    expect(promote.disabled).toBe(false);
    expect(promote.textContent).toBe("Promote to Production");
    expect((screen.getByTestId("move-deprecated") as HTMLButtonElement).disabled).toBe(false);

    const refused = screen.getByTestId("move-experiment") as HTMLButtonElement;
    expect(refused.disabled).toBe(true);
    const reason = document.getElementById(refused.getAttribute("aria-describedby") ?? "");
    expect(reason?.textContent).toBe("a canary goes back one stage at a time; demote it to candidate first");
  });

  it("asks for confirmation and passes the optional reason", async () => {
    const onMove = vi.fn().mockResolvedValue(undefined);
    const user = userEvent.setup();
    render(<Moves version="1.2.0-3" stage="canary" moves={MOVES} onMove={onMove} />);
    await user.click(screen.getByTestId("move-production"));
    expect(onMove).not.toHaveBeenCalled();
    await user.type(screen.getByTestId("move-reason"), "48 h clean");
    await user.click(screen.getByTestId("confirm-move"));
    expect(onMove).toHaveBeenCalledWith("production", "48 h clean");
    await waitFor(() => expect(screen.queryByTestId("confirm-move")).toBeNull());
  });

  it("sends no reason when the field is left empty, and Cancel does nothing", async () => {
    const onMove = vi.fn().mockResolvedValue(undefined);
    const user = userEvent.setup();
    render(<Moves version="1.2.0-3" stage="canary" moves={MOVES} onMove={onMove} />);
    await user.click(screen.getByTestId("move-deprecated"));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onMove).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("move-deprecated"));
    await user.click(screen.getByTestId("confirm-move"));
    expect(onMove).toHaveBeenCalledWith("deprecated", null);
  });

  it("lists the requested change and its side effects", () => {
    render(
      <StageResult
        onDismiss={vi.fn()}
        result={{
          changes: [
            { version: "1.2.0-3", from: "canary", to: "production", kind: "promote" },
            { version: "1.1.0-8", from: "production", to: "rollback-target", kind: "supersede" },
          ],
          version: null as never,
        }}
      />,
    );
    const items = screen.getAllByTestId("stage-change").map((li) => li.textContent);
    expect(items).toEqual([
      "1.2.0-3: Canary → Production (promote)",
      "1.1.0-8: Production → Rollback target (side effect: supersede)",
    ]);
  });
});
