#!/bin/sh
# app-20: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-20: %s\n' "$(printf 'app-20' | openssl dgst -sha256 -r | cut -c1-16)"
