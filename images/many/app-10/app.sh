#!/bin/sh
# app-10: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-10: %s\n' "$(printf 'app-10' | openssl dgst -sha256 -r | cut -c1-16)"
