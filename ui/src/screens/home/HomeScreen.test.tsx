import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ModelQuery } from "../../api/bindings";
import { mockBackend, model, renderWithErrors } from "../../test/backend";
import { HomeScreen } from "./HomeScreen";

const MODELS = [
  model("fraud-scorer", {
    owner: "payments-risk",
    risk_tier: "high",
    versions: [
      { version: "1.2.0-3", stage: "canary" },
      { version: "1.1.0-8", stage: "production" },
    ],
  }),
  model("churn-predictor", { owner: "growth", risk_tier: "low", versions: [{ version: "0.3.0-7", stage: "experiment" }] }),
];

// No identity in the keyring: the inbox stays away and the model list works as before.
const noIdentity = {
  review_inbox: () => {
    throw { code: "keyring", message: "no identity in the OS keyring" };
  },
};

function backend() {
  return mockBackend({
    ...noIdentity,
    model_list: ({ query }) => {
      // Stand-in for the core's filter, so the screen can be seen to pass the query through.
      const q = query as ModelQuery;
      return MODELS.filter((m) => !q.text || m.name.includes(q.text) || m.owner.includes(q.text))
        .filter((m) => !q.risk_tier || m.risk_tier === q.risk_tier)
        .filter((m) => !q.stage || m.versions.some((v) => v.stage === q.stage));
    },
  });
}

describe("HomeScreen", () => {
  it("lists models with owner, risk tier and a stage chip per version", async () => {
    backend();
    renderWithErrors(<HomeScreen />);
    const row = await screen.findByTestId("model-row-fraud-scorer");
    expect(within(row).getByText("payments-risk")).toBeTruthy();
    expect(within(row).getByTestId("risk-tier").textContent).toBe("High risk");
    const chips = within(row).getAllByTestId("stage-chip");
    expect(chips.map((c) => c.getAttribute("data-stage"))).toEqual(["canary", "production"]);
    expect(chips[0]?.textContent).toContain("1.2.0-3");
    expect(chips[0]?.textContent).toContain("Canary");
    expect(screen.getByTestId("model-count").textContent).toBe("2 models");
    expect(screen.queryByTestId("inbox")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("passes search text and filters to model_list and shows what comes back", async () => {
    const calls = backend();
    const user = userEvent.setup();
    renderWithErrors(<HomeScreen />);
    await screen.findByTestId("model-row-churn-predictor");

    await user.type(screen.getByTestId("search"), "fraud");
    await waitFor(() => expect(screen.queryByTestId("model-row-churn-predictor")).toBeNull());
    expect(screen.getByTestId("model-row-fraud-scorer")).toBeTruthy();
    expect(calls.at(-1)).toEqual({ cmd: "model_list", args: { query: { text: "fraud", stage: null, risk_tier: null } } });

    await user.selectOptions(screen.getByTestId("filter-stage"), "production");
    await user.selectOptions(screen.getByTestId("filter-risk"), "high");
    await waitFor(() =>
      expect(calls.at(-1)?.args).toEqual({ query: { text: "fraud", stage: "production", risk_tier: "high" } }),
    );
    expect(screen.getByTestId("model-count").textContent).toBe("1 model match");

    await user.selectOptions(screen.getByTestId("filter-risk"), "low");
    expect(await screen.findByTestId("empty-filtered")).toBeTruthy();
  });

  it("tells an empty workspace to load the demo or create a model", async () => {
    mockBackend({ ...noIdentity, model_list: () => [] });
    renderWithErrors(<HomeScreen />);
    const empty = await screen.findByTestId("empty-state");
    expect(empty.textContent).toContain("steward demo");
    expect(within(empty).getByRole("button", { name: "Create a model" })).toBeTruthy();
  });

  it("opens a model with the keyboard", async () => {
    backend();
    const user = userEvent.setup();
    renderWithErrors(<HomeScreen />);
    await screen.findByTestId("model-row-fraud-scorer");
    screen.getByTestId("model-list").focus();
    await user.keyboard("{ArrowDown}{Enter}");
    // Rows come in the core's order: fraud-scorer, then churn-predictor.
    expect(window.location.hash).toBe("#/models/churn-predictor");
  });

  it("shows a failing model_list in the error banner", async () => {
    mockBackend({
      ...noIdentity,
      model_list: () => {
        throw { code: "corrupt", message: "the workspace database is damaged" };
      },
    });
    renderWithErrors(<HomeScreen />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("the workspace database is damaged");
  });
});
