# Sourced by the flows' generate.sh scripts: the keyring and scratch space of one recording run.
# `fixtures_begin TAG PATH…` picks a namespace of this run's in the kernel keyring ($ns; the
# demo's reviewers' keys go under "$ns-demo"), exports it with the keyutils backend and the
# flows' actor, and at exit removes every key of both namespaces and the PATHs. A script that
# has more to stop (a server) defines `fixtures_before_cleanup`, run first.
fixtures_begin() {
  ns="fixtures-$1-$$-$(date +%s)"
  shift
  fixtures_paths=("$@")
  export STEWARD_KEYRING_NAMESPACE=$ns STEWARD_KEYRING_BACKEND=keyutils STEWARD_ACTOR=ana.lopez
  trap fixtures_cleanup EXIT
}

fixtures_cleanup() {
  if declare -F fixtures_before_cleanup >/dev/null; then fixtures_before_cleanup || true; fi
  for id in $(keyctl rlist @u 2>/dev/null); do
    d=$(keyctl rdescribe "$id" 2>/dev/null) || continue
    case "${d#*;*;*;*;}" in steward-"$ns":* | steward-"$ns"-demo:*) keyctl unlink "$id" @u >/dev/null 2>&1 || true ;; esac
  done
  rm -rf "${fixtures_paths[@]}"
}
