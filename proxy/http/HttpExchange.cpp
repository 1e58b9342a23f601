// SPDX-License-Identifier: MIT
#include "HttpExchange.h"

#include "HttpConnection.h"
#include "RequestBodyPipe.h"

namespace vtrelay {

HttpExchange::HttpExchange(HttpConnection *connection, HttpRequest request)
    : QObject(connection)
    , m_connection(connection)
    , m_request(std::move(request))
    , m_body(new RequestBodyPipe(this))
{
    m_timer.start();
    if (!m_request.hasBody())
        m_body->finish();
}

HttpExchange::~HttpExchange() = default;

QHostAddress HttpExchange::peerAddress() const
{
    return m_connection ? m_connection->peerAddress() : QHostAddress();
}

quint16 HttpExchange::localPort() const
{
    return m_connection ? m_connection->localPort() : 0;
}

bool HttpExchange::acceptsGzip() const
{
    // "gzip;q=0" means the client refuses gzip, so the quality value is read too.
    for (const QByteArray &value : m_request.headers.values("accept-encoding")) {
        for (const QByteArray &part : value.split(',')) {
            const QList<QByteArray> pieces = part.split(';');
            if (pieces.first().trimmed().compare("gzip", Qt::CaseInsensitive) != 0)
                continue;
            for (qsizetype i = 1; i < pieces.size(); ++i) {
                const QByteArray parameter = pieces.at(i).trimmed().toLower();
                if (parameter.startsWith("q=") && parameter.mid(2).toDouble() <= 0.0)
                    return false;
            }
            return true;
        }
    }
    return false;
}

void HttpExchange::addResponseHeaders(const HttpHeaders &headers)
{
    for (const auto &field : headers.fields())
        m_extraHeaders.set(field.first, field.second);
}

void HttpExchange::respond(int status, const HttpHeaders &headers, const QByteArray &body)
{
    beginResponse(status, headers, body.size());
    writeBody(body);
    endResponse();
}

void HttpExchange::beginResponse(int status, const HttpHeaders &headers, qint64 contentLength)
{
    if (m_responseStarted || m_aborted || !m_connection)
        return;
    m_responseStarted = true;
    m_status = status;
    m_responseHeaders = headers;
    // The relay picks gzip or plain bodies by Accept-Encoding, so caches must know.
    if (!m_responseHeaders.contains("vary"))
        m_responseHeaders.append("Vary", "Accept-Encoding");
    for (const auto &field : m_extraHeaders.fields())
        m_responseHeaders.set(field.first, field.second);
    m_connection->writeResponseHead(this, status, m_responseHeaders, contentLength);
}

void HttpExchange::writeBody(const QByteArray &data)
{
    if (!m_responseStarted || m_finished || m_aborted || !m_connection || data.isEmpty())
        return;
    m_responseBytes += data.size();
    m_connection->writeResponseBody(this, data);
}

void HttpExchange::endResponse()
{
    if (!m_responseStarted || m_finished || m_aborted || !m_connection)
        return;
    m_finished = true;
    m_connection->finishResponse(this);
}

qint64 HttpExchange::pendingOutputBytes() const
{
    return m_connection ? m_connection->pendingOutputBytes() : 0;
}

void HttpExchange::markAborted()
{
    if (m_aborted || m_finished)
        return;
    m_aborted = true;
    emit aborted();
}

} // namespace vtrelay
