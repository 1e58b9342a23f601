// SPDX-License-Identifier: MIT
#include "CommandLine.h"
#include "ConfigCommands.h"
#include "HeadlessRunner.h"
#include "KeyCommands.h"
#include "KeychainKeyStore.h"
#include "SettingsStore.h"
#include "TokenStore.h"
#ifdef VTRELAY_WITH_GUI
#include "TrayRunner.h"

#include <QApplication>
#endif

#include <QCoreApplication>
#include <QDateTime>
#include <QLoggingCategory>
#include <QSettings>
#include <QTextStream>

#include <cstdio>
#include <cstdlib>
#include <memory>

using namespace vtrelay;

namespace {
// Writes one log line to standard error with a UTC timestamp. The timestamp is formatted once
// a second, because formatting local time on every request line showed up in profiles.
void writeLogLine(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    thread_local qint64 cachedSecond = -1;
    thread_local QByteArray cachedPrefix;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now / 1000 != cachedSecond) {
        cachedSecond = now / 1000;
        cachedPrefix = QDateTime::fromSecsSinceEpoch(cachedSecond, Qt::UTC)
                           .toString(QStringLiteral("yyyy-MM-ddThh:mm:ss"))
                           .toLatin1();
    }
    QByteArray line = cachedPrefix + '.' + QByteArray::number(now % 1000).rightJustified(3, '0') + "Z ";
    if (type == QtWarningMsg)
        line += "warning: ";
    else if (type == QtCriticalMsg || type == QtFatalMsg)
        line += "error: ";
    line += message.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    if (type == QtFatalMsg)
        std::abort();
}

void setUpApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("vtrelay"));
    QCoreApplication::setApplicationName(QStringLiteral("vtrelay"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VTRELAY_VERSION));
    // Debug lines are for developers; QT_LOGGING_RULES='vtrelay.*.debug=true' turns them on.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("vtrelay.*.debug=false"));
    qInstallMessageHandler(writeLogLine);
}
} // namespace

int main(int argc, char *argv[])
{
    setUpApplication();
    // The tray needs a QApplication, everything else a QCoreApplication (which runs without a
    // display), so the command line is read from argv before the application object exists.
    QStringList rawArguments;
    for (int i = 0; i < argc; ++i)
        rawArguments.append(QString::fromLocal8Bit(argv[i]));
    std::unique_ptr<QCoreApplication> app;
#ifdef VTRELAY_WITH_GUI
    const CommandLine early = CommandLine::parse(rawArguments);
    // An invalid command line is reported below like any other, display or not.
    if (early.error.isEmpty() && early.command == CommandLine::Command::Tray) {
        QString displayError;
        if (!hasDisplayForTray(&displayError)) {
            QTextStream(stderr) << displayError << '\n';
            return 2;
        }
        app = std::make_unique<QApplication>(argc, argv);
    }
#endif
    if (!app)
        app = std::make_unique<QCoreApplication>(argc, argv);
    QTextStream err(stderr);
    QTextStream out(stdout);
    QSettings storedSettings; // organisation and application "vtrelay", set above
    QStringList settingsWarnings;
    const TeamConfig teamConfig = SettingsStore(&storedSettings).load(&settingsWarnings);
    for (const QString &warning : std::as_const(settingsWarnings))
        err << "warning: " << warning << '\n';
    err.flush();
    CommandLine commandLine = CommandLine::parse(QCoreApplication::arguments(), teamConfig);
    TokenStore tokens(&storedSettings);
    commandLine.relay.tokens = tokens.hashes();
    if (commandLine.error.isEmpty() && commandLine.relay.requireTokens && commandLine.relay.tokens.isEmpty()
        && (commandLine.command == CommandLine::Command::Headless || commandLine.command == CommandLine::Command::Tray)) {
        commandLine.error = QStringLiteral("--require-tokens is set but no relay token exists. Create one with "
                                           "`vtrelay token add NAME`.");
    }

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
    case CommandLine::Command::ConfigImport: {
        QSettings settings; // organisation and application "vtrelay", set above
        SettingsStore store(&settings);
        if (commandLine.command == CommandLine::Command::ConfigExport)
            return ConfigCommands::exportConfig(commandLine.configFile, commandLine.includeKey,
                                                commandLine.passphraseFile, keychain, store);
        if (commandLine.includeKey)
            err << "warning: --include-key applies to config export only and is ignored.\n";
        return ConfigCommands::importConfig(commandLine.configFile, commandLine.passphraseFile, keychain, store);
    }
    case CommandLine::Command::TokenAdd: {
        QString error;
        const QByteArray token = tokens.add(commandLine.tokenName, &error);
        if (token.isEmpty()) {
            err << error << '\n';
            return 1;
        }
        err << "Created the relay token \"" << commandLine.tokenName
            << "\". It is shown only now; give it to that client as its API key:\n";
        err.flush();
        out << token << '\n';
        return 0;
    }
    case CommandLine::Command::TokenList:
        for (const QString &name : tokens.names())
            out << name << '\n';
        return 0;
    case CommandLine::Command::TokenRemove:
        if (!tokens.remove(commandLine.tokenName)) {
            err << "No relay token is called \"" << commandLine.tokenName << "\".\n";
            return 1;
        }
        out << "Removed the relay token \"" << commandLine.tokenName << "\".\n";
        return 0;
    case CommandLine::Command::Tray:
#ifdef VTRELAY_WITH_GUI
        return runTray(commandLine);
#endif
    case CommandLine::Command::Headless:
        break;
    }
    return runHeadless(commandLine);
}
