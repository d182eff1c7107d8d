// Test code only: an in-memory stand-in for the Rust core behind mockIPC, so the Chromium
// flows can drive the real UI. Never imported by src/. It keeps a store of models, versions,
// datasets and an audit log (its seed is hand-written), but the lifecycle's decisions are the
// real core's, recorded by src-tauri/tests/flow_lifecycle.rs into lifecycle/recorded.json: the
// moves allowed from each stage and the reasons for the others, the changes a promotion
// implies and the timeline entries it writes, the answers to the models the flows create, the
// suggested next version, the provenance fields and artifacts reported missing, and the order
// of versions. A decision nobody
// recorded fails loudly.
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { installEvalFake } from "./fake-evals";
import { installComplianceFake } from "./fake-compliance";
import { installGovernanceFake } from "./fake-governance";
import { installOperationsFake } from "./fake-operations";
import { installReleasesFake } from "./fake-releases";
import { installTrustFake } from "./fake-trust";
import { installSyncFake, isSyncFakeState } from "./fake-sync";
import { fakeDocuments } from "./fake-documents";
import { canonical, notRecorded } from "./recorded";
import lifecycleJson from "./lifecycle/recorded.json?raw";
import type {
  ApiError,
  AuditEntryView,
  AuditVerifyResult,
  DatasetDetail,
  DatasetSnapshot,
  DatasetSummary,
  ModelCreate,
  ModelDetail,
  ModelPage,
  ModelQuery,
  ModelSummary,
  NextVersion,
  ProgressEvent,
  ProvenanceView,
  RiskTier,
  Stage,
  StageChangeView,
  StageEvent,
  StageMove,
  StageSet,
  StageSetResult,
  VersionAdd,
  VersionDetail,
  WorkspaceInfo,
} from "../../src/api/bindings";

type VersionRec = {
  version: string;
  stage: Stage;
  bundle_digest: string | null;
  bundle_uri: string | null;
  code_commit: string | null;
  config_digest: string | null;
  config_uri: string | null;
  datasets: string[];
  created_at: string;
};
type ModelRec = {
  name: string;
  title: string;
  owner: string;
  description: string;
  risk_tier: RiskTier;
  created_at: string;
  versions: VersionRec[];
  events: StageEvent[];
};
type DatasetRec = { detail: Omit<DatasetDetail, "linked_versions"> };

/** The stages, in order: the bulk models of the windowing flow are spread over them. */
const STAGES: Stage[] = ["experiment", "candidate", "canary", "production", "rollback-target", "deprecated"];

/** The real core's lifecycle decisions for the flows (src-tauri/tests/flow_lifecycle.rs). */
type Lifecycle = {
  regenerate: string;
  moves: Record<Stage, StageMove[]>;
  /** A promotion: the request (without a gate digest), every version's stage before it, the
   * changes the core made and the timeline entries it wrote. */
  stage_sets: { req: Omit<StageSet, "gate_digest">; stages: [string, Stage][]; changes: StageChangeView[]; timeline: StageEvent[] }[];
  model_create: { req: ModelCreate; ok?: ModelSummary; err?: ApiError }[];
  version_next: { versions: string[]; change: string; ok: NextVersion }[];
  provenance: { provenance: ProvenanceView; missing: string[] }[];
  artifacts: { present: { bundle: boolean; commit: boolean; config: boolean }; missing: string[] }[];
  /** Every version the seed and flows hold, as the core orders them: newest first. */
  version_order: string[];
};
const LIFECYCLE: Lifecycle = JSON.parse(lifecycleJson);
const unrecorded = (what: string): never => notRecorded(`${what} (src-tauri/tests/flow_lifecycle.rs)`, LIFECYCLE.regenerate);
const ACTOR = "ana.lopez";

function fail(code: ApiError["code"], message: string): never {
  throw { code, message } satisfies ApiError;
}

function hex(seed: string): string {
  let h = 2166136261;
  let out = "";
  for (let round = 0; out.length < 64; round++) {
    for (const c of `${seed}:${round}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 64);
}

/** The core's order of two versions (newer first sorts first with `compareVersions(b, a)`): the
 * place of each in the order it listed every version the seed and flows hold. */
function compareVersions(a: string, b: string): number {
  const rank = (v: string) => {
    const at = LIFECYCLE.version_order.indexOf(v);
    return at >= 0 ? at : unrecorded(`the place of version ${v} in the core's order`);
  };
  return rank(b) - rank(a);
}

export type FakeOptions = { bulkModels?: number; empty?: boolean; noIdentity?: boolean; sync?: string | null };

export type FakeControls = {
  /** The next call of `command` rejects with this error. */
  failNext: (command: string, error: ApiError) => void;
  /** audit_verify reports a broken chain from now on. */
  breakChain: (seq: number, reason: string) => void;
  /** Commands called so far, in order. */
  calls: { cmd: string; args: unknown }[];
  /** Files the shell wrote for doc_export, by path. */
  written: Map<string, string>;
};

declare global {
  interface Window {
    __fake?: FakeControls;
  }
}

export function installFakeBackend(options: FakeOptions = {}): FakeControls {
  const models = new Map<string, ModelRec>();
  const datasets = new Map<string, DatasetRec>();
  const audit: AuditEntryView[] = [];
  const failures = new Map<string, ApiError>();
  const cancelled = new Set<string>();
  let broken: { seq: number; reason: string } | null = null;
  let clock = Date.parse("2025-09-01T09:00:00Z");
  const now = () => {
    clock += 37 * 60 * 1000;
    return new Date(clock).toISOString();
  };

  const record = (action: string, subject: string, detail: unknown) => {
    const prev = audit[audit.length - 1]?.hash ?? "0".repeat(64);
    const seq = audit.length + 1;
    const entry: AuditEntryView = {
      seq,
      at: now(),
      actor: ACTOR,
      action,
      subject,
      detail: JSON.stringify(detail),
      prev_hash: prev,
      hash: hex(`${prev}${seq}${action}${subject}`),
    };
    audit.push(entry);
  };

  const getModel = (name: string): ModelRec => models.get(name) ?? fail("not_found", `no model named '${name}'`);
  const getVersion = (m: ModelRec, version: string): VersionRec =>
    m.versions.find((v) => v.version === version) ?? fail("not_found", `no version ${version} of '${m.name}'`);

  const datasetSummary = (ref: string): DatasetSummary =>
    (datasets.get(ref) ?? fail("not_found", `no dataset snapshot '${ref}'`)).detail.summary;

  const summary = (m: ModelRec): ModelSummary => {
    const sorted = [...m.versions].sort((a, b) => compareVersions(b.version, a.version));
    return {
      name: m.name,
      title: m.title,
      owner: m.owner,
      description: m.description,
      risk_tier: m.risk_tier,
      versions: sorted.map((v) => ({ version: v.version, stage: v.stage })),
      production: sorted.find((v) => v.stage === "production")?.version ?? null,
      created_at: m.created_at,
    };
  };

  const moves = (stage: Stage): StageMove[] => LIFECYCLE.moves[stage] ?? unrecorded(`the moves from ${stage}`);

  const versionDetail = (m: ModelRec, v: VersionRec): VersionDetail => {
    const present = { bundle: v.bundle_digest !== null, commit: v.code_commit !== null, config: v.config_digest !== null };
    const missing = (
      LIFECYCLE.artifacts.find((x) => canonical(x.present) === canonical(present)) ?? unrecorded(`the missing artifacts of ${canonical(present)}`)
    ).missing;
    return {
      model: m.name,
      version: v.version,
      stage: v.stage,
      artifacts: {
        bundle_digest: v.bundle_digest,
        bundle_uri: v.bundle_uri,
        code_commit: v.code_commit,
        config_digest: v.config_digest,
        config_uri: v.config_uri,
        missing,
      },
      datasets: v.datasets.map(datasetSummary),
      moves: moves(v.stage),
      history: m.events.filter((e) => e.version === v.version),
      created_at: v.created_at,
    };
  };

  const addVersion = (m: ModelRec, version: string, rest: Partial<VersionRec> = {}): VersionRec => {
    // A version the core was never asked to order is one nobody recorded.
    if (!LIFECYCLE.version_order.includes(version)) unrecorded(`version_add of ${m.name}@${version}`);
    if (m.versions.some((v) => v.version === version)) fail("conflict", `${m.name}@${version} already exists`);
    const v: VersionRec = {
      version,
      stage: "experiment",
      bundle_digest: null,
      bundle_uri: null,
      code_commit: null,
      config_digest: null,
      config_uri: null,
      datasets: [],
      created_at: now(),
      ...rest,
    };
    m.versions.push(v);
    m.events.push({ version, from: null, to: "experiment", kind: "create", reason: "added", actor: ACTOR, at: v.created_at });
    record("version.add", `${m.name}@${version}`, { version });
    return v;
  };

  // The promotion the core made from the same stages, applied to this store as it answered.
  const setStage = (req: StageSet): StageSetResult => {
    const m = getModel(req.model);
    const v = getVersion(m, req.version);
    // Without the gate digest: the flows send the governance fake's recorded report's.
    const asked = { model: req.model, version: req.version, stage: req.stage, reason: req.reason ?? null };
    const stages = m.versions.map((x): [string, Stage] => [x.version, x.stage]).sort((x, y) => (x[0] < y[0] ? -1 : 1));
    const key = canonical(asked);
    const hit =
      LIFECYCLE.stage_sets.find((s) => canonical(s.req) === key && canonical(s.stages) === canonical(stages)) ??
      unrecorded(`stage_set ${key} with the versions at ${canonical(stages)}`);
    for (const c of hit.changes) {
      getVersion(m, c.version).stage = c.to;
      record(`stage.${c.kind}`, `${m.name}@${c.version}`, { from: c.from, to: c.to });
    }
    m.events.push(...hit.timeline);
    // The core's release record is left out: it is signed with a key made for the recording;
    // the release screens replay fake-releases' recordings.
    return { changes: hit.changes, version: versionDetail(m, v), release: null };
  };

  const addModel = (s: Omit<ModelRec, "versions" | "events">): ModelRec => {
    const m: ModelRec = { ...s, versions: [], events: [] };
    models.set(m.name, m);
    record("model.create", m.name, { owner: m.owner, risk_tier: m.risk_tier });
    return m;
  };

  // A model a flow creates: the core's answer (or refusal) to the same request, recorded on a
  // workspace without it.
  const createModel = (req: ModelCreate): ModelSummary => {
    const hit = LIFECYCLE.model_create.find((c) => canonical(c.req) === canonical(req));
    if (!hit || (hit.ok && models.has(req.name))) return unrecorded(`model_create ${canonical(req)}`);
    if (hit.err) throw hit.err;
    const made = hit.ok ?? unrecorded(`model_create ${canonical(req)}`);
    const { name, title, owner, description, risk_tier, created_at } = made;
    return summary(addModel({ name, title, owner, description, risk_tier, created_at }));
  };

  const missingProvenance = (p: ProvenanceView): string[] =>
    (LIFECYCLE.provenance.find((x) => canonical(x.provenance) === canonical(p)) ?? unrecorded(`the missing provenance of ${canonical(p)}`)).missing;

  const addDataset = (name: string, version: string, provenance: ProvenanceView, files: [string, number][]) => {
    const manifestFiles = files.map(([path, size]) => ({ path, size, sha256: `sha256:${hex(`${name}/${path}`)}` }));
    const ref = `${name}@${version}`;
    const detail: DatasetRec["detail"] = {
      summary: {
        name,
        version,
        manifest_checksum: `sha256:${hex(`manifest:${ref}`)}`,
        files: files.length,
        bytes: files.reduce((n, [, s]) => n + s, 0),
        missing_provenance: missingProvenance(provenance),
        created_at: now(),
      },
      files: manifestFiles,
      provenance,
    };
    datasets.set(ref, { detail });
    record("dataset.snapshot", ref, { files: files.length });
    return detail;
  };

  const linkDataset = (model: string, version: string, ref: string): VersionDetail => {
    const m = getModel(model);
    const v = getVersion(m, version);
    datasetSummary(ref);
    if (!v.datasets.includes(ref)) v.datasets.push(ref);
    record("version.link_dataset", `${model}@${version}`, { dataset: ref });
    return versionDetail(m, v);
  };

  const progressively = async (operation: string, files: number, bytes: number) => {
    for (let i = 1; i <= 5; i++) {
      await new Promise((r) => setTimeout(r, 120));
      if (cancelled.has(operation)) fail("cancelled", "the operation was cancelled");
      const event: ProgressEvent = {
        operation,
        progress: {
          phase: "hashing",
          done_files: Math.round((files * i) / 5),
          total_files: files,
          done_bytes: Math.round((bytes * i) / 5),
          total_bytes: bytes,
        },
      };
      await emit("steward://progress", event);
    }
  };

  // The seed: what `steward demo` might hold, enough to exercise every screen.
  if (!options.empty) {
    addDataset(
      "transactions-2024q4",
      "1.0",
      { source: "warehouse export payments.tx_2024q4", license: "internal", consent: "contract", retention: "24 months", personal_data: true },
      [["train.parquet", 734_003_200], ["valid.parquet", 91_750_400], ["schema.json", 2_310]],
    );
    addDataset(
      "support-tickets",
      "2",
      { source: "zendesk export", license: null, consent: null, retention: "12 months", personal_data: true },
      [["tickets.jsonl", 48_234_112], ["labels.csv", 1_048_576]],
    );
    const seed: [ModelCreate, [string, Stage, boolean][]][] = [
      [
        { name: "fraud-scorer", owner: "payments-risk", title: "Card fraud scorer", description: "Scores card transactions for fraud in real time.", risk_tier: "high" },
        [["1.0.0-3", "rollback-target", true], ["1.1.0-8", "production", true], ["1.2.0-3", "canary", true], ["1.3.0-1", "candidate", false], ["2.0.0-1", "experiment", false]],
      ],
      [
        { name: "support-triage", owner: "cx-ml", title: "Support ticket triage", description: "Routes incoming tickets to the right queue.", risk_tier: "medium" },
        [["0.9.0-2", "deprecated", true], ["1.0.0-1", "production", true], ["1.0.1-4", "candidate", true]],
      ],
      [
        { name: "churn-predictor", owner: "growth-analytics", title: "Churn predictor", description: "Weekly churn propensity for subscribers.", risk_tier: "low" },
        [["0.3.0-7", "experiment", false]],
      ],
      [
        { name: "credit-limit", owner: "lending-ml", title: "Credit limit advisor", description: "Suggests credit limit changes for review by analysts.", risk_tier: "high" },
        [["2.1.0-5", "production", true], ["2.2.0-1", "canary", true]],
      ],
      [
        { name: "search-ranker", owner: "search", title: "Search ranker", description: "Learning-to-rank model for catalogue search.", risk_tier: "medium" },
        [],
      ],
      // The real demo's co-pilot; its candidate carries the demo's evaluation evidence (fake-evals).
      [
        { name: "summarize-copilot", owner: "maya.chen@companyos.example", title: "Summarization co-pilot", description: "Summarizes support threads and meetings inside CompanyOS; drafts replies for agents.", risk_tier: "high" },
        [["1.0.0-3", "rollback-target", true], ["1.1.0-8", "production", true], ["1.2.0-12", "canary", true], ["1.3.0-15", "candidate", true], ["2.0.0-17", "experiment", false]],
      ],
    ];
    for (const [create, versions] of seed) {
      const m = addModel({ ...create, title: create.title ?? create.name, description: create.description ?? "", risk_tier: create.risk_tier ?? "medium", created_at: now() });
      for (const [version, stage, complete] of versions) {
        const v = addVersion(m, version, {
          bundle_digest: `sha256:${hex(`${m.name}@${version}`)}`,
          bundle_uri: `s3://models/${m.name}/${version}/bundle.tar.zst`,
          code_commit: complete ? hex(`commit:${version}`).slice(0, 40) : null,
          config_digest: complete ? `sha256:${hex(`config:${m.name}@${version}`)}` : null,
          config_uri: complete ? `configs/${m.name}/${version}.toml` : null,
        });
        if (stage !== "experiment") {
          const at = now();
          m.events.push({ version, from: "experiment", to: stage, kind: "promote", reason: "seeded for the demo", actor: "demo", at });
          v.stage = stage;
        }
      }
    }
    linkDataset("fraud-scorer", "1.2.0-3", "transactions-2024q4@1.0");
    linkDataset("support-triage", "1.0.1-4", "support-tickets@2");
    const owners = ["payments-risk", "cx-ml", "growth-analytics", "lending-ml", "search", "vision", "platform-ml"];
    const tiers: RiskTier[] = ["low", "medium", "high"];
    for (let i = 0; i < (options.bulkModels ?? 0); i++) {
      const name = `bulk-model-${String(i).padStart(5, "0")}`;
      const m: ModelRec = {
        name,
        title: `Bulk model ${i}`,
        owner: owners[i % owners.length] as string,
        description: "Generated for the windowing flow.",
        risk_tier: tiers[i % 3] as RiskTier,
        created_at: "2025-09-01T09:00:00Z",
        versions: [{ version: `1.${i % 7}.0-${i % 11}`, stage: STAGES[i % 6] as Stage, bundle_digest: null, bundle_uri: null, code_commit: null, config_digest: null, config_uri: null, datasets: [], created_at: "2025-09-01T09:00:00Z" }],
        events: [],
      };
      models.set(name, m);
    }
  }

  // Release documents (issue 4): the real core's recorded answers, replayed (fake-documents).
  const documents = fakeDocuments();

  const controls: FakeControls = {
    failNext: (command, error) => failures.set(command, error),
    breakChain: (seq, reason) => {
      broken = { seq, reason };
    },
    calls: [],
    written: documents.written,
  };

  // Evaluation evidence (issue 5): its own fake, over this one's versions.
  const evals = installEvalFake({
    checkVersion: (model, version) => void getVersion(getModel(model), version),
    cancelled: (operation) => cancelled.has(operation),
    digest: hex,
    now,
  });
  // Identities, the roster and approvals (issue 9): recorded answers of the real core.
  const trust = installTrustFake({
    noIdentity: options.noIdentity ?? false,
    checkVersion: (model, version) => void getVersion(getModel(model), version),
    write: evals.write,
  });

  // Gates, checklists and the policy: recorded answers of the real core.
  const governance = installGovernanceFake({ checkVersion: (model, version) => void getVersion(getModel(model), version) });

  // Release records, rollback and the review inbox: recorded answers of the real core.
  const releases = installReleasesFake({
    checkModel: (model) => void getModel(model),
    checkVersion: (model, version) => void getVersion(getModel(model), version),
    checkDataset: (reference) => void datasetSummary(reference),
    identity: trust.who,
    noIdentity: trust.noIdentity,
  });

  // Packs, coverage and the Annex IV file: recorded answers of the real core.
  const compliance = installComplianceFake({
    checkVersion: (model, version) => void getVersion(getModel(model), version),
    write: evals.write,
  });

  // The Operations screen: recorded answers of the real core.
  const operations = installOperationsFake();
  // The registry URL, credential, sync status and findings: recorded answers of the real core.
  const syncState = options.sync ?? null;
  const sync = installSyncFake(isSyncFakeState(syncState) ? syncState : "demo");

  const handle = async (cmd: string, a: Record<string, unknown>): Promise<unknown> => {
    const operationsAnswer = operations.handle(cmd, a);
    if (operationsAnswer) return operationsAnswer;
    const syncAnswer = sync.handle(cmd, a);
    if (syncAnswer) return syncAnswer;
    const complianceAnswer = compliance.handle(cmd, a);
    if (complianceAnswer) return complianceAnswer;
    const releasesAnswer = releases.handle(cmd, a);
    if (releasesAnswer) return releasesAnswer;
    const governanceAnswer = governance.handle(cmd, a);
    if (governanceAnswer) return governanceAnswer;
    const evalAnswer = evals.handle(cmd, a);
    if (evalAnswer) return evalAnswer;
    const trustAnswer = trust.handle(cmd, a);
    if (trustAnswer) return trustAnswer;
    switch (cmd) {
      case "workspace_info":
      case "workspace_open":
      case "workspace_create": {
        const path = cmd === "workspace_info" ? "/home/ana/steward-demo" : (a.path as string);
        const info: WorkspaceInfo = { path, database: `${path}/steward.db`, schema: "0004_audit_chain", models: models.size, warnings: [] };
        return info;
      }
      case "model_list":
      case "model_page": {
        const q = a.query as ModelQuery;
        const text = q.text?.toLowerCase() ?? null;
        const all = [...models.values()]
          .filter((m) => !text || [m.name, m.title, m.owner, m.description].some((s) => s.toLowerCase().includes(text)))
          .filter((m) => !q.risk_tier || m.risk_tier === q.risk_tier)
          .filter((m) => !q.stage || m.versions.some((v) => v.stage === q.stage))
          .sort((x, y) => x.name.localeCompare(y.name))
          .map(summary);
        if (cmd === "model_list") return all;
        const offset = q.offset ?? 0;
        const page: ModelPage = { total: all.length, offset, models: all.slice(offset, offset + (q.limit ?? 100)) };
        return page;
      }
      case "model_show": {
        const m = getModel(a.name as string);
        const s = summary(m);
        const detail: ModelDetail = {
          model: s,
          versions: [...m.versions]
            .sort((x, y) => compareVersions(y.version, x.version))
            .map((v) => ({ version: v.version, stage: v.stage, bundle_digest: v.bundle_digest, created_at: v.created_at })),
          production: s.production,
          rollback_target: m.versions.find((v) => v.stage === "rollback-target")?.version ?? null,
          timeline: m.events,
        };
        return detail;
      }
      case "model_create":
        return createModel(a.req as ModelCreate);
      case "version_get": {
        const m = getModel(a.model as string);
        return versionDetail(m, getVersion(m, a.version as string));
      }
      case "version_next": {
        const m = getModel(a.model as string);
        const versions = m.versions.map((v) => v.version).sort();
        const hit = LIFECYCLE.version_next.find((n) => n.ok.model === m.name && n.change === a.change && canonical(n.versions) === canonical(versions));
        return (hit ?? unrecorded(`version_next ${m.name} ${String(a.change)} after ${canonical(versions)}`)).ok;
      }
      case "version_add": {
        const req = a.req as VersionAdd;
        const m = getModel(req.model);
        await progressively(a.operation as string, 1, 52_428_800);
        const v = addVersion(m, req.version, {
          bundle_digest: req.bundle_digest ?? (req.bundle_file ? `sha256:${hex(req.bundle_file)}` : null),
          bundle_uri: req.bundle_uri ?? req.bundle_file,
          code_commit: req.commit,
          config_digest: req.config_file ? `sha256:${hex(req.config_file)}` : null,
          config_uri: req.config_file,
        });
        return versionDetail(m, v);
      }
      case "version_link_dataset":
        return linkDataset(a.model as string, a.version as string, a.dataset as string);
      case "dataset_list":
        return [...datasets.values()].map((d) => d.detail.summary);
      case "dataset_show": {
        const ref = a.reference as string;
        const d = datasets.get(ref) ?? fail("not_found", `no dataset snapshot '${ref}'`);
        const linked: string[] = [];
        for (const m of models.values())
          for (const v of m.versions) if (v.datasets.includes(ref)) linked.push(`${m.name}@${v.version}`);
        return { ...d.detail, linked_versions: linked } satisfies DatasetDetail;
      }
      case "dataset_snapshot": {
        const req = a.req as DatasetSnapshot;
        if (datasets.has(`${req.name}@${req.version}`)) fail("conflict", `dataset ${req.name}@${req.version} already exists`);
        await progressively(a.operation as string, 12, 12 * 4_194_304);
        const files: [string, number][] = Array.from({ length: 12 }, (_, i) => [`part-${String(i).padStart(4, "0")}.parquet`, 4_194_304]);
        return { ...addDataset(req.name, req.version, req.provenance, files), linked_versions: [] } satisfies DatasetDetail;
      }
      case "operation_cancel":
        cancelled.add(a.operation as string);
        return true;
      case "stage_set":
        return setStage(a.req as StageSet);
      case "audit_log": {
        const newest = [...audit].reverse();
        return typeof a.limit === "number" ? newest.slice(0, a.limit) : newest;
      }
      case "audit_verify": {
        const result: AuditVerifyResult = broken
          ? { ok: false, entries: audit.length, first_broken: broken, deep: false, rows: 0, mismatches: [] }
          : { ok: true, entries: audit.length, first_broken: null, deep: false, rows: 0, mismatches: [] };
        return result;
      }
      case "plugin:dialog|open": {
        const o = (a.options ?? {}) as { directory?: boolean; title?: string };
        if (o.title?.includes("review packet")) return "/home/ana/Downloads/summarize-copilot-1.3.0-15-canary.review.json";
        return o.directory ? "/home/ana/data/new-snapshot" : "/home/ana/models/bundle.tar.zst";
      }
      default: {
        const doc = documents.handle(cmd, a);
        if (doc.handled) return doc.value;
        return fail("internal", `the fake backend has no command '${cmd}'`);
      }
    }
  };

  mockIPC(
    async (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      controls.calls.push({ cmd, args });
      const failure = failures.get(cmd);
      if (failure) {
        failures.delete(cmd);
        throw failure;
      }
      return handle(cmd, args);
    },
    { shouldMockEvents: true },
  );
  // The webview that drag-drop events come from (the window metadata of Tauri).
  mockWindows("main");
  window.__exported = evals.exported;
  window.__fake = controls;
  return controls;
}
