// Global keyboard shortcuts. Typing in a field is never hijacked; dialogs own Escape.
import { useEffect } from "react";
import { href, navigate } from "./router";

export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: "/", what: "Search models" },
  { keys: "g h  or  Alt+1", what: "Go to models" },
  { keys: "g a  or  Alt+2", what: "Go to the audit log" },
  { keys: "g s  or  Alt+3", what: "Go to settings" },
  { keys: "g r  or  Alt+4", what: "Go to the trust roster" },
  { keys: "g p  or  Alt+5", what: "Go to the governance policy" },
  { keys: "↑ ↓  Enter", what: "Move through a list and open the row" },
  { keys: "Backspace  or  Alt+←", what: "Go back" },
  { keys: "Escape", what: "Close a dialog" },
  { keys: "Ctrl+S  or  ⌘S", what: "Documents: save a revision" },
  { keys: "Ctrl+P  or  ⌘P  or  Alt+P", what: "Documents: show or hide the preview" },
  { keys: "F8  or  Alt+N", what: "Documents: go to the next gap (Shift+F8: the previous one)" },
  { keys: "Escape, then Tab", what: "Documents: leave the editor (Tab indents inside it)" },
];

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
}

function focusSearch(attempts = 10): void {
  const el = document.querySelector<HTMLInputElement>('[data-testid="search"]');
  if (el) {
    el.focus();
    el.select();
  } else if (attempts > 0) {
    window.setTimeout(() => focusSearch(attempts - 1), 30);
  }
}

const GO: Record<string, () => string> = { h: href.home, a: href.audit, s: href.settings, r: href.roster, p: href.policy };
const ALT: Record<string, () => string> = { "1": href.home, "2": href.audit, "3": href.settings, "4": href.roster, "5": href.policy };

export function useShortcuts(): void {
  useEffect(() => {
    let gPressedAt = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      if (document.querySelector('[role="dialog"]')) return;
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        const to = ALT[e.key] ?? (/^Digit[12345]$/.test(e.code) ? ALT[e.code.slice(5)] : undefined);
        if (to) {
          e.preventDefault();
          navigate(to());
          return;
        }
        if (e.key === "ArrowLeft") {
          e.preventDefault();
          window.history.back();
          return;
        }
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === "/") {
        e.preventDefault();
        if (!window.location.hash.match(/^#?\/?$/)) navigate(href.home());
        focusSearch();
        return;
      }
      if (e.key === "Backspace") {
        e.preventDefault();
        window.history.back();
        return;
      }
      if (e.key === "g") {
        gPressedAt = Date.now();
        return;
      }
      const go = GO[e.key];
      if (go && Date.now() - gPressedAt < 1500) {
        gPressedAt = 0;
        e.preventDefault();
        navigate(go());
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
