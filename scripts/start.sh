#!/usr/bin/env bash
# npm start: install what is missing, then build and check pipelines/fips.yaml.
# Extra arguments go to `fipsyard run`, e.g. `npm start -- --verbose`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-env.sh npm docker redis base
# Compiled output starts the CLI about half a second sooner than the TypeScript sources (apps/cli/bin).
printf '\033[1m[%s]\033[0m compiling the TypeScript (tsc -b, incremental)\n' start >&2
npx tsc -b apps/cli/tsconfig.lib.json
printf '\033[1m[start]\033[0m fipsyard run pipelines/fips.yaml\n' >&2
exec node_modules/.bin/fipsyard run pipelines/fips.yaml "$@"
