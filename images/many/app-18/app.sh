#!/bin/sh
# app-18: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-18: %s\n' "$(printf 'app-18' | openssl dgst -sha256 -r | cut -c1-16)"
