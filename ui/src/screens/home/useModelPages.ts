// The home list's models, a page at a time: the core answers one page and how many match in
// all (`model_page`), so a workspace of ten thousand models never crosses IPC whole. Page 0
// comes with each new query; other pages when the list scrolls to them (`want`). While a new
// query loads, the last answer stays on screen (no flash of an empty list).
import { useCallback, useEffect, useRef, useState } from "react";
import type { ModelQuery, ModelSummary } from "../../api/bindings";
import { api } from "../../api/client";
import { useErrors } from "../../errors";

/** Models asked for at a time. */
export const PAGE_SIZE = 100;

type Loaded = { key: string; total: number; pages: ReadonlyMap<number, readonly ModelSummary[]> };

export type ModelPages = {
  /** How many models match, or null before the first answer. */
  total: number | null;
  /** The model at `index` among the matches, or undefined while its page loads. */
  at: (index: number) => ModelSummary | undefined;
  /** The list shows rows `first` to `last` (exclusive): load the pages they fall in. */
  want: (first: number, last: number) => void;
  /** True while the answer on screen belongs to an earlier query. */
  stale: boolean;
  /** Which query the answer on screen is for (the list goes back to the top when it changes). */
  key: string | null;
};

export function useModelPages(query: ModelQuery): ModelPages {
  const { report } = useErrors();
  const key = JSON.stringify(query);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  // Pages asked for and not failed, as `${key}\u0000${page}`: each is asked for once.
  const asked = useRef(new Set<string>());

  const fetchPage = useCallback(
    (forKey: string, page: number) => {
      const id = `${forKey}\u0000${page}`;
      if (asked.current.has(id)) return;
      asked.current.add(id);
      const forQuery = JSON.parse(forKey) as ModelQuery;
      api.modelPage({ ...forQuery, limit: PAGE_SIZE, offset: page * PAGE_SIZE }).then(
        (answer) => {
          setLoaded((prev) => {
            // Page 0 starts a query's answer; a later page joins only the answer of its query.
            if (page === 0 && prev?.key !== forKey) return { key: forKey, total: answer.total, pages: new Map([[0, answer.models]]) };
            if (prev?.key !== forKey) return prev;
            const pages = new Map(prev.pages);
            pages.set(page, answer.models);
            return { key: forKey, total: answer.total, pages };
          });
        },
        (e: unknown) => {
          asked.current.delete(id);
          report(e);
        },
      );
    },
    [report],
  );

  useEffect(() => {
    // A new query: forget what was asked for the others, then ask for its first page.
    for (const id of asked.current) if (!id.startsWith(`${key}\u0000`)) asked.current.delete(id);
    fetchPage(key, 0);
  }, [key, fetchPage]);

  const current = loaded?.key === key ? loaded : null;
  const want = useCallback(
    (first: number, last: number) => {
      if (current === null || last <= first) return;
      const end = Math.min(last, current.total);
      for (let page = Math.floor(first / PAGE_SIZE); page * PAGE_SIZE < end; page++) {
        if (!current.pages.has(page)) fetchPage(key, page);
      }
    },
    [current, key, fetchPage],
  );

  const shown = loaded;
  const at = useCallback(
    (index: number) => shown?.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    [shown],
  );
  return { total: shown?.total ?? null, at, want, stale: shown !== null && current === null, key: shown?.key ?? null };
}
