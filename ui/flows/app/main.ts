// Flows entry: install the in-memory fake backend, then start the real app unchanged.
import { installFakeBackend } from "./fake-backend";

const params = new URLSearchParams(window.location.search);
installFakeBackend({
  bulkModels: Number(params.get("models") ?? "0"),
  empty: params.has("empty"),
  noIdentity: params.has("noidentity"),
  sync: params.get("sync"),
});
await import("../../src/main");
