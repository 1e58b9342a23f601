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
    static QString apiKey() { return QStringLiteral("gui-test-key-0123456789abcdef"); }

    bool start();
    quint16 port() const { return m_port; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

private:
    QProcess m_process;
    quint16 m_port = 0;
};
