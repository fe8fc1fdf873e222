#!/bin/sh
# app-06: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-06: %s\n' "$(printf 'app-06' | openssl dgst -sha256 -r | cut -c1-16)"
