"""Scores both tools' outputs on the labelled sample: per kind, how many inserted personal
values are still there verbatim (misses), and how many counter-examples (version strings,
dates, times, order numbers, Luhn-failing digit runs, amounts) no longer are (over-redactions).

Usage: python3 score.py LABELS.jsonl NAME=OUT.jsonl...   (prints a Markdown table)
"""

import json
import sys
from collections import Counter


def main():
    labels = [json.loads(line) for line in open(sys.argv[1])]
    tools = [arg.split("=", 1) for arg in sys.argv[2:]]
    outs = {name: [json.loads(line)["text"] for line in open(path)] for name, path in tools}
    kinds = Counter(kind for lab in labels for kind, _ in lab["pii"])
    keep_total = sum(len(lab["keep"]) for lab in labels)
    missed = {name: Counter() for name, _ in tools}
    over = Counter()
    examples = {name: {} for name, _ in tools}
    for lab in labels:
        for name, _ in tools:
            text = outs[name][lab["index"]]
            for kind, value in lab["pii"]:
                if value in text:
                    missed[name][kind] += 1
                    examples[name].setdefault(kind, value)
            for value in lab["keep"]:
                if value not in text:
                    over[name] += 1
                    examples[name].setdefault("over-redacted", value)
    names = [name for name, _ in tools]
    print("| kind (labelled values) | " + " | ".join(f"{n} misses" for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    for kind in sorted(kinds):
        cells = " | ".join(f"{missed[n][kind]} ({100 * missed[n][kind] / kinds[kind]:.1f}%)" for n in names)
        print(f"| {kind} ({kinds[kind]}) | {cells} |")
    total = sum(kinds.values())
    cells = " | ".join(f"**{sum(missed[n].values())}** ({100 * sum(missed[n].values()) / total:.1f}%)" for n in names)
    print(f"| all personal data ({total}) | {cells} |")
    cells = " | ".join(f"{over[n]} ({100 * over[n] / max(keep_total, 1):.1f}%)" for n in names)
    print(f"| counter-examples redacted ({keep_total}) | {cells} |")
    for n in names:
        if examples[n]:
            shown = "; ".join(f"{k}: `{v}`" for k, v in sorted(examples[n].items()))
            print(f"\n{n}, one example each: {shown}")


if __name__ == "__main__":
    main()
