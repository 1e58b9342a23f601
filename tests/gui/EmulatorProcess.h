// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QProcess>

// Runs the VirusTotal emulator (tests/emulator/vt_emulator.py) on a loopback port the OS picks.
class EmulatorProcess
{
public:
    EmulatorProcess() = default;
    ~EmulatorProcess();

    // The key the emulator accepts. Tests never print it.
    // The same canary as the end-to-end tests, so that the final canary scan covers the
    // window's cache and request history too.
    static QString apiKey() { return QStringLiteral("c4a7e1f0d2b3a4958677e8d9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3"); }

    bool start();
    quint16 port() const { return m_port; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

private:
    QProcess m_process;
    quint16 m_port = 0;
};
