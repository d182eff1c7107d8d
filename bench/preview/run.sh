#!/usr/bin/env bash
# Benchmark: live-preview latency for a 50 KB and a 1 MB model card, Steward
# (crates/steward-render/examples/preview_bench.rs) vs Python-Markdown + bleach on the same
# input, in the same run. Steward is timed three ways: the render alone (pulldown-cmark + ammonia,
# the peer's work), the whole preview the studio asks for (the render plus the completeness
# check against the model-card template, from one parse of the body as doc_preview runs them),
# and for context the two with a parse each: on two threads (how the preview ran before) and
# one after the other. Both in-process (interpreter and binary start-up
# excluded), median of RUNS. Targets: the preview >= 100x the peer, and the 1 MB card within
# 22x the 50 KB card's time (20x the input).
#
# Usage: bash bench/preview/run.sh [RUNS]      (default 20)
# Needs the project's Python environment (.venv with markdown and bleach: scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-20}
work=${BENCH_DIR:-$(mktemp -d /tmp/steward-bench-preview.XXXXXX)}
py=${STEWARD_PYTHON:-$PWD/.venv/bin/python}
[ -x "$py" ] || { echo "no Python environment at $py: run 'source scripts/setup.sh && need_python'" >&2; exit 1; }

cargo build --release -q -p steward-render --example preview_bench
bench="$PWD/target/release/examples/preview_bench"

# Inputs: the model-card template's front matter and its required sections, each written,
# then under "Evaluation" realistic subsections (headings, paragraphs with links and emphasis,
# lists, task lists, tables, footnotes, a little raw HTML the sanitizer must strip) repeated up
# to the size: the completeness check reads every section, the big one included.
"$py" - "$work" <<'PY'
import sys, pathlib
work = pathlib.Path(sys.argv[1])
front = """---
license: apache-2.0
language: [en, de, es]
datasets: [support-threads@2026-10-01, synthetic-summaries@v2]
base_model: companyos-lm-7b
intended_use: Summarize support threads for agents
---
"""
head = "# Model card for summarize-copilot 1.3.0-15\n"
for title in ["Model details", "Uses", "Out-of-scope use", "Bias, risks, and limitations",
              "Training details", "Environmental impact", "Technical specifications",
              "Model card contact"]:
    head += f"\n## {title}\n\nWritten by the model owner: what {title.lower()} says for this version.\n"
head += "\n## Evaluation\n"
section = """
### Evaluation run {n}

The co-pilot was evaluated on the **golden set** [support-threads](https://example.com/ds/{n}) with
*long-tail* and ~~deprecated~~ adversarial slices.[^n{n}] Results are summarized below.

| metric | production | candidate | delta |
|:-------|-----------:|----------:|------:|
| rouge_l | 0.412 | 0.431 | +0.019 |
| task_success_rate | 0.71 | 0.74 | +0.03 |
| jailbreak_pass_rate | 0.962 | 0.974 | +0.012 |

- [x] red-team suite run
- [ ] fairness report signed
- latency p99 within SLO: 1.8 s vs 2.0 s

<script>alert({n})</script><img src=x onerror=alert({n})> <a href="javascript:alert({n})">link</a>

[^n{n}]: Slices follow the outline's long-tail definition, revision {n}.
"""
for name, size in [("card-50k.md", 50_000), ("card-1m.md", 1_000_000)]:
    parts, n, total = [front, head], 0, len(front) + len(head)
    while total < size:
        s = section.replace("{n}", str(n))
        parts.append(s); total += len(s); n += 1
    (work / name).write_text("".join(parts))
PY

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min); $(nproc) cores"
declare -A preview_ms
for name in card-50k.md card-1m.md; do
  file="$work/$name"
  kb=$(( $(stat -c %s "$file") / 1024 ))
  steward=$("$bench" "$file" "$runs")
  python=$("$py" - "$file" "$runs" <<'PY'
import sys, time, markdown, bleach
path, runs = sys.argv[1], int(sys.argv[2])
text = open(path, encoding="utf-8").read()
body = text.split("---", 2)[2]  # Python-Markdown has no front matter; give it the body only
tags = set(bleach.sanitizer.ALLOWED_TAGS) | {"p", "h1", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li", "input", "del", "sup", "div", "hr", "pre", "code"}
attrs = {"a": ["href", "title"], "input": ["type", "checked", "disabled"]}
times, out = [], ""
for _ in range(runs):
    start = time.perf_counter()
    html = markdown.markdown(body, extensions=["tables", "footnotes"])
    out = bleach.clean(html, tags=tags, attributes=attrs, protocols=["http", "https", "mailto"])
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"median_ms={times[runs // 2]:.3f} min_ms={times[0]:.3f} html_bytes={len(out)}")
PY
)
  r_ms=$(sed -E 's/.*render_median_ms=([0-9.]+).*/\1/' <<<"$steward")
  s_ms=$(sed -E 's/.*preview_median_ms=([0-9.]+).*/\1/' <<<"$steward")
  q_ms=$(sed -E 's/.*sequential_median_ms=([0-9.]+).*/\1/' <<<"$steward")
  t_ms=$(sed -E 's/.*two_parses_median_ms=([0-9.]+).*/\1/' <<<"$steward")
  p_ms=$(sed -E 's/.*median_ms=([0-9.]+).*/\1/' <<<"$python")
  preview_ms[$name]=$s_ms
  printf '%-12s %5d KB  steward render %8.3f ms (%6.1fx)  preview %8.3f ms (%6.1fx)  two parses: two threads %8.3f ms (%6.1fx), one %8.3f ms (%6.1fx)   python-markdown+bleach %9.3f ms   [%s]\n' \
    "$name" "$kb" "$r_ms" "$(python3 -c "print($p_ms / $r_ms)")" "$s_ms" "$(python3 -c "print($p_ms / $s_ms)")" "$t_ms" "$(python3 -c "print($p_ms / $t_ms)")" "$q_ms" "$(python3 -c "print($p_ms / $q_ms)")" "$p_ms" \
    "$(sed -E 's/.*(findings=[0-9]+).*/\1/' <<<"$steward")"
done
printf 'scaling: the 1 MB preview takes %.1fx the 50 KB preview (target: within 22x)\n' \
  "$(python3 -c "print(${preview_ms[card-1m.md]} / ${preview_ms[card-50k.md]})")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(inputs kept in $work)"
