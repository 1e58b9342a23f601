// SPDX-License-Identifier: MIT
#include "CommandLine.h"

#include <QCommandLineParser>
#include <QStandardPaths>

namespace vtrelay {

bool CommandLine::parseListen(const QString &text, QHostAddress *address, quint16 *port, QString *error)
{
    const qsizetype colon = text.lastIndexOf(u':');
    bool ok = false;
    const uint value = colon < 0 ? 0 : text.mid(colon + 1).toUInt(&ok);
    QString host = colon < 0 ? QString() : text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (host == u"localhost")
        host = QStringLiteral("127.0.0.1");
    const QHostAddress parsed(host);
    if (colon < 0 || !ok || value > 65535 || parsed.isNull()) {
        *error = QStringLiteral("Invalid --listen value \"%1\". Use ADDRESS:PORT, for example 127.0.0.1:8684 "
                                "or [::1]:8684.").arg(text);
        return false;
    }
    *address = parsed;
    *port = quint16(value);
    return true;
}

CommandLine CommandLine::parse(const QStringList &arguments)
{
    CommandLine result;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "VT Relay: a local caching proxy in front of the VirusTotal API.\n\n"
        "Commands:\n"
        "  (none)                 start the tray application\n"
        "  key set                read the API key from standard input and store it in the OS keychain\n"
        "  key status             say whether a key is stored, and where\n"
        "  key remove             delete the stored key\n"
        "  config export FILE     write the team configuration to FILE\n"
        "  config import FILE     apply a team configuration from FILE"));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Show the version."));
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run the relay without a window; log to standard error."));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address and port to listen on (default 127.0.0.1:8684)."),
                                    QStringLiteral("ADDRESS:PORT"));
    const QCommandLineOption upstream(QStringLiteral("upstream"),
                                      QStringLiteral("VirusTotal base URL (default https://www.virustotal.com). "
                                                     "Plain http is accepted for a loopback host only."),
                                      QStringLiteral("URL"));
    const QCommandLineOption upstreamCa(QStringLiteral("upstream-ca"),
                                        QStringLiteral("PEM file with an extra CA to trust for the upstream."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption cacheDir(QStringLiteral("cache-dir"),
                                      QStringLiteral("Folder for the cache database (default: the platform's cache folder)."),
                                      QStringLiteral("DIR"));
    const QCommandLineOption includeKey(QStringLiteral("include-key"),
                                        QStringLiteral("config export: include the API key, encrypted with a passphrase."));
    const QCommandLineOption passphraseFile(QStringLiteral("passphrase-file"),
                                            QStringLiteral("config export/import: read the passphrase from FILE "
                                                           "instead of the terminal."),
                                            QStringLiteral("FILE"));
    parser.addOptions({help, version, headless, listen, upstream, upstreamCa, cacheDir, includeKey, passphraseFile});
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("key or config, see above."),
                                 QStringLiteral("[command]"));
    result.helpText = parser.helpText();

    if (!parser.parse(arguments)) {
        result.error = parser.errorText() + QStringLiteral(". Run vtrelay --help for the options.");
        return result;
    }
    if (parser.isSet(help)) {
        result.command = Command::Help;
        return result;
    }
    if (parser.isSet(version)) {
        result.command = Command::Version;
        return result;
    }

    RelaySettings &relay = result.relay;
    relay.cacheDirectory = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    if (parser.isSet(listen) && !parseListen(parser.value(listen), &relay.address, &relay.port, &result.error))
        return result;
    if (!relay.address.isLoopback()) {
        // Anyone who reaches the port could spend the key, so only this machine may.
        result.error = QStringLiteral("Refusing to listen on %1: VT Relay listens on loopback addresses only "
                                      "(127.0.0.1 or ::1).").arg(relay.address.toString());
        return result;
    }
    if (parser.isSet(upstream)) {
        relay.upstream.baseUrl = QUrl(parser.value(upstream), QUrl::StrictMode);
        if (!UpstreamClient::validateBaseUrl(relay.upstream.baseUrl, &result.error))
            return result;
    }
    if (parser.isSet(upstreamCa))
        relay.upstream.extraCaFile = parser.value(upstreamCa);
    if (parser.isSet(cacheDir))
        relay.cacheDirectory = parser.value(cacheDir);
    result.includeKey = parser.isSet(includeKey);
    result.passphraseFile = parser.value(passphraseFile);

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty()) {
        result.command = parser.isSet(headless) ? Command::Headless : Command::Tray;
        return result;
    }
    const QString group = positional.at(0);
    const QString action = positional.value(1);
    if (group == u"key" && positional.size() == 2) {
        if (action == u"set") {
            result.command = Command::KeySet;
            return result;
        }
        if (action == u"status") {
            result.command = Command::KeyStatus;
            return result;
        }
        if (action == u"remove") {
            result.command = Command::KeyRemove;
            return result;
        }
    }
    if (group == u"config" && positional.size() == 3 && (action == u"export" || action == u"import")) {
        result.command = action == u"export" ? Command::ConfigExport : Command::ConfigImport;
        result.configFile = positional.at(2);
        return result;
    }
    result.error = QStringLiteral("Unknown command \"%1\". Run vtrelay --help for the commands.")
                       .arg(positional.join(u' '));
    return result;
}

} // namespace vtrelay
