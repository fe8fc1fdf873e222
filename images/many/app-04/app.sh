#!/bin/sh
# app-04: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-04: %s\n' "$(printf 'app-04' | openssl dgst -sha256 -r | cut -c1-16)"
