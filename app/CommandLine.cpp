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

CommandLine CommandLine::parse(const QStringList &arguments, const TeamConfig &defaults)
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
        "  config import FILE     apply a team configuration from FILE\n"
        "  token add NAME         create a relay token for a client and print it once\n"
        "  token list             list the names of the relay tokens\n"
        "  token remove NAME      delete a relay token"));
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
    const QCommandLineOption perMinute(QStringLiteral("quota-per-minute"),
                                       QStringLiteral("Upstream requests allowed per minute (default 4, a free key)."),
                                       QStringLiteral("N"));
    const QCommandLineOption perDay(QStringLiteral("quota-per-day"),
                                    QStringLiteral("Upstream requests allowed per UTC day (default 500)."), QStringLiteral("N"));
    const QCommandLineOption perMonth(QStringLiteral("quota-per-month"),
                                      QStringLiteral("Upstream requests allowed per UTC month (default 15500)."),
                                      QStringLiteral("N"));
    const QCommandLineOption maxWait(QStringLiteral("max-queue-wait"),
                                     QStringLiteral("Seconds a request may wait for quota before it gets "
                                                    "RelayQuotaQueueFull (default 60)."),
                                     QStringLiteral("SECONDS"));
    const QCommandLineOption offline(QStringLiteral("offline"),
                                     QStringLiteral("Answer from the cache only, expired entries included; send nothing upstream."));
    const QCommandLineOption maxStale(QStringLiteral("max-stale"),
                                      QStringLiteral("Oldest age in seconds of an expired entry served when upstream "
                                                     "fails or the quota is spent (default 604800, a week)."),
                                      QStringLiteral("SECONDS"));
    const QCommandLineOption objectTtl(QStringLiteral("object-ttl"),
                                       QStringLiteral("Seconds a report of a file, URL, domain or IP address stays "
                                                      "fresh in the cache (default 86400)."),
                                       QStringLiteral("SECONDS"));
    const QCommandLineOption requireTokens(QStringLiteral("require-tokens"),
                                           QStringLiteral("Accept only clients that present a relay token (see "
                                                          "`token add`) as their key. Required to listen on a "
                                                          "non-loopback address."));
    const QCommandLineOption headerTimeout(QStringLiteral("header-timeout"),
                                           QStringLiteral("Seconds a client has to send a whole request head (default 30)."),
                                           QStringLiteral("SECONDS"));
    const QCommandLineOption idleTimeout(QStringLiteral("idle-timeout"),
                                         QStringLiteral("Seconds before an idle or stalled connection is closed (default 60)."),
                                         QStringLiteral("SECONDS"));
    const QCommandLineOption maxConnections(QStringLiteral("max-connections"),
                                            QStringLiteral("Open client connections allowed at once (default 256)."),
                                            QStringLiteral("N"));
    parser.addOptions({help, version, headless, listen, upstream, upstreamCa, cacheDir, includeKey, passphraseFile,
                       perMinute, perDay, perMonth, maxWait, offline, maxStale, objectTtl, requireTokens, headerTimeout,
                       idleTimeout, maxConnections});
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
    relay.port = defaults.listenPort;
    relay.quota.perMinute = int(defaults.quotaPerMinute);
    relay.quota.perDay = int(defaults.quotaPerDay);
    relay.quota.perMonth = int(defaults.quotaPerMonth);
    relay.quota.maxWaitSeconds = int(defaults.maxQueueWaitSeconds);
    relay.cachePolicy = defaults.cacheTtl;
    relay.allowedOrigins = defaults.allowedOrigins;
    if (parser.isSet(listen) && !parseListen(parser.value(listen), &relay.address, &relay.port, &result.error))
        return result;
    relay.requireTokens = parser.isSet(requireTokens);
    if (!relay.address.isLoopback() && !relay.requireTokens) {
        // Anyone who reaches the port could spend the key, so only this machine may.
        result.error = QStringLiteral("Refusing to listen on %1 without relay tokens: anyone who reaches the "
                                      "port could spend the key. Listen on 127.0.0.1 or ::1, or add "
                                      "--require-tokens and create tokens with `vtrelay token add NAME`.")
                           .arg(relay.address.toString());
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
    auto readCount = [&](const QCommandLineOption &option, int minimum, int *target) {
        if (!parser.isSet(option))
            return true;
        bool ok = false;
        const int value = parser.value(option).toInt(&ok);
        if (!ok || value < minimum) {
            result.error = QStringLiteral("Invalid --%1 value \"%2\": expected a whole number of at least %3.")
                               .arg(option.names().constFirst(), parser.value(option))
                               .arg(minimum);
            return false;
        }
        *target = value;
        return true;
    };
    int stale = int(relay.maxStaleSeconds);
    int ttl = int(relay.cachePolicy.objectTtlSeconds);
    if (!readCount(objectTtl, 1, &ttl))
        return result;
    relay.cachePolicy.objectTtlSeconds = ttl;
    if (!readCount(perMinute, 1, &relay.quota.perMinute) || !readCount(perDay, 1, &relay.quota.perDay)
        || !readCount(perMonth, 1, &relay.quota.perMonth) || !readCount(maxWait, 0, &relay.quota.maxWaitSeconds)
        || !readCount(maxStale, 0, &stale))
        return result;
    relay.maxStaleSeconds = stale;
    // Limits given on the command line are not replaced by what VirusTotal reports.
    relay.learnQuota = !parser.isSet(perDay) && !parser.isSet(perMonth);
    int headerSeconds = relay.http.headerTimeoutMs / 1000;
    int idleSeconds = relay.http.idleTimeoutMs / 1000;
    if (!readCount(headerTimeout, 1, &headerSeconds) || !readCount(idleTimeout, 1, &idleSeconds)
        || !readCount(maxConnections, 1, &relay.http.maxConnections))
        return result;
    relay.http.headerTimeoutMs = headerSeconds * 1000;
    relay.http.idleTimeoutMs = idleSeconds * 1000;
    relay.offline = parser.isSet(offline);
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
    if (group == u"token" && (action == u"add" || action == u"remove") && positional.size() == 3) {
        result.command = action == u"add" ? Command::TokenAdd : Command::TokenRemove;
        result.tokenName = positional.at(2);
        return result;
    }
    if (group == u"token" && action == u"list" && positional.size() == 2) {
        result.command = Command::TokenList;
        return result;
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
