#!/usr/bin/env bash
# Golden-output test: runs the schedlab command in CASE.cmd (from tests/data) and compares what it
# prints with CASE.out. SCHEDLAB_UPDATE_GOLDEN=1 rewrites CASE.out on purpose.
set -uo pipefail
bin="$1"
case_file="$2"
expected="${case_file%.cmd}.out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=$(sed -e 's/#.*//' "$case_file" | tr '\n' ' ')
# shellcheck disable=SC2086
actual=$(cd "$(pwd)" && OUT="$tmp" eval "\"$bin\" $args" 2>&1; echo "exit code: $?")
actual=$(printf '%s\n' "$actual" | sed -e "s#$tmp#OUT#g")
if [ "${SCHEDLAB_UPDATE_GOLDEN:-0}" = 1 ]; then
  printf '%s\n' "$actual" > "$expected"
  echo "updated $expected"
  exit 0
fi
if ! diff -u "$expected" <(printf '%s\n' "$actual"); then
  echo "golden output differs for $(basename "$case_file") (SCHEDLAB_UPDATE_GOLDEN=1 to accept)"
  exit 1
fi
