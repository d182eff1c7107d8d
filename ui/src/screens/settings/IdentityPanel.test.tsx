import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { KeyInitResult } from "../../api/bindings";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { IdentityPanel } from "./IdentityPanel";
// Recorded from the real core (ui/flows/app/trust/generate.sh).
import none from "../../../flows/app/trust/key-show-none.txt?raw";
import created from "../../../flows/app/trust/key-init.json";

describe("IdentityPanel", () => {
  it("on first start shows the core's words in place, then creates the identity in the core", async () => {
    const calls = mockBackend({
      key_show: () => {
        throw { code: "keyring", message: none.trim() };
      },
      key_init: () => created as KeyInitResult,
    });
    const user = userEvent.setup();
    renderWithErrors(<IdentityPanel />);
    expect((await screen.findByTestId("identity-missing")).textContent).toBe(none.trim());
    expect(screen.queryByRole("alert")).toBeNull();
    await user.type(screen.getByTestId("identity-name-input"), "Ana López");
    await user.type(screen.getByTestId("identity-email-input"), "ana@companyos.example");
    await user.click(screen.getByTestId("identity-submit"));
    expect((await screen.findByTestId("identity-fingerprint")).textContent).toBe((created as KeyInitResult).identity.fingerprint);
    expect(calls.find((c) => c.cmd === "key_init")?.args).toEqual({
      req: { name: "Ana López", email: "ana@companyos.example", replace: false },
    });
  });

  it("another keyring failure is an error, not a first start", async () => {
    mockBackend({
      key_show: () => {
        throw { code: "internal", message: "the keyring crashed" };
      },
    });
    renderWithErrors(<IdentityPanel />);
    expect((await screen.findByRole("alert")).textContent).toContain("the keyring crashed");
    expect(screen.getByTestId("identity-create")).toBeTruthy();
  });
});
