#!/bin/sh
# SPDX-License-Identifier: MIT
# Searches every file the end-to-end tests left behind (relay logs, cache databases, request
# history, exported team files, emulator output) for the canary key. Usage: scan-canary.sh DIR KEY
set -eu
dir="$1"
key="$2"
files=$(find "$dir" -type f | wc -l)
if [ "$files" -eq 0 ]; then
    echo "No test artifacts in $dir: the end-to-end tests did not run, so nothing was checked."
    exit 1
fi
hits=$(grep -r -a -l -F -e "$key" "$dir" || true)
if [ -n "$hits" ]; then
    echo "The canary key appears in:"
    echo "$hits"
    exit 1
fi
echo "Canary key found in none of $files files under $dir."
