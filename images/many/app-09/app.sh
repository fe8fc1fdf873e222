#!/bin/sh
# app-09: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-09: %s\n' "$(printf 'app-09' | openssl dgst -sha256 -r | cut -c1-16)"
