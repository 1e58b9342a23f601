// SPDX-License-Identifier: MIT
#pragma once

#include "config/TeamConfig.h"
#include "relay/Relay.h"

#include <QString>
#include <QStringList>

namespace vtrelay {

// The parsed command line of vtrelay.
struct CommandLine
{
    enum class Command {
        Tray, Headless, KeySet, KeyStatus, KeyRemove, ConfigExport, ConfigImport, TokenAdd, TokenList, TokenRemove,
        Help, Version
    };

    Command command = Command::Tray;
    RelaySettings relay;
    QString configFile;     // config export/import
    QString passphraseFile; // config export/import
    bool includeKey = false;
    QString tokenName;      // token add/remove
    QString helpText;
    QString error; // set when the command line is invalid

    // Parses arguments; settings not given on the command line come from defaults, the
    // team configuration stored by `vtrelay config import` or the window.
    static CommandLine parse(const QStringList &arguments, const TeamConfig &defaults = TeamConfig());
    // Parses "ADDRESS:PORT" (IPv6 in brackets) into address and port.
    static bool parseListen(const QString &text, QHostAddress *address, quint16 *port, QString *error);
};

} // namespace vtrelay
