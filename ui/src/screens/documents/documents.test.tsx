import { EditorView } from "@codemirror/view";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { RISK_TREATMENTS, type DocumentDiff, type DocumentPreview, type DocumentView, type RiskRow, type VersionDocuments } from "../../api/bindings";
import { href, parseHash } from "../../router";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { DiffView } from "./DiffView";
import { VersionDocuments as VersionDocumentsPanel } from "./DocumentList";
import { DocumentScreen } from "./DocumentScreen";
import { Findings } from "./Findings";
import { RiskMatrix, RiskTable } from "./RiskTable";

const LISTING: VersionDocuments = {
  model: "copilot",
  version: "1.0.0-1",
  complete: false,
  documents: [
    { kind: "model-card", target: "copilot@1.0.0-1", exists: true, revision: 3, author: "maya", updated_at: "2025-09-01T09:00:00Z", complete: true, findings: [] },
    {
      kind: "data-sheet",
      target: "tickets@2",
      exists: true,
      revision: 1,
      author: "maya",
      updated_at: "2025-09-01T09:00:00Z",
      complete: false,
      findings: [
        { code: "guidance-left", message: "section 'Composition' still holds guidance", line: 12 },
        { code: "missing-field", message: "front matter field 'license' is empty", line: 3 },
      ],
    },
    { kind: "runbook", target: "copilot@1.0.0-1", exists: false, revision: null, author: null, updated_at: null, complete: false, findings: [{ code: "missing-section", message: "there is no runbook", line: null }] },
  ],
  compliance: [
    {
      kind: "post-market-monitoring-plan",
      target: "copilot@1.0.0-1",
      exists: false,
      revision: null,
      author: null,
      updated_at: null,
      complete: false,
      findings: [{ code: "missing-section", message: "there is no post-market-monitoring-plan", line: null }],
    },
  ],
};

function risk(extra: Partial<RiskRow>): RiskRow {
  return {
    id: "R-1",
    title: "False declines",
    category: "MEASURE 2",
    likelihood: 4,
    impact: 5,
    score: 20,
    band: "critical",
    treatment: "mitigate",
    mitigation: "travel notice",
    owner: "payments",
    residual_likelihood: 2,
    residual_impact: 3,
    residual_score: 6,
    acceptance: null,
    line: 5,
    ...extra,
  };
}

describe("document list", () => {
  it("shows each required document with the core's completeness and creates missing ones", async () => {
    const calls = mockBackend({
      doc_check: () => LISTING,
      doc_new: () => ({}),
    });
    renderWithErrors(<VersionDocumentsPanel model="copilot" version="1.0.0-1" />);
    await screen.findByTestId("doc-list");
    expect(screen.getByTestId("docs-summary").textContent).toContain("1 of 3 required documents complete");
    const card = screen.getByTestId("doc-row-model-card");
    expect(within(card).getByText("✓ Complete")).toBeTruthy();
    expect(within(card).getByTestId("doc-open-model-card").getAttribute("href")).toBe(href.document("copilot@1.0.0-1", "model-card"));
    const sheet = screen.getByTestId("doc-row-data-sheet-tickets@2");
    expect(sheet.textContent).toContain("2 gaps");
    expect(sheet.textContent).toContain("section 'Composition' still holds guidance (+1 more)");
    const runbook = screen.getByTestId("doc-row-runbook");
    expect(runbook.textContent).toContain("Not written");
    await userEvent.setup().click(within(runbook).getByTestId("doc-create-runbook"));
    await waitFor(() => expect(window.location.hash).toBe(href.document("copilot@1.0.0-1", "runbook")));
    expect(calls.find((c) => c.cmd === "doc_new")?.args).toEqual({ doc: { target: "copilot@1.0.0-1", kind: "runbook" } });
  });

  it("lists the compliance documents apart, not counted as required, and creates one from its template", async () => {
    const calls = mockBackend({ doc_check: () => LISTING, doc_new: () => ({}) });
    renderWithErrors(<VersionDocumentsPanel model="copilot" version="1.0.0-1" />);
    const list = await screen.findByTestId("compliance-documents");
    expect(screen.getByTestId("docs-summary").textContent).toContain("of 3 required documents");
    const plan = within(list).getByTestId("doc-row-post-market-monitoring-plan");
    expect(plan.textContent).toContain("Post-market monitoring plan");
    await userEvent.setup().click(within(plan).getByTestId("doc-create-post-market-monitoring-plan"));
    await waitFor(() => expect(window.location.hash).toBe(href.document("copilot@1.0.0-1", "post-market-monitoring-plan")));
    expect(calls.find((c) => c.cmd === "doc_new")?.args).toEqual({ doc: { target: "copilot@1.0.0-1", kind: "post-market-monitoring-plan" } });
  });

  it("routes to a document and back", () => {
    expect(parseHash(href.document("tickets@2", "data-sheet"))).toEqual({ name: "document", target: "tickets@2", kind: "data-sheet" });
    for (const kind of ["ai-impact-assessment", "post-market-monitoring-plan", "declaration-of-conformity"] as const)
      expect(parseHash(href.document("copilot@1", kind))).toEqual({ name: "document", target: "copilot@1", kind });
    expect(parseHash("#/documents/copilot@1/poem").name).toBe("not-found");
  });
});

describe("findings panel", () => {
  it("lists the core's findings and jumps by index; findings without a line are not buttons to nowhere", async () => {
    const jumped: number[] = [];
    renderWithErrors(
      <Findings
        completeness={{
          kind: "model-card",
          complete: false,
          findings: [
            { code: "missing-field", message: "field 'license' is empty", line: 2 },
            { code: "missing-section", message: "section 'Uses' is missing", line: null },
          ],
        }}
        current={null}
        onJump={(i) => jumped.push(i)}
        stale={false}
      />,
    );
    const [first, second] = screen.getAllByTestId("finding");
    expect(screen.getByTestId("doc-gap-count").textContent).toBe("2 gaps");
    await userEvent.setup().click(first as HTMLElement);
    expect(jumped).toEqual([0]);
    expect((second as HTMLButtonElement).disabled).toBe(true);
  });

  const TEXT = "---\nlicense: \"\"\n---\n# Card\n\n## Uses\n\n> Guidance: say who uses it\n";
  const view = (text: string): DocumentView => ({
    target: "copilot@1.0.0-1",
    kind: "model-card",
    title: "Model card",
    revision: { number: 1, sha256: "sha256:" + "a".repeat(64), bytes: text.length, author: "maya", message: "from template", parent: null, second_parent: null, created_at: "2025-09-01T09:00:00Z" },
    head: 1,
    text,
    rendered: { front_matter_html: "<dl><dt>license</dt><dd></dd></dl>", body_html: "<h1>Card</h1>", front_matter_error: null },
    completeness: {
      kind: "model-card",
      complete: false,
      findings: [
        { code: "missing-field", message: "field 'license' is empty", line: 2 },
        { code: "guidance-left", message: "section 'Uses' still holds guidance", line: 6 },
      ],
    },
    risks: [],
  });

  it("the document screen puts the editor's cursor on a finding's line, and F8 walks the gaps", async () => {
    // Browsers fire selectionchange as a task, and CodeMirror relies on that; happy-dom fires it
    // synchronously in the middle of CodeMirror's own update. Deliver it as a browser would.
    const add = document.addEventListener.bind(document);
    vi.spyOn(document, "addEventListener").mockImplementation((type, listener, options) => {
      if (type === "selectionchange" && typeof listener === "function")
        return add(type, (e: Event) => window.setTimeout(() => listener(e)), options);
      return add(type, listener, options);
    });
    mockBackend({
      doc_show: () => view(TEXT),
      doc_draft_load: () => null,
      doc_history: () => [view(TEXT).revision],
    });
    renderWithErrors(<DocumentScreen target="copilot@1.0.0-1" kind="model-card" />);
    await screen.findByTestId("doc-editor");
    expect(screen.getByTestId("rendered-body").innerHTML).toBe("<h1>Card</h1>");
    const activeLine = () => {
      const cm = EditorView.findFromDOM(document.querySelector(".cm-editor") as HTMLElement);
      return cm ? String(cm.state.doc.lineAt(cm.state.selection.main.head).number) : null;
    };
    await userEvent.setup().click(screen.getAllByTestId("finding")[1] as HTMLElement);
    await waitFor(() => expect(activeLine()).toBe("6"));
    expect(screen.getAllByTestId("finding")[1]?.getAttribute("aria-current")).toBe("true");
    fireEvent.keyDown(window, { key: "F8" });
    await waitFor(() => expect(activeLine()).toBe("2"));
  });

  it("saves with Ctrl+S against the revision it started from and shows a conflict in the banner", async () => {
    const calls = mockBackend({
      doc_show: () => view(TEXT),
      doc_draft_load: () => null,
      doc_history: () => [view(TEXT).revision],
      doc_save: () => {
        throw { code: "conflict", message: "copilot@1.0.0-1 model-card moved on to r2 since r1; nothing was saved" };
      },
    });
    renderWithErrors(<DocumentScreen target="copilot@1.0.0-1" kind="model-card" />);
    await screen.findByTestId("doc-editor");
    // The shortcut is bound once the editor's effects have run, which a loaded machine can
    // delay past the first render: press it until the save is asked for.
    await waitFor(() => {
      fireEvent.keyDown(window, { key: "s", ctrlKey: true });
      expect(calls.some((c) => c.cmd === "doc_save")).toBe(true);
    });
    expect((await screen.findByRole("alert", {}, { timeout: 5000 })).textContent).toContain("moved on to r2 since r1");
    expect(calls.find((c) => c.cmd === "doc_save")?.args).toEqual({
      req: { target: "copilot@1.0.0-1", kind: "model-card", text: TEXT, base_revision: 1, merge_parent: null, message: null },
    });
  });

  it("offers a kept draft on reopen and restores it into the editor", async () => {
    const preview: DocumentPreview = { rendered: view(TEXT).rendered, completeness: view(TEXT).completeness, risks: [] };
    mockBackend({
      doc_show: () => view(TEXT),
      doc_draft_load: () => ({ target: "copilot@1.0.0-1", kind: "model-card", text: TEXT + "half typed", base_revision: 1, saved_at: "2025-09-01T10:00:00Z" }),
      doc_history: () => [view(TEXT).revision],
      doc_preview: () => preview,
      doc_draft_save: (a) => a.draft,
    });
    renderWithErrors(<DocumentScreen target="copilot@1.0.0-1" kind="model-card" />);
    await screen.findByTestId("draft-offer");
    await userEvent.setup().click(screen.getByTestId("draft-restore"));
    await waitFor(() => expect(document.querySelector(".cm-content")?.textContent).toContain("half typed"));
    expect(screen.queryByTestId("draft-offer")).toBeNull();
    expect(screen.getByTestId("doc-dirty")).toBeTruthy();
  });

  it("the document screen has the core write a risk edit and shows the core's text", async () => {
    const text = "---\nrisks:\n  - id: R-1\n    likelihood: 3\n    impact: 4\n---\n";
    const edited = text.replace("likelihood: 3", "likelihood: 5");
    const preview = (t: string): DocumentPreview => ({
      rendered: view(t).rendered,
      completeness: view(t).completeness,
      risks: [risk({ likelihood: t === edited ? 5 : 3, score: null, band: null })],
    });
    const calls = mockBackend({
      doc_show: () => ({ ...view(text), kind: "risk-assessment", risks: preview(text).risks }),
      doc_draft_load: () => null,
      doc_history: () => [view(text).revision],
      doc_preview: (a) => preview((a.req as { text: string }).text),
      doc_draft_save: (a) => a.draft,
      doc_risk_set: () => edited,
    });
    renderWithErrors(<DocumentScreen target="copilot@1.0.0-1" kind="risk-assessment" />);
    await screen.findByTestId("risk-table");
    await userEvent.setup().selectOptions(screen.getByLabelText("R-1: likelihood"), "5");
    await waitFor(() => expect(document.querySelector(".cm-content")?.textContent).toContain("likelihood: 5"));
    expect(calls.find((c) => c.cmd === "doc_risk_set")?.args).toEqual({
      req: { text, edit: { op: "set", index: 0, field: "likelihood", value: 5 } },
    });
  });
});

describe("diff view", () => {
  it("shows the core's line diff with numbers, signs and spoken labels", () => {
    const diff: DocumentDiff = {
      target: "copilot@1.0.0-1",
      kind: "model-card",
      from: 1,
      to: 2,
      insertions: 1,
      deletions: 1,
      unified: "",
      lines: [
        { tag: "equal", old_line: 1, new_line: 1, text: "# Card" },
        { tag: "delete", old_line: 2, new_line: null, text: "license: \"\"" },
        { tag: "insert", old_line: null, new_line: 2, text: "license: apache-2.0" },
      ],
    };
    renderWithErrors(<DiffView diff={diff} />);
    expect(screen.getByTestId("diff-summary").textContent).toBe("r1 → r2: 1 line added, 1 line removed");
    const removed = screen.getByTestId("diff-line-delete");
    expect(removed.className).toBe("diff-delete");
    expect(removed.textContent).toBe("2−removedlicense: \"\"");
    const added = screen.getByTestId("diff-line-insert");
    expect(added.textContent).toBe("2+addedlicense: apache-2.0");
    expect(screen.getByRole("table").querySelector("caption")?.textContent).toBe("Changes from revision 1 to revision 2");
  });
});

describe("risk register", () => {
  it("shows the core's score and band, and sends edits as field changes", async () => {
    const edits: unknown[] = [];
    renderWithErrors(
      <RiskTable
        risks={[risk({}), risk({ id: "R-2", likelihood: 9, score: null, band: null, owner: null })]}
        onEdit={(...e) => edits.push(e)}
        onAdd={() => edits.push("add")}
        onRemove={(i) => edits.push(["remove", i])}
        onJump={() => {}}
      />,
    );
    expect(screen.getByTestId("risk-score-0").textContent).toBe("20 Critical");
    expect(screen.getByTestId("risk-score-1").textContent).toBe("—");
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText("R-1: likelihood"), "2");
    expect(edits).toEqual([[0, "likelihood", 2]]);
    const owner = screen.getByLabelText("R-2: owner");
    await user.type(owner, "cx-ml{Enter}");
    expect(edits[1]).toEqual([1, "owner", "cx-ml"]);
    // An out-of-range value stays visible so the author sees what the core flags.
    expect((screen.getByLabelText("R-2: likelihood") as HTMLSelectElement).value).toBe("9");
    await user.click(screen.getByTestId("risk-add"));
    expect(edits[2]).toBe("add");
  });

  it("places risks on the 5×5 matrix by the core's likelihood, impact and band", () => {
    renderWithErrors(<RiskMatrix risks={[risk({}), risk({ id: "R-2", likelihood: 1, impact: 2, score: 2, band: "low" }), risk({ id: "R-3", score: null, band: null, likelihood: null })]} />);
    expect(screen.getByTestId("matrix-4-5").textContent).toContain("R-1");
    expect(screen.getByTestId("matrix-4-5").getAttribute("data-band")).toBe("critical");
    expect(screen.getByTestId("matrix-1-2").getAttribute("data-band")).toBe("low");
    expect(screen.getByTestId("matrix-3-3").getAttribute("data-band")).toBe("");
    expect(screen.getByTestId("risk-matrix").querySelector("caption")?.textContent).toContain("2 of 3 risks placed");
  });

  it("offers the domain's treatments and scale, and keeps a value outside them visible", () => {
    renderWithErrors(<RiskTable risks={[risk({ treatment: "ignore" })]} onEdit={() => {}} onAdd={() => {}} onRemove={() => {}} onJump={() => {}} />);
    const options = (label: string) => [...(screen.getByLabelText(label) as HTMLSelectElement).options].map((o) => o.value);
    expect(options("R-1: treatment")).toEqual(["ignore", ...RISK_TREATMENTS]);
    expect(options("R-1: impact")).toEqual(["1", "2", "3", "4", "5"]);
  });

});
