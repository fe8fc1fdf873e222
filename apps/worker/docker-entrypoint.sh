#!/bin/sh
# Entry point of the worker image: `fipsyard ARGS...` as the unprivileged `node` user.
# Started as root only to learn the group that owns the mounted Docker socket, which differs from
# host to host; fipsyard then runs with that one supplementary group and no capabilities.
# FIPSYARD_WORKER_ROOT=1 keeps root (for a socket only root may open).
set -eu
CLI=/app/apps/cli/bin/fipsyard.js
if [ "$(id -u)" != 0 ] || [ "${FIPSYARD_WORKER_ROOT:-}" = 1 ]; then
  exec node "$CLI" "$@"
fi
groups=node
socket=${DOCKER_HOST:-unix:///var/run/docker.sock}
socket=${socket#unix://}
if [ -S "$socket" ]; then groups="node,$(stat -c %g "$socket")"; fi
export HOME=/home/node
exec setpriv --reuid=node --regid=node --groups="$groups" --inh-caps=-all --bounding-set=-all --no-new-privs \
  node "$CLI" "$@"
