#!/usr/bin/env bash
# The offline path of the fleet (docs/fleet.md): makes local images with exactly the names that
# docker-compose.yml and apps/worker/Dockerfile use, from Debian packages on the local
# debian:trixie-slim (itself debootstrapped by scripts/ensure-env.sh when it cannot be pulled), so
# `docker-compose up` works on a machine that reaches no image registry. Where a registry is
# reachable nothing is seeded: the real images are pulled.
#
#   redis:8               Debian's redis-server (8.0); /data, port 6379, runs as user redis
#   registry:2            Debian's docker-registry (distribution 2.8); /var/lib/registry, port 5000
#   node:20-trixie-slim   Debian's nodejs (20.19) and npm; a `node` user (uid 1000)
#
# Seeded images carry the label org.fipsyard.seeded=true:
#   docker images --filter label=org.fipsyard.seeded=true
#
# FIPSYARD_SEED_FLEET (default auto):
#   auto    an image already present is kept; a missing one is pulled (20 s at most), else seeded
#   always  seed every image without trying to pull (rebuilt from Docker's build cache when unchanged)
#   never   pull missing images only; fail when one cannot be pulled
# Usage: scripts/seed-fleet-images.sh [IMAGE...]   (default: the three above)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[seed]\033[0m %s\n' "$*" >&2; }
die() { printf '[seed] error: %s\n' "$*" >&2; exit 3; }

MODE="${FIPSYARD_SEED_FLEET:-auto}"
case "$MODE" in auto | always | never) ;; *) die "FIPSYARD_SEED_FLEET=$MODE: use auto, always or never" ;; esac
BASE_IMAGE="${FIPSYARD_BASE_IMAGE:-debian:trixie-slim}"
LABEL=org.fipsyard.seeded

# Each function prints the Dockerfile that stands in for the official image of that name: same
# entrypoint/command shape, ports, data directory and user as far as the fleet relies on them.
dockerfile_redis() {
  cat <<EOF
FROM $BASE_IMAGE
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \\
 && rm -rf /var/lib/apt/lists/* \\
 && mkdir -p /data && chown redis:redis /data
# A named volume on /data starts as a copy of this directory, owned by redis.
VOLUME /data
WORKDIR /data
EXPOSE 6379
USER redis
CMD ["redis-server"]
EOF
}

dockerfile_registry() {
  cat <<EOF
FROM $BASE_IMAGE
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker-registry wget ca-certificates \\
 && rm -rf /var/lib/apt/lists/* \\
 && ln -s /usr/bin/docker-registry /usr/local/bin/registry \\
 && mkdir -p /var/lib/registry /etc/docker/registry \\
 && printf '%s\n' \\
      'version: 0.1' \\
      'log:' \\
      '  fields:' \\
      '    service: registry' \\
      'storage:' \\
      '  cache:' \\
      '    blobdescriptor: inmemory' \\
      '  filesystem:' \\
      '    rootdirectory: /var/lib/registry' \\
      'http:' \\
      '  addr: :5000' \\
      '  headers:' \\
      '    X-Content-Type-Options: [nosniff]' \\
      'health:' \\
      '  storagedriver:' \\
      '    enabled: true' \\
      '    interval: 10s' \\
      '    threshold: 3' >/etc/docker/registry/config.yml \\
 && printf '%s\n' \\
      '#!/bin/sh' \\
      'set -e' \\
      'case "\$1" in' \\
      '  *.yaml|*.yml) set -- registry serve "\$@" ;;' \\
      '  serve|garbage-collect|help|-*) set -- registry "\$@" ;;' \\
      'esac' \\
      'exec "\$@"' >/entrypoint.sh \\
 && chmod 755 /entrypoint.sh
VOLUME /var/lib/registry
EXPOSE 5000
ENTRYPOINT ["/entrypoint.sh"]
CMD ["/etc/docker/registry/config.yml"]
EOF
}

dockerfile_node() {
  cat <<EOF
FROM $BASE_IMAGE
RUN apt-get update \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm ca-certificates \\
 && rm -rf /var/lib/apt/lists/* \\
 && groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
CMD ["node"]
EOF
}

recipe_for() {
  case "$1" in
    redis:8) echo redis ;;
    registry:2) echo registry ;;
    node:20-trixie-slim) echo node ;;
    *) die "no recipe to seed $1 (known: redis:8 registry:2 node:20-trixie-slim)" ;;
  esac
}

seed() {
  local image=$1 recipe
  recipe=$(recipe_for "$image")
  if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    say "$BASE_IMAGE is missing; making it first (scripts/ensure-env.sh base)"
    bash scripts/ensure-env.sh base
  fi
  say "seeding $image from $BASE_IMAGE and Debian packages (a minute or two the first time)"
  local log
  log=$(mktemp /tmp/fipsyard-seed.XXXXXX)
  if ! "dockerfile_$recipe" | docker build --label "$LABEL=true" --label "$LABEL.from=$BASE_IMAGE" \
      --label "org.opencontainers.image.description=fipsyard offline stand-in for $image, from Debian packages" \
      -t "$image" - >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -f "$log"
    die "could not seed $image"
  fi
  rm -f "$log"
  say "seeded $image ($(docker image inspect -f '{{.Id}}' "$image" | cut -c8-19))"
}

pull() {
  say "$1 is missing; trying docker pull (20 s at most)"
  timeout 20 docker pull -q "$1" >/dev/null 2>&1
}

images=("$@")
[[ ${#images[@]} -gt 0 ]] || images=(redis:8 registry:2 node:20-trixie-slim)
docker info >/dev/null 2>&1 || die "the Docker Engine is not reachable (scripts/ensure-env.sh docker starts one)"
for image in "${images[@]}"; do
  recipe_for "$image" >/dev/null
  if [[ $MODE == always ]]; then seed "$image"; continue; fi
  if docker image inspect "$image" >/dev/null 2>&1; then
    seeded=$(docker image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$image" 2>/dev/null || true)
    say "$image is present$([[ $seeded == true ]] && echo ' (seeded)'); kept"
    continue
  fi
  if pull "$image"; then say "pulled $image"; continue; fi
  [[ $MODE == never ]] && die "cannot pull $image and FIPSYARD_SEED_FLEET=never"
  say "cannot pull $image (no registry reachable)"
  seed "$image"
done
