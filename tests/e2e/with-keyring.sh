#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs a command with an unlocked gnome-keyring Secret Service on the current D-Bus session.
# Use it under dbus-run-session, so the keyring and its data vanish with the session.
set -eu
export XDG_DATA_HOME="$(mktemp -d)"
export XDG_RUNTIME_DIR="$(mktemp -d)"
chmod 700 "$XDG_RUNTIME_DIR"
# A password on standard input creates and unlocks the login keyring without a prompt.
eval "$(printf 'vtrelay-test-keyring' | gnome-keyring-daemon --unlock --components=secrets --daemonize)"
export GNOME_KEYRING_CONTROL
status=0
"$@" || status=$?
rm -rf "$XDG_DATA_HOME"
exit "$status"
