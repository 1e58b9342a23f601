// SPDX-License-Identifier: MIT
#pragma once

#include "relay/Relay.h"

#include <QString>
#include <QStringList>

namespace vtrelay {

// The parsed command line of vtrelay.
struct CommandLine
{
    enum class Command { Tray, Headless, KeySet, KeyStatus, KeyRemove, ConfigExport, ConfigImport, Help, Version };

    Command command = Command::Tray;
    RelaySettings relay;
    QString configFile;     // config export/import
    QString passphraseFile; // config export/import
    bool includeKey = false;
    QString helpText;
    QString error; // set when the command line is invalid

    static CommandLine parse(const QStringList &arguments);
    // Parses "ADDRESS:PORT" (IPv6 in brackets) into address and port.
    static bool parseListen(const QString &text, QHostAddress *address, quint16 *port, QString *error);
};

} // namespace vtrelay
