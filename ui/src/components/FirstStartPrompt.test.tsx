import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockBackend, renderWithErrors } from "../test/backend";
import { FirstStartPrompt } from "./FirstStartPrompt";

const NONE = "no identity in the OS keyring (kernel keyutils, user keyring); create one with `steward key init --name NAME --email EMAIL`";

describe("FirstStartPrompt", () => {
  it("asks for an identity when the core has none, in the core's words, linking to Settings", async () => {
    mockBackend({
      key_show: () => {
        throw { code: "keyring", message: NONE };
      },
    });
    renderWithErrors(<FirstStartPrompt onSettings={false} />);
    const prompt = await screen.findByTestId("first-start");
    expect(prompt.textContent).toContain("Create your signing identity");
    expect(prompt.textContent).toContain(NONE);
    expect(prompt.querySelector("a")?.getAttribute("href")).toBe("#/settings");
  });

  it("stays quiet once there is an identity", async () => {
    mockBackend({
      key_show: () => ({ identity: "ana@x", name: "Ana", email: "ana@x", keyid: "ab", fingerprint: "AB", public_key: "00", backend: "Secret Service", keyring_service: "steward" }),
    });
    renderWithErrors(<FirstStartPrompt onSettings={false} />);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId("first-start")).toBeNull();
  });
});
