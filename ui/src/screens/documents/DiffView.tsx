// A line diff of two revisions as the core computed it: a table with both line numbers, a
// +/− sign and a spoken label on every changed line, so colour is never the only signal.
import type { DocumentDiff } from "../../api/bindings";
import { plural } from "./kinds";

const SIGN = { equal: " ", insert: "+", delete: "−" } as const;
const SPOKEN = { equal: "", insert: "added", delete: "removed" } as const;

/** What a line diff needs, from a document's revisions or the policy's. */
export type LineDiff = Pick<DocumentDiff, "from" | "to" | "lines" | "insertions" | "deletions">;

const short = (n: number) => `r${n}`;
const spoken = (n: number) => `revision ${n}`;

/** `label` names a side briefly (`r2`), `spokenLabel` in words for the table's caption. */
export function DiffView({
  diff,
  label = short,
  spokenLabel = spoken,
}: {
  diff: LineDiff;
  label?: (n: number) => string;
  spokenLabel?: (n: number) => string;
}) {
  const same = diff.insertions === 0 && diff.deletions === 0;
  return (
    <div className="diff" data-testid="diff-view">
      <p className="diff-summary" data-testid="diff-summary">
        {label(diff.from)} → {label(diff.to)}:{" "}
        {same ? (
          "no differences"
        ) : (
          <>
            <span className="diff-ins-count">{plural(diff.insertions, "line added", "lines added")}</span>,{" "}
            <span className="diff-del-count">{plural(diff.deletions, "line removed", "lines removed")}</span>
          </>
        )}
      </p>
      <div className="table-wrap diff-wrap">
        <table className="diff-table">
          <caption className="sr-only">
            Changes from {spokenLabel(diff.from)} to {spokenLabel(diff.to)}
          </caption>
          <thead className="sr-only">
            <tr>
              <th scope="col">Line in {label(diff.from)}</th>
              <th scope="col">Line in {label(diff.to)}</th>
              <th scope="col">Change</th>
              <th scope="col">Text</th>
            </tr>
          </thead>
          <tbody>
            {diff.lines.map((l, i) => (
              <tr key={i} className={`diff-${l.tag}`} data-testid={`diff-line-${l.tag}`}>
                <td className="diff-no">{l.old_line ?? ""}</td>
                <td className="diff-no">{l.new_line ?? ""}</td>
                <td className="diff-sign">
                  <span aria-hidden="true">{SIGN[l.tag]}</span>
                  {SPOKEN[l.tag] ? <span className="sr-only">{SPOKEN[l.tag]}</span> : null}
                </td>
                <td className="diff-text">{l.text === "" ? "\u00a0" : l.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
