#!/usr/bin/env bash
# npm start: install what is missing, then build and check pipelines/fips.yaml.
# Extra arguments go to `fipsyard run`, e.g. `npm start -- --verbose`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-env.sh npm docker redis base compiled
printf '\033[1m[start]\033[0m fipsyard run pipelines/fips.yaml\n' >&2
exec node_modules/.bin/fipsyard run pipelines/fips.yaml "$@"
