// SPDX-License-Identifier: MIT
#include "HttpServer.h"

#include "HttpExchange.h"

#include <QLoggingCategory>
#include <QTcpSocket>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace vtrelay {

HttpServer::HttpServer(const HttpServerSettings &settings, QObject *parent)
    : QTcpServer(parent)
    , m_settings(settings)
{
}

int HttpServer::busyConnectionCount() const
{
    int busy = 0;
    for (const HttpConnection *connection : findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly))
        busy += connection->isIdle() ? 0 : 1;
    return busy;
}

void HttpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        qCWarning(lcHttp) << "Could not take over an accepted connection:" << socket->errorString();
        delete socket;
        return;
    }

    auto *connection = new HttpConnection(socket, m_settings, this);
    ++m_connections;
    connect(connection, &HttpConnection::closed, this, [this] { --m_connections; });

    if (m_connections > m_settings.maxConnections) {
        // An idle keep-alive connection makes way, so idle clients cannot lock others out.
        for (HttpConnection *other : findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly)) {
            if (other != connection && other->isIdle()) {
                other->closeIdle();
                connect(connection, &HttpConnection::exchangeStarted, this, &HttpServer::exchangeStarted);
                return;
            }
        }
    }
    if (m_connections > m_settings.maxConnections) {
        qCWarning(lcHttp) << "Refused a connection because" << m_settings.maxConnections
                          << "connections are already open";
        connection->rejectAndClose(503, QStringLiteral("RelayBusy"),
                                   QStringLiteral("The relay already has %1 open connections. Close "
                                                  "idle connections or retry shortly.")
                                       .arg(m_settings.maxConnections));
        return;
    }
    connect(connection, &HttpConnection::exchangeStarted, this, &HttpServer::exchangeStarted);
}

} // namespace vtrelay
