import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ModelPage, ModelQuery, ModelSummary } from "../../api/bindings";
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

/** A page of `models` as the core answers `model_page`: the slice asked for and the count. */
function pageOf(models: ModelSummary[], q: ModelQuery): ModelPage {
  const offset = q.offset ?? 0;
  return { total: models.length, offset, models: models.slice(offset, offset + (q.limit ?? 100)) };
}

function backend() {
  return mockBackend({
    ...noIdentity,
    model_page: ({ query }) => {
      // Stand-in for the core's filter, so the screen can be seen to pass the query through.
      const q = query as ModelQuery;
      const found = MODELS.filter((m) => !q.text || m.name.includes(q.text) || m.owner.includes(q.text))
        .filter((m) => !q.risk_tier || m.risk_tier === q.risk_tier)
        .filter((m) => !q.stage || m.versions.some((v) => v.stage === q.stage));
      return pageOf(found, q);
    },
  });
}

const page0 = { limit: 100, offset: 0 };

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

  it("passes search text and filters to model_page and shows what comes back", async () => {
    const calls = backend();
    const user = userEvent.setup();
    renderWithErrors(<HomeScreen />);
    await screen.findByTestId("model-row-churn-predictor");

    await user.type(screen.getByTestId("search"), "fraud");
    await waitFor(() => expect(screen.queryByTestId("model-row-churn-predictor")).toBeNull());
    expect(screen.getByTestId("model-row-fraud-scorer")).toBeTruthy();
    expect(calls.at(-1)).toEqual({
      cmd: "model_page",
      args: { query: { text: "fraud", stage: null, risk_tier: null, ...page0 } },
    });

    await user.selectOptions(screen.getByTestId("filter-stage"), "production");
    await user.selectOptions(screen.getByTestId("filter-risk"), "high");
    await waitFor(() =>
      expect(calls.at(-1)?.args).toEqual({ query: { text: "fraud", stage: "production", risk_tier: "high", ...page0 } }),
    );
    expect(screen.getByTestId("model-count").textContent).toBe("1 model match");

    await user.selectOptions(screen.getByTestId("filter-risk"), "low");
    expect(await screen.findByTestId("empty-filtered")).toBeTruthy();
  });

  it("tells an empty workspace to load the demo or create a model", async () => {
    mockBackend({ ...noIdentity, model_page: () => ({ total: 0, offset: 0, models: [] }) });
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

  it("asks for the pages the list scrolls to, not the whole workspace", async () => {
    const many = Array.from({ length: 1234 }, (_, i) => model(`m-${String(i).padStart(4, "0")}`));
    const calls = mockBackend({ ...noIdentity, model_page: ({ query }) => pageOf(many, query as ModelQuery) });
    renderWithErrors(<HomeScreen />);
    await screen.findByTestId("model-row-m-0000");
    expect(screen.getByTestId("model-count").textContent).toBe("1,234 models");
    const pages = () => calls.filter((c) => c.cmd === "model_page").map((c) => (c.args.query as ModelQuery).offset);
    expect(pages()).toEqual([0]);
    // Only the rows in view are in the DOM, and the list is as tall as the count.
    const list = screen.getByTestId("model-list");
    expect(list.querySelectorAll('[role="option"]').length).toBeLessThan(40);
    expect(list.querySelector(".vl-spacer")?.getAttribute("style")).toContain(`height: ${1234 * 64}px`);

    // Scrolled to row 1,000: its page is asked for, then its rows show.
    fireEvent.scroll(list, { target: { scrollTop: 1000 * 64 } });
    await screen.findByTestId("model-row-m-1000");
    expect(pages()).toEqual([0, 900, 1000]);
    // The last row, with End: only the last page (a short one) is asked for, and scrolling
    // back asks for nothing already loaded.
    list.focus();
    fireEvent.keyDown(list, { key: "End" });
    await screen.findByTestId("model-row-m-1233");
    fireEvent.scroll(list, { target: { scrollTop: 1000 * 64 } });
    await screen.findByTestId("model-row-m-1000");
    expect(pages()).toEqual([0, 900, 1000, 1200]);
  });

  it("shows a failing model_page in the error banner", async () => {
    mockBackend({
      ...noIdentity,
      model_page: () => {
        throw { code: "corrupt", message: "the workspace database is damaged" };
      },
    });
    renderWithErrors(<HomeScreen />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("the workspace database is damaged");
  });
});
