#!/bin/sh
# app-02: prints its name and a SHA-256 made through the system OpenSSL (FIPS provider).
set -eu
printf 'app-02: %s\n' "$(printf 'app-02' | openssl dgst -sha256 -r | cut -c1-16)"
