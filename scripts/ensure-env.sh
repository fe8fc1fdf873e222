#!/usr/bin/env bash
# Installs and starts what fipsyard needs on a fresh Debian machine, saying what it does:
# npm packages, Docker Engine (started when `docker info` fails), redis-server, and a local
# debian:trixie-slim image (debootstrapped when it cannot be pulled).
# Usage: scripts/ensure-env.sh [npm] [docker] [redis] [base] [compose] [registry] [compiled]   (default: npm docker redis base)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 3; }

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
APT_UPDATED=0
apt_install() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    say "apt-get update"
    $SUDO apt-get update -qq || die "apt-get update failed"
    APT_UPDATED=1
  fi
  say "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

ensure_npm() {
  if [[ -d node_modules/.bin && node_modules/.package-lock.json -nt package-lock.json ]] && [[ -e node_modules/.bin/fipsyard ]]; then
    return 0
  fi
  say "installing npm packages (npm ci)"
  if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
}

ensure_docker() {
  if docker info >/dev/null 2>&1; then return 0; fi
  if ! command -v dockerd >/dev/null 2>&1; then
    apt_install docker.io
  fi
  if ! command -v docker >/dev/null 2>&1; then apt_install docker.io; fi
  say "starting the Docker Engine (dockerd, log in /var/log/dockerd.log)"
  $SUDO bash -c 'setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &'
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then say "Docker Engine is up"; return 0; fi
    sleep 0.5
  done
  die "dockerd did not come up within 30 s; see /var/log/dockerd.log"
}

ensure_redis() {
  if command -v redis-server >/dev/null 2>&1; then return 0; fi
  apt_install redis-server
  # The Debian package starts a system service where systemd runs; fipsyard starts its own.
}

# docker-compose for the fleet (docs/fleet.md). Debian ships Compose 1.29 as its own binary; where
# Compose v2 is installed instead (`docker compose`), the same docker-compose.yml works with it.
ensure_compose() {
  if command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1; then return 0; fi
  apt_install docker-compose
}

# Debian's registry v2 server, for tests that push and pull by digest: they start their own on a
# free 127.0.0.1 port (packages/runtime/src/testing). The package's own service (:5000, all
# interfaces) must not stay running: stop it where policy-rc.d did not already keep it from starting.
ensure_registry() {
  if command -v docker-registry >/dev/null 2>&1; then return 0; fi
  apt_install docker-registry
  if [[ -d /run/systemd/system ]]; then
    $SUDO systemctl disable --now docker-registry >/dev/null 2>&1 || true
  else
    $SUDO /etc/init.d/docker-registry stop >/dev/null 2>&1 || true
  fi
}

# A static busybox lets checks idle containers of images without `sleep` (FROM scratch).
ensure_tools() {
  dpkg -s busybox-static >/dev/null 2>&1 || apt_install busybox-static
}

# The apt mirror this machine already uses (first non-security "deb" URI), never a hard-coded host.
apt_mirror() {
  local uri=""
  if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
    uri=$(awk 'tolower($1)=="uris:" {for (i=2;i<=NF;i++) print $i}' /etc/apt/sources.list.d/*.sources | grep -v -- '-security' | head -n1 || true)
  fi
  if [[ -z $uri && -f /etc/apt/sources.list ]]; then
    uri=$(awk '$1=="deb" {for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; break}}' /etc/apt/sources.list | grep -v -- '-security' | head -n1 || true)
  fi
  [[ -n $uri ]] || die "cannot find an apt mirror in /etc/apt/sources.list.d/ or /etc/apt/sources.list"
  printf '%s' "${uri%/}"
}

BASE_IMAGE="${FIPSYARD_BASE_IMAGE:-debian:trixie-slim}"
ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then return 0; fi
  say "$BASE_IMAGE is not in the Docker Engine; trying docker pull (20 s at most)"
  if timeout 20 docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then say "pulled $BASE_IMAGE"; return 0; fi
  say "cannot pull $BASE_IMAGE (no registry reachable); seeding it locally"
  local cache_dir="${FIPSYARD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fipsyard}"
  local tarball="$cache_dir/debian-trixie-minbase.tar"
  mkdir -p "$cache_dir"
  if [[ ! -s $tarball ]]; then
    command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
    local mirror rootfs
    mirror=$(apt_mirror)
    rootfs=$(mktemp -d /tmp/fipsyard-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' RETURN
    say "debootstrap --variant=minbase trixie from $mirror (about 30 s)"
    if ! $SUDO debootstrap --variant=minbase trixie "$rootfs" "$mirror" >"$cache_dir/debootstrap.log" 2>&1; then
      tail -n 20 "$cache_dir/debootstrap.log" >&2
      die "debootstrap failed; full log in $cache_dir/debootstrap.log"
    fi
    # Point apt inside the image at the same mirror the host uses, and keep it small.
    printf 'deb %s trixie main\n' "$mirror" | $SUDO tee "$rootfs/etc/apt/sources.list" >/dev/null
    $SUDO rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    $SUDO tar -C "$rootfs" -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    say "cached the rootfs in $tarball"
  else
    say "using the cached rootfs $tarball"
  fi
  docker import -c 'CMD ["bash"]' "$tarball" "$BASE_IMAGE" >/dev/null
  say "imported $BASE_IMAGE"
}

# The CLI's compiled output (apps/cli/bin runs it when it is at least as new as the sources; it
# starts about half a second sooner than the TypeScript through tsx). Incremental: seconds.
ensure_compiled() {
  say "compiling the TypeScript (tsc -b, incremental)"
  npx tsc -b apps/cli/tsconfig.lib.json
}

steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(npm docker redis base)
for step in "${steps[@]}"; do
  case "$step" in
    npm) ensure_npm ;;
    docker) ensure_docker ;;
    redis) ensure_redis ;;
    base) ensure_docker; ensure_tools; ensure_base_image ;;
    compose) ensure_docker; ensure_compose ;;
    registry) ensure_registry ;;
    compiled) ensure_npm; ensure_compiled ;;
    *) die "unknown step: $step" ;;
  esac
done
