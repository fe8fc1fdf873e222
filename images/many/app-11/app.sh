#!/bin/sh
# app-11: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-11: %s\n' "$(printf 'app-11' | openssl dgst -sha256 -r | cut -c1-16)"
