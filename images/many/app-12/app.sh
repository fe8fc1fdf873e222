#!/bin/sh
# app-12: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-12: %s\n' "$(printf 'app-12' | openssl dgst -sha256 -r | cut -c1-16)"
