#!/bin/sh
# app-14: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-14: %s\n' "$(printf 'app-14' | openssl dgst -sha256 -r | cut -c1-16)"
