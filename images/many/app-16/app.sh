#!/bin/sh
# app-16: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-16: %s\n' "$(printf 'app-16' | openssl dgst -sha256 -r | cut -c1-16)"
