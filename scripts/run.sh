#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds VT Relay and starts it: the tray app where a display exists, headless otherwise.
# Extra arguments go to vtrelay, for example --listen 127.0.0.1:9000.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec ./build/app/vtrelay "$@"
fi
exec ./build/app/vtrelay --headless "$@"
