// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace vtrelay {

struct CommandLine;

// Runs the tray application until the user quits and returns the exit code. A QApplication must
// exist. When another instance runs for this user, requests that it show its window and returns 0.
int runTray(const CommandLine &commandLine);

// Returns false with a message when no display is available for the window, so that the
// caller can stop before QApplication aborts. Only Linux without X11 or Wayland lacks one.
bool hasDisplayForTray(QString *error);

} // namespace vtrelay
