#!/usr/bin/env bash
# npm run bench: install what is missing (as npm start does), then measure fipsyard against the plain
# docker loop of scripts/bench/baseline.sh and print the figures (docs/bench.md). Takes minutes.
# Extra arguments go to scripts/bench/bench.mjs, e.g. `npm run bench -- --only scheduling,planning`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-env.sh npm docker redis base compiled
printf '\033[1m[bench]\033[0m node scripts/bench/bench.mjs %s\n' "$*" >&2
exec node scripts/bench/bench.mjs "$@"
