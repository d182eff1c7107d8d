// Display formatting only: sizes, times, digests.

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return d.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** `sha256:abcdef…` shortened for tables; the full value goes in the title. */
export function shortDigest(digest: string, keep = 12): string {
  const [algo, hex] = digest.includes(":") ? digest.split(":", 2) : ["", digest];
  if (!hex || hex.length <= keep) return digest;
  return `${algo ? `${algo}:` : ""}${hex.slice(0, keep)}…`;
}
