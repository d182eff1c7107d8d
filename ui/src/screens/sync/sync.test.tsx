import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { emit } from "@tauri-apps/api/event";
import { describe, expect, it } from "vitest";
import type { ApiError, DocumentMergeView, RemoteRecordView, SyncFindingsView, SyncProgress, SyncReport, SyncStatusView } from "../../api/bindings";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { ConflictsScreen } from "./ConflictsScreen";
import { SyncProvider } from "./SyncContext";
import { SyncIndicator } from "./SyncIndicator";
import { SyncScreen } from "./SyncScreen";
import { UngovernedScreen } from "./UngovernedScreen";
import { MergeScreen } from "./MergeScreen";
// Recorded from the real core for `steward demo` by ui/flows/app/sync/generate.sh.
import demoStatus from "../../../flows/app/sync/demo-status.json";
import closedStatus from "../../../flows/app/sync/closed-status.json";
import onlineStatusSet from "../../../flows/app/sync/online-status-set.json";
import onlineStatus from "../../../flows/app/sync/online-status.json";
import onlineSync from "../../../flows/app/sync/online-sync.json";
import ungovernedFindings from "../../../flows/app/sync/ungoverned-findings.json";
import ungovernedStatus from "../../../flows/app/sync/ungoverned-status.json";
import restoredSync from "../../../flows/app/sync/restored-sync.json";
import restoredFindings from "../../../flows/app/sync/restored-findings.json";
import conflictFindings from "../../../flows/app/sync/conflict-findings.json";
import conflictStatus from "../../../flows/app/sync/conflict-status.json";
import conflictRemote from "../../../flows/app/sync/conflict-remote.json";
import mergeView from "../../../flows/app/sync/merge-view.json";
import mergeSaveMarked from "../../../flows/app/sync/merge-save-marked.json";

type Recorded = { progress: SyncProgress[]; report: SyncReport };
const ONLINE_SYNC = onlineSync as Recorded;
const RESTORED_SYNC = restoredSync as Recorded;

function render(ui: React.ReactElement) {
  renderWithErrors(
    <SyncProvider>
      <SyncIndicator />
      {ui}
    </SyncProvider>,
  );
}

describe("the shell's sync indicator", () => {
  it("shows the core's count of waiting changes and that no registry is set", async () => {
    mockBackend({ sync_status: () => demoStatus as SyncStatusView });
    render(<></>);
    expect((await screen.findByTestId("sync-waiting-count")).textContent).toBe(String(demoStatus.waiting.length));
    expect(screen.getByTestId("sync-indicator-unset").textContent).toBe("No registry set");
    expect(screen.getByTestId("sync-indicator").getAttribute("href")).toBe("#/sync");
  });

  it("shows the conflicts the pulls found", async () => {
    mockBackend({ sync_status: () => conflictStatus as SyncStatusView });
    render(<></>);
    expect((await screen.findByTestId("sync-conflict-count")).textContent).toBe(String(conflictStatus.conflicts.length));
  });
});

describe("SyncScreen", () => {
  it("lists every waiting change with its last error", async () => {
    mockBackend({ sync_status: () => closedStatus as SyncStatusView });
    render(<SyncScreen />);
    const table = await screen.findByTestId("sync-waiting");
    const status = closedStatus as SyncStatusView;
    expect(within(table).getAllByTestId(/^waiting-\d+$/).length).toBe(status.waiting.length);
    for (const w of status.waiting) {
      expect(within(screen.getByTestId(`waiting-${w.id}`)).getByTestId("waiting-error").textContent).toContain(w.last_error ?? "?");
    }
    expect(screen.getByTestId("sync-last-error").textContent).toContain(status.last_sync?.error ?? "?");
    expect(screen.getByTestId("sync-indicator-last").getAttribute("data-outcome")).toBe("failed");
  });

  it("Sync now shows the core's progress, offers Cancel, and then the report and the emptied outbox", async () => {
    let finish: (r: SyncReport) => void = () => undefined;
    let synced = false;
    const calls = mockBackend({
      sync_status: () => (synced ? onlineStatus : onlineStatusSet) as SyncStatusView,
      sync_run: () =>
        new Promise<SyncReport>((resolve) => {
          finish = (r) => {
            synced = true;
            resolve(r);
          };
        }),
      operation_cancel: () => true,
    });
    const user = userEvent.setup();
    render(<SyncScreen />);
    await user.click(await screen.findByTestId("sync-now"));
    const run = await waitFor(() => {
      const c = calls.find((x) => x.cmd === "sync_run");
      expect(c).toBeTruthy();
      return c;
    });
    expect(run?.args.req).toEqual({ push: false, pull: false, restore: false });
    const operation = run?.args.operation as string;
    const sending = ONLINE_SYNC.progress.find((p) => p.phase === "sending");
    expect(sending).toBeTruthy();
    await act(async () => {
      await emit("steward://sync-progress", { operation, progress: sending });
    });
    expect(screen.getByTestId("sync-progress-text").textContent).toContain(`Sending ${sending?.model}: ${sending?.ops_done} of ${sending?.ops_total} operations`);
    expect(screen.getByTestId("sync-indicator-running").textContent).toContain(`Sending ${sending?.model}`);
    // Another operation's progress is not this sync's.
    await act(async () => {
      await emit("steward://sync-progress", { operation: "other", progress: { ...sending, model: "someone-else" } });
    });
    expect(screen.getByTestId("sync-progress-text").textContent).not.toContain("someone-else");
    await user.click(screen.getByTestId("operation-cancel"));
    expect(calls.find((c) => c.cmd === "operation_cancel")?.args).toEqual({ operation });
    await act(async () => finish(ONLINE_SYNC.report));
    const report = await screen.findByTestId("sync-report");
    expect(report.textContent).toContain(`${ONLINE_SYNC.report.sent} waiting changes sent`);
    await screen.findByTestId("sync-waiting-empty");
    expect(screen.getByTestId("sync-waiting-count").textContent).toBe("0");
  });

  it("checking what the registry holds asks the core to verify, only when ticked", async () => {
    const calls = mockBackend({
      sync_status: () => onlineStatus as SyncStatusView,
      sync_run: () => ONLINE_SYNC.report,
    });
    const user = userEvent.setup();
    render(<SyncScreen />);
    const box = (await screen.findByTestId("sync-verify")) as HTMLInputElement;
    expect(box.checked).toBe(false);
    await user.click(box);
    await user.click(screen.getByTestId("sync-now"));
    await screen.findByTestId("sync-report");
    expect(calls.filter((c) => c.cmd === "sync_run").map((c) => c.args.req)).toEqual([{ push: false, pull: false, restore: false, verify: true }]);
  });

  it("a failed sync is the core's error in the banner", async () => {
    mockBackend({
      sync_status: () => closedStatus as SyncStatusView,
      sync_run: () => {
        throw { code: "registry", message: closedStatus.last_sync?.error ?? "?" };
      },
    });
    const user = userEvent.setup();
    render(<SyncScreen />);
    await user.click(await screen.findByTestId("sync-now"));
    expect((await screen.findByRole("alert")).textContent).toContain("is unreachable");
    expect(screen.queryByTestId("sync-report")).toBeNull();
  });
});

describe("UngovernedScreen", () => {
  it("lists the hand-set alias and restores it only after the confirm", async () => {
    let restored = false;
    const calls = mockBackend({
      sync_status: () => ungovernedStatus as SyncStatusView,
      sync_findings: () => (restored ? restoredFindings : ungovernedFindings) as SyncFindingsView,
      sync_run: () => {
        restored = true;
        return RESTORED_SYNC.report;
      },
    });
    const user = userEvent.setup();
    render(<UngovernedScreen />);
    const found = ungovernedFindings as SyncFindingsView;
    const u = found.report?.ungoverned[0];
    expect(u).toBeTruthy();
    if (!u) return;
    const row = await screen.findByTestId(`ungoverned-${u.model}-${u.alias}`);
    expect(row.getAttribute("data-restored")).toBe("no");
    expect(row.textContent).toContain(`registry version ${u.number}`);
    expect(row.textContent).toContain(u.points_at ?? "not a Steward version");
    expect(row.textContent).toContain(u.governed ?? "no version");
    if (u.user_id) expect(row.textContent).toContain(u.user_id);

    await user.click(screen.getByTestId("restore-governed"));
    expect(within(screen.getByTestId("restore-confirm")).getByRole("listitem").textContent).toContain(`→ ${u.governed}`);
    await user.click(screen.getByTestId("restore-cancel"));
    expect(calls.some((c) => c.cmd === "sync_run")).toBe(false);
    await user.click(screen.getByTestId("restore-governed"));
    await user.click(screen.getByTestId("restore-confirm-go"));
    await waitFor(() => expect(screen.getByTestId(`ungoverned-${u.model}-${u.alias}`).getAttribute("data-restored")).toBe("yes"));
    expect(calls.filter((c) => c.cmd === "sync_run").map((c) => c.args.req)).toEqual([{ push: false, pull: false, restore: true }]);
    expect((screen.getByTestId("restore-governed") as HTMLButtonElement).disabled).toBe(true);
  });
});

describe("ConflictsScreen", () => {
  it("shows each conflict beside the local record, and tampered items as ignored", async () => {
    const calls = mockBackend({
      sync_status: () => conflictStatus as SyncStatusView,
      sync_findings: () => conflictFindings as SyncFindingsView,
      sync_conflict_remote: () => conflictRemote as RemoteRecordView,
    });
    render(<ConflictsScreen />);
    const list = await screen.findByTestId("conflicts");
    const found = conflictFindings as SyncFindingsView;
    expect(Array.from(list.children).map((li) => li.getAttribute("data-kind"))).toEqual(found.conflicts.map((d) => d.conflict.kind));
    for (const d of found.conflicts) {
      const card = screen.getByTestId(`conflict-${d.conflict.model}-${d.conflict.version}-${d.conflict.kind}`);
      if (d.conflict.kind.startsWith("document:")) {
        // Two heads of a document: Merge… opens the merge screen for it.
        expect(within(card).getByTestId("conflict-merge").getAttribute("href")).toBe(`#/sync/merge/${encodeURIComponent(`${d.conflict.model}@${d.conflict.version}`)}/${d.conflict.kind.slice("document:".length)}`);
        expect(within(card).getByTestId("conflict-detail").textContent).toBe(d.conflict.detail);
        continue;
      }
      expect(within(card).getByTestId("conflict-remote-digest").getAttribute("title")).toBe(d.conflict.remote_sha256);
      expect(within(card).getByTestId("conflict-detail").textContent).toBe(d.conflict.detail);
      if (d.conflict.kind === "tampered") expect(card.textContent).toContain("tampered — ignored");
      if (d.local) expect(within(card).getByTestId("conflict-local-record").textContent).toContain(d.local.signer_name);
    }
    const record = found.conflicts.find((d) => d.conflict.kind === "release-record")?.conflict;
    expect(record).toBeTruthy();
    if (!record) return;
    const card = screen.getByTestId(`conflict-${record.model}-${record.version}-release-record`);
    await userEvent.setup().click(within(card).getByTestId("conflict-remote-read"));
    const remote = conflictRemote as RemoteRecordView;
    expect((await within(card).findByTestId("conflict-remote-record")).textContent).toContain(remote.signer_name ?? "?");
    expect(within(card).getByTestId("conflict-remote-record").textContent).toContain(remote.reason ?? "?");
    expect(calls.find((c) => c.cmd === "sync_conflict_remote")?.args).toEqual({ model: record.model, version: record.version, digest: record.remote_sha256 });
  });
});

describe("MergeScreen", () => {
  it("shows the core's merge and, saving the marked text, the core's refusal; nothing is saved", async () => {
    const view = mergeView as DocumentMergeView;
    const refusal = mergeSaveMarked as ApiError;
    const calls = mockBackend({
      sync_status: () => conflictStatus as SyncStatusView,
      doc_merge: () => view,
      doc_merge_save: () => {
        throw refusal;
      },
    });
    render(<MergeScreen target={view.target} kind={view.kind} />);
    const result = (await screen.findByTestId("merge-result")) as HTMLTextAreaElement;
    expect(result.value).toBe(view.marked);
    expect(screen.getByTestId("merge-summary").textContent).toContain(String(view.conflicts));
    expect(screen.getAllByTestId(/^merge-conflict-/)).toHaveLength(view.conflicts);
    await userEvent.setup().click(screen.getByTestId("merge-save"));
    expect(await screen.findByText(refusal.message, { exact: false })).toBeTruthy();
    expect(screen.queryByTestId("merge-saved")).toBeNull();
    expect(calls.filter((c) => c.cmd === "doc_merge_save")).toHaveLength(1);
  });
});
