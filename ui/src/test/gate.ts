// Test helper: gate reports, checklists and policies shaped like the core's answers, for
// component tests. Each test states the statuses it needs; nothing here decides one.
import type { ChecklistView, GateCheckView, GateReportView, PolicyView, Stage } from "../api/bindings";

export function check(id: string, extra: Partial<GateCheckView> = {}): GateCheckView {
  return {
    id,
    category: "quality",
    seed: "§3.1",
    checklist: null,
    status: "pass",
    observed: "0.91",
    expected: ">= 0.90",
    evidence: [],
    waiver: null,
    waiver_notes: [],
    ...extra,
  };
}

/** A report with these checks, counted; whether it passed is the test's to say (`extra.passed`). */
export function gateReport(checks: GateCheckView[], extra: Partial<GateReportView> = {}): GateReportView {
  const n = (s: GateCheckView["status"]) => checks.filter((c) => c.status === s).length;
  return {
    format: "steward.gate-report/v1",
    model: "fraud-scorer",
    version: "1.2.0-3",
    stage: "canary",
    target: "production",
    policy: "default",
    policy_source: "default",
    policy_revision: null,
    evaluated_at: "2026-01-10T09:00:00Z",
    passed: false,
    digest: "sha256:" + "d".repeat(64),
    subject_digest: "sha256:" + "e".repeat(64),
    counts: { pass: n("pass"), fail: n("fail"), missing_evidence: n("missing-evidence"), waived: n("waived") },
    checks,
    notes: [],
    ...extra,
  };
}

export function checklist(extra: Partial<ChecklistView> = {}): ChecklistView {
  return {
    model: "fraud-scorer",
    version: "1.2.0-3",
    stage: "canary",
    eligible: false,
    policy: "default",
    policy_source: "default",
    gate_digest: "sha256:" + "d".repeat(64),
    evaluated_at: "2026-01-10T09:00:00Z",
    items: [],
    notes: [],
    ...extra,
  };
}

export function policy(stages: Stage[] = ["candidate", "canary", "production"], extra: Partial<PolicyView> = {}): PolicyView {
  return {
    source: "default",
    revision: null,
    name: "default",
    sha256: "sha256:" + "f".repeat(64),
    text: 'name = "default"\n',
    stages,
    warnings: [],
    ...extra,
  };
}
