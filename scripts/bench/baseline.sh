#!/usr/bin/env bash
# The benchmark's baseline: what a user does by hand, or in the bash loop they already have, for
# pipelines/examples/many.yaml. For each image in order: `docker build`, then one
# `docker run --rm IMAGE CHECK` per check (the base's three checks are inherited by every app).
#   baseline.sh WORKSPACE TAG_PREFIX [--no-cache]
# BENCH_LABEL=NAME=VALUE labels its containers, so the benchmark can remove any an interruption
# leaves; --force-rm does the same for the builder's intermediate containers. Neither changes the work.
set -euo pipefail
ws=$1
prefix=$2
nocache=${3:-}
label=()
if [[ -n ${BENCH_LABEL:-} ]]; then label=(--label "$BENCH_LABEL"); fi

run() { docker run --rm --network none "${label[@]}" "$@"; }

checks_of_base() {
  local img=$1 out
  run "$img" openssl list -providers | grep -q 'name: OpenSSL FIPS Provider'
  if out=$(run "$img" openssl dgst -md5 /etc/os-release 2>&1); then echo "MD5 works in $img" >&2; exit 1; fi
  grep -q unsupported <<<"$out"
  run "$img" openssl dgst -sha256 /etc/os-release >/dev/null
}

docker build -q --force-rm $nocache -t "$prefix/base:latest" "$ws/images/fips-base" >/dev/null
checks_of_base "$prefix/base:latest"

for dir in "$ws"/images/many/app-*; do
  name=$(basename "$dir")
  img="$prefix/$name:latest"
  docker build -q --force-rm $nocache --build-arg "BASE_IMAGE=$prefix/base:latest" -t "$img" "$dir" >/dev/null
  checks_of_base "$img"
  run "$img" /usr/local/bin/app | grep -Eq "^$name: [0-9a-f]{16}\$"
done
