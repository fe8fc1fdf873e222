#!/bin/sh
# app-07: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-07: %s\n' "$(printf 'app-07' | openssl dgst -sha256 -r | cut -c1-16)"
