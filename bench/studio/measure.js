// Cold start and memory of the studio on a large workspace, through the same WebDriver chain
// as the E2E suite (tauri-driver must already listen on E2E_PORT; run.sh starts it).
//
// Start: from asking for a session (which launches the app) until the home screen lists a
// model row; reported per launch, the first launch separately. Memory: after the window
// settles, the Rust process (steward-studio) alone as RSS, and steward-studio plus every
// descendant (WebKit web and network processes) as RSS (shared pages counted in each
// process) and PSS (shared pages split, the honest total). Targets: start < 1.5 s, the Rust
// process < 60 MB RSS, the total < 300 MB PSS.
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { STUDIO_BIN, openStudio } from "../../tests/e2e/studio.js";

const workspace = process.env.BENCH_WORKSPACE;
const runs = Number(process.env.BENCH_RUNS ?? 5);
const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 5000);
const START_TARGET_MS = 1500;
const RUST_RSS_TARGET_MB = 60;
const TOTAL_PSS_TARGET_MB = 300;

function children() {
  const byParent = new Map();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!byParent.has(ppid)) byParent.set(ppid, []);
      byParent.get(ppid).push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return byParent;
}

function descendants(pid, byParent) {
  const out = [pid];
  for (const child of byParent.get(pid) ?? []) out.push(...descendants(child, byParent));
  return out;
}

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** The studio process started for `workspace`, found by its command line. */
function studioPid() {
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const args = cmdline(Number(name));
    if (args[0] === STUDIO_BIN && args.includes(workspace)) return Number(name);
  }
  return undefined;
}

function memoryKb(pid, field) {
  const file = field === "Pss" ? `/proc/${pid}/smaps_rollup` : `/proc/${pid}/status`;
  try {
    const m = fs.readFileSync(file, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function memory(root) {
  const pids = descendants(root, children());
  const procs = pids.map((pid) => ({
    pid,
    name: (cmdline(pid)[0] ?? "?").split("/").pop(),
    rss: memoryKb(pid, "VmRSS"),
    pss: memoryKb(pid, "Pss"),
    // Of the RSS: the process's own heap and stacks, and mapped files (shared libraries).
    anon: memoryKb(pid, "RssAnon"),
    file: memoryKb(pid, "RssFile"),
  }));
  const sum = (k) => procs.reduce((a, p) => a + p[k], 0) / 1024;
  return { procs, rssMb: sum("rss"), pssMb: sum("pss") };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function launch(measureMemory) {
  const t0 = performance.now();
  const browser = await openStudio(["--workspace", workspace]);
  const tSession = performance.now();
  const row = await browser.$('[data-testid^="model-row-"]');
  await row.waitForExist({ timeout: 60_000, interval: 20, timeoutMsg: "no model row within 60 s" });
  const tRows = performance.now();
  let mem;
  if (measureMemory) {
    await browser.pause(settleMs);
    const pid = studioPid();
    if (pid === undefined) throw new Error(`cannot find the ${STUDIO_BIN} process for ${workspace}`);
    mem = memory(pid);
  }
  const count = await browser.execute(() => document.querySelector('[data-testid="model-count"]')?.textContent ?? "");
  await browser.deleteSession();
  return { sessionMs: tSession - t0, homeMs: tRows - t0, count, mem };
}

async function main() {
  if (!workspace) throw new Error("BENCH_WORKSPACE must name the workspace (run.sh sets it)");
  console.log(`studio:    ${STUDIO_BIN}`);
  console.log(`workspace: ${workspace}`);
  const results = [];
  for (let i = 0; i < runs; i++) {
    let r;
    try {
      r = await launch(i === runs - 1);
    } catch (e) {
      // A busy 2-core machine sometimes fails a session start; say so and try that launch again.
      console.log(`launch ${i + 1}: failed (${String(e.message ?? e).split("\n")[0]}); retrying once`);
      r = await launch(i === runs - 1);
    }
    results.push(r);
    console.log(
      `launch ${i + 1}: home with model rows after ${r.homeMs.toFixed(0)} ms ` +
        `(session/app launch ${r.sessionMs.toFixed(0)} ms) — "${r.count.trim()}"`,
    );
  }
  const home = results.map((r) => r.homeMs);
  const { mem } = results[results.length - 1];
  console.log("");
  const mb = (kb) => (kb / 1024).toFixed(1);
  for (const p of mem.procs)
    console.log(`  pid ${p.pid} ${p.name}: RSS ${mb(p.rss)} MB (anonymous ${mb(p.anon)}, files ${mb(p.file)}), PSS ${mb(p.pss)} MB`);
  console.log("");
  console.log(`cold start (first launch):      ${home[0].toFixed(0)} ms`);
  console.log(`start, median of ${runs}:          ${median(home).toFixed(0)} ms   target < ${START_TARGET_MS} ms: ${median(home) < START_TARGET_MS ? "met" : "MISSED"}`);
  const rust = mem.procs[0];
  const rustMb = rust.rss / 1024;
  console.log(`Rust process (${rust.name}) RSS: ${rustMb.toFixed(0)} MB (PSS ${(rust.pss / 1024).toFixed(0)} MB)   target < ${RUST_RSS_TARGET_MB} MB: ${rustMb < RUST_RSS_TARGET_MB ? "met" : "MISSED"}`);
  console.log(`memory after ${settleMs / 1000} s, PSS sum:    ${mem.pssMb.toFixed(0)} MB   target < ${TOTAL_PSS_TARGET_MB} MB: ${mem.pssMb < TOTAL_PSS_TARGET_MB ? "met" : "MISSED"}`);
  console.log(`memory after ${settleMs / 1000} s, RSS sum:    ${mem.rssMb.toFixed(0)} MB`);
}

main().catch((e) => {
  console.error(`bench: ${e.message ?? e}`);
  process.exit(1);
});
