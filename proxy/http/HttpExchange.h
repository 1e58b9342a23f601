// SPDX-License-Identifier: MIT
#pragma once

#include "HttpHeaders.h"
#include "HttpRequest.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QPointer>

namespace vtrelay {

class HttpConnection;
class RequestBodyPipe;

// One request and its response on a client connection. The handler reads the request and
// its body(), then answers with respond() or with beginResponse()/writeBody()/endResponse().
// The exchange is deleted by its connection after the response ends or the client leaves.
class HttpExchange : public QObject
{
    Q_OBJECT
public:
    HttpExchange(HttpConnection *connection, HttpRequest request);
    ~HttpExchange() override;

    const HttpRequest &request() const { return m_request; }
    RequestBodyPipe *body() const { return m_body; }
    QHostAddress peerAddress() const;
    quint16 localPort() const;
    // Milliseconds since the request headers were received.
    qint64 elapsedMs() const { return m_timer.elapsed(); }

    bool acceptsGzip() const;

    // Headers added to whatever response is sent, such as CORS headers.
    void addResponseHeaders(const HttpHeaders &headers);
    // A label for the request log, such as the name of the relay token the client presented.
    void setClientName(const QString &name) { m_clientName = name; }
    QString clientName() const { return m_clientName; }

    void respond(int status, const HttpHeaders &headers, const QByteArray &body);
    // contentLength -1 sends the body chunked (or close-delimited to an HTTP/1.0 client).
    void beginResponse(int status, const HttpHeaders &headers, qint64 contentLength);
    void writeBody(const QByteArray &data);
    void endResponse();

    bool hasResponseStarted() const { return m_responseStarted; }
    bool isFinished() const { return m_finished; }
    bool isAborted() const { return m_aborted; }
    int responseStatus() const { return m_status; }
    const HttpHeaders &responseHeaders() const { return m_responseHeaders; }
    qint64 responseBodyBytes() const { return m_responseBytes; }
    // Bytes written to the socket but not yet sent; used to pause an upstream download.
    qint64 pendingOutputBytes() const;

signals:
    // Emitted when the socket has sent out what was pending.
    void outputDrained();
    // Emitted when the client disconnects before the response ends.
    void aborted();

private:
    friend class HttpConnection;
    void markAborted();

    QPointer<HttpConnection> m_connection;
    HttpRequest m_request;
    RequestBodyPipe *m_body;
    QElapsedTimer m_timer;
    HttpHeaders m_responseHeaders;
    HttpHeaders m_extraHeaders;
    QString m_clientName;
    int m_status = 0;
    qint64 m_responseBytes = 0;
    bool m_responseStarted = false;
    bool m_finished = false;
    bool m_aborted = false;
};

} // namespace vtrelay
