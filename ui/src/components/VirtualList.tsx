// A windowed list box: only the rows in view (plus a few) are in the DOM, so ten thousand
// rows scroll smoothly. Keyboard: arrows, Home/End, PageUp/PageDown move; Enter opens.
// With `count`, the list is that long while `items` holds only the rows loaded so far (a hole
// is a row still loading, shown as a placeholder) and `onRange` says which rows are in view.
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

type Props<T> = {
  items: readonly T[];
  rowHeight: number;
  getKey: (item: T) => string;
  renderRow: (item: T, index: number) => ReactNode;
  onOpen: (item: T) => void;
  label: string;
  /** Row test id, from the item. */
  rowTestId?: (item: T) => string;
  /** At most this tall; otherwise the list fills its parent. */
  maxHeight?: number;
  testId?: string;
  overscan?: number;
  /** How many rows the list has, when `items` holds only some of them (default: all). */
  count?: number;
  /** Called with the rows in view (first, last exclusive, overscan included) as they change. */
  onRange?: (first: number, last: number) => void;
  /** Scroll back to the top when this changes (default: when `items` changes). */
  resetKey?: unknown;
};

const FALLBACK_VIEWPORT = 640;

export function VirtualList<T>({
  items,
  rowHeight,
  getKey,
  renderRow,
  onOpen,
  label,
  rowTestId,
  maxHeight,
  testId,
  overscan = 6,
  count: total,
  onRange,
  resetKey,
}: Props<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  const [active, setActive] = useState(0);
  const idBase = useId();

  const count = total ?? items.length;
  const activeIndex = count === 0 ? -1 : Math.min(active, count - 1);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight || FALLBACK_VIEWPORT);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // A new result set starts at the top.
  const reset = resetKey === undefined ? items : resetKey;
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = 0;
  }, [reset]);

  const ensureVisible = useCallback(
    (index: number) => {
      const el = ref.current;
      if (!el) return;
      const top = index * rowHeight;
      const height = el.clientHeight || viewport;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + height) el.scrollTop = top + rowHeight - height;
      setScrollTop(el.scrollTop);
    },
    [rowHeight, viewport],
  );

  const moveTo = (index: number) => {
    if (count === 0) return;
    const next = Math.max(0, Math.min(count - 1, index));
    setActive(next);
    ensureVisible(next);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor(viewport / rowHeight) - 1);
    switch (e.key) {
      case "ArrowDown":
        moveTo(activeIndex + 1);
        break;
      case "ArrowUp":
        moveTo(activeIndex - 1);
        break;
      case "Home":
        moveTo(0);
        break;
      case "End":
        moveTo(count - 1);
        break;
      case "PageDown":
        moveTo(activeIndex + page);
        break;
      case "PageUp":
        moveTo(activeIndex - page);
        break;
      case "Enter": {
        const item = items[activeIndex] as T | undefined;
        if (item !== undefined) onOpen(item);
        break;
      }
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  useEffect(() => {
    onRange?.(first, last);
  }, [onRange, first, last]);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i] as T | undefined;
    const selected = i === activeIndex;
    if (item === undefined) {
      rows.push(
        <div
          key={`loading-${i}`}
          id={`${idBase}-${i}`}
          role="option"
          aria-selected={selected}
          aria-busy="true"
          aria-posinset={i + 1}
          aria-setsize={count}
          className={`vl-row vl-row-loading${selected ? " is-active" : ""}`}
          style={{ top: i * rowHeight, height: rowHeight }}
          onMouseDown={() => setActive(i)}
        >
          <span className="muted small">Loading…</span>
        </div>,
      );
      continue;
    }
    rows.push(
      <div
        key={getKey(item)}
        id={`${idBase}-${i}`}
        role="option"
        aria-selected={selected}
        aria-posinset={i + 1}
        aria-setsize={count}
        className={`vl-row${selected ? " is-active" : ""}`}
        style={{ top: i * rowHeight, height: rowHeight }}
        data-testid={rowTestId?.(item)}
        onMouseDown={() => setActive(i)}
        onClick={() => onOpen(item)}
      >
        {renderRow(item, i)}
      </div>,
    );
  }

  const height = maxHeight !== undefined ? Math.min(maxHeight, Math.max(count, 1) * rowHeight) : undefined;
  return (
    <div
      ref={ref}
      className={`vl${maxHeight === undefined ? " vl-fill" : ""}`}
      style={height !== undefined ? { height } : undefined}
      role="listbox"
      aria-label={label}
      tabIndex={0}
      aria-activedescendant={activeIndex >= 0 ? `${idBase}-${activeIndex}` : undefined}
      onKeyDown={onKeyDown}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      data-testid={testId}
    >
      <div className="vl-spacer" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
