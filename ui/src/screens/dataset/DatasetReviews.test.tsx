import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { DatasetReviewView, IdentityView, Role, RosterView } from "../../api/bindings";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { DatasetReviews } from "./DatasetReviews";

const ME: IdentityView = { identity: "hana@companyos.example", keyid: "h".repeat(64), fingerprint: "SHA256:me", name: "Hana Sato", email: "hana@companyos.example", public_key: "ab", keyring_service: "steward", backend: "Secret Service" };
const roster = (roles: Role[]): RosterView => ({
  root: "r",
  root_fingerprint: "SHA256:root",
  members: [{ keyid: ME.keyid, fingerprint: ME.fingerprint, name: ME.name, email: ME.email, roles, admin: false, active: true, retired: null, added: 2 }],
  history: [],
  problems: [],
});
const STALE: DatasetReviewView = {
  dataset: "support-threads@2025-12",
  signer_name: "Hana Sato",
  signed_at: "2026-01-02T09:00:00Z",
  state: "stale",
  reasons: ["the manifest changed since it was signed"],
  digest: "sha256:" + "3".repeat(64),
};

describe("DatasetReviews", () => {
  it("shows each review's state from the core and lets a security/privacy holder sign one", async () => {
    let stored = [STALE];
    const calls = mockBackend({
      dataset_reviews: () => stored,
      roster_show: () => roster(["security-privacy"]),
      key_show: () => ME,
      dataset_review: () => {
        const r = { ...STALE, state: "current", reasons: [], digest: "sha256:" + "4".repeat(64) };
        stored = [...stored, r];
        return r;
      },
    });
    const user = userEvent.setup();
    renderWithErrors(<DatasetReviews reference="support-threads@2025-12" />);
    const [stale] = await screen.findAllByTestId("dataset-review");
    expect(stale?.getAttribute("data-state")).toBe("stale");
    expect(stale?.textContent).toContain("the manifest changed since it was signed");
    await user.type(screen.getByTestId("review-comment"), "PII columns dropped{Enter}");
    expect(calls.filter((c) => c.cmd === "dataset_review").map((c) => c.args)).toEqual([
      { req: { dataset: "support-threads@2025-12", comment: "PII columns dropped" } },
    ]);
    await screen.findByText("Current");
    expect(screen.getAllByTestId("dataset-review").map((r) => r.getAttribute("data-state"))).toEqual(["stale", "current"]);
  });

  it("offers no signing without the role, and says what is needed", async () => {
    mockBackend({ dataset_reviews: () => [], roster_show: () => roster(["sre"]), key_show: () => ME });
    renderWithErrors(<DatasetReviews reference="support-threads@2025-12" />);
    expect((await screen.findByTestId("review-not-holder")).textContent).toContain("needs the Security / privacy role");
    expect(screen.getByTestId("dataset-reviews-none")).toBeTruthy();
    expect(screen.queryByTestId("review-sign")).toBeNull();
  });
});
