// Shared by the journey test and the studio bench: opens a WebDriver session on the real
// steward-studio binary (through tauri-driver, which must already listen on E2E_PORT) and
// offers small helpers over `data-testid`s and the app's own IPC.
import { remote } from "webdriverio";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The studio binary under test: STUDIO_BIN, else the debug build. */
export const STUDIO_BIN = process.env.STUDIO_BIN ?? path.join(ROOT, "target/debug/steward-studio");

/** Starts the app with `args` and returns the session once the window answers. */
export async function openStudio(args) {
  return remote({
    hostname: "127.0.0.1",
    port: Number(process.env.E2E_PORT ?? 4444),
    logLevel: process.env.E2E_LOG_LEVEL ?? "error",
    connectionRetryCount: 0,
    capabilities: {
      "tauri:options": { application: STUDIO_BIN, args },
      // WebKitWebDriver refuses the BiDi session WebdriverIO 9 asks for by default.
      "wdio:enforceWebDriverClassic": true,
    },
  });
}

/** A CSS selector for a `data-testid`. */
export const tid = (id) => `[data-testid="${id}"]`;

/** Waits for the element with `data-testid=id` to exist and returns it. */
export async function byTestId(browser, id, timeout = 10_000) {
  const el = await browser.$(tid(id));
  await el.waitForExist({ timeout, timeoutMsg: `no element with data-testid="${id}" after ${timeout} ms` });
  return el;
}

/**
 * Calls a Tauri command from inside the window, exactly as the front end does (same IPC, same
 * capabilities). Resolves to `{ok}` or `{err}` so refusals can be asserted on.
 */
export async function invoke(browser, cmd, args = {}) {
  return browser.executeAsync(
    (cmd, args, done) => {
      window.__TAURI_INTERNALS__
        .invoke(cmd, args)
        .then((ok) => done({ ok }), (err) => done({ err }));
    },
    cmd,
    args,
  );
}

/** Navigates with the app's hash router. */
export async function go(browser, hash) {
  await browser.execute((h) => {
    window.location.hash = h;
  }, hash);
}
