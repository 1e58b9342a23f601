// SPDX-License-Identifier: MIT
#include "HeadlessRunner.h"

#include "CommandLine.h"
#include "KeyLoader.h"
#include "KeychainKeyStore.h"
#include "cache/CacheStore.h"
#include "keys/ApiKeyProvider.h"
#include "relay/Relay.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <unistd.h>
#endif

Q_LOGGING_CATEGORY(lcApp, "vtrelay.app")

namespace vtrelay {

namespace {
#ifdef Q_OS_UNIX
int g_signalPipe[2] = {-1, -1};

void writeSignal(int signal)
{
    const char byte = char(signal);
    [[maybe_unused]] const auto written = ::write(g_signalPipe[0], &byte, 1);
}
#else
void quitFromSignal(int)
{
    QMetaObject::invokeMethod(QCoreApplication::instance(), &QCoreApplication::quit, Qt::QueuedConnection);
}
#endif
} // namespace

void quitOnTerminationSignals()
{
#ifdef Q_OS_UNIX
    // A signal handler may only write to a pipe; the event loop reads it and quits.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0) {
        qCWarning(lcApp) << "Cannot watch for SIGINT and SIGTERM; stop the relay with SIGKILL";
        return;
    }
    auto *notifier = new QSocketNotifier(g_signalPipe[1], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, [] {
        char byte = 0;
        [[maybe_unused]] const auto n = ::read(g_signalPipe[1], &byte, 1);
        qCInfo(lcApp).noquote() << "Received" << (byte == SIGINT ? "SIGINT" : "SIGTERM") << "- stopping";
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = writeSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
#else
    std::signal(SIGINT, quitFromSignal);
    std::signal(SIGTERM, quitFromSignal);
#endif
}

int runHeadless(const CommandLine &commandLine)
{
    QElapsedTimer startup;
    startup.start();
    quitOnTerminationSignals();

    ApiKeyProvider keys;
    KeychainKeyStore keychain;
    Relay relay(commandLine.relay, &keys);
    QString error;
    if (!relay.start(&error)) {
        qCCritical(lcApp).noquote() << error;
        return 1;
    }
    const QHostAddress &address = commandLine.relay.address;
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? u'[' + address.toString() + u']' : address.toString();
    qCInfo(lcApp).noquote() << QStringLiteral("VT Relay %1 listening on http://%2:%3 (started in %4 ms)")
                                   .arg(QStringLiteral(VTRELAY_VERSION), host)
                                   .arg(relay.serverPort())
                                   .arg(startup.elapsed());
    qCInfo(lcApp).noquote() << "Upstream:" << commandLine.relay.upstream.baseUrl.toString();
    qCInfo(lcApp).noquote() << "Cache:" << relay.cache()->filePath();
    loadApiKey(&keys, &keychain, [](const QString &message) { qCInfo(lcApp).noquote() << "Key:" << message; });
    QObject::connect(&relay, &Relay::keyRejected, [] {
        qCWarning(lcApp) << "VirusTotal rejected the API key (WrongCredentialsError). Set the right one with "
                            "`vtrelay key set`.";
    });
    QObject::connect(&relay, &Relay::upstreamUnreachable, [](const QString &message) {
        qCWarning(lcApp).noquote() << "Upstream unreachable:" << message;
    });

    // One status line a minute, only when something changed since the last one.
    QTimer statusTimer;
    QString lastStatus;
    QObject::connect(&statusTimer, &QTimer::timeout, [&relay, &lastStatus] {
        const QString status = relay.statusLine();
        if (status != lastStatus)
            qCInfo(lcApp).noquote() << status;
        lastStatus = status;
    });
    statusTimer.start(60'000);
    qCInfo(lcApp).noquote() << relay.statusLine();

    const int code = QCoreApplication::exec();
    relay.drain(10'000);
    relay.stop();
    qCInfo(lcApp) << "VT Relay stopped";
    return code;
}

} // namespace vtrelay
