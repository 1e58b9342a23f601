#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what VT Relay needs to build, run and test on Debian 12. Safe to run again.
set -eu

packages="
  build-essential cmake ninja-build ccache pkg-config
  clang libclang-rt-14-dev
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools
  qml6-module-qtqml qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-templates qml6-module-qtquick-window qml6-module-qtqml-workerscript
  qml6-module-qttest qml6-module-qtquick-dialogs qml6-module-qt-labs-platform
  qt6-qpa-plugins libqt6svg6 qt6-svg-dev
  qtkeychain-qt6-dev libhttp-parser-dev libsqlite3-dev libsodium-dev zlib1g-dev
  curl python3 python3-virustotal-api chromium
  dbus gnome-keyring
  xvfb
"

missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=""
else
    sudo="sudo"
fi
echo "Installing:$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
