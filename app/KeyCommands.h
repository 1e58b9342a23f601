// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace vtrelay {

class KeyStore;

// The `vtrelay key ...` commands. Each returns the process exit code and prints to
// standard output and standard error; none ever prints the key.
namespace KeyCommands {
int set(KeyStore &store);
int status(KeyStore &store);
int remove(KeyStore &store);
// Reads one line from standard input, trimmed.
QString readStdinKey();
} // namespace KeyCommands

} // namespace vtrelay
