import { describe, expect, it } from "vitest";
import { formatBytes, shortDigest } from "./components/format";
import { href, parseHash } from "./router";

describe("router", () => {
  it("round-trips every route through its href", () => {
    expect(parseHash(href.home())).toEqual({ name: "home" });
    expect(parseHash("")).toEqual({ name: "home" });
    expect(parseHash(href.model("fraud-scorer"))).toEqual({ name: "model", model: "fraud-scorer" });
    expect(parseHash(href.operations("fraud-scorer"))).toEqual({ name: "operations", model: "fraud-scorer" });
    expect(parseHash("#/models/a/operations/x").name).toBe("not-found");
    expect(parseHash(href.version("a.b_c", "1.2.0-3"))).toEqual({ name: "version", model: "a.b_c", version: "1.2.0-3" });
    expect(parseHash(href.approvals("a.b_c", "1.2.0-3"))).toEqual({ name: "approvals", model: "a.b_c", version: "1.2.0-3" });
    expect(parseHash("#/models/a/versions/1.0.0-1/nothing")).toEqual({ name: "not-found", path: "/models/a/versions/1.0.0-1/nothing" });
    expect(parseHash(href.coverage("a.b_c", "1.2.0-3"))).toEqual({ name: "coverage", model: "a.b_c", version: "1.2.0-3", pack: null });
    expect(parseHash(href.coverage("a.b_c", "1.2.0-3", "eu-ai-act"))).toEqual({ name: "coverage", model: "a.b_c", version: "1.2.0-3", pack: "eu-ai-act" });
    expect(parseHash("#/models/a/versions/1.0.0-1/coverage/eu-ai-act/x").name).toBe("not-found");
    expect(parseHash(href.dataset("tickets@2"))).toEqual({ name: "dataset", reference: "tickets@2" });
    expect(parseHash(href.audit())).toEqual({ name: "audit" });
    expect(parseHash(href.settings())).toEqual({ name: "settings" });
    expect(parseHash(href.policy())).toEqual({ name: "policy" });
    expect(parseHash("#/policy/x")).toEqual({ name: "not-found", path: "/policy/x" });
    expect(parseHash("#/nope/x")).toEqual({ name: "not-found", path: "/nope/x" });
  });

  it("knows the registry sync screens", () => {
    expect(parseHash(href.sync())).toEqual({ name: "sync" });
    expect(parseHash(href.syncConflicts())).toEqual({ name: "sync-conflicts" });
    expect(parseHash(href.syncUngoverned())).toEqual({ name: "sync-ungoverned" });
    expect(parseHash("#/sync/other")).toEqual({ name: "not-found", path: "/sync/other" });
  });
});

describe("format", () => {
  it("prints sizes in binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(2310)).toBe("2.26 KiB");
    expect(formatBytes(48_234_112)).toBe("46.0 MiB");
    expect(formatBytes(734_003_200)).toBe("700 MiB");
  });
  it("shortens digests", () => {
    expect(shortDigest("sha256:" + "ab".repeat(32))).toBe("sha256:abababababab…");
    expect(shortDigest("short")).toBe("short");
  });
});
