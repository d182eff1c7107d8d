import { emit } from "@tauri-apps/api/event";
import { describe, expect, it, vi } from "vitest";
import { mockBackend } from "../test/backend";
import { api, subscribeProgress, toApiError } from "./client";

describe("client", () => {
  it("calls each command by its exact name with named arguments", async () => {
    const calls = mockBackend({
      model_list: () => [],
      stage_set: () => ({ changes: [], version: null }),
      audit_log: () => [],
      version_link_dataset: () => null,
      dataset_show: () => null,
    });
    await api.modelList({ text: "fraud", stage: null, risk_tier: "high" });
    await api.stageSet({ model: "m", version: "1.0.0-1", stage: "candidate", reason: null });
    await api.auditLog(null);
    await api.versionLinkDataset("m", "1.0.0-1", "d@1");
    await api.datasetShow("d@1");
    expect(calls).toEqual([
      { cmd: "model_list", args: { query: { text: "fraud", stage: null, risk_tier: "high" } } },
      { cmd: "stage_set", args: { req: { model: "m", version: "1.0.0-1", stage: "candidate", reason: null } } },
      { cmd: "audit_log", args: { limit: null } },
      { cmd: "version_link_dataset", args: { model: "m", version: "1.0.0-1", dataset: "d@1" } },
      { cmd: "dataset_show", args: { reference: "d@1" } },
    ]);
  });

  it("rejects with the core's ApiError unchanged", async () => {
    mockBackend({
      model_show: () => {
        throw { code: "not_found", message: "no model named 'x'" };
      },
    });
    await expect(api.modelShow("x")).rejects.toEqual({ code: "not_found", message: "no model named 'x'" });
  });

  it("turns other rejections into ApiErrors", () => {
    expect(toApiError("command not allowed")).toEqual({ code: "internal", message: "command not allowed" });
    expect(toApiError(new Error("boom"))).toEqual({ code: "internal", message: "boom" });
    expect(toApiError({ code: "weird", message: "x" })).toEqual({ code: "internal", message: "x" });
    expect(toApiError(42)).toEqual({ code: "internal", message: "42" });
  });

  it("delivers only its own operation's progress", async () => {
    mockBackend({});
    const seen = vi.fn();
    const stop = await subscribeProgress("op-1", seen);
    const progress = { phase: "hashing", done_files: 1, total_files: 2, done_bytes: 5, total_bytes: 10 };
    await emit("steward://progress", { operation: "op-2", progress });
    await emit("steward://progress", { operation: "op-1", progress });
    stop();
    await emit("steward://progress", { operation: "op-1", progress });
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen).toHaveBeenCalledWith({ operation: "op-1", progress });
  });
});
