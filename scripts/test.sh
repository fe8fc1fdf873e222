#!/usr/bin/env bash
# npm test: install what is missing, then type-check and run every test (unit, integration
# against real Redis and Docker, end-to-end CLI) through Nx, and print the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-env.sh npm docker redis base registry
printf '\033[1m[test]\033[0m nx run-many -t typecheck test\n' >&2
log=$(mktemp /tmp/fipsyard-test.XXXXXX)
trap 'rm -f "$log"' EXIT
set +e
NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t typecheck test --outputStyle=static --parallel=2 --skip-nx-cache "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One line for people and CI: the sum of every vitest run's "Tests" line.
sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /^ *Tests +[0-9]/ {
    for (i = 1; i <= NF; i++) {
      if ($(i+1) ~ /^passed/) p += $i
      if ($(i+1) ~ /^failed/) f += $i
      if ($(i+1) ~ /^skipped/) s += $i
    }
  }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }'
exit "$status"
