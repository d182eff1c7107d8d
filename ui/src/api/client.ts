// The one typed client over the Tauri commands. Screens call these functions only; every
// wire type comes from the generated bindings. No rule of the core is recomputed here.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open } from "@tauri-apps/plugin-dialog";
import type {
  CoverageView,
  DossierExport,
  DossierFormat,
  PackSummary,
  ApiError,
  AuditEntryView,
  AuditVerifyResult,
  ChangeKind,
  DatasetDetail,
  DatasetSnapshot,
  DatasetSummary,
  DocumentDiff,
  DocumentDraft,
  DocumentExport,
  DocumentMergeCompose,
  DocumentMergeSave,
  DocumentMergeView,
  DocumentPreview,
  DocumentPreviewRequest,
  DocumentRiskSet,
  DocumentRef,
  DocumentSave,
  DocumentSaveResult,
  DocumentStatus,
  DocumentTemplateView,
  DocumentView,
  ExportFormat,
  ErrorCode,
  ModelCreate,
  ModelDetail,
  ModelPage,
  ModelQuery,
  ModelSummary,
  NextVersion,
  ProgressEvent,
  RevisionView,
  Stage,
  StageSet,
  StageSetResult,
  VersionAdd,
  VersionDetail,
  VersionDocuments,
  WorkspaceInfo,
} from "./bindings";
import type {
  ChartSvg,
  DriftReport,
  EvalChartRequest,
  EvalComparison,
  EvalImport,
  EvalRunView,
  FairnessReport,
} from "./bindings";
import type {
  ApprovalView,
  ApprovalsView,
  ApproveRequest,
  IdentityView,
  ApprovalCheck,
  Decision,
  KeyExportResult,
  KeyInit,
  KeyInitResult,
  ReviewPacket,
  ReviewSubjectView,
  RosterEdit,
  Role,
  RosterView,
} from "./bindings";
import type {
  ChecklistView,
  GateReportView,
  GateRequest,
  PolicyCheck,
  PolicyCheckRequest,
  PolicyDiff,
  PolicyHistory,
  PolicySet,
  PolicySetResult,
  PolicyView,
} from "./bindings";
import type {
  DatasetReviewRequest,
  DatasetReviewView,
  InboxView,
  ReleaseList,
  RollbackRequest,
  RollbackResult,
  WaiverRequest,
  WaiverSignatureView,
} from "./bindings";
import type { GuardrailChartRequest, GuardrailChartSvg, OperationsView, QueueItemView, QueueLabelRequest } from "./bindings";
import type {
  RegistrySettingsView,
  RegistryTestView,
  RemoteRecordView,
  SyncConflictView,
  SyncFindingsView,
  SyncProgressEvent,
  SyncReport,
  SyncRequest,
  SyncStatusView,
} from "./bindings";

/** The event long operations report progress on. */
export const PROGRESS_EVENT = "steward://progress";
/** The event a running sync reports how far it got on. */
export const SYNC_PROGRESS_EVENT = "steward://sync-progress";

// A record over the generated union, so a code the core adds fails the type check here.
const ERROR_CODE_SET: Record<ErrorCode, true> = {
  invalid_input: true,
  not_found: true,
  conflict: true,
  refused: true,
  io: true,
  cancelled: true,
  newer_schema: true,
  corrupt: true,
  busy: true,
  keyring: true,
  untrusted: true,
  registry: true,
  internal: true,
};
const ERROR_CODES = Object.keys(ERROR_CODE_SET) as readonly string[];

function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.message === "string" &&
    typeof v.code === "string" &&
    ERROR_CODES.includes(v.code)
  );
}

/**
 * Whatever an invoke rejected with, as an ApiError. The core sends `{code, message}`; the
 * shell itself may reject with a plain string (a denied permission, an unknown command).
 */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) return value;
  if (typeof value === "string") return { code: "internal", message: value };
  if (value instanceof Error) return { code: "internal", message: value.message };
  if (typeof value === "object" && value !== null && typeof (value as { message?: unknown }).message === "string")
    return { code: "internal", message: (value as { message: string }).message };
  return { code: "internal", message: String(value) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

/** A fresh id for a long operation, used to match its progress events and to cancel it. */
export function newOperationId(): string {
  return crypto.randomUUID();
}

export const api = {
  workspaceInfo: () => call<WorkspaceInfo>("workspace_info"),
  workspaceOpen: (path: string) => call<WorkspaceInfo>("workspace_open", { path }),
  workspaceCreate: (path: string) => call<WorkspaceInfo>("workspace_create", { path }),

  modelList: (query: ModelQuery) => call<ModelSummary[]>("model_list", { query }),
  modelPage: (query: ModelQuery) => call<ModelPage>("model_page", { query }),
  modelShow: (name: string) => call<ModelDetail>("model_show", { name }),
  modelCreate: (req: ModelCreate) => call<ModelSummary>("model_create", { req }),

  versionGet: (model: string, version: string) =>
    call<VersionDetail>("version_get", { model, version }),
  versionAdd: (req: VersionAdd, operation: string) =>
    call<VersionDetail>("version_add", { req, operation }),
  versionNext: (model: string, change: ChangeKind) =>
    call<NextVersion>("version_next", { model, change }),
  versionLinkDataset: (model: string, version: string, dataset: string) =>
    call<VersionDetail>("version_link_dataset", { model, version, dataset }),

  datasetList: () => call<DatasetSummary[]>("dataset_list"),
  datasetShow: (reference: string) => call<DatasetDetail>("dataset_show", { reference }),
  datasetSnapshot: (req: DatasetSnapshot, operation: string) =>
    call<DatasetDetail>("dataset_snapshot", { req, operation }),

  /** Asks the core to stop a long operation; true when it was still running. */
  operationCancel: (operation: string) => call<boolean | null>("operation_cancel", { operation }),

  stageSet: (req: StageSet) => call<StageSetResult>("stage_set", { req }),

  auditLog: (limit: number | null) => call<AuditEntryView[]>("audit_log", { limit }),
  auditVerify: (deep = false) => call<AuditVerifyResult>("audit_verify", { deep }),

  /** Imports one evaluation file as a long operation (progress events, operation_cancel). */
  evalImport: (req: EvalImport, operation: string) => call<EvalRunView>("eval_import", { req, operation }),
  /** Runs imported for a version, oldest first. */
  evalList: (model: string, version: string) => call<EvalRunView[]>("eval_list", { model, version }),
  /** Metric by metric against `against`, or by default the production version. */
  evalCompare: (model: string, version: string, against: string | null) =>
    call<EvalComparison>("eval_compare", { model, version, against }),
  /** Without a key the core picks the first key with a failing metric; `keys` lists them all. */
  evalFairness: (model: string, version: string, key: string | null) =>
    call<FairnessReport>("eval_fairness", { model, version, key }),
  evalDrift: (model: string, version: string) => call<DriftReport>("eval_drift", { model, version }),
  evalChart: (req: EvalChartRequest) => call<ChartSvg>("eval_chart", { req }),
  /** The shell draws the chart and writes the core's SVG to a path from exportPick. */
  evalChartSave: (req: EvalChartRequest, path: string) => call<ChartSvg>("eval_chart_save", { req, path }),
  /** The shell's save dialog; the path it answers is the only one exportWrite may use, once. */
  exportPick: (title: string, name: string, extension: string) =>
    call<string | null>("export_pick", { title, name, extension }),
  /** The bytes go as the raw body (an ArrayBuffer, not a JSON array of numbers); the path as a header. */
  exportWrite: async (path: string, bytes: Uint8Array) => {
    try {
      return await invoke<null>("export_write", bytes, { headers: { "x-steward-path": encodeURIComponent(path) } });
    } catch (e) {
      throw toApiError(e);
    }
  },

  docTemplates: () => call<DocumentTemplateView[]>("doc_templates"),
  docNew: (doc: DocumentRef) => call<DocumentView>("doc_new", { doc }),
  docSave: (req: DocumentSave) => call<DocumentSaveResult>("doc_save", { req }),
  /** The head, or an older revision. */
  docShow: (doc: DocumentRef, revision: number | null) => call<DocumentView>("doc_show", { doc, revision }),
  docPreview: (req: DocumentPreviewRequest) => call<DocumentPreview>("doc_preview", { req }),
  /** The text with one risk-table edit written into its front matter (comments kept); not saved. */
  docRiskSet: (req: DocumentRiskSet) => call<string>("doc_risk_set", { req }),
  /** Revisions, newest first. */
  docHistory: (doc: DocumentRef) => call<RevisionView[]>("doc_history", { doc }),
  docDiff: (doc: DocumentRef, from: number, to: number) => call<DocumentDiff>("doc_diff", { doc, from, to }),
  docRestore: (doc: DocumentRef, revision: number) => call<DocumentView>("doc_restore", { doc, revision }),
  /** The two heads a sync found, merged three ways (stretches, conflicts, marked text). */
  docMerge: (doc: DocumentRef) => call<DocumentMergeView>("doc_merge", { doc }),
  /** The merged text with one choice per conflict. */
  docMergeCompose: (req: DocumentMergeCompose) => call<string>("doc_merge_compose", { req }),
  /** Saves a merge as a revision with both heads as parents. */
  docMergeSave: (req: DocumentMergeSave) => call<DocumentSaveResult>("doc_merge_save", { req }),
  /** Every document a release of MODEL@VERSION requires, with completeness. */
  docCheck: (target: string) => call<VersionDocuments>("doc_check", { target }),
  docListDataset: (reference: string) => call<DocumentStatus[]>("doc_list_dataset", { reference }),
  /** Without a path only answers (the suggested file name); with one the shell writes the file there. */
  docExport: (target: string, format: ExportFormat, path: string | null) =>
    call<DocumentExport>("doc_export", { target, format, path }),
  docDraftSave: (draft: DocumentDraft) => call<DocumentDraft>("doc_draft_save", { draft }),
  docDraftLoad: (doc: DocumentRef) => call<DocumentDraft | null>("doc_draft_load", { doc }),
  docDraftDiscard: (doc: DocumentRef) => call<boolean>("doc_draft_discard", { doc }),

  /** The identity that signs; rejects with code `keyring` when there is none yet. */
  keyShow: () => call<IdentityView>("key_show"),
  /** Creates the person's key in the OS keyring; only the public half comes back. */
  keyInit: (req: KeyInit) => call<KeyInitResult>("key_init", { req }),
  /** Writes the public key to a path from exportPick (and PEM beside it), for a roster admin. */
  keyExport: (path: string) => call<KeyExportResult>("key_export", { path }),
  rosterShow: () => call<RosterView>("roster_show"),
  /** Starts the roster with the signing identity as its root. */
  rosterInit: () => call<RosterView>("roster_init"),
  /** One signed roster change (add a member from a key file, grant, revoke). */
  rosterEdit: (edit: RosterEdit) => call<RosterView>("roster_edit", { edit }),
  /** A version's approvals, each with the state the core decided now. */
  approvalList: (model: string, version: string) => call<ApprovalsView>("approval_list", { model, version }),
  /** The core signs with the keyring's key; the window never sees it. */
  approvalSign: (req: ApproveRequest) => call<ApprovalView>("approval_sign", { req }),
  /** Imports an approval file for this version (checked before anything is stored). */
  approvalImport: (model: string, version: string, file: string) =>
    call<ApprovalView>("approval_import", { model, version, file }),
  /** What an approval for `to` signs now. */
  reviewSubject: (model: string, version: string, to: Stage) =>
    call<ReviewSubjectView>("review_subject", { model, version, to }),
  /** Writes a review packet to a path from exportPick. */
  reviewExport: (model: string, version: string, to: Stage, path: string) =>
    call<ReviewPacket>("review_export", { model, version, to, path }),
  /** Reads a review packet, read-only (refused when it was altered in transit). */
  reviewOpen: (path: string) => call<ReviewPacket>("review_open", { path }),
  /** Signs a packet's subject offline; the approval goes to a path from exportPick. */
  reviewSign: (packet: string, role: Role, decision: Decision, comment: string, path: string) =>
    call<ApprovalCheck>("review_sign", { packet, role, decision, comment, path }),

  /** A version's gate for one target stage, every check evaluated by the core now. */
  gateEvaluate: (req: GateRequest) => call<GateReportView>("gate_evaluate", { req }),
  /** The ten production-eligibility items, derived by the core from the production gate. */
  gateChecklist: (model: string, version: string) => call<ChecklistView>("gate_checklist", { model, version }),
  /** The policy in force: a stored revision or the built-in default. */
  policyShow: () => call<PolicyView>("policy_show"),
  /** Validates a policy text without storing it (line, key and what is expected). */
  policyCheck: (req: PolicyCheckRequest) => call<PolicyCheck>("policy_check", { req }),
  /** Validates and stores the text as the next revision (refused when invalid). */
  policySet: (req: PolicySet) => call<PolicySetResult>("policy_set", { req }),
  /** Stored revisions, newest first. */
  policyHistory: () => call<PolicyHistory>("policy_history"),
  /** A line diff between two revisions; 0 is the built-in default. */
  policyDiff: (from: number, to: number) => call<PolicyDiff>("policy_diff", { from, to }),

  /** A model's release records, oldest first, each verified by the core now. */
  releaseList: (model: string) => call<ReleaseList>("release_list", { model }),
  /** One action: the rollback target serves again; the core signs the record. */
  rollback: (req: RollbackRequest) => call<RollbackResult>("rollback", { req }),
  /** Signs one role's waiver of one check for one version with the keyring's key. */
  waive: (req: WaiverRequest) => call<WaiverSignatureView>("waive", { req }),
  /** A version's waiver signatures, each with whether it counts now. */
  waivers: (model: string, version: string) => call<WaiverSignatureView[]>("waivers", { model, version }),
  /** Signs a security/privacy review of a dataset snapshot with the keyring's key. */
  datasetReview: (req: DatasetReviewRequest) => call<DatasetReviewView>("dataset_review", { req }),
  /** A dataset snapshot's reviews, each with whether it counts now. */
  datasetReviews: (dataset: string) => call<DatasetReviewView[]>("dataset_reviews", { dataset }),
  /** What the person at the keyboard owes: sign-offs, stale sign-offs, failing gates they own. */
  reviewInbox: () => call<InboxView>("review_inbox"),

  /** The compliance packs in force: built in, then those the workspace added. */
  packList: () => call<PackSummary[]>("pack_list"),
  /** A version's coverage against a pack; the core decides every requirement's status. */
  coverage: (model: string, version: string, pack: string) => call<CoverageView>("coverage", { model, version, pack }),
  /** The core writes the Annex IV file to a path from exportPick. */
  dossierAnnexIv: (model: string, version: string, format: DossierFormat, path: string) =>
    call<DossierExport>("dossier_annex_iv", { model, version, format, path }),

  /** A model's operations after release: guardrails, dial, incidents, feedback, queue, triage. */
  operationsView: (model: string) => call<OperationsView>("operations_view", { model }),
  /** One guardrail's chart, drawn by the core with its bounds and breaches marked. */
  guardrailChart: (req: GuardrailChartRequest) => call<GuardrailChartSvg>("guardrail_chart", { req }),
  /** Labels a review-queue item as the workspace's actor; the core redacts the note. */
  queueLabel: (req: QueueLabelRequest) => call<QueueItemView>("queue_label", { req }),
  /** The registry URL and the kind of credential the keyring holds for it (never the secret). */
  registrySettings: () => call<RegistrySettingsView>("registry_settings"),
  registrySet: (url: string) => call<RegistrySettingsView>("registry_set", { url }),
  registryClear: () => call<RegistrySettingsView>("registry_clear"),
  /** The secret goes to the core once, which stores it in the OS keyring; it never comes back. */
  registryLogin: (user: string | null, secret: string) => call<RegistrySettingsView>("registry_login", { user, secret }),
  registryLogout: () => call<RegistrySettingsView>("registry_logout"),
  /** Reachable, MLflow version, credential, a read and permissions, as `steward registry test`. */
  registryTest: () => call<RegistryTestView>("registry_test"),
  /** What waits for the registry (each with its last error), the last sync, the conflicts. */
  syncStatus: () => call<SyncStatusView>("sync_status"),
  /** The newest sync's findings and every stored conflict with the local record it stands against. */
  syncFindings: () => call<SyncFindingsView>("sync_findings"),
  /** A conflict's remote side: the registry's record, downloaded and verified by the core now. */
  syncConflictRemote: (model: string, version: string, digest: string) =>
    call<RemoteRecordView>("sync_conflict_remote", { model, version, digest }),
  /** Settles a release-record conflict by hand: this workspace's record (`keepOurs`) or the registry's. */
  syncConflictResolve: (model: string, version: string, keepOurs: boolean) =>
    call<SyncConflictView[]>("sync_conflict_resolve", { model, version, keepOurs }),
  /** Syncs as a long operation (sync progress events, operation_cancel). */
  syncRun: (req: SyncRequest, operation: string) => call<SyncReport>("sync_run", { req, operation }),
};

export type Api = typeof api;

/**
 * Calls `onProgress` for each progress event of `operation` until the returned function is
 * called. Await it before starting the operation so no early event is missed.
 */
export async function subscribeProgress(
  operation: string,
  onProgress: (event: ProgressEvent) => void,
): Promise<UnlistenFn> {
  return subscribeOperation(PROGRESS_EVENT, operation, onProgress);
}

/** {@link subscribeProgress} for a running sync's events. */
export async function subscribeSyncProgress(
  operation: string,
  onProgress: (event: SyncProgressEvent) => void,
): Promise<UnlistenFn> {
  return subscribeOperation(SYNC_PROGRESS_EVENT, operation, onProgress);
}

async function subscribeOperation<E extends { operation: string }>(
  name: string,
  operation: string,
  onEvent: (event: E) => void,
): Promise<UnlistenFn> {
  return listen<E>(name, (event) => {
    if (event.payload.operation === operation) onEvent(event.payload);
  });
}

/**
 * Calls `onPaths` with the paths of files dropped onto the window (Tauri's webview drag-drop
 * event) and `onOver` while files hover; resolves to the function that stops listening.
 */
export async function subscribeFileDrop(
  onPaths: (paths: string[]) => void,
  onOver: (over: boolean) => void,
): Promise<UnlistenFn> {
  return getCurrentWebview().onDragDropEvent((event) => {
    const p = event.payload;
    if (p.type === "drop") {
      onOver(false);
      onPaths(p.paths);
    } else onOver(p.type !== "leave");
  });
}

/** Asks the user for a folder; null when they cancel. */
export async function pickFolder(title: string): Promise<string | null> {
  try {
    const picked = await open({ directory: true, multiple: false, title });
    return typeof picked === "string" ? picked : null;
  } catch (e) {
    throw toApiError(e);
  }
}

/** Asks the user for one file; null when they cancel. */
export async function pickFile(title: string): Promise<string | null> {
  try {
    const picked = await open({ directory: false, multiple: false, title });
    return typeof picked === "string" ? picked : null;
  } catch (e) {
    throw toApiError(e);
  }
}

