// SPDX-License-Identifier: MIT
#include "SingleInstanceGuard.h"

#include <QCryptographicHash>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcInstance, "vtrelay.gui.instance")

namespace vtrelay {

namespace {
constexpr int kTimeoutMs = 1000;
const QByteArray kShowCommand = QByteArrayLiteral("show\n");
} // namespace

SingleInstanceGuard::SingleInstanceGuard(const QString &name, QObject *parent)
    : QObject(parent)
    , m_name(name)
{
}

SingleInstanceGuard::~SingleInstanceGuard() = default;

QString SingleInstanceGuard::defaultName()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    // The home folder tells users apart where USER is unset (services, containers). A hash keeps
    // the name short and free of characters that a socket name cannot contain.
    const QByteArray identity = (user + u':' + QDir::homePath()).toUtf8();
    const QByteArray hash = QCryptographicHash::hash(identity, QCryptographicHash::Sha256).toHex().left(16);
    return QStringLiteral("vtrelay-") + QString::fromLatin1(hash);
}

bool SingleInstanceGuard::claim()
{
    if (askRunningInstance())
        return false;
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_name)) {
        // No instance responded above, so the socket file is left over from a crash and goes.
        QLocalServer::removeServer(m_name);
        if (!m_server->listen(m_name)) {
            qCWarning(lcInstance).noquote() << "Cannot listen on" << m_name << "-" << m_server->errorString()
                                            << "; a second launch will start another instance";
            return true;
        }
    }
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstanceGuard::onNewConnection);
    qCDebug(lcInstance).noquote() << "First instance, listening on" << m_server->fullServerName();
    return true;
}

bool SingleInstanceGuard::askRunningInstance()
{
    QLocalSocket socket;
    socket.connectToServer(m_name);
    if (!socket.waitForConnected(kTimeoutMs))
        return false;
    socket.write(kShowCommand);
    if (!socket.waitForBytesWritten(kTimeoutMs))
        return false;
    // A server listens under this name, so another instance runs even if it responds slowly.
    const bool answered = socket.waitForReadyRead(kTimeoutMs) && socket.readLine().startsWith("ok");
    socket.disconnectFromServer();
    qCInfo(lcInstance) << "VT Relay already runs for this user; asked it to show its window"
                       << (answered ? "(confirmed)" : "(no answer)");
    return true;
}

void SingleInstanceGuard::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine())
                return;
            if (socket->readLine() == kShowCommand) {
                socket->write("ok\n");
                socket->flush();
                emit activationRequested();
            }
            socket->disconnectFromServer();
        });
    }
}

} // namespace vtrelay
