#!/bin/sh
# app-21: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-21: %s\n' "$(printf 'app-21' | openssl dgst -sha256 -r | cut -c1-16)"
