// Shared plumbing for the Chromium flows: a tiny static server for dist-flows/ on 127.0.0.1
// (sending the app's CSP), and the system Chromium driven by playwright-core.
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../dist-flows/", import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL("./.artifacts/", import.meta.url));
// The studio's own CSP (src-tauri/tauri.conf.json), so a flow fails where the app would.
const CSP = JSON.parse(readFileSync(fileURLToPath(new URL("../../src-tauri/tauri.conf.json", import.meta.url)), "utf8")).app.security.csp;
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** @returns {Promise<{ url: string, close: () => Promise<void> }>} */
export async function serve() {
  if (!existsSync(join(ROOT, "index.html"))) {
    throw new Error(`no flows bundle at ${ROOT}: run "npm run flows" (it builds it first)`);
  }
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      const file = normalize(join(ROOT, path === "/" ? "index.html" : path));
      if (!file.startsWith(ROOT.endsWith(sep) ? ROOT : ROOT + sep)) {
        res.writeHead(403).end();
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[/** @type {keyof typeof TYPES} */ (extname(file))] ?? "application/octet-stream",
        "content-security-policy": CSP,
        "cache-control": "no-store",
      });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * A fresh headless Chromium with its own user-data dir.
 * @param {{ colorScheme?: "light" | "dark" }} [options]
 */
export async function launch(options = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  const userData = await mkdtemp(join(tmpdir(), "steward-flows-"));
  const context = await chromium.launchPersistentContext(userData, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1280, height: 820 },
    colorScheme: options.colorScheme ?? "light",
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userData, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the app in a new page and records console errors, page errors and CSP violations.
 * @param {import("playwright-core").BrowserContext} context
 * @param {string} url
 */
export async function openApp(context, url) {
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  await page.getByTestId("nav-home").waitFor();
  return { page, problems };
}

/**
 * The setup every flow file shares: registers hooks that create the artifacts folder, serve
 * dist-flows/ and launch Chromium before its tests, and close both after them. The returned
 * object's `server` and `browser` are set once the `before` hook has run.
 */
export function setupFlows() {
  const flows = /** @type {{ server: Awaited<ReturnType<typeof serve>>, browser: Awaited<ReturnType<typeof launch>> }} */ ({});
  before(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    flows.server = await serve();
    flows.browser = await launch();
  });
  after(async () => {
    await flows.browser?.close();
    await flows.server?.close();
  });
  return flows;
}

/** @param {string[]} problems */
export function assertClean(problems) {
  assert.deepEqual(problems, [], "no console errors, page errors or CSP violations");
}
