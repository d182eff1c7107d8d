import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { useEffect } from "react";
import { renderWithErrors } from "./test/backend";
import { useErrors } from "./errors";

function Reporter({ errors }: { errors: unknown[] }) {
  const { report } = useErrors();
  useEffect(() => {
    for (const e of errors) report(e);
  }, [errors, report]);
  return null;
}

describe("ErrorBanner", () => {
  it("shows each error's message in an alert and dismisses it", async () => {
    renderWithErrors(
      <Reporter errors={[{ code: "not_found", message: "no model named 'x'" }, "permission denied: stage_set"]} />,
    );
    const alerts = await screen.findAllByRole("alert");
    expect(alerts.map((a) => a.querySelector("[data-testid=error-message]")?.textContent)).toEqual([
      "no model named 'x'",
      "permission denied: stage_set",
    ]);
    expect(alerts[0]?.textContent).toContain("Not found");
    await userEvent.setup().click(screen.getByRole("button", { name: "Dismiss: no model named 'x'" }));
    expect(screen.getAllByRole("alert")).toHaveLength(1);
  });

  it("does not stack the same error twice in a row", async () => {
    const same = { code: "io", message: "disk full" };
    renderWithErrors(<Reporter errors={[same, same]} />);
    await act(async () => {});
    expect(screen.getAllByRole("alert")).toHaveLength(1);
  });
});
