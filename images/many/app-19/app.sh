#!/bin/sh
# app-19: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-19: %s\n' "$(printf 'app-19' | openssl dgst -sha256 -r | cut -c1-16)"
