#!/bin/sh
# app-15: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-15: %s\n' "$(printf 'app-15' | openssl dgst -sha256 -r | cut -c1-16)"
