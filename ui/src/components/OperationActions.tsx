// The foot of a dialog that starts a long operation: progress while it runs, Cancel (which asks
// the core to cancel it) in place of Close, and the submit button.
import { useErrors } from "../errors";
import { ProgressBar } from "./ProgressBar";
import type { LongOperation } from "./useLongOperation";

type Props = {
  op: LongOperation;
  onClose: () => void;
  cancelLabel: string;
  submitLabel: string;
  runningLabel: string;
  submitTestId: string;
};

/** Asks the core to cancel the running operation; a failure to cancel goes to the error banner. */
export function CancelOperation({ op, label }: { op: Pick<LongOperation<unknown>, "cancel">; label: string }) {
  const { report } = useErrors();
  return (
    <button type="button" className="btn" onClick={() => op.cancel().catch(report)} data-testid="operation-cancel">
      {label}
    </button>
  );
}

export function OperationActions({ op, onClose, cancelLabel, submitLabel, runningLabel, submitTestId }: Props) {
  return (
    <>
      {op.running ? <ProgressBar progress={op.progress} /> : null}
      <div className="form-actions">
        {op.running ? (
          <CancelOperation op={op} label={cancelLabel} />
        ) : (
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={op.running} data-testid={submitTestId}>
          {op.running ? runningLabel : submitLabel}
        </button>
      </div>
    </>
  );
}
