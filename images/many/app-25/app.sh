#!/bin/sh
# app-25: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-25: %s\n' "$(printf 'app-25' | openssl dgst -sha256 -r | cut -c1-16)"
