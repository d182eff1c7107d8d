import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { GuardrailChartSvg, OperationsView, QueueItemView } from "../../api/bindings";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { OperationsScreen } from "./OperationsScreen";
// Recorded from the real core for `steward demo` by ui/flows/app/operations/generate.sh.
import viewJson from "../../../flows/app/operations/view-summarize-copilot.json";
import emptyJson from "../../../flows/app/operations/view-ticket-router.json";
import p99Json from "../../../flows/app/operations/chart-summarize-copilot-canary.guardrail.latency-p99-light.json";

const VIEW = viewJson as OperationsView;
const EMPTY = emptyJson as OperationsView;
const P99 = p99Json as GuardrailChartSvg;
const MODEL = "summarize-copilot";

function setup(extra: Record<string, (a: Record<string, unknown>) => unknown> = {}, view: OperationsView = VIEW) {
  const calls = mockBackend({ operations_view: () => view, guardrail_chart: () => P99, ...extra });
  renderWithErrors(<OperationsScreen model={view.model} />);
  return calls;
}

describe("OperationsScreen", () => {
  it("shows the core's status, the breached guardrail's chart, the dial and the incident", async () => {
    const calls = setup();
    await screen.findByTestId("operations-screen");
    expect(screen.getByTestId("monitor-status").getAttribute("data-status")).toBe(VIEW.monitor.status);
    const chart = await screen.findByTestId("guardrail-chart");
    expect(chart.getAttribute("data-rule")).toBe(P99.rule);
    expect(calls.find((c) => c.cmd === "guardrail_chart")?.args).toEqual({ req: { model: MODEL, rule: "canary.guardrail.latency-p99", theme: "light" } });
    expect(screen.getByTestId("dial-epoch").textContent).toBe(String(VIEW.traffic.current?.epoch));
    expect(screen.getAllByTestId("guardrail-event")).toHaveLength(VIEW.monitor.events.length);
    const inc = VIEW.incidents[0];
    expect(inc).toBeDefined();
    const card = screen.getByTestId(`incident-${inc?.reference ?? ""}`);
    expect((within(card).getByTestId("incident-notification") as HTMLTextAreaElement).value).toBe(inc?.notification);
  });

  it("labels the current queue item with one key through the core and moves on", async () => {
    const first = VIEW.queue.find((q) => q.label === null);
    expect(first).toBeDefined();
    if (!first) return;
    const answered: QueueItemView = { ...first, label: { label: "unsafe", note: "", reviewer: "ana.lopez", at: "2026-12-02T05:00:00Z" } };
    const calls = setup({ queue_label: () => answered });
    const list = await screen.findByTestId("queue-list");
    expect(list.getAttribute("data-current")).toBe(String(first.id));
    fireEvent.keyDown(list, { key: "u" });
    await waitFor(() => expect(screen.getByTestId(`queue-item-${first.id}`).getAttribute("data-label")).toBe("unsafe"));
    expect(calls.filter((c) => c.cmd === "queue_label").map((c) => c.args)).toEqual([{ req: { item: first.id, label: "unsafe", note: "" } }]);
    expect(list.getAttribute("data-current")).not.toBe(String(first.id));
  });

  it("shows the core's refusal of a label in place and keeps the item", async () => {
    const first = VIEW.queue.find((q) => q.label === null);
    if (!first) throw new Error("the recording has an unlabelled item");
    setup({
      queue_label: () => {
        throw { code: "refused", message: `feedback item ${first.id} is not in the review queue` };
      },
    });
    const list = await screen.findByTestId("queue-list");
    fireEvent.keyDown(list, { key: "1" });
    expect((await screen.findByTestId("queue-error")).textContent).toContain(`feedback item ${first.id} is not in the review queue`);
    expect(screen.getByTestId(`queue-item-${first.id}`).getAttribute("data-label")).toBe("");
  });

  it("shows empty states for a model without operations", async () => {
    setup({}, EMPTY);
    await screen.findByTestId("operations-screen");
    expect(screen.getByTestId("guardrail-charts-empty")).toBeTruthy();
    expect(screen.getByTestId("queue-empty")).toBeTruthy();
  });

  it("says the screen could not be loaded when the core refuses", async () => {
    mockBackend({
      operations_view: () => {
        throw { code: "not_found", message: "no model named 'nope'" };
      },
    });
    renderWithErrors(<OperationsScreen model="nope" />);
    await waitFor(() => expect(screen.getByTestId("operations-state").textContent).toContain("could not be loaded"));
  });
});
