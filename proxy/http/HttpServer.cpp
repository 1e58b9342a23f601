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
