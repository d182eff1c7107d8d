"""Contender (c), the server's limit: the fewest requests the mapping needs, sent one after
another over one keep-alive connection with http.client — per model one create with its tags
inline, per record one PUT of its envelope and one version create with every tag inline, per
alias one request. No reads, no checks, no retries. Prints the seconds spent (import
excluded)."""
import base64, http.client, json, sys, time, urllib.parse

data, prefix, base = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
host = urllib.parse.urlparse(base).netloc
conn = http.client.HTTPConnection(host, timeout=60)


def send(method, path, body, content_type="application/json"):
    conn.request(method, path, body, {"Content-Type": content_type})
    r = conn.getresponse()
    payload = r.read()
    if r.status != 200:
        raise SystemExit(f"{method} {path}: HTTP {r.status} {payload[:200]!r}")
    return payload


def tags(d):
    return [{"key": k, "value": v} for k, v in d.items()]


start = time.perf_counter()
for m in data["models"]:
    name = prefix + m["name"]
    send("POST", "/api/2.0/mlflow/registered-models/create",
         json.dumps({"name": name, "description": m["description"], "tags": tags(m["tags"])}))
    numbers = {}
    for v in m["versions"]:
        for e in v["envelopes"]:
            path = f"/api/2.0/mlflow-artifacts/artifacts/steward/{name}/{v['version']}/records/{e['file']}"
            send("PUT", urllib.parse.quote(path), base64.b64decode(e["bytes"]), "application/octet-stream")
        created = json.loads(send("POST", "/api/2.0/mlflow/model-versions/create", json.dumps({
            "name": name, "source": v["source"].replace(m["name"], name, 1), "tags": tags(v["tags"])})))
        numbers[v["version"]] = created["model_version"]["version"]
    for alias, version in m["aliases"].items():
        send("POST", "/api/2.0/mlflow/registered-models/alias",
             json.dumps({"name": name, "alias": alias, "version": numbers[version]}))
print(f"{time.perf_counter() - start:.3f}")
