// SPDX-License-Identifier: MIT
#include "RelayFixture.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QThread>

namespace {
constexpr int kStartTimeoutMs = 15'000;

bool waitForLine(QProcess &process, QProcess::ProcessChannel channel, const QRegularExpression &pattern,
                 QByteArray *captured, QRegularExpressionMatch *match)
{
    process.setReadChannel(channel);
    QDeadlineTimer deadline(kStartTimeoutMs);
    while (!deadline.hasExpired()) {
        if (process.state() == QProcess::NotRunning)
            return false;
        process.waitForReadyRead(100);
        captured->append(channel == QProcess::StandardOutput ? process.readAllStandardOutput()
                                                             : process.readAllStandardError());
        *match = pattern.match(QString::fromUtf8(*captured));
        if (match->hasMatch())
            return true;
    }
    return false;
}
} // namespace

QByteArray RelayFixture::CurlResult::header(const QByteArray &name) const
{
    for (const QByteArray &line : headers.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

QString RelayFixture::temporaryDirTemplate()
{
    // CTest sets VTRELAY_TEST_ARTIFACTS so that every log, cache and export of a run stays on
    // disk for the final canary scan; run by hand, the folders are removed as usual.
    const QString artifacts = qEnvironmentVariable("VTRELAY_TEST_ARTIFACTS");
    if (artifacts.isEmpty())
        return QDir::tempPath() + QStringLiteral("/vtrelay-test-XXXXXX");
    QDir().mkpath(artifacts);
    return artifacts + QStringLiteral("/run-XXXXXX");
}

RelayFixture::RelayFixture()
    : m_dir(temporaryDirTemplate())
{
    m_dir.setAutoRemove(qEnvironmentVariableIsEmpty("VTRELAY_TEST_ARTIFACTS"));
}

RelayFixture::~RelayFixture()
{
    stopRelay();
    stopEmulator();
    if (!m_dir.autoRemove()) {
        QFile log(m_dir.filePath(QStringLiteral("relay.log")));
        if (log.open(QIODevice::WriteOnly))
            log.write(m_relayLog);
    }
}

QByteArray RelayFixture::apiKey()
{
    // A canary that looks like a real key; a leak check searches for it in every output.
    return "c4a7e1f0d2b3a4958677e8d9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3";
}

QByteArray RelayFixture::sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

bool RelayFixture::startEmulator(const QStringList &extraArguments)
{
    m_emulator = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VT_EMULATOR_KEY"), QString::fromLatin1(apiKey()));
    m_emulator->setProcessEnvironment(env);
    m_emulator->setProcessChannelMode(QProcess::SeparateChannels);
    m_emulator->start(QStringLiteral("/usr/bin/python3"),
                      QStringList{QStringLiteral(VT_EMULATOR_SCRIPT), QStringLiteral("--port"),
                                  m_emulatorPort ? QString::number(m_emulatorPort) : QStringLiteral("0")}
                          + extraArguments);
    QByteArray out;
    QRegularExpressionMatch match;
    if (!waitForLine(*m_emulator, QProcess::StandardOutput, QRegularExpression(QStringLiteral("LISTENING (\\d+)")),
                     &out, &match)) {
        qWarning() << "The emulator did not start:" << m_emulator->readAllStandardError();
        return false;
    }
    m_emulatorPort = quint16(match.captured(1).toUInt());
    return true;
}

void RelayFixture::stopEmulator()
{
    if (!m_emulator)
        return;
    m_emulator->terminate();
    if (!m_emulator->waitForFinished(5000))
        m_emulator->kill();
    m_emulator.reset();
}

bool RelayFixture::startRelay(bool withKey, const QStringList &extraArguments, const QString &upstreamOverride)
{
    m_relayWithKey = withKey;
    m_relayArguments = extraArguments;
    m_upstreamOverride = upstreamOverride;
    m_relay = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("VTRELAY_API_KEY"));
    if (withKey)
        env.insert(QStringLiteral("VTRELAY_API_KEY"), QString::fromLatin1(apiKey()));
    // Without a session bus the keychain answers at once that it is unavailable; the
    // keychain test keeps its bus so the relay reads the key it stored.
    if (!withKey && qEnvironmentVariableIsEmpty("VTRELAY_FIXTURE_KEEP_BUS"))
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome());
    m_relay->setProcessEnvironment(env);
    const QString upstream = upstreamOverride.isEmpty()
        ? QStringLiteral("http://127.0.0.1:%1").arg(m_emulatorPort) : upstreamOverride;
    const QString listen = QStringLiteral("127.0.0.1:%1").arg(m_relayPort);
    // Tests other than the quota test must not wait for a free key's 4 requests a minute.
    QStringList quota;
    if (!extraArguments.contains(QStringLiteral("--quota-per-minute")))
        quota << QStringLiteral("--quota-per-minute") << QStringLiteral("100000") << QStringLiteral("--quota-per-day")
              << QStringLiteral("1000000") << QStringLiteral("--quota-per-month") << QStringLiteral("10000000");
    m_relay->start(QStringLiteral(VTRELAY_BINARY),
                   QStringList{QStringLiteral("--headless"), QStringLiteral("--listen"), listen,
                               QStringLiteral("--upstream"), upstream, QStringLiteral("--cache-dir"), cacheDir()}
                       + quota + extraArguments);
    QByteArray err;
    QRegularExpressionMatch match;
    const bool started = waitForLine(*m_relay, QProcess::StandardError,
                                     QRegularExpression(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)")),
                                     &err, &match);
    m_relayLog += err;
    if (!started) {
        m_relayLog += m_relay->readAllStandardError();
        return false;
    }
    m_relayPort = quint16(match.captured(1).toUInt());
    // The key is loaded right after the listening line; wait for the line that says so.
    QDeadlineTimer deadline(kStartTimeoutMs);
    while (!relayLog().contains("Key:") && !deadline.hasExpired())
        QThread::msleep(20);
    return true;
}

void RelayFixture::stopRelay()
{
    if (!m_relay)
        return;
    m_relay->terminate();
    if (!m_relay->waitForFinished(10'000))
        m_relay->kill();
    m_relayLog += m_relay->readAllStandardError();
    m_relay.reset();
}

bool RelayFixture::restartRelay()
{
    stopRelay();
    return startRelay(m_relayWithKey, m_relayArguments, m_upstreamOverride);
}

QString RelayFixture::relayUrl(const QString &pathAndQuery) const
{
    return QStringLiteral("http://127.0.0.1:%1%2").arg(m_relayPort).arg(pathAndQuery);
}

QByteArray RelayFixture::relayLog()
{
    if (m_relay) {
        m_relay->waitForReadyRead(50);
        m_relayLog += m_relay->readAllStandardError();
    }
    return m_relayLog;
}

RelayFixture::CurlResult RelayFixture::curl(const QStringList &arguments, const QByteArray &input)
{
    CurlResult result;
    QProcess process;
    const QString headerFile = m_dir.filePath(QStringLiteral("curl-headers.txt"));
    process.start(QStringLiteral("curl"), QStringList{QStringLiteral("-sS"), QStringLiteral("--max-time"),
                                                      QStringLiteral("60"), QStringLiteral("-D"), headerFile,
                                                      QStringLiteral("-o"), QStringLiteral("-")}
                                              + arguments);
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(90'000);
    result.exitCode = process.exitCode();
    result.body = process.readAllStandardOutput();
    result.stderrText = process.readAllStandardError();
    QFile file(headerFile);
    if (file.open(QIODevice::ReadOnly)) {
        // With 100-continue or redirects curl writes several header blocks; keep the last.
        const QByteArray all = file.readAll();
        const QList<QByteArray> blocks = all.split('\n');
        QByteArray last;
        for (const QByteArray &line : blocks) {
            if (line.startsWith("HTTP/"))
                last.clear();
            last += line + '\n';
        }
        result.headers = last;
        const QList<QByteArray> statusLine = last.left(last.indexOf('\n')).split(' ');
        if (statusLine.size() >= 2)
            result.status = statusLine.at(1).toInt();
    }
    return result;
}

QByteArray RelayFixture::python(const QString &script, int *exitCode)
{
    QProcess process;
    process.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), script});
    process.waitForFinished(120'000);
    *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    if (*exitCode != 0)
        qWarning().noquote() << "python3 failed:" << process.readAllStandardError();
    return process.readAllStandardOutput();
}

int RelayFixture::runVtrelay(const QStringList &arguments, const QByteArray &input, QByteArray *output)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome());
    env.remove(QStringLiteral("VTRELAY_API_KEY"));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(VTRELAY_BINARY), arguments);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(60'000))
        process.kill();
    *output = process.readAllStandardOutput() + process.readAllStandardError();
    m_relayLog += "\n--- vtrelay " + arguments.join(u' ').toUtf8() + " ---\n" + *output;
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

QJsonArray RelayFixture::emulatorRequests()
{
    QProcess process;
    process.start(QStringLiteral("curl"),
                  {QStringLiteral("-sS"), QStringLiteral("http://127.0.0.1:%1/_emulator/requests").arg(m_emulatorPort)});
    process.waitForFinished(30'000);
    return QJsonDocument::fromJson(process.readAllStandardOutput()).array();
}

int RelayFixture::emulatorCalls(const QString &pathPrefix)
{
    int count = 0;
    for (const QJsonValue &request : emulatorRequests()) {
        if (request.toObject().value(u"path").toString().startsWith(pathPrefix))
            ++count;
    }
    return count;
}

bool RelayFixture::resetEmulator()
{
    return configureEmulator(QByteArray()) ;
}

bool RelayFixture::configureEmulator(const QByteArray &json)
{
    QProcess process;
    const QString path = json.isEmpty() ? QStringLiteral("reset") : QStringLiteral("config");
    QStringList arguments{QStringLiteral("-sS"), QStringLiteral("-f"), QStringLiteral("-X"), QStringLiteral("POST"),
                          QStringLiteral("http://127.0.0.1:%1/_emulator/%2").arg(m_emulatorPort).arg(path)};
    if (!json.isEmpty())
        arguments << QStringLiteral("-H") << QStringLiteral("Content-Type: application/json")
                  << QStringLiteral("--data-binary") << QString::fromUtf8(json);
    process.start(QStringLiteral("curl"), arguments);
    process.waitForFinished(30'000);
    return process.exitCode() == 0;
}
