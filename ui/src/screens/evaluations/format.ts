// Display formatting of metric values; every number shown comes from the core as it is.

export function formatValue(value: number | null | undefined, unit = ""): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  const text =
    abs === 0 ? "0"
    : abs >= 1000 ? value.toLocaleString(undefined, { maximumFractionDigits: 1 })
    : abs >= 10 ? value.toFixed(1)
    : abs >= 1 ? value.toFixed(2)
    : value.toPrecision(3).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return unit === "ms" || unit === "USD" ? `${text} ${unit}` : text;
}

export function formatSigned(value: number | null | undefined, unit = ""): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return `${value > 0 ? "+" : value < 0 ? "−" : "±"}${formatValue(Math.abs(value), unit)}`;
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const pct = value * 100;
  return `${pct > 0 ? "+" : pct < 0 ? "−" : "±"}${Math.abs(pct).toFixed(1)}%`;
}

export function formatRatio(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  return value.toFixed(2);
}
