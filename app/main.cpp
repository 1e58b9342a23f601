// SPDX-License-Identifier: MIT
#include "CommandLine.h"
#include "HeadlessRunner.h"
#include "KeyCommands.h"
#include "KeychainKeyStore.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>
#include <memory>

using namespace vtrelay;

namespace {
void setUpApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("vtrelay"));
    QCoreApplication::setApplicationName(QStringLiteral("vtrelay"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VTRELAY_VERSION));
    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-warning}warning: %{endif}"
                                      "%{if-critical}error: %{endif}%{message}"));
}
} // namespace

int main(int argc, char *argv[])
{
    setUpApplication();
    std::unique_ptr<QCoreApplication> app = std::make_unique<QCoreApplication>(argc, argv);
    const CommandLine commandLine = CommandLine::parse(QCoreApplication::arguments());
    QTextStream err(stderr);
    QTextStream out(stdout);

    if (!commandLine.error.isEmpty()) {
        err << commandLine.error << '\n';
        return 2;
    }

    KeychainKeyStore keychain;
    switch (commandLine.command) {
    case CommandLine::Command::Help:
        out << commandLine.helpText;
        return 0;
    case CommandLine::Command::Version:
        out << "vtrelay " << VTRELAY_VERSION << '\n';
        return 0;
    case CommandLine::Command::KeySet:
        return KeyCommands::set(keychain);
    case CommandLine::Command::KeyStatus:
        return KeyCommands::status(keychain);
    case CommandLine::Command::KeyRemove:
        return KeyCommands::remove(keychain);
    case CommandLine::Command::ConfigExport:
    case CommandLine::Command::ConfigImport:
        err << "config export and import are not available in this build yet.\n";
        return 2;
    case CommandLine::Command::Tray:
    case CommandLine::Command::Headless:
        break;
    }
    return runHeadless(commandLine);
}
