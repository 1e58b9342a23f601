// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

class QJsonObject;

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

// The pieces both the commands and the window's team configuration page use.

// Fewer characters make an offline guess against the exported file too cheap, even with Argon2id.
constexpr qsizetype kMinPassphraseCharacters = 12;

// Counts code points, not bytes, so a passphrase in any script is measured fairly.
qsizetype countUtf8Characters(const QByteArray &utf8);

// Writes content to path atomically, with permissions 0600 on Unix. False with a sentence on failure.
bool writePrivateFile(const QString &path, const QByteArray &content, QString *error);

// Reads path as a JSON object, refusing files far larger than a team configuration.
bool readDocument(const QString &path, QJsonObject *document, QString *error);

// True when key is non-empty printable ASCII without spaces, as every VirusTotal key is.
bool isPrintableAscii(const QByteArray &key);

} // namespace ConfigCommands

} // namespace vtrelay
