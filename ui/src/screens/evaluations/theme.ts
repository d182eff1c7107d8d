// The colour scheme the window follows, so charts are drawn in the matching variant.
import { useSyncExternalStore } from "react";
import type { ChartTheme } from "../../api/bindings";

const QUERY = "(prefers-color-scheme: dark)";

function subscribe(onChange: () => void): () => void {
  const media = window.matchMedia?.(QUERY);
  media?.addEventListener("change", onChange);
  return () => media?.removeEventListener("change", onChange);
}

function snapshot(): ChartTheme {
  return window.matchMedia?.(QUERY).matches ? "dark" : "light";
}

export function useChartTheme(): ChartTheme {
  return useSyncExternalStore(subscribe, snapshot, () => "light");
}
