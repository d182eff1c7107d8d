// Test code only: the release-document commands of the fake core. Rendering is a few lines of
// Markdown-to-HTML with everything escaped, completeness is simple test logic (required fields,
// required sections, guidance left, risk rows without owner or mitigation), scores and bands are
// computed here only because this stands in for the core. Drafts live in localStorage, the
// fake's stand-in for the workspace's drafts/ folder, so they survive a reload like a real crash.
import { parseDocument } from "yaml";
import type {
  ApiError,
  DiffLine,
  DocumentDiff,
  DocumentDraft,
  DocumentExport,
  DocumentKind,
  DocumentPreview,
  DocumentPreviewRequest,
  DocumentRef,
  DocumentRiskSet,
  DocumentSave,
  DocumentSaveResult,
  DocumentStatus,
  DocumentTemplateView,
  DocumentView,
  ExportFormat,
  Finding,
  RenderedView,
  RevisionView,
  RiskBand,
  RiskRow,
  VersionDocuments,
} from "../../src/api/bindings";
import riskSetJson from "./documents/risk-set.json?raw";

/** The real core's answers to the risk-table edits the flows make (recorded by
 * crates/steward-api/tests/flow_fixtures.rs): the fake looks them up, it does not edit YAML. */
const RISK_SET: { req: DocumentRiskSet; ok?: string; err?: ApiError }[] = JSON.parse(riskSetJson);

/** JSON with object keys sorted, so a request matches its recording whatever the key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

function recordedRiskSet(req: DocumentRiskSet): string {
  const hit = RISK_SET.find((r) => canonical(r.req) === canonical(req));
  if (!hit) throw new Error(`no recorded doc_risk_set answer for ${JSON.stringify(req.edit)}: add the edit to crates/steward-api/tests/flow_fixtures.rs and regenerate`);
  if (hit.err) throw hit.err;
  return hit.ok ?? "";
}

function fail(code: ApiError["code"], message: string): never {
  throw { code, message } satisfies ApiError;
}

const KINDS: DocumentKind[] = ["model-card", "data-sheet", "risk-assessment", "eval-report", "runbook", "rollout-plan"];
// Listed beside the release documents, not counted towards `complete` (as the core does).
const COMPLIANCE_KINDS: DocumentKind[] = ["ai-impact-assessment", "post-market-monitoring-plan", "declaration-of-conformity"];
const LABEL: Record<DocumentKind, string> = {
  "model-card": "Model card",
  "data-sheet": "Data sheet",
  "risk-assessment": "Risk assessment",
  "eval-report": "Evaluation report",
  runbook: "Runbook",
  "rollout-plan": "Rollout plan",
  "ai-impact-assessment": "AI impact assessment",
  "post-market-monitoring-plan": "Post-market monitoring plan",
  "declaration-of-conformity": "EU declaration of conformity",
};

type Template = { fields: string[]; sections: string[]; front: string };
const TEMPLATES: Record<DocumentKind, Template> = {
  // The compliance kinds, abbreviated from assets/templates like the others (the flows do not
  // open them; issue 14 replaces this fake with recorded answers).
  "ai-impact-assessment": {
    fields: ["assessor", "assessment_date"],
    sections: ["System and context of use", "Affected individuals and groups", "Potential impacts"],
    front: 'assessor: ""\nassessment_date: ""\n',
  },
  "post-market-monitoring-plan": {
    fields: ["owner", "review_cadence"],
    sections: ["Scope", "Data collected", "Metrics and thresholds"],
    front: 'owner: ""\nreview_cadence: ""\n',
  },
  "declaration-of-conformity": {
    fields: ["provider", "system_name", "signatory"],
    sections: ["System", "Declaration"],
    front: 'provider: ""\nsystem_name: ""\nsignatory: ""\n',
  },
  "model-card": {
    fields: ["license", "language", "base_model", "intended_use"],
    sections: ["Model details", "Uses", "Bias, risks and limitations", "Evaluation"],
    front: 'license: ""\nlanguage: []\nbase_model: ""\nintended_use: ""\n',
  },
  "data-sheet": {
    fields: ["dataset", "source", "license"],
    sections: ["Motivation", "Composition", "Collection process"],
    front: "dataset: {{target}}\nsource: \"\"\nlicense: \"\"\n",
  },
  "risk-assessment": {
    fields: ["assessor", "review_date", "risks"],
    sections: ["Summary", "Risk register"],
    front:
      'assessor: ""\nreview_date: ""\nrisks:\n  - id: R-1\n    title: ""\n    category: ""\n    likelihood: 3\n    impact: 3\n    treatment: mitigate\n    mitigation: ""\n    owner: ""\n',
  },
  "eval-report": { fields: ["suites"], sections: ["Results", "Limitations"], front: "suites: []\n" },
  runbook: { fields: ["oncall", "dashboards"], sections: ["Escalation", "Rollback steps"], front: 'oncall: ""\ndashboards: []\n' },
  "rollout-plan": { fields: ["kill_switch", "canary_share"], sections: ["Canary", "Rollback trigger"], front: 'kill_switch: ""\ncanary_share: ""\n' },
};

function templateText(kind: DocumentKind, target: string): string {
  const t = TEMPLATES[kind];
  const body = t.sections.map((s) => `## ${s}\n\n> Guidance: Write the ${s.toLowerCase()} here.\n`).join("\n");
  return `---\n${t.front.replace("{{target}}", target)}---\n\n# ${LABEL[kind]} for ${target}\n\n${body}`;
}

type Split = { front: Record<string, unknown> | null; frontLines: number; error: { line: number; message: string } | null; body: string; bodyStart: number };

function split(text: string): Split {
  const lines = text.split("\n");
  if (lines[0] !== "---") return { front: null, frontLines: 0, error: null, body: text, bodyStart: 1 };
  const end = lines.indexOf("---", 1);
  if (end < 0) return { front: null, frontLines: 0, error: { line: 1, message: "front matter is not closed by ---" }, body: text, bodyStart: 1 };
  const doc = parseDocument(lines.slice(1, end).join("\n"));
  const body = lines.slice(end + 1).join("\n");
  if (doc.errors.length > 0) {
    const line = (doc.errors[0]?.linePos?.[0]?.line ?? 1) + 1;
    return { front: null, frontLines: end + 1, error: { line, message: doc.errors[0]?.message.split("\n")[0] ?? "bad YAML" }, body, bodyStart: end + 2 };
  }
  const value = doc.toJS() as unknown;
  return { front: value && typeof value === "object" ? (value as Record<string, unknown>) : {}, frontLines: end + 1, error: null, body, bodyStart: end + 2 };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function band(score: number): RiskBand {
  return score <= 4 ? "low" : score <= 9 ? "medium" : score <= 16 ? "high" : "critical";
}

function risks(text: string, kind: DocumentKind): RiskRow[] {
  if (kind !== "risk-assessment") return [];
  const s = split(text);
  const list = s.front?.risks;
  if (!Array.isArray(list)) return [];
  const lines = text.split("\n");
  const rowLines = lines.flatMap((l, i) => (/^\s*-\s+id:/.test(l) && i < s.frontLines ? [i + 1] : []));
  const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : null);
  const int = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : null);
  const score = (l: number | null, i: number | null) => (l !== null && i !== null && l >= 1 && l <= 5 && i >= 1 && i <= 5 ? l * i : null);
  return list.map((raw: unknown, i) => {
    const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
    const l = int(r.likelihood);
    const im = int(r.impact);
    const sc = score(l, im);
    const rl = int(r.residual_likelihood);
    const ri = int(r.residual_impact);
    return {
      id: str(r.id),
      title: str(r.title),
      category: str(r.category),
      likelihood: l,
      impact: im,
      score: sc,
      band: sc === null ? null : band(sc),
      treatment: str(r.treatment),
      mitigation: str(r.mitigation),
      owner: str(r.owner),
      residual_likelihood: rl,
      residual_impact: ri,
      residual_score: score(rl, ri),
      acceptance: str(r.acceptance),
      line: rowLines[i] ?? null,
    };
  });
}

function render(text: string, kind: DocumentKind): RenderedView {
  const s = split(text);
  let front = "";
  if (s.front) {
    const rows = Object.entries(s.front)
      .filter(([k]) => k !== "risks")
      .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(Array.isArray(v) ? v.join(", ") : String(v ?? ""))}</dd>`)
      .join("");
    const rs = risks(text, kind);
    const table = rs.length
      ? `<table class="risk-register"><thead><tr><th>ID</th><th>Risk</th><th>Score</th><th>Owner</th></tr></thead><tbody>${rs
          .map((r) => `<tr><td>${esc(r.id ?? "")}</td><td>${esc(r.title ?? "")}</td><td>${r.score ?? "—"} ${r.band ?? ""}</td><td>${esc(r.owner ?? "")}</td></tr>`)
          .join("")}</tbody></table>`
      : "";
    front = `<dl>${rows}</dl>${table}`;
  }
  const html: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) html.push(`<p>${esc(para.join(" "))}</p>`);
    para = [];
  };
  for (const line of s.body.split("\n")) {
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      html.push(`<h${h[1]?.length}>${esc(h[2] ?? "")}</h${h[1]?.length}>`);
    } else if (line.startsWith(">")) {
      flush();
      html.push(`<blockquote><p>${esc(line.replace(/^>\s?/, ""))}</p></blockquote>`);
    } else if (line.trim() === "") flush();
    else para.push(line);
  }
  flush();
  return {
    front_matter_html: front,
    body_html: html.join("\n"),
    front_matter_error: s.error ? { line: s.error.line, column: 1, message: s.error.message } : null,
  };
}

function check(text: string, kind: DocumentKind) {
  const s = split(text);
  const t = TEMPLATES[kind];
  const findings: Finding[] = [];
  const lines = text.split("\n");
  if (s.error) findings.push({ code: "broken-front-matter", message: `front matter: ${s.error.message}`, line: s.error.line });
  if (s.front) {
    for (const f of t.fields) {
      const v = s.front[f];
      const empty = v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
      if (!empty) continue;
      const at = lines.findIndex((l) => l.startsWith(`${f}:`));
      findings.push({ code: "missing-field", message: `front matter field '${f}' is empty`, line: at >= 0 ? at + 1 : 1 });
    }
  }
  for (const section of t.sections) {
    const at = lines.findIndex((l) => /^#{1,6}\s/.test(l) && l.replace(/^#+\s+/, "").toLowerCase() === section.toLowerCase());
    if (at < 0) {
      findings.push({ code: "missing-section", message: `section '${section}' is missing`, line: null });
      continue;
    }
    let end = lines.findIndex((l, i) => i > at && /^#{1,6}\s/.test(l));
    if (end < 0) end = lines.length;
    const content = lines.slice(at + 1, end).filter((l) => l.trim() !== "");
    if (content.some((l) => l.startsWith("> Guidance:")))
      findings.push({ code: "guidance-left", message: `section '${section}' still holds the template's guidance`, line: at + 1 });
    else if (content.length === 0) findings.push({ code: "empty-section", message: `section '${section}' is empty`, line: at + 1 });
  }
  for (const r of risks(text, kind)) {
    if (!r.owner) findings.push({ code: "risk-no-owner", message: `risk ${r.id ?? "?"} has no owner`, line: r.line });
    if (!r.mitigation) findings.push({ code: "risk-no-mitigation", message: `risk ${r.id ?? "?"} has no mitigation`, line: r.line });
  }
  findings.sort((a, b) => (a.line ?? 1e9) - (b.line ?? 1e9));
  return { kind, complete: findings.length === 0, findings };
}

function diffLines(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      (lcs[i] as number[])[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, lcs[i]?.[j + 1] ?? 0);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ tag: "equal", old_line: i + 1, new_line: j + 1, text: a[i] ?? "" });
      i++;
      j++;
    } else if (j < m && (i >= n || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      out.push({ tag: "insert", old_line: null, new_line: j + 1, text: b[j] ?? "" });
      j++;
    } else {
      out.push({ tag: "delete", old_line: i + 1, new_line: null, text: a[i] ?? "" });
      i++;
    }
  }
  return out;
}

type Rev = RevisionView & { text: string };

export type DocumentWorld = {
  /** Throws not_found unless MODEL@VERSION exists; answers its linked dataset references. */
  versionDatasets: (target: string) => string[];
  /** Throws not_found unless the dataset snapshot exists. */
  dataset: (reference: string) => void;
  now: () => string;
  actor: string;
  hex: (seed: string) => string;
  record: (action: string, subject: string, detail: unknown) => void;
};

const DRAFTS = "steward-fake-drafts";

export function fakeDocuments(world: DocumentWorld) {
  const docs = new Map<string, Rev[]>();
  const key = (d: DocumentRef) => `${d.target}#${d.kind}`;
  const written = new Map<string, string>();

  const drafts = (): Record<string, DocumentDraft> => {
    try {
      return JSON.parse(window.localStorage.getItem(DRAFTS) ?? "{}") as Record<string, DocumentDraft>;
    } catch {
      return {};
    }
  };
  const setDrafts = (all: Record<string, DocumentDraft>) => window.localStorage.setItem(DRAFTS, JSON.stringify(all));
  const discardDraft = (d: DocumentRef) => {
    const all = drafts();
    const had = key(d) in all;
    delete all[key(d)];
    setDrafts(all);
    return had;
  };

  const resolve = (d: DocumentRef) => {
    if (!KINDS.includes(d.kind) && !COMPLIANCE_KINDS.includes(d.kind)) fail("invalid_input", `unknown document kind '${d.kind}'`);
    if (d.kind === "data-sheet") world.dataset(d.target);
    else world.versionDatasets(d.target);
  };

  const view = (d: DocumentRef, rev: Rev, head: number): DocumentView => ({
    target: d.target,
    kind: d.kind,
    title: LABEL[d.kind],
    revision: { ...rev, text: undefined } as unknown as RevisionView,
    head,
    text: rev.text,
    rendered: render(rev.text, d.kind),
    completeness: check(rev.text, d.kind),
    risks: risks(rev.text, d.kind),
  });

  const append = (d: DocumentRef, text: string, message: string, parent: number | null, second: number | null): Rev => {
    const list = docs.get(key(d)) ?? [];
    const rev: Rev = {
      number: list.length + 1,
      sha256: `sha256:${world.hex(text)}`,
      bytes: new TextEncoder().encode(text).length,
      author: world.actor,
      message,
      parent,
      second_parent: second,
      created_at: world.now(),
      text,
    };
    list.push(rev);
    docs.set(key(d), list);
    world.record("document.save", `${d.target} ${d.kind}`, { revision: rev.number });
    return rev;
  };

  const revisions = (d: DocumentRef): Rev[] => {
    resolve(d);
    const list = docs.get(key(d));
    if (!list || list.length === 0)
      fail("not_found", `${d.target} has no ${d.kind} yet; \`steward doc new ${d.target} ${d.kind}\` creates it from the template`);
    return list;
  };

  const status = (d: DocumentRef): DocumentStatus => {
    const list = docs.get(key(d));
    const head = list?.[list.length - 1];
    if (!head)
      return {
        kind: d.kind,
        target: d.target,
        exists: false,
        revision: null,
        author: null,
        updated_at: null,
        complete: false,
        findings: [{ code: "missing-section", message: `there is no ${d.kind} for ${d.target}`, line: null }],
      };
    const c = check(head.text, d.kind);
    return { kind: d.kind, target: d.target, exists: true, revision: head.number, author: head.author, updated_at: head.created_at, complete: c.complete, findings: c.findings };
  };

  const create = (d: DocumentRef): DocumentView => {
    resolve(d);
    if (docs.get(key(d))?.length) fail("conflict", `${d.target} already has a ${d.kind}; open it instead`);
    const rev = append(d, templateText(d.kind, d.target), "from template", null, null);
    return view(d, rev, rev.number);
  };

  const seed = (d: DocumentRef, text: string) => append(d, text, "seeded for the demo", null, null);

  const handle = (cmd: string, a: Record<string, unknown>): { handled: boolean; value?: unknown } => {
    const doc = a.doc as DocumentRef;
    switch (cmd) {
      case "doc_templates":
        return {
          handled: true,
          value: KINDS.map(
            (kind): DocumentTemplateView => ({
              kind,
              title: LABEL[kind],
              required_sections: TEMPLATES[kind].sections,
              required_fields: TEMPLATES[kind].fields,
              text: templateText(kind, "{{target}}"),
            }),
          ),
        };
      case "doc_new":
        return { handled: true, value: create(doc) };
      case "doc_show": {
        const list = revisions(doc);
        const head = list.length;
        const n = (a.revision as number | null) ?? head;
        const rev = list[n - 1] ?? fail("not_found", `${doc.target} ${doc.kind} has no revision ${n}`);
        return { handled: true, value: view(doc, rev, head) };
      }
      case "doc_save": {
        const req = a.req as DocumentSave;
        const d = { target: req.target, kind: req.kind };
        resolve(d);
        const s = split(req.text);
        if (s.error) fail("invalid_input", `the document text: front matter is not valid YAML at line ${s.error.line}: ${s.error.message}; nothing was saved`);
        const list = docs.get(key(d)) ?? [];
        const head = list[list.length - 1];
        if (head && req.base_revision !== null && req.base_revision !== head.number)
          fail("conflict", `${d.target} ${d.kind} moved on to r${head.number} since r${req.base_revision}; nothing was saved — merge your text with r${head.number} and save again`);
        discardDraft(d);
        if (head && head.text === req.text) return { handled: true, value: { created: false, document: view(d, head, head.number) } satisfies DocumentSaveResult };
        const rev = append(d, req.text, req.message ?? "", head?.number ?? null, req.merge_parent);
        return { handled: true, value: { created: true, document: view(d, rev, rev.number) } satisfies DocumentSaveResult };
      }
      case "doc_preview": {
        const req = a.req as DocumentPreviewRequest;
        const p: DocumentPreview = { rendered: render(req.text, req.kind), completeness: check(req.text, req.kind), risks: risks(req.text, req.kind) };
        return { handled: true, value: p };
      }
      case "doc_risk_set":
        return { handled: true, value: recordedRiskSet(a.req as DocumentRiskSet) };
      case "doc_history":
        return { handled: true, value: [...revisions(doc)].reverse().map((r) => ({ ...r, text: undefined })) };
      case "doc_diff": {
        const list = revisions(doc);
        const from = list[(a.from as number) - 1] ?? fail("not_found", `no revision ${String(a.from)}`);
        const to = list[(a.to as number) - 1] ?? fail("not_found", `no revision ${String(a.to)}`);
        const lines = diffLines(from.text.split("\n"), to.text.split("\n"));
        const diff: DocumentDiff = {
          target: doc.target,
          kind: doc.kind,
          from: from.number,
          to: to.number,
          lines,
          insertions: lines.filter((l) => l.tag === "insert").length,
          deletions: lines.filter((l) => l.tag === "delete").length,
          unified: "",
        };
        return { handled: true, value: diff };
      }
      case "doc_restore": {
        const list = revisions(doc);
        const old = list[(a.revision as number) - 1] ?? fail("not_found", `no revision ${String(a.revision)}`);
        const rev = append(doc, old.text, `restore r${old.number}`, list.length, null);
        discardDraft(doc);
        return { handled: true, value: view(doc, rev, rev.number) };
      }
      case "doc_check": {
        const target = a.target as string;
        const linked = world.versionDatasets(target);
        const documents: DocumentStatus[] = [];
        for (const kind of KINDS) {
          if (kind === "data-sheet") for (const ref of linked) documents.push(status({ target: ref, kind }));
          else documents.push(status({ target, kind }));
        }
        const at = target.lastIndexOf("@");
        const value: VersionDocuments = { model: target.slice(0, at), version: target.slice(at + 1), complete: documents.every((d) => d.complete), documents, compliance: COMPLIANCE_KINDS.map((kind) => status({ target, kind })) };
        return { handled: true, value };
      }
      case "doc_list_dataset":
        world.dataset(a.reference as string);
        return { handled: true, value: [status({ target: a.reference as string, kind: "data-sheet" })] };
      case "doc_export": {
        const target = a.target as string;
        const format = a.format as ExportFormat;
        world.versionDatasets(target);
        const card = docs.get(`${target}#model-card`);
        const head = card?.[card.length - 1];
        if (format !== "html" && !head) fail("not_found", `${target} has no model-card yet; create it from the template first`);
        const [model, version] = [target.slice(0, target.lastIndexOf("@")), target.slice(target.lastIndexOf("@") + 1)];
        const exp: DocumentExport =
          format === "hf"
            ? { format, file_name: "README.md", content: head?.text ?? "" }
            : format === "mct"
              ? { format, file_name: `${model}-${version}-model-card.json`, content: JSON.stringify({ model_details: { name: model, version: { name: version } } }, null, 2) }
              : { format, file_name: `${model}-${version}-dossier.html`, content: `<!doctype html><title>${esc(target)}</title>` };
        if (typeof a.path === "string") written.set(a.path, exp.content);
        return { handled: true, value: exp };
      }
      case "doc_draft_save": {
        const draft = a.draft as DocumentDraft;
        resolve(draft);
        const kept = { ...draft, saved_at: world.now() };
        setDrafts({ ...drafts(), [key(draft)]: kept });
        return { handled: true, value: kept };
      }
      case "doc_draft_load":
        resolve(doc);
        return { handled: true, value: drafts()[key(doc)] ?? null };
      case "doc_draft_discard":
        resolve(doc);
        return { handled: true, value: discardDraft(doc) };
      default:
        return { handled: false };
    }
  };

  return { handle, seed, written, templateText };
}
