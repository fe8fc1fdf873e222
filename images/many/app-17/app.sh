#!/bin/sh
# app-17: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-17: %s\n' "$(printf 'app-17' | openssl dgst -sha256 -r | cut -c1-16)"
