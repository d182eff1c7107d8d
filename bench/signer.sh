# Shared by the benchmarks that sign (bench/release, bench/sync): source it after setting
# STEWARD_KEYRING_NAMESPACE, STEWARD_KEYRING_BACKEND=keyutils and STEWARD_IDENTITY.

# Unlinks every key of this run's keyring namespace from the user keyring.
forget_namespace_keys() {
  for id in $(keyctl rlist @u 2>/dev/null); do
    d=$(keyctl rdescribe "$id" 2>/dev/null) || continue
    case "${d#*;*;*;*;}" in steward-"$STEWARD_KEYRING_NAMESPACE":*) keyctl unlink "$id" @u >/dev/null 2>&1 || true ;; esac
  done
}

# signer_workspace STEWARD WS WORK: a new workspace WS whose signer is $STEWARD_IDENTITY
# (a key in the keyring, the roster's root) under a policy that gates nothing, so every
# promotion writes a signed release record; WORK holds the policy file.
signer_workspace() {
  local steward=$1 ws=$2 work=$3
  "$steward" --workspace "$ws" init >/dev/null
  "$steward" --workspace "$ws" key init --name "Bench Signer" --email "$STEWARD_IDENTITY" >/dev/null
  "$steward" --workspace "$ws" roster init >/dev/null
  cat >"$work/policy.toml" <<'TOML'
format = "steward.policy/v1"
name = "lifecycle-only"

[canary]
traffic_share_below_percent = 5.0
flagged_tenants_allowed = true
shadow_mode_required = true
min_duration_hours = 48
kpis = []

[stages]
TOML
  "$steward" --workspace "$ws" policy set "$work/policy.toml" -m bench >/dev/null
}
