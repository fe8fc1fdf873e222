#!/bin/sh
# app-30: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-30: %s\n' "$(printf 'app-30' | openssl dgst -sha256 -r | cut -c1-16)"
