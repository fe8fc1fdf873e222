#!/usr/bin/env bash
# npm test: install what is missing, then type-check and run every test (unit, integration
# against real Redis and Docker, end-to-end CLI) through Nx.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-env.sh npm docker redis base
printf '\033[1m[test]\033[0m nx run-many -t typecheck test\n' >&2
NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t typecheck test --outputStyle=stream --parallel=2 "$@"
