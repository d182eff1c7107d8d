"""Contender (b): the same mapping pushed with MLflow's own Python client, as a team would
script it: `create_registered_model` with its tags, per record the envelope uploaded through
MLflow's artifact repository for `mlflow-artifacts:` and `create_model_version` with every tag
inline (MlflowClient then reads the version back until it is READY), and the aliases with
`set_registered_model_alias`. Prints the seconds spent pushing (the import excluded)."""
import base64, json, os, sys, tempfile, time

from mlflow import MlflowClient
from mlflow.store.artifact.mlflow_artifacts_repo import MlflowArtifactsRepository

data, prefix = json.load(open(sys.argv[1])), sys.argv[2]
client = MlflowClient()
tmp = tempfile.mkdtemp()
start = time.perf_counter()
for m in data["models"]:
    name = prefix + m["name"]
    client.create_registered_model(name, tags=m["tags"], description=m["description"])
    numbers = {}
    for v in m["versions"]:
        root = f"steward/{name}/{v['version']}/records"
        repo = MlflowArtifactsRepository(f"mlflow-artifacts:/{root}")
        for e in v["envelopes"]:
            path = os.path.join(tmp, e["file"])
            with open(path, "wb") as f:
                f.write(base64.b64decode(e["bytes"]))
            repo.log_artifact(path)
        mv = client.create_model_version(name, source=v["source"].replace(m["name"], name, 1), tags=v["tags"])
        numbers[v["version"]] = mv.version
    for alias, version in m["aliases"].items():
        client.set_registered_model_alias(name, alias, numbers[version])
print(f"{time.perf_counter() - start:.3f}")
