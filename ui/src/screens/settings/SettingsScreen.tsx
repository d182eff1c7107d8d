import { useState } from "react";
import type { WorkspaceInfo } from "../../api/bindings";
import { api, pickFolder } from "../../api/client";
import { useErrors } from "../../errors";
import { useLoad } from "../../useLoad";
import { SHORTCUTS } from "../../shortcuts";
import { IdentityPanel } from "./IdentityPanel";
import { RegistryPanel } from "./RegistryPanel";

export function SettingsScreen({ onWorkspaceChanged }: { onWorkspaceChanged: (info: WorkspaceInfo) => void }) {
  const { report } = useErrors();
  const info = useLoad("workspace", () => api.workspaceInfo());
  const [busy, setBusy] = useState(false);

  const change = async (how: "open" | "create") => {
    setBusy(true);
    try {
      const path = await pickFolder(how === "open" ? "Open a workspace folder" : "Folder for the new workspace");
      if (!path) return;
      const next = how === "open" ? await api.workspaceOpen(path) : await api.workspaceCreate(path);
      info.set(next);
      onWorkspaceChanged(next);
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };

  const w = info.data;
  return (
    <section className="screen" aria-labelledby="settings-title">
      <header className="screen-header">
        <h1 id="settings-title">Settings</h1>
      </header>

      <h2>Your identity</h2>
      <IdentityPanel />

      <h2>Registry</h2>
      <RegistryPanel />

      <h2>Workspace</h2>
      {w ? (
        <dl className="kv" data-testid="workspace-info">
          <dt>Folder</dt>
          <dd className="mono break" data-testid="workspace-path">
            {w.path}
          </dd>
          <dt>Database</dt>
          <dd className="mono break">{w.database}</dd>
          <dt>Schema</dt>
          <dd className="mono">{w.schema}</dd>
          <dt>Models</dt>
          <dd>{w.models.toLocaleString()}</dd>
        </dl>
      ) : (
        <p className="muted">{info.failed ? "No workspace information." : "Loading…"}</p>
      )}
      <div className="row">
        <button type="button" className="btn" onClick={() => change("open")} disabled={busy} data-testid="workspace-open">
          Open another workspace…
        </button>
        <button type="button" className="btn" onClick={() => change("create")} disabled={busy} data-testid="workspace-create">
          Create a new workspace…
        </button>
      </div>

      <h2>Appearance</h2>
      <p className="muted">Steward follows your system's light or dark setting.</p>

      <h2>Keyboard shortcuts</h2>
      <dl className="kv shortcuts">
        {SHORTCUTS.map((s) => (
          <div key={s.keys} className="kv-row">
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
