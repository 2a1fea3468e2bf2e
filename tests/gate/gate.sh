#!/usr/bin/env bash
# The CI gate on one shipped scenario: simulate it at a CI-sized horizon and hold the results to
# its baseline with `schedlab check`. With SCHEDLAB_UPDATE_BASELINES=1 the baseline is rewritten
# instead (a deliberate model change: commit it with the reason).
# usage: gate.sh SCHEDLAB SCENARIO.yaml BASELINE.json [--set KEY=VALUE]...
set -euo pipefail
schedlab=$1 scenario=$2 baseline=$3
shift 3
out=$(mktemp -d /tmp/schedlab-gate-XXXXXX)
trap 'rm -rf "$out"' EXIT
"$schedlab" run "$scenario" --quiet --out "$out" "$@" >/dev/null
if [ "${SCHEDLAB_UPDATE_BASELINES:-0}" = 1 ]; then
  "$schedlab" check "$out" --baseline "$baseline" --update  # not exec'd: the trap removes $out
  exit
fi
"$schedlab" check "$out" --baseline "$baseline"
