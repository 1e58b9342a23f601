// SPDX-License-Identifier: MIT
#pragma once

#include "HttpRequestParser.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QTcpSocket;

namespace vtrelay {

class HttpExchange;
class HttpHeaders;

// Limits and timeouts of the client side of the relay.
struct HttpServerSettings
{
    HttpRequestParser::Limits limits;
    int headerTimeoutMs = 30'000; // the whole request head must arrive within this time
    int idleTimeoutMs = 60'000;   // an idle keep-alive connection or a stalled body is closed after this
    int maxConnections = 256;
};

// One client connection: parses requests with HttpRequestParser, hands each to a handler
// as an HttpExchange, and writes the responses in request order. Pipelined requests wait
// in the input buffer until the response before them has ended.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, const HttpServerSettings &settings, QObject *parent = nullptr);
    ~HttpConnection() override;

    QHostAddress peerAddress() const;
    quint16 localPort() const;
    qint64 pendingOutputBytes() const;
    // Whether the connection waits for a next request with nothing in progress.
    bool isIdle() const;
    void closeIdle();

    // Answers with status and a relay error body, then closes. Used when the server refuses
    // a connection (too many connections) before any request was read.
    void rejectAndClose(int status, const QString &code, const QString &message);

signals:
    void exchangeStarted(vtrelay::HttpExchange *exchange);
    void closed();

private:
    friend class HttpExchange;
    void writeResponseHead(HttpExchange *exchange, int status, const HttpHeaders &headers,
                           qint64 contentLength);
    void writeResponseBody(HttpExchange *exchange, const QByteArray &data);
    void finishResponse(HttpExchange *exchange);
    void flushHead();

    void onReadyRead();
    void onDisconnected();
    void processInput();
    void onHeadersComplete(HttpRequest &&request);
    void onBody(const char *data, size_t length);
    void onMessageComplete();
    void advanceToNextRequest();
    void failRequest(int status, const QString &message);
    void closeAfterWriting();
    void onHeaderTimeout();
    void onIdleTimeout();

    QTcpSocket *m_socket;
    HttpServerSettings m_settings;
    HttpRequestParser m_parser;
    QByteArray m_input;
    QByteArray m_pendingHead; // a response head waiting to go out with the first body bytes
    QPointer<HttpExchange> m_current;
    bool m_requestComplete = false;
    bool m_chunkedResponse = false;
    bool m_closeAfterResponse = false;
    bool m_closing = false;
    bool m_processing = false;
    bool m_waitingForDrain = false;
    QTimer m_headerTimer;
    QTimer m_idleTimer;
};

} // namespace vtrelay
