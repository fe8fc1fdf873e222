#!/bin/sh
# app-23: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-23: %s\n' "$(printf 'app-23' | openssl dgst -sha256 -r | cut -c1-16)"
