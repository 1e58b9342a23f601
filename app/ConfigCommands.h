// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace vtrelay {

class KeyStore;
class SettingsStore;

// The `vtrelay config export|import FILE` commands. Each returns the process exit code:
// 0 on success, 1 when reading, writing, decrypting or the keychain failed, and 2 when the
// passphrase input is unusable (missing, too short, or the two entries differ). Messages go
// to standard output and standard error. Neither command prints, logs or writes the API key
// in clear, so the OS keychain is the only place where it is stored in clear.
namespace ConfigCommands {

// Writes the settings from settings to path (atomically, permissions 0600 on Unix). With
// includeKey, also writes the API key from VTRELAY_API_KEY or else from keys, encrypted with
// a passphrase read from the first line of passphraseFile or, when that is empty, from the
// terminal twice without echo.
int exportConfig(const QString &path, bool includeKey, const QString &passphraseFile, KeyStore &keys,
                 SettingsStore &settings);

// Reads path, prints the changes, and applies them: the settings to settings and an included
// API key to keys. The passphrase comes from passphraseFile or the terminal, as for export.
// Nothing changes when the file is invalid, has an unsupported version, or fails decryption.
int importConfig(const QString &path, const QString &passphraseFile, KeyStore &keys, SettingsStore &settings);

} // namespace ConfigCommands

} // namespace vtrelay
