"""Reads back what Steward pushed (models named PREFIX*) from the MLflow server into one JSON
file: the input the MlflowClient and minimal-sequence contenders replay under other names, so
all three send the same mapping (model tags and description, each version's source and
tags, each envelope's path and bytes, each alias)."""
import base64, json, sys, urllib.parse, urllib.request

base, prefix, out = sys.argv[1], sys.argv[2], sys.argv[3]


def get(route, **q):
    return json.load(urllib.request.urlopen(base + route + "?" + urllib.parse.urlencode(q)))


def raw(route):
    return urllib.request.urlopen(base + route).read()


models = []
for m in get("/api/2.0/mlflow/registered-models/search", max_results=1000)["registered_models"]:
    if not m["name"].startswith(prefix):
        continue
    full = get("/api/2.0/mlflow/registered-models/get", name=m["name"])["registered_model"]
    versions = get("/api/2.0/mlflow/model-versions/search", filter=f"name='{m['name']}'", max_results=10000)["model_versions"]
    number = {}
    out_versions = []
    for v in sorted(versions, key=lambda v: int(v["version"])):
        tags = {t["key"]: t["value"] for t in v.get("tags", [])}
        number[v["version"]] = tags["steward.version"]
        root = f"steward/{m['name']}/{tags['steward.version']}/records"
        files = get("/api/2.0/mlflow-artifacts/artifacts", path=root).get("files", [])
        names = [f["path"].rsplit("/", 1)[-1] for f in files]
        envelopes = [
            {"file": n, "bytes": base64.b64encode(raw(f"/api/2.0/mlflow-artifacts/artifacts/{root}/{n}")).decode()}
            for n in names
        ]
        out_versions.append({"version": tags["steward.version"], "source": v["source"], "tags": tags, "envelopes": envelopes})
    models.append({
        "name": m["name"],
        "description": full.get("description", ""),
        "tags": {t["key"]: t["value"] for t in full.get("tags", [])},
        "versions": out_versions,
        "aliases": {a["alias"]: number[a["version"]] for a in full.get("aliases", [])},
    })
json.dump({"models": models}, open(out, "w"))
print(sum(len(m["versions"]) for m in models))
