// The three-way merge in the real studio (issue 11, point 5): two laptops edit the same line of
// a model card offline and sync through a real MLflow server on loopback (the pinned one the
// Rust suites use); the second laptop's studio lists the two heads on the conflicts screen,
// Merge… opens the merge screen, "Take theirs" composes the text through the core, Save stores
// it, and the CLI reads back a revision with both heads as parents and no conflict left.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { ROOT, byTestId, go, openStudio, tid } from "./studio.js";

const base = process.env.E2E_WORKSPACE;
const steward = process.env.E2E_STEWARD;
const python = process.env.STEWARD_MLFLOW_PYTHON ?? path.join(ROOT, ".venv-mlflow/bin/python");
const CARD = "summarize-copilot@1.3.0-15";
let browser;
let server;
let dir;

const cli = (ws, ...args) => execFileSync(steward, ["--workspace", ws, ...args], { encoding: "utf8" });
/** Exit code and output of a CLI call that may exit 1 (a sync that finds a conflict). */
function cliMay(ws, ...args) {
  try {
    return { code: 0, out: cli(ws, ...args) };
  } catch (e) {
    return { code: e.status, out: String(e.stdout) };
  }
}

async function freePort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

function editCard(ws, temperature, name) {
  const text = JSON.parse(cli(ws, "doc", "show", CARD, "model-card", "--json")).text;
  const edited = text.replace("from 0.7 to 0.4 after", `from 0.7 to ${temperature} after`);
  assert.notEqual(edited, text, "the demo card holds the temperature line");
  const file = path.join(dir, name);
  fs.writeFileSync(file, edited);
  cli(ws, "doc", "save", CARD, "model-card", file, "-m", `temperature ${temperature}`);
}

describe("merging a document's two heads in the studio", () => {
  let laptopA;
  let laptopB;
  before(async () => {
    assert.ok(base && steward, "run.sh sets E2E_WORKSPACE and E2E_STEWARD");
    assert.ok(fs.existsSync(python), `the pinned MLflow is at ${python} (scripts/setup.sh need_mlflow)`);
    dir = path.join(path.dirname(base), "merge");
    fs.mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    server = spawn(
      python,
      ["-m", "mlflow", "server", "--host", "127.0.0.1", "--port", String(port), "--workers", "1", "--backend-store-uri", `sqlite:///${dir}/mlflow.db`, "--serve-artifacts", "--artifacts-destination", `${dir}/artifacts`],
      { detached: true, stdio: ["ignore", fs.openSync(path.join(dir, "mlflow.log"), "w"), fs.openSync(path.join(dir, "mlflow.err"), "w")] },
    );
    const deadline = Date.now() + 180_000;
    for (;;) {
      const ok = await fetch(`${url}/health`).then((r) => r.text(), () => "");
      if (ok === "OK") break;
      assert.ok(Date.now() < deadline, `MLflow never answered /health (see ${dir}/mlflow.err)`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    laptopA = path.join(dir, "a");
    laptopB = path.join(dir, "b");
    cli(laptopA, "demo");
    cli(laptopA, "registry", "set", url);
    cli(laptopA, "sync", "--push");
    fs.mkdirSync(laptopB, { recursive: true, mode: 0o700 });
    fs.copyFileSync(path.join(laptopA, "steward.db"), path.join(laptopB, "steward.db"));
    editCard(laptopA, "0.3", "a.md");
    editCard(laptopB, "0.5", "b.md");
    cli(laptopA, "sync", "--push");
    const pulled = cliMay(laptopB, "sync", "--json");
    assert.equal(pulled.code, 1, "the pull finds the two heads");
    assert.ok(JSON.parse(pulled.out).conflicts.some((c) => c.kind === "document:model-card"), pulled.out);
    browser = await openStudio(["--workspace", laptopB]);
    await byTestId(browser, "model-row-summarize-copilot", 20_000);
  });

  after(async () => {
    await browser?.deleteSession();
    if (server?.pid) {
      try {
        process.kill(-server.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  });

  it("Merge… on the conflicts screen, take theirs, save: a two-parent revision and no conflict left", async () => {
    await go(browser, "#/sync/conflicts");
    const card = await byTestId(browser, "conflict-summarize-copilot-1.3.0-15-document:model-card", 20_000);
    await (await card.$(tid("conflict-merge"))).click();
    await byTestId(browser, "merge-screen", 15_000);
    const result = await byTestId(browser, "merge-result", 15_000);
    assert.match(await result.getValue(), /<<<<<<< ours: r\d+/);
    await (await byTestId(browser, "merge-choice-0-theirs")).click();
    await browser.waitUntil(async () => (await result.getValue()).includes("from 0.7 to 0.3 after") && !(await result.getValue()).includes("<<<<<<<"), {
      timeout: 15_000,
      timeoutMsg: "the core's composition with theirs never filled the text",
    });
    await browser.saveScreenshot(path.join(ROOT, "artifacts/screenshots/e2e-merge.png"));
    await (await byTestId(browser, "merge-save")).click();
    await byTestId(browser, "merge-saved", 15_000);
    const history = JSON.parse(cli(laptopB, "doc", "history", CARD, "model-card", "--json"));
    assert.ok(history[0].parent !== null && history[0].second_parent !== null, JSON.stringify(history[0]));
    assert.match(JSON.parse(cli(laptopB, "doc", "show", CARD, "model-card", "--json")).text, /from 0\.7 to 0\.3 after/);
    const status = JSON.parse(cli(laptopB, "sync", "status", "--json"));
    assert.ok(!status.conflicts.some((c) => c.kind.startsWith("document:")), JSON.stringify(status.conflicts));
    // The merge reaches the other laptop, which moves to it.
    cli(laptopB, "sync", "--push");
    cli(laptopA, "sync", "--pull");
    assert.equal(
      JSON.parse(cli(laptopA, "doc", "show", CARD, "model-card", "--json")).text,
      JSON.parse(cli(laptopB, "doc", "show", CARD, "model-card", "--json")).text,
    );
  });
});
