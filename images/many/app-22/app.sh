#!/bin/sh
# app-22: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-22: %s\n' "$(printf 'app-22' | openssl dgst -sha256 -r | cut -c1-16)"
