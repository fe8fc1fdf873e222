#!/bin/sh
# app-26: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-26: %s\n' "$(printf 'app-26' | openssl dgst -sha256 -r | cut -c1-16)"
