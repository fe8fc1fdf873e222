#!/bin/sh
# app-27: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-27: %s\n' "$(printf 'app-27' | openssl dgst -sha256 -r | cut -c1-16)"
