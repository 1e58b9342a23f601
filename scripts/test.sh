#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds VT Relay and runs every test (unit, end-to-end, keychain, QML) with CTest.
# With VTRELAY_FULL_CI=1 (set by .ci/run) it then runs the suite again under ASan and UBSan
# and each fuzz target for 20 seconds, which analysts need not wait for.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default "$@"

if [ "${VTRELAY_FULL_CI:-0}" = 1 ]; then
    # UBSan only prints its findings unless halt_on_error is set, and a test must fail on them.
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
    # Qt Gui and Qt Quick caches show up as leaks at exit, so the file suppresses just those.
    export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-qt.supp:print_suppressions=0"
    cmake --preset asan >/dev/null
    cmake --build --preset asan
    ctest --preset asan "$@"
    ./scripts/fuzz.sh 20
fi
