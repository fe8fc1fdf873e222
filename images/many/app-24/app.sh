#!/bin/sh
# app-24: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-24: %s\n' "$(printf 'app-24' | openssl dgst -sha256 -r | cut -c1-16)"
