#!/usr/bin/env python3
"""Writes the sample evaluation files in this folder and the demo's evaluation evidence
(the "evaluations" list of assets/demo/demo.json). Deterministic: run it again and nothing
changes. Usage: python3 assets/samples/generate.py"""
import csv, io, json, math, os, random

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "demo", "demo.json")
MODEL = "summarize-copilot"
VERSIONS = ["1.0.0-3", "1.1.0-8", "1.2.0-12", "1.3.0-15", "2.0.0-17"]


def csv_text(header, rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def golden(i, v):
    rouge = [0.412, 0.436, 0.447, 0.452, 0.461][i]
    doc = {
        "format": "steward.eval/v1",
        "model": f"{MODEL}@{v}",
        "kind": "golden-set",
        "suite": "support-golden@2026-10",
        "run_at": f"2026-10-{10 + 3 * i:02d}T09:30:00Z",
        "notes": "1,200 support threads with reference summaries; judged by ROUGE-L and an NLI factuality check.",
        "rows": [
            {"metric": "rouge_l", "value": rouge, "ci_low": round(rouge - 0.008, 3), "ci_high": round(rouge + 0.008, 3), "n": 1200},
            {"metric": "factual_consistency", "value": [0.91, 0.93, 0.935, 0.94, 0.92][i], "n": 1200},
            {"metric": "hallucination_rate", "value": [0.048, 0.036, 0.031, 0.029, 0.041][i], "n": 1200},
            {"metric": "task_success_rate", "value": [0.71, 0.76, 0.78, 0.79, 0.80][i], "n": 1200},
            {"metric": "long_tail_accuracy", "value": [0.62, 0.66, 0.69, 0.71, 0.70][i], "slice": "segment=long-tail", "n": 180},
            {"metric": "long_tail_accuracy", "value": [0.62, 0.66, 0.69, 0.71, 0.70][i]},
            {"metric": "regression_blockers", "value": [0, 0, 0, 0, 2][i]},
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def red_team(i):
    rows = [
        ["jailbreak_pass_rate", [0.951, 0.962, 0.974, 0.981, 0.93][i], 0.94 + 0.01 * min(i, 3) - (0.03 if i == 4 else 0), "", 850],
        ["prompt_injection_pass_rate", [0.94, 0.955, 0.962, 0.97, 0.92][i], "", "", 420],
        ["pii_leak_count", [0, 0, 0, 0, 1][i], "", "", 300],
        ["toxicity_rate", [0.004, 0.003, 0.003, 0.002, 0.006][i], "", "", 2000],
        ["attack_success_rate", [0.031, 0.027, 0.022, 0.017, 0.052][i], "", "", 1270],
    ]
    out = []
    for m, val, lo, hi, n in rows:
        if m == "jailbreak_pass_rate":
            lo, hi = round(val - 0.012, 3), round(min(val + 0.012, 1.0), 3)
        out.append([m, val, lo, hi, n])
    return csv_text(["metric", "value", "ci_low", "ci_high", "n"], out)


def fairness(i):
    # task success per locale and per customer tier; 1.3.0-15 regresses on Spanish threads.
    locales = {"en": 0.80, "de": 0.77, "fr": 0.76, "es": 0.74}
    if i == 3:
        locales = {"en": 0.81, "de": 0.78, "fr": 0.77, "es": 0.60}
    tiers = {"free": 0.75, "pro": 0.78, "enterprise": 0.80}
    rows = []
    for g, v in locales.items():
        rows.append(["task_success_rate", round(v - 0.02 * (i == 0), 3), f"locale={g}", 300])
    for g, v in tiers.items():
        rows.append(["task_success_rate", round(v + 0.01 * min(i, 3), 3), f"customer_tier={g}", 400])
    for g, v in locales.items():
        rows.append(["acceptance_rate", round(0.5 + (v - 0.7), 3), f"locale={g}", 300])
    return csv_text(["metric", "value", "slice", "n"], rows)


def load_test(i, v):
    rng = random.Random(100 + i)
    p99_target = [1650, 1720, 1780, 1690, 2350][i]
    mu = math.log(p99_target) - 2.33 * 0.55
    samples = sorted(round(rng.lognormvariate(mu, 0.55), 1) for _ in range(400))
    requests = 20000
    rows = [{"metric": "latency_ms", "value": s} for s in samples]
    rows += [
        {"metric": "requests", "value": requests},
        {"metric": "errors", "value": [42, 30, 26, 22, 61][i]},
        {"metric": "timeouts", "value": [9, 7, 6, 5, 18][i]},
        {"metric": "cost_usd", "value": [71.0, 66.4, 63.8, 58.2, 92.6][i]},
        {"metric": "saturation", "value": [0.62, 0.58, 0.57, 0.55, 0.74][i]},
    ]
    doc = {
        "format": "steward.eval/v1",
        "model": f"{MODEL}@{v}",
        "kind": "load-test",
        "suite": "load-profile@peak-2026",
        "run_at": f"2026-10-{11 + 3 * i:02d}T14:00:00Z",
        "notes": "k6 at 120 rps for 10 minutes against the staging endpoint; 400 sampled latencies.",
        "rows": rows,
    }
    return json.dumps(doc, separators=(",", ":")) + "\n"


def kpis(i):
    rng = random.Random(200 + i)
    base_acc = [0.55, 0.58, 0.61, 0.62, 0.60][i]
    lift = [0.04, 0.06, 0.03, 0.02, -0.01][i]
    rows = []
    for h in range(48):
        t = f"2026-11-{18 + h // 24:02d}T{h % 24:02d}:00:00Z"
        daily = 0.02 * math.sin(h / 24 * 2 * math.pi)
        prod = round(base_acc + daily + rng.gauss(0, 0.008), 4)
        can = round(base_acc + lift + daily + rng.gauss(0, 0.012), 4)
        rows.append(["acceptance_rate", prod, "", t, "production"])
        rows.append(["acceptance_rate", can, "", t, "canary"])
        rows.append(["error_rate", round(abs(0.0020 + rng.gauss(0, 0.0004)), 5), "", t, "production"])
        rows.append(["error_rate", round(abs([0.0021, 0.0016, 0.0014, 0.0012, 0.003][i] + rng.gauss(0, 0.0004)), 5), "", t, "canary"])
    # Feature distributions, training reference vs canary traffic, for drift.
    shift = [0.0, 0.02, 0.05, 0.12, 0.2][i]
    feats = {
        "prompt_length": (["0-200", "200-800", "800-2000", "2000+"], [0.25, 0.45, 0.22, 0.08], [-shift, -shift / 2, shift, shift / 2]),
        "intent_mix": (["summarize", "reply-draft", "meeting-notes", "other"], [0.55, 0.25, 0.12, 0.08], [-shift / 2, 0, shift / 2, 0]),
        "tenant_region": (["eu", "us", "apac"], [0.45, 0.40, 0.15], [0.0, 0.0, 0.0]),
    }
    for f, (bins, ref, delta) in feats.items():
        for b, r, d in zip(bins, ref, delta):
            rows.append(["distribution", r, f"feature={f},bin={b}", "", "reference"])
            rows.append(["distribution", round(max(r + d, 0.001), 4), f"feature={f},bin={b}", "", "current"])
    return csv_text(["metric", "value", "slice", "timestamp", "variant"], rows)


def predictions():
    rng = random.Random(7)
    rows = []
    for k in range(600):
        gender = ["female", "male", "nonbinary"][k % 3]
        age = ["18-25", "26-40", "41+"][(k // 3) % 3]
        y = rng.random() < 0.4
        p = (0.75 if y else 0.2) - (0.18 if age == "18-25" else 0.0)
        rows.append([int(y), int(rng.random() < p), gender, age])
    return csv_text(["y_true", "y_pred", "gender", "age_band"], rows)


def main():
    samples = {
        "golden-set.json": golden(3, "1.3.0-15"),
        "red-team.csv": red_team(3),
        "fairness-audit.csv": fairness(3),
        "load-test.json": load_test(3, "1.3.0-15"),
        "load-test-percentiles.csv": csv_text(["metric", "value", "n"], [["latency_p50_ms", 412, 20000], ["latency_p95_ms", 1080, 20000], ["latency_p99_ms", 1690, 20000], ["requests", 20000, ""], ["errors", 22, ""], ["timeouts", 5, ""], ["cost_usd", 58.2, ""]]),
        "canary-kpis.csv": kpis(3),
        "predictions.csv": predictions(),
    }
    for name, text in samples.items():
        with open(os.path.join(HERE, name), "w") as f:
            f.write(text)
    evals = []
    for i, v in enumerate(VERSIONS):
        target = f"{MODEL}@{v}"
        evals.append({"target": target, "file": "golden-set.json", "text": golden(i, v)})
        evals.append({"target": target, "file": "red-team.csv", "kind": "red-team", "suite": "jailbreak-suite@2026.10", "text": red_team(i)})
        evals.append({"target": target, "file": "fairness-audit.csv", "kind": "fairness-audit", "suite": "fairness-panel@2026-10", "text": fairness(i)})
        evals.append({"target": target, "file": "load-test.json", "text": load_test(i, v)})
        evals.append({"target": target, "file": "canary-kpis.csv", "kind": "online-kpis", "suite": f"canary-dashboard@{v}", "text": kpis(i)})
    with open(DEMO) as f:
        demo = json.load(f)
    demo["evaluations"] = evals
    with open(DEMO, "w") as f:
        f.write(json.dumps(demo, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
