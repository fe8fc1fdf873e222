#!/bin/sh
# app-01: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-01: %s\n' "$(printf 'app-01' | openssl dgst -sha256 -r | cut -c1-16)"
