import { useEffect, useRef, useState } from "react";
import type { WorkspaceInfo } from "./api/bindings";
import { api } from "./api/client";
import { FirstStartPrompt } from "./components/FirstStartPrompt";
import { ErrorBanner, ErrorsProvider, useErrors } from "./errors";
import { href, useRoute, type Route } from "./router";
import { AuditScreen } from "./screens/audit/AuditScreen";
import { CoverageScreen } from "./screens/coverage/CoverageScreen";
import { DatasetScreen } from "./screens/dataset/DatasetScreen";
import { EvaluationsScreen } from "./screens/evaluations/EvaluationsScreen";
import { DocumentScreen } from "./screens/documents/DocumentScreen";
import { HomeScreen } from "./screens/home/HomeScreen";
import { ModelScreen } from "./screens/model/ModelScreen";
import { OperationsScreen } from "./screens/operations/OperationsScreen";
import { PolicyScreen } from "./screens/policy/PolicyScreen";
import { PacketScreen } from "./screens/roster/PacketScreen";
import { RosterScreen } from "./screens/roster/RosterScreen";
import { SettingsScreen } from "./screens/settings/SettingsScreen";
import { ConflictsScreen } from "./screens/sync/ConflictsScreen";
import { MergeScreen } from "./screens/sync/MergeScreen";
import { SyncProvider } from "./screens/sync/SyncContext";
import { SyncIndicator } from "./screens/sync/SyncIndicator";
import { SyncScreen } from "./screens/sync/SyncScreen";
import { UngovernedScreen } from "./screens/sync/UngovernedScreen";
import { VersionScreen } from "./screens/version/VersionScreen";
import { useShortcuts } from "./shortcuts";

type Section = "home" | "roster" | "audit" | "settings" | "policy";

function section(route: Route): Section | null {
  switch (route.name) {
    case "home":
    case "model":
    case "operations":
    case "version":
    case "approvals":
    case "evaluations":
    case "coverage":
    case "dataset":
    case "document":
      return "home";
    case "roster":
    case "packet":
      return "roster";
    case "audit":
      return "audit";
    case "settings":
      return "settings";
    case "policy":
      return "policy";
    default:
      return null;
  }
}

function Screen({ route, workspace, onWorkspace }: { route: Route; workspace: number; onWorkspace: (w: WorkspaceInfo) => void }) {
  // Keys include the workspace generation so every screen reloads after switching workspace.
  switch (route.name) {
    case "home":
      return <HomeScreen key={`home-${workspace}`} />;
    case "model":
      return <ModelScreen key={`m-${workspace}-${route.model}`} name={route.model} />;
    case "operations":
      return <OperationsScreen key={`o-${workspace}-${route.model}`} model={route.model} />;
    case "version":
      return <VersionScreen key={`v-${workspace}-${route.model}-${route.version}`} model={route.model} version={route.version} />;
    case "approvals":
      return (
        <VersionScreen key={`v-${workspace}-${route.model}-${route.version}`} model={route.model} version={route.version} section="approvals" />
      );
    case "evaluations":
      return <EvaluationsScreen key={`e-${workspace}-${route.model}-${route.version}`} model={route.model} version={route.version} />;
    case "coverage":
      return <CoverageScreen key={`c-${workspace}-${route.model}-${route.version}`} model={route.model} version={route.version} pack={route.pack} />;
    case "dataset":
      return <DatasetScreen key={`d-${workspace}-${route.reference}`} reference={route.reference} />;
    case "document":
      return <DocumentScreen key={`doc-${workspace}-${route.target}-${route.kind}`} target={route.target} kind={route.kind} />;
    case "audit":
      return <AuditScreen key={`a-${workspace}`} />;
    case "settings":
      return <SettingsScreen onWorkspaceChanged={onWorkspace} />;
    case "roster":
      return <RosterScreen key={`r-${workspace}`} />;
    case "policy":
      return <PolicyScreen key={`pol-${workspace}`} />;
    case "packet":
      return <PacketScreen key={`p-${route.path}`} path={route.path} />;
    case "sync":
      return <SyncScreen key={`s-${workspace}`} />;
    case "sync-conflicts":
      return <ConflictsScreen key={`sc-${workspace}`} />;
    case "sync-merge":
      return <MergeScreen key={`sm-${workspace}-${route.target}-${route.kind}`} target={route.target} kind={route.kind} />;
    case "sync-ungoverned":
      return <UngovernedScreen key={`su-${workspace}`} />;
    case "not-found":
      return (
        <section className="screen">
          <h1>Nothing here</h1>
          <p className="muted">
            There is no screen at <code>{route.path}</code>. <a href={href.home()}>Back to models</a>.
          </p>
        </section>
      );
  }
}

function Shell() {
  const route = useRoute();
  const { report } = useErrors();
  const [workspace, setWorkspace] = useState<WorkspaceInfo | null>(null);
  const [generation, setGeneration] = useState(0);
  const main = useRef<HTMLElement>(null);
  useShortcuts();

  useEffect(() => {
    api.workspaceInfo().then(setWorkspace, report);
  }, [report]);

  // After navigation, put focus at the top of the new screen for keyboard and screen-reader users,
  // unless something inside the screen already asked for it.
  const routeKey = JSON.stringify(route);
  useEffect(() => {
    const active = document.activeElement;
    if (!main.current || (active && active !== document.body && main.current.contains(active))) return;
    main.current.focus({ preventScroll: true });
  }, [routeKey]);

  const current = section(route);
  const nav = (id: Section, label: string, to: string, key: string) => (
    <a
      href={to}
      className={`nav-link${current === id ? " is-current" : ""}`}
      aria-current={current === id ? "page" : undefined}
      data-testid={`nav-${id}`}
      aria-keyshortcuts={key}
    >
      {label}
    </a>
  );

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{" "}
          Steward
        </div>
        <nav aria-label="Main">
          {nav("home", "Models", href.home(), "Alt+1")}
          {nav("audit", "Audit log", href.audit(), "Alt+2")}
          {nav("settings", "Settings", href.settings(), "Alt+3")}
          {nav("roster", "Roster", href.roster(), "Alt+4")}
          {nav("policy", "Policy", href.policy(), "Alt+5")}
        </nav>
        <SyncIndicator />
        <div className="sidebar-foot small muted" data-testid="sidebar-workspace">
          {workspace ? (
            <>
              <div>Workspace</div>
              <div className="mono break">{workspace.path}</div>
            </>
          ) : null}
        </div>
      </aside>
      <main id="main" ref={main} tabIndex={-1} className="main">
        <ErrorBanner />
        <FirstStartPrompt onSettings={route.name === "settings"} />
        <Screen
          route={route}
          workspace={generation}
          onWorkspace={(w) => {
            setWorkspace(w);
            setGeneration((g) => g + 1);
          }}
        />
      </main>
    </div>
  );
}

export function App() {
  return (
    <ErrorsProvider>
      <SyncProvider>
        <Shell />
      </SyncProvider>
    </ErrorsProvider>
  );
}
