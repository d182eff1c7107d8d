"""Warms a fresh MLflow server up before anything is timed: its first few hundred requests
are several times slower than the rest (measured here: 150 ms instead of 25 ms a request), and
the contender that ran first paid for it. Sends N version creates (tags inline) and N
envelope-sized PUTs to a throw-away model."""
import http.client, json, sys, urllib.parse

base, n = sys.argv[1], int(sys.argv[2])
conn = http.client.HTTPConnection(urllib.parse.urlparse(base).netloc, timeout=60)


def send(method, path, body, content_type="application/json"):
    conn.request(method, path, body, {"Content-Type": content_type})
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        raise SystemExit(f"{method} {path}: HTTP {r.status}")


send("POST", "/api/2.0/mlflow/registered-models/create", json.dumps({"name": "warmup"}))
tags = [{"key": f"steward.k{i}", "value": "v" * 64} for i in range(6)]
for i in range(n):
    send("PUT", f"/api/2.0/mlflow-artifacts/artifacts/warmup/{i}.json", b"x" * 2400, "application/octet-stream")
    send("POST", "/api/2.0/mlflow/model-versions/create",
         json.dumps({"name": "warmup", "source": f"steward://warmup/{i}", "tags": tags}))
