#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds VT Relay and runs every test (unit, end-to-end, keychain, QML) with CTest.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default "$@"
