// Evaluates a Steward flag file with flagd's own engine (@openfeature/flagd-core).
// Usage: node evaluate.mjs FLAG_FILE FLAG_KEY N [TENANT]
// Prints JSON: how many of N targeting keys (user-0 … user-N-1) resolve to each variant, and,
// with TENANT, the variant that tenant gets, plus the flag's metadata.
import { readFileSync } from "node:fs";
import { FlagdCore } from "@openfeature/flagd-core";

const [file, key, n, tenant] = process.argv.slice(2);
const core = new FlagdCore();
core.setConfigurations(readFileSync(file, "utf8"));
const counts = {};
let metadata = {};
for (let i = 0; i < Number(n); i++) {
  const r = core.resolveStringEvaluation(key, "none", { targetingKey: `user-${i}` }, console);
  counts[r.value] = (counts[r.value] ?? 0) + 1;
  metadata = r.flagMetadata ?? metadata;
}
const out = { counts, metadata };
if (tenant) {
  out.tenant = core.resolveStringEvaluation(key, "none", { targetingKey: "someone", tenant }, console).value;
}
console.log(JSON.stringify(out));
