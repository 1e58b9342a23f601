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
    return m_request.headers.hasToken("accept-encoding", "gzip");
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
