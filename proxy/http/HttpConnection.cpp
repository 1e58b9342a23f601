// SPDX-License-Identifier: MIT
#include "HttpConnection.h"

#include "HttpExchange.h"
#include "HttpHeaders.h"
#include "RequestBodyPipe.h"
#include "vt/VtError.h"

#include <QDateTime>
#include <QLocale>
#include <QLoggingCategory>
#include <QTcpSocket>

Q_LOGGING_CATEGORY(lcHttp, "vtrelay.http")

namespace vtrelay {

namespace {
// The socket buffers at most this much unparsed input, and a request body pipe at most
// this much unread data, before the connection stops reading from the client.
constexpr qint64 kMaxBufferedInput = 256 * 1024;
constexpr qint64 kMaxBufferedBody = 1024 * 1024;
// A client that pipelines requests but does not read the responses gets no further answers
// while this much output waits to be sent.
constexpr qint64 kMaxUnsentOutput = 1024 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 421: return "Misdirected Request";
    case 424: return "Failed Dependency";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return status < 400 ? "OK" : "Error";
    }
}

bool statusHasNoBody(int status)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

// The Date header value, formatted once a second instead of once a response.
QByteArray httpDate()
{
    thread_local qint64 cachedSecond = -1;
    thread_local QByteArray cached;
    const qint64 second = QDateTime::currentSecsSinceEpoch();
    if (second != cachedSecond) {
        cachedSecond = second;
        cached = QLocale::c()
                     .toString(QDateTime::fromSecsSinceEpoch(second, Qt::UTC), u"ddd, dd MMM yyyy hh:mm:ss 'GMT'")
                     .toLatin1();
    }
    return cached;
}

QString errorCodeForStatus(int status)
{
    switch (status) {
    case 408: return QStringLiteral("RelayRequestTimeout");
    case 413: return QStringLiteral("RelayRequestTooLarge");
    case 431: return QStringLiteral("RelayHeadersTooLarge");
    case 503: return QStringLiteral("RelayBusy");
    case 505: return QStringLiteral("RelayHttpVersionNotSupported");
    default: return QStringLiteral("RelayBadRequest");
    }
}
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const HttpServerSettings &settings, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_settings(settings)
    , m_parser(settings.limits,
               {[this](HttpRequest &&r) { onHeadersComplete(std::move(r)); },
                [this](const char *d, size_t n) { onBody(d, n); },
                [this] { onMessageComplete(); }})
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(kMaxBufferedInput);
    // Without TCP_NODELAY a response head and body sent in two segments wait ~40 ms for the
    // client's delayed acknowledgement.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_current && m_socket->bytesToWrite() == 0)
            emit m_current->outputDrained();
        if (m_waitingForDrain && m_socket->bytesToWrite() < kMaxUnsentOutput / 4) {
            m_waitingForDrain = false;
            advanceToNextRequest();
        }
    });

    m_headerTimer.setSingleShot(true);
    m_headerTimer.setInterval(m_settings.headerTimeoutMs);
    connect(&m_headerTimer, &QTimer::timeout, this, &HttpConnection::onHeaderTimeout);
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(m_settings.idleTimeoutMs);
    connect(&m_idleTimer, &QTimer::timeout, this, &HttpConnection::onIdleTimeout);
    m_idleTimer.start();
}

HttpConnection::~HttpConnection() = default;

QHostAddress HttpConnection::peerAddress() const
{
    return m_socket->peerAddress();
}

quint16 HttpConnection::localPort() const
{
    return m_socket->localPort();
}

bool HttpConnection::isIdle() const
{
    return m_current.isNull() && !m_closing && !m_parser.isInsideMessage() && m_input.isEmpty();
}

void HttpConnection::closeIdle()
{
    qCDebug(lcHttp) << "Closing an idle connection to make room for a new one";
    closeAfterWriting();
}

qint64 HttpConnection::pendingOutputBytes() const
{
    return m_socket->bytesToWrite();
}

void HttpConnection::onReadyRead()
{
    if (m_closing) {
        m_socket->readAll(); // discard whatever a closing client still sends
        return;
    }
    processInput();
}

void HttpConnection::processInput()
{
    if (m_processing || m_closing)
        return;
    m_processing = true;

    while (!m_closing) {
        const qint64 room = kMaxBufferedInput - m_input.size();
        if (room > 0 && m_socket->bytesAvailable() > 0) {
            m_input.append(m_socket->read(room));
            if (!m_current)
                m_idleTimer.start();
        }
        if (m_input.isEmpty() || m_parser.isPaused())
            break;
        if (m_current && m_current->body()->bufferedBytes() > kMaxBufferedBody)
            break; // resumed by the pipe's drained() signal

        if (!m_current && !m_headerTimer.isActive())
            m_headerTimer.start();
        const size_t consumed = m_parser.feed(m_input.constData(), size_t(m_input.size()));
        m_input.remove(0, qsizetype(consumed));
        if (m_parser.hasError()) {
            failRequest(m_parser.error().status, m_parser.error().message);
            break;
        }
        if (m_current && !m_requestComplete)
            m_idleTimer.start(); // the body is still arriving
    }

    m_processing = false;
}

void HttpConnection::onHeadersComplete(HttpRequest &&request)
{
    m_headerTimer.stop();
    m_requestComplete = false;
    m_chunkedResponse = false;
    m_closeAfterResponse = !request.keepAlive;
    const bool expectsContinue = request.expectsContinue;

    auto *exchange = new HttpExchange(this, std::move(request));
    m_current = exchange;
    connect(exchange->body(), &RequestBodyPipe::drained, this, [this] {
        QMetaObject::invokeMethod(this, &HttpConnection::processInput, Qt::QueuedConnection);
    });

    emit exchangeStarted(exchange);

    // A handler that has already answered (for example with an error) does not want the body.
    if (expectsContinue && m_current == exchange && !exchange->hasResponseStarted())
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
}

void HttpConnection::onBody(const char *data, size_t length)
{
    if (m_current)
        m_current->body()->appendData(QByteArray(data, qsizetype(length)));
}

void HttpConnection::onMessageComplete()
{
    m_requestComplete = true;
    m_idleTimer.stop(); // the handler may wait for the upstream as long as it needs
    if (!m_current)
        return;
    m_current->body()->finish();
    if (m_current->isFinished())
        QMetaObject::invokeMethod(this, &HttpConnection::advanceToNextRequest, Qt::QueuedConnection);
}

void HttpConnection::writeResponseHead(HttpExchange *exchange, int status, const HttpHeaders &headers,
                                       qint64 contentLength)
{
    const HttpRequest &request = exchange->request();
    const bool http11 = request.versionMinor >= 1;
    const bool noBody = statusHasNoBody(status);

    m_chunkedResponse = false;
    if (!noBody && contentLength < 0 && !request.isHead()) {
        if (http11)
            m_chunkedResponse = true;
        else
            m_closeAfterResponse = true; // an HTTP/1.0 client reads until the connection closes
    }
    // A response that ends before its request body arrived leaves unread bytes behind.
    if (!m_requestComplete && request.hasBody())
        m_closeAfterResponse = true;

    QByteArray head;
    head.reserve(512);
    head += http11 ? "HTTP/1.1 " : "HTTP/1.0 ";
    head += QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &field : headers.fields()) {
        if (HttpHeaders::isHopByHop(field.first) || field.first.compare("content-length", Qt::CaseInsensitive) == 0)
            continue;
        head += field.first + ": " + field.second + "\r\n";
    }
    if (!headers.contains("date"))
        head += "Date: " + httpDate() + "\r\n";
    if (!noBody) {
        if (m_chunkedResponse)
            head += "Transfer-Encoding: chunked\r\n";
        else if (contentLength >= 0)
            head += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    }
    if (m_closeAfterResponse)
        head += "Connection: close\r\n";
    else if (!http11)
        head += "Connection: keep-alive\r\n";
    head += "\r\n";
    // Held back so that the head and the first part of the body leave in one write.
    m_pendingHead = head;
    if (noBody || request.isHead())
        flushHead();
}

void HttpConnection::flushHead()
{
    if (!m_pendingHead.isEmpty())
        m_socket->write(std::exchange(m_pendingHead, QByteArray()));
}

void HttpConnection::writeResponseBody(HttpExchange *exchange, const QByteArray &data)
{
    if (exchange->request().isHead() || statusHasNoBody(exchange->responseStatus()))
        return;
    QByteArray out = std::exchange(m_pendingHead, QByteArray());
    if (m_chunkedResponse) {
        out += QByteArray::number(data.size(), 16) + "\r\n";
        out += data;
        out += "\r\n";
    } else if (out.isEmpty()) {
        m_socket->write(data);
        return;
    } else {
        out += data;
    }
    m_socket->write(out);
}

void HttpConnection::finishResponse(HttpExchange *exchange)
{
    flushHead();
    if (m_chunkedResponse)
        m_socket->write("0\r\n\r\n");
    m_chunkedResponse = false;
    if (m_closeAfterResponse) {
        closeAfterWriting();
        return;
    }
    if (m_requestComplete && exchange == m_current)
        QMetaObject::invokeMethod(this, &HttpConnection::advanceToNextRequest, Qt::QueuedConnection);
}

void HttpConnection::advanceToNextRequest()
{
    if (m_closing || !m_current || !m_current->isFinished() || !m_requestComplete)
        return;
    if (m_socket->bytesToWrite() > kMaxUnsentOutput) {
        m_waitingForDrain = true; // resumed from bytesWritten
        return;
    }
    m_current->deleteLater();
    m_current = nullptr;
    m_requestComplete = false;
    m_parser.resume();
    m_idleTimer.start();
    processInput();
}

void HttpConnection::failRequest(int status, const QString &message)
{
    qCInfo(lcHttp).noquote() << "Rejected a request from" << peerAddress().toString() << "with status"
                             << status << "-" << message;
    if (m_current && m_current->hasResponseStarted()) {
        closeAfterWriting();
        return;
    }
    rejectAndClose(status, errorCodeForStatus(status), message);
}

void HttpConnection::rejectAndClose(int status, const QString &code, const QString &message)
{
    if (m_closing)
        return;
    const QByteArray body = vtErrorBody(code, message);
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n"
        + "Content-Type: application/json\r\n"
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\n"
        + "X-Cache: BYPASS\r\n"
        + "Connection: close\r\n\r\n" + body;
    if (m_current)
        m_current->markAborted();
    m_socket->write(response);
    closeAfterWriting();
}

void HttpConnection::closeAfterWriting()
{
    if (m_closing)
        return;
    m_closing = true;
    flushHead();
    m_headerTimer.stop();
    m_idleTimer.stop();
    m_socket->disconnectFromHost();
}

void HttpConnection::onHeaderTimeout()
{
    if (m_parser.isInsideMessage() && !m_current)
        failRequest(408, QStringLiteral("The request headers did not arrive within %1 seconds.")
                             .arg(m_settings.headerTimeoutMs / 1000));
}

void HttpConnection::onIdleTimeout()
{
    if (m_current && !m_requestComplete) {
        failRequest(408, QStringLiteral("The request body stalled for %1 seconds.")
                             .arg(m_settings.idleTimeoutMs / 1000));
        return;
    }
    if (!m_current && !m_parser.isInsideMessage())
        closeAfterWriting();
}

void HttpConnection::onDisconnected()
{
    m_closing = true;
    m_headerTimer.stop();
    m_idleTimer.stop();
    if (m_current) {
        m_current->markAborted();
        if (!m_requestComplete)
            m_current->body()->finish();
    }
    emit closed();
    deleteLater();
}

} // namespace vtrelay
