import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { StageSetResult, VersionDetail, VersionDocuments } from "../../api/bindings";
import { mockBackend, noApprovals, renderWithErrors, versionDetail } from "../../test/backend";
import { VersionScreen } from "./VersionScreen";

const noDocuments: VersionDocuments = { model: "fraud-scorer", version: "1.2.0-3", complete: true, documents: [] };

describe("VersionScreen", () => {
  it("flags missing artifacts the core reports", async () => {
    mockBackend({ ...noApprovals(), version_get: () => versionDetail(), dataset_list: () => [], doc_check: () => noDocuments });
    renderWithErrors(<VersionScreen model="fraud-scorer" version="1.2.0-3" />);
    await screen.findByTestId("artifacts");
    expect(screen.queryByTestId("artifact-missing-bundle")).toBeNull();
    expect(screen.getByTestId("artifact-missing-commit")).toBeTruthy();
    expect(screen.getByTestId("artifact-missing-config")).toBeTruthy();
  });

  it("promotes through stage_set, shows the side effects, and refreshes", async () => {
    let current: VersionDetail = versionDetail();
    const after = versionDetail({ stage: "production", moves: [] });
    const calls = mockBackend({
      ...noApprovals(),
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
        };
        return result;
      },
    });
    const user = userEvent.setup();
    renderWithErrors(<VersionScreen model="fraud-scorer" version="1.2.0-3" />);
    await user.click(await screen.findByTestId("move-production"));
    await user.click(screen.getByTestId("confirm-move"));
    const result = await screen.findByTestId("stage-result");
    expect(result.textContent).toContain("1.1.0-8: Production → Rollback target");
    const heading = screen.getByRole("heading", { level: 1 });
    expect(within(heading).getByTestId("stage-chip").getAttribute("data-stage")).toBe("production");
    expect(calls.find((c) => c.cmd === "stage_set")?.args).toEqual({
      req: { model: "fraud-scorer", version: "1.2.0-3", stage: "production", reason: null },
    });
    await screen.findByText("No stage move is allowed from here right now.");
    expect(calls.filter((c) => c.cmd === "version_get").length).toBeGreaterThanOrEqual(2);
  });

  it("shows a refused stage_set in the error banner", async () => {
    mockBackend({
      ...noApprovals(),
      version_get: () => versionDetail(),
      dataset_list: () => [],
      doc_check: () => noDocuments,
      stage_set: () => {
        throw { code: "refused", message: "promotion needs five sign-offs" };
      },
    });
    const user = userEvent.setup();
    renderWithErrors(<VersionScreen model="fraud-scorer" version="1.2.0-3" />);
    await user.click(await screen.findByTestId("move-production"));
    await user.click(screen.getByTestId("confirm-move"));
    expect((await screen.findByRole("alert")).textContent).toContain("promotion needs five sign-offs");
    expect(screen.queryByTestId("stage-result")).toBeNull();
  });
});
