#!/bin/sh
# app-28: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-28: %s\n' "$(printf 'app-28' | openssl dgst -sha256 -r | cut -c1-16)"
