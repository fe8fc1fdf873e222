#!/bin/sh
# app-05: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-05: %s\n' "$(printf 'app-05' | openssl dgst -sha256 -r | cut -c1-16)"
