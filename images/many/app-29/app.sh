#!/bin/sh
# app-29: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-29: %s\n' "$(printf 'app-29' | openssl dgst -sha256 -r | cut -c1-16)"
