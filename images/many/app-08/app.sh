#!/bin/sh
# app-08: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-08: %s\n' "$(printf 'app-08' | openssl dgst -sha256 -r | cut -c1-16)"
