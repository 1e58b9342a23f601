// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

// Starts the VirusTotal emulator and the real vtrelay binary for end-to-end tests, and runs
// real clients (curl, Python) against them. Paths come from the build: VTRELAY_BINARY and
// VT_EMULATOR_SCRIPT.
class RelayFixture
{
public:
    struct CurlResult
    {
        int exitCode = -1;
        int status = 0;
        QByteArray headers; // raw response headers of the final response
        QByteArray body;
        QByteArray stderrText;
        QByteArray header(const QByteArray &name) const;
    };

    RelayFixture();
    ~RelayFixture();

    // The key the emulator accepts; tests never print it.
    static QByteArray apiKey();
    static QByteArray sha256Hex(const QByteArray &data);

    bool startEmulator(const QStringList &extraArguments = {});
    void stopEmulator();
    // Starts vtrelay --headless against the emulator (or upstreamOverride) with the key in the
    // environment unless withKey is false.
    bool startRelay(bool withKey = true, const QStringList &extraArguments = {}, const QString &upstreamOverride = {});
    void stopRelay();
    bool restartRelay();

    quint16 relayPort() const { return m_relayPort; }
    quint16 emulatorPort() const { return m_emulatorPort; }
    QString relayUrl(const QString &pathAndQuery) const;
    QString cacheDir() const { return m_dir.filePath(QStringLiteral("cache")); }
    QString workDir() const { return m_dir.path(); }
    // Everything the relay wrote to stderr so far, across restarts.
    QByteArray relayLog();

    CurlResult curl(const QStringList &arguments, const QByteArray &input = {});
    // Runs /usr/bin/python3 with the script; returns stdout, or an empty array on failure.
    QByteArray python(const QString &script, int *exitCode);

    // Runs a vtrelay command (key, config, token) with this fixture's settings folder.
    int runVtrelay(const QStringList &arguments, const QByteArray &input, QByteArray *output);
    QString configHome() const { return m_dir.filePath(QStringLiteral("config")); }

    QJsonArray emulatorRequests();
    int emulatorCalls(const QString &pathPrefix);
    bool resetEmulator();
    bool configureEmulator(const QByteArray &json);

private:
    static QString temporaryDirTemplate();

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_emulator;
    std::unique_ptr<QProcess> m_relay;
    quint16 m_emulatorPort = 0;
    quint16 m_relayPort = 0;
    QByteArray m_relayLog;
    bool m_relayWithKey = true;
    QStringList m_relayArguments;
    QString m_upstreamOverride;
};
