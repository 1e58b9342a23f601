// SPDX-License-Identifier: MIT
#pragma once

namespace vtrelay {

struct CommandLine;

// Runs the relay without a window until SIGINT or SIGTERM; returns the exit code.
int runHeadless(const CommandLine &commandLine);

// Makes SIGINT and SIGTERM quit the running QCoreApplication cleanly.
void quitOnTerminationSignals();

} // namespace vtrelay
