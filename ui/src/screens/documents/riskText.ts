// Edits of the risk register written back into the document's front matter. This is text
// editing only: scores, bands and what counts as complete come back from the core's preview
// of the edited text (DocumentPreview.risks), never from here. The `yaml` Document API keeps
// comments, key order and quoting, so an edit in the table changes only the value edited.
import { isMap, isSeq, parseDocument, YAMLMap } from "yaml";

/** The fields of a risk row a table cell edits (keys of a `risks` item in the front matter). */
export type RiskField =
  | "id"
  | "title"
  | "category"
  | "likelihood"
  | "impact"
  | "treatment"
  | "mitigation"
  | "owner"
  | "residual_likelihood"
  | "residual_impact"
  | "acceptance";

type Split = { head: string; yaml: string; tail: string };

/** Splits `---\n<yaml>\n---\n<body>`; null when the text has no front matter block. */
function split(text: string): Split | null {
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (!open) return null;
  const rest = text.slice(open[0].length);
  const close = /^---[ \t]*(\r?\n|$)/m.exec(rest);
  if (!close) return null;
  return { head: open[0], yaml: rest.slice(0, close.index), tail: rest.slice(close.index) };
}

function edit(text: string, change: (doc: ReturnType<typeof parseDocument>) => void): string {
  const parts = split(text);
  if (!parts) throw new Error("this document has no front matter (--- … ---) to hold a risk register");
  const doc = parseDocument(parts.yaml);
  if (doc.errors.length > 0) {
    throw new Error(`the front matter does not parse (${doc.errors[0]?.message ?? "YAML error"}); fix it in the editor first`);
  }
  change(doc);
  const yaml = doc.toString({ lineWidth: 0 });
  return parts.head + yaml + (yaml.endsWith("\n") ? "" : "\n") + parts.tail;
}

/** Sets one field of risk `index`; an empty value is written as an empty string. */
export function setRiskField(text: string, index: number, field: RiskField, value: string | number): string {
  return edit(text, (doc) => {
    const risks = doc.get("risks");
    if (!isSeq(risks) || !isMap(risks.get(index, true))) {
      throw new Error(`the front matter has no risk row ${index + 1} to edit`);
    }
    doc.setIn(["risks", index, field], value);
  });
}

/** Appends a risk row with the next free `R-n` id, shaped like the template's first row. */
export function addRisk(text: string): string {
  return edit(text, (doc) => {
    let risks = doc.get("risks");
    if (!isSeq(risks)) {
      doc.set("risks", doc.createNode([]));
      risks = doc.get("risks");
    }
    if (!isSeq(risks)) return;
    const ids = new Set(
      risks.items.map((item) => (isMap(item) ? String((item as YAMLMap).get("id") ?? "") : "")),
    );
    let n = risks.items.length + 1;
    while (ids.has(`R-${n}`)) n++;
    risks.add(
      doc.createNode({
        id: `R-${n}`,
        title: "",
        category: "",
        likelihood: 3,
        impact: 3,
        treatment: "mitigate",
        mitigation: "",
        owner: "",
        residual_likelihood: 2,
        residual_impact: 3,
        acceptance: "",
      }),
    );
  });
}

/** Removes risk `index`. */
export function removeRisk(text: string, index: number): string {
  return edit(text, (doc) => {
    if (!doc.deleteIn(["risks", index])) throw new Error(`the front matter has no risk row ${index + 1} to remove`);
  });
}
