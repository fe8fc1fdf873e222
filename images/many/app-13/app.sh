#!/bin/sh
# app-13: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-13: %s\n' "$(printf 'app-13' | openssl dgst -sha256 -r | cut -c1-16)"
