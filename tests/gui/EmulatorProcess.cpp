// SPDX-License-Identifier: MIT
#include "EmulatorProcess.h"

#include <QProcessEnvironment>

EmulatorProcess::~EmulatorProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(3000))
            m_process.kill();
        m_process.waitForFinished(1000);
    }
}

bool EmulatorProcess::start()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("VT_EMULATOR_KEY"), apiKey());
    m_process.setProcessEnvironment(environment);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.start(QStringLiteral("python3"), {QStringLiteral(VT_EMULATOR_SCRIPT), QStringLiteral("--port"),
                                                 QStringLiteral("0")});
    if (!m_process.waitForStarted(5000))
        return false;
    // The first stdout line is "LISTENING <port>".
    while (!m_process.canReadLine()) {
        if (!m_process.waitForReadyRead(10000))
            return false;
    }
    const QByteArray line = m_process.readLine().trimmed();
    if (!line.startsWith("LISTENING "))
        return false;
    m_port = quint16(line.mid(10).toUInt());
    return m_port != 0;
}
