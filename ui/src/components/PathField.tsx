// A path typed in or chosen with the system dialog (`pick`, e.g. pickFile or pickFolder).
import { useErrors } from "../errors";

type Props = {
  label: string;
  ariaLabel: string;
  value: string;
  onChange: (path: string) => void;
  pick: (title: string) => Promise<string | null>;
  title: string;
  required?: boolean;
  disabled?: boolean;
  testId?: string;
};

export function PathField({ label, ariaLabel, value, onChange, pick, title, required, disabled, testId }: Props) {
  const { report } = useErrors();
  const choose = async () => {
    try {
      const picked = await pick(title);
      if (picked) onChange(picked);
    } catch (e) {
      report(e);
    }
  };
  return (
    <div className="field">
      <span className="field-label">{label}</span>
      <div className="row">
        <input value={value} onChange={(e) => onChange(e.target.value)} required={required} aria-label={ariaLabel} data-testid={testId} />
        <button type="button" className="btn" onClick={choose} disabled={disabled}>
          Choose…
        </button>
      </div>
    </div>
  );
}
