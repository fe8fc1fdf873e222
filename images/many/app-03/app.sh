#!/bin/sh
# app-03: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-03: %s\n' "$(printf 'app-03' | openssl dgst -sha256 -r | cut -c1-16)"
