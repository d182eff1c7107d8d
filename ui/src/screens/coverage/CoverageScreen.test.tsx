import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { CoverageView, DossierExport, PackSummary } from "../../api/bindings";
import { href } from "../../router";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { CoverageScreen } from "./CoverageScreen";
// Recorded from the real core for `steward demo` by ui/flows/app/compliance/generate.sh (kept
// fresh by a journey test): the packs in force, the production co-pilot against the EU AI Act
// and what exporting its Annex IV file answered.
import packsJson from "../../../flows/app/compliance/packs.json";
import euJson from "../../../flows/app/compliance/coverage-summarize-copilot_1.1.0-8-eu-ai-act.json";
import annexJson from "../../../flows/app/compliance/annex-iv-summarize-copilot_1.1.0-8-html.json";

const PACKS = packsJson as PackSummary[];
const EU = euJson as CoverageView;
const ANNEX = annexJson as DossierExport;
const MODEL = "summarize-copilot";
const VERSION = "1.1.0-8";

function setup(extra: Record<string, (a: Record<string, unknown>) => unknown> = {}) {
  const calls = mockBackend({ pack_list: () => PACKS, coverage: () => EU, ...extra });
  renderWithErrors(<CoverageScreen model={MODEL} version={VERSION} pack={null} />);
  return calls;
}

describe("CoverageScreen", () => {
  it("shows every requirement with the status, evidence and next step the core gave", async () => {
    const calls = setup();
    await screen.findByTestId("coverage-requirements");
    expect(calls.find((c) => c.cmd === "coverage")?.args).toEqual({ model: MODEL, version: VERSION, pack: PACKS[0]?.name });
    const c = EU.counts;
    expect(screen.getByTestId("coverage-summary").textContent).toContain(
      `${c.satisfied} satisfied, ${c.partial} partial, ${c.missing} missing of ${EU.requirements.length} requirements`,
    );
    for (const r of EU.requirements) expect(screen.getByTestId(`req-${r.id}`).getAttribute("data-status")).toBe(r.status);

    // A found document links to its screen; a run to the evaluations; a record to the model.
    const art9 = screen.getByTestId("req-art-9");
    expect(within(art9).getAllByTestId("found-document")[0]?.getAttribute("href")).toBe(href.document(`${MODEL}@${VERSION}`, "risk-assessment"));
    expect(within(art9).getAllByTestId("found-run")[0]?.getAttribute("href")).toBe(href.evaluations(MODEL, VERSION));
    const art10 = screen.getByTestId("req-art-10");
    const sheet = EU.requirements.find((r) => r.id === "art-10")?.selectors[0]?.found[0]?.pin;
    expect(sheet?.is).toBe("document");
    if (sheet?.is === "document") expect(within(art10).getAllByTestId("found-document")[0]?.getAttribute("href")).toBe(href.document(sheet.of ?? "", "data-sheet"));

    // A gap: the core's words and a link that opens the missing document for editing.
    const plan = screen.getByTestId("req-annex-iv-9");
    const words = EU.requirements.find((r) => r.id === "annex-iv-9")?.selectors[0]?.next_step ?? "";
    expect(within(plan).getByTestId("coverage-next").textContent).toContain(words);
    expect(within(plan).getByTestId("fix-write-document").getAttribute("href")).toBe(href.document(`${MODEL}@${VERSION}`, "post-market-monitoring-plan"));
    const oversight = within(screen.getByTestId("req-art-14")).getByTestId("fix-write-document");
    expect(oversight.textContent).toBe("Write “Mitigations and human oversight” in the AI impact assessment");
  });

  it("narrows to the requirements the core did not find satisfied", async () => {
    setup();
    await screen.findByTestId("coverage-requirements");
    await userEvent.setup().click(screen.getByTestId("coverage-gaps-only"));
    const shown = within(screen.getByTestId("coverage-requirements"))
      .getAllByRole("listitem")
      .filter((li) => li.classList.contains("coverage-req"))
      .map((li) => li.getAttribute("data-testid"));
    expect(shown).toEqual(EU.requirements.filter((r) => r.status !== "satisfied").map((r) => `req-${r.id}`));
  });

  it("switches pack through the route", async () => {
    setup();
    const picker = await screen.findByTestId("coverage-pack");
    await screen.findByTestId("coverage-requirements");
    expect([...(picker as HTMLSelectElement).options].map((o) => o.value)).toEqual(PACKS.map((p) => p.name));
    await userEvent.setup().selectOptions(picker, "iso-42001");
    await waitFor(() => expect(window.location.hash).toBe(href.coverage(MODEL, VERSION, "iso-42001")));
  });

  it("exports the Annex IV file to the picked path, busy while the core writes it", async () => {
    let finish: (v: DossierExport) => void = () => {};
    const calls = setup({
      export_pick: () => "/home/ana/annex.pdf",
      dossier_annex_iv: () => new Promise<DossierExport>((r) => (finish = r)),
    });
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByTestId("annex-format"), "pdf");
    await user.click(screen.getByTestId("annex-export"));
    await screen.findByTestId("annex-busy");
    expect((screen.getByTestId("annex-export") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("annex-export").textContent).toBe("Exporting…");
    expect(calls.find((c) => c.cmd === "export_pick")?.args).toEqual({
      title: "Export the Annex IV technical documentation",
      name: `${MODEL}-${VERSION}-annex-iv.pdf`,
      extension: "pdf",
    });
    expect(calls.find((c) => c.cmd === "dossier_annex_iv")?.args).toEqual({ model: MODEL, version: VERSION, format: "pdf", path: "/home/ana/annex.pdf" });
    finish({ ...ANNEX, format: "pdf", file: "/home/ana/annex.pdf" });
    const written = await screen.findByTestId("annex-written");
    expect(written.textContent).toContain("/home/ana/annex.pdf");
    expect(written.textContent).toContain(`${ANNEX.records} release records attached (all verify)`);
    expect((screen.getByTestId("annex-export") as HTMLButtonElement).disabled).toBe(false);
  });

  it("says why the file was not written, and writes nothing when the dialog is cancelled", async () => {
    let picked: string | null = null;
    const calls = setup({
      export_pick: () => picked,
      dossier_annex_iv: () => {
        throw { code: "io", message: "cannot write /home/ana/ro/annex.html: Permission denied" };
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("annex-export"));
    await waitFor(() => expect((screen.getByTestId("annex-export") as HTMLButtonElement).disabled).toBe(false));
    expect(calls.some((c) => c.cmd === "dossier_annex_iv")).toBe(false);
    expect(screen.queryByTestId("annex-error")).toBeNull();
    picked = "/home/ana/ro/annex.html";
    await user.click(screen.getByTestId("annex-export"));
    const error = await screen.findByTestId("annex-error");
    expect(error.textContent).toBe("The Annex IV file was not written: cannot write /home/ana/ro/annex.html: Permission denied");
    expect(screen.queryByTestId("annex-written")).toBeNull();
  });
});
