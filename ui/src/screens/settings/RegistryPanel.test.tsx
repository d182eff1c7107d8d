import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ApiError, RegistrySettingsView, RegistryTestView, SyncStatusView } from "../../api/bindings";
import { mockBackend, renderWithErrors } from "../../test/backend";
import { SyncProvider } from "../sync/SyncContext";
import { RegistryPanel } from "./RegistryPanel";
// Recorded from the real core for `steward demo` by ui/flows/app/sync/generate.sh: the demo
// without a registry, a closed port, and the pinned MLflow server with a token.
import demoSettings from "../../../flows/app/sync/demo-settings.json";
import demoStatus from "../../../flows/app/sync/demo-status.json";
import closedSettings from "../../../flows/app/sync/closed-settings.json";
import closedTest from "../../../flows/app/sync/closed-test.json";
import onlineSettings from "../../../flows/app/sync/online-settings.json";
import onlineLogin from "../../../flows/app/sync/online-login.json";
import onlineTest from "../../../flows/app/sync/online-test.json";

const DEMO = demoSettings as RegistrySettingsView;
const ONLINE = onlineSettings as RegistrySettingsView;
const LOGIN = onlineLogin as RegistrySettingsView;
const TESTED = onlineTest as RegistryTestView;

function setup(settings: RegistrySettingsView, extra: Record<string, (a: Record<string, unknown>) => unknown> = {}) {
  const calls = mockBackend({
    registry_settings: () => settings,
    sync_status: () => demoStatus as SyncStatusView,
    ...extra,
  });
  renderWithErrors(
    <SyncProvider>
      <RegistryPanel />
    </SyncProvider>,
  );
  return calls;
}

describe("RegistryPanel", () => {
  it("sets the URL in the core and then offers the login and the test", async () => {
    const calls = setup(DEMO, { registry_set: () => ONLINE });
    const user = userEvent.setup();
    expect((await screen.findByTestId("registry-unset")).textContent).toContain("No registry is set");
    expect(screen.queryByTestId("registry-test-run")).toBeNull();
    await user.type(screen.getByTestId("registry-url"), "http://127.0.0.1:5000{Enter}");
    await screen.findByTestId("registry-test-run");
    expect(calls.find((c) => c.cmd === "registry_set")?.args).toEqual({ url: "http://127.0.0.1:5000" });
    expect((screen.getByTestId("registry-url") as HTMLInputElement).value).toBe(ONLINE.url);
    expect(screen.getByTestId("registry-credential").textContent).toContain("none (anonymous)");
    // The shell's sync status is read again, so the indicator names the new registry.
    expect(calls.filter((c) => c.cmd === "sync_status").length).toBeGreaterThanOrEqual(2);
  });

  it("sends a token once, shows only the kind the core answers, and keeps no copy", async () => {
    const calls = setup(ONLINE, { registry_login: () => LOGIN, registry_logout: () => ONLINE });
    const user = userEvent.setup();
    await user.type(await screen.findByTestId("registry-secret"), "s3cret-token{Enter}");
    await waitFor(() => expect(screen.getByTestId("registry-credential").textContent).toContain(LOGIN.credential ?? "?"));
    expect(calls.filter((c) => c.cmd === "registry_login").map((c) => c.args)).toEqual([{ user: null, secret: "s3cret-token" }]);
    expect((screen.getByTestId("registry-secret") as HTMLInputElement).value).toBe("");
    expect(document.body.textContent).not.toContain("s3cret-token");
    await user.click(screen.getByTestId("registry-logout"));
    await waitFor(() => expect(screen.getByTestId("registry-credential").textContent).toContain("none (anonymous)"));
    expect(calls.some((c) => c.cmd === "registry_logout")).toBe(true);
  });

  it("logs in with a user and password by keyboard", async () => {
    const calls = setup(ONLINE, { registry_login: () => ({ ...ONLINE, credential: "user ann" }) });
    const user = userEvent.setup();
    await screen.findByTestId("registry-login-token");
    screen.getByTestId("registry-login-user").focus();
    await user.keyboard(" ");
    await user.type(screen.getByTestId("registry-user"), "ann");
    await user.type(screen.getByTestId("registry-secret"), "pw{Enter}");
    await waitFor(() => expect(screen.getByTestId("registry-credential").textContent).toContain("user ann"));
    expect(calls.find((c) => c.cmd === "registry_login")?.args).toEqual({ user: "ann", secret: "pw" });
  });

  it("shows what the connection test found, as the core reported it", async () => {
    setup(LOGIN, { registry_test: () => TESTED });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("registry-test-run"));
    expect((await screen.findByTestId("registry-test-version")).textContent).toContain(TESTED.mlflow_version);
    expect(screen.getByTestId("registry-test-version").textContent).toContain(TESTED.supported ? "supported" : "not a version");
    expect(screen.getByTestId("registry-test-credential").textContent).toBe(TESTED.credential ?? "none (anonymous)");
    expect(screen.getByTestId("registry-test-permissions").textContent).toBe(TESTED.permissions);
  });

  it("an unreachable registry is the core's error in the banner, with its code", async () => {
    const error = closedTest as ApiError;
    setup(closedSettings as RegistrySettingsView, {
      registry_test: () => {
        throw error;
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("registry-test-run"));
    const banner = await screen.findByRole("alert");
    expect(banner.textContent).toContain("Registry");
    expect(banner.textContent).toContain(error.message);
    expect(error.message).toContain("is unreachable");
    expect(screen.queryByTestId("registry-test")).toBeNull();
  });

  it("clears the URL in the core", async () => {
    const calls = setup(ONLINE, { registry_clear: () => DEMO });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("registry-url-clear"));
    await screen.findByTestId("registry-unset");
    expect(calls.some((c) => c.cmd === "registry_clear")).toBe(true);
    expect((screen.getByTestId("registry-url") as HTMLInputElement).value).toBe("");
  });
});
