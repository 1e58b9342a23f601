// SPDX-License-Identifier: MIT
#pragma once

#include "HttpConnection.h"

#include <QTcpServer>

namespace vtrelay {

class HttpExchange;

// Accepts client connections and emits one exchangeStarted() per request.
class HttpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit HttpServer(const HttpServerSettings &settings, QObject *parent = nullptr);

    int connectionCount() const { return m_connections; }
    // Connections with a request in progress.
    int busyConnectionCount() const;
    void setSettings(const HttpServerSettings &settings) { m_settings = settings; }

signals:
    void exchangeStarted(vtrelay::HttpExchange *exchange);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    HttpServerSettings m_settings;
    int m_connections = 0;
};

} // namespace vtrelay
