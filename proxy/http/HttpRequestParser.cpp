// SPDX-License-Identifier: MIT
#include "HttpRequestParser.h"

#include <http_parser.h>

#include <algorithm>
#include <cctype>

namespace vtrelay {

namespace {
HttpRequestParser *self(http_parser *p)
{
    return static_cast<HttpRequestParser *>(p->data);
}

const http_parser_settings &settings()
{
    static const http_parser_settings s = [] {
        http_parser_settings init;
        http_parser_settings_init(&init);
        return init;
    }();
    return s;
}
} // namespace

HttpRequestParser::HttpRequestParser(Limits limits, Callbacks callbacks)
    : m_limits(limits)
    , m_callbacks(std::move(callbacks))
    , m_parser(std::make_unique<http_parser>())
{
    http_parser_init(m_parser.get(), HTTP_REQUEST);
    m_parser->data = this;
}

HttpRequestParser::~HttpRequestParser() = default;

size_t HttpRequestParser::feed(const char *data, size_t length)
{
    if (hasError() || m_paused || length == 0)
        return 0;

    static http_parser_settings callbacks = [] {
        http_parser_settings s = settings();
        s.on_message_begin = &HttpRequestParser::onMessageBegin;
        s.on_url = &HttpRequestParser::onUrl;
        s.on_header_field = &HttpRequestParser::onHeaderField;
        s.on_header_value = &HttpRequestParser::onHeaderValue;
        s.on_headers_complete = &HttpRequestParser::onHeadersComplete;
        s.on_body = &HttpRequestParser::onBody;
        s.on_message_complete = &HttpRequestParser::onMessageComplete;
        return s;
    }();

    const size_t parsed = http_parser_execute(m_parser.get(), &callbacks, data, length);
    const auto errno_ = HTTP_PARSER_ERRNO(m_parser.get());
    if (errno_ == HPE_PAUSED)
        return parsed;
    if (hasError())
        return parsed;
    if (errno_ == HPE_HEADER_OVERFLOW) {
        fail(431, QStringLiteral("The request headers are too large."));
    } else if (errno_ != HPE_OK) {
        fail(400, QStringLiteral("The request is not valid HTTP/1.1: %1.")
                      .arg(QString::fromLatin1(http_errno_description(errno_))));
    }
    return parsed;
}

void HttpRequestParser::resume()
{
    if (!m_paused)
        return;
    m_paused = false;
    http_parser_pause(m_parser.get(), 0);
}

void HttpRequestParser::fail(int status, const QString &message)
{
    if (!hasError())
        m_error = {status, message};
}

qint64 HttpRequestParser::bodyLimit() const
{
    if (!m_limits.largeBodyPrefix.isEmpty() && m_request.target.startsWith(m_limits.largeBodyPrefix))
        return qMax(m_limits.maxBodyBytes, m_limits.maxLargeBodyBytes);
    return m_limits.maxBodyBytes;
}

bool HttpRequestParser::addHeaderBytes(size_t length)
{
    m_headerBytes += qsizetype(length);
    if (m_headerBytes > m_limits.maxHeaderBytes) {
        fail(431, QStringLiteral("The request headers exceed %1 bytes.").arg(m_limits.maxHeaderBytes));
        return false;
    }
    return true;
}

int HttpRequestParser::onMessageBegin(http_parser *p)
{
    HttpRequestParser *s = self(p);
    s->m_request = HttpRequest();
    s->m_field.clear();
    s->m_value.clear();
    s->m_lastWasValue = false;
    s->m_headerBytes = 0;
    s->m_bodyBytes = 0;
    s->m_insideMessage = true;
    return 0;
}

int HttpRequestParser::onUrl(http_parser *p, const char *at, size_t length)
{
    HttpRequestParser *s = self(p);
    if (!s->addHeaderBytes(length))
        return 1;
    s->m_request.target.append(at, qsizetype(length));
    return 0;
}

int HttpRequestParser::onHeaderField(http_parser *p, const char *at, size_t length)
{
    HttpRequestParser *s = self(p);
    if (!s->addHeaderBytes(length))
        return 1;
    if (s->m_lastWasValue) {
        s->m_request.headers.append(s->m_field, s->m_value.trimmed());
        s->m_field.clear();
        s->m_value.clear();
        s->m_lastWasValue = false;
    }
    s->m_field.append(at, qsizetype(length));
    return 0;
}

int HttpRequestParser::onHeaderValue(http_parser *p, const char *at, size_t length)
{
    HttpRequestParser *s = self(p);
    if (!s->addHeaderBytes(length))
        return 1;
    s->m_value.append(at, qsizetype(length));
    s->m_lastWasValue = true;
    return 0;
}

// Returning 1 here would mean "no body follows" to http-parser, so errors return -1.
int HttpRequestParser::onHeadersComplete(http_parser *p)
{
    HttpRequestParser *s = self(p);
    HttpRequest &r = s->m_request;
    if (s->m_lastWasValue || !s->m_field.isEmpty())
        r.headers.append(s->m_field, s->m_value.trimmed());

    r.method = http_method_str(http_method(p->method));
    r.versionMajor = p->http_major;
    r.versionMinor = p->http_minor;
    r.keepAlive = http_should_keep_alive(p) != 0;
    r.chunked = (p->flags & F_CHUNKED) != 0;
    r.contentLength = r.headers.contains("content-length") && !r.chunked
        ? qint64(p->content_length) : -1;
    r.expectsContinue = r.versionMinor >= 1
        && r.headers.value("expect").compare("100-continue", Qt::CaseInsensitive) == 0;

    if (r.versionMajor != 1) {
        s->fail(505, QStringLiteral("Only HTTP/1.0 and HTTP/1.1 are supported."));
        return -1;
    }
    if (r.versionMinor >= 1 && !r.headers.contains("host")) {
        s->fail(400, QStringLiteral("An HTTP/1.1 request must carry a Host header."));
        return -1;
    }
    if (r.headers.values("host").size() > 1) {
        s->fail(400, QStringLiteral("The request has more than one Host header."));
        return -1;
    }
    if (r.headers.values("content-length").size() > 1) {
        s->fail(400, QStringLiteral("The request has more than one Content-Length header."));
        return -1;
    }
    for (const auto &field : r.headers.fields()) {
        // http-parser accepts "Name : value" and still frames the body by such a name, which
        // the lookups here would miss, so only RFC 9110 token characters are allowed.
        static const QByteArray tokenSymbols = "!#$%&'*+-.^_`|~";
        const bool valid = !field.first.isEmpty() && std::all_of(field.first.begin(), field.first.end(), [](char c) {
            return std::isalnum(uchar(c)) || tokenSymbols.contains(c);
        });
        if (!valid) {
            s->fail(400, QStringLiteral("The request has an invalid header name \"%1\".")
                             .arg(QString::fromLatin1(field.first.left(64))));
            return -1;
        }
    }
    if (r.contentLength > s->bodyLimit()) {
        s->fail(413, QStringLiteral("The request body of %1 bytes exceeds the limit of %2 bytes.")
                         .arg(r.contentLength)
                         .arg(s->bodyLimit()));
        return -1;
    }

    s->m_messageBodyLimit = s->bodyLimit(); // the request is handed over below
    if (s->m_callbacks.headersComplete)
        s->m_callbacks.headersComplete(std::move(r));
    return 0;
}

int HttpRequestParser::onBody(http_parser *p, const char *at, size_t length)
{
    HttpRequestParser *s = self(p);
    s->m_bodyBytes += qint64(length);
    if (s->m_bodyBytes > s->m_messageBodyLimit) {
        s->fail(413, QStringLiteral("The request body exceeds the limit of %1 bytes.").arg(s->m_messageBodyLimit));
        return 1;
    }
    if (s->m_callbacks.body)
        s->m_callbacks.body(at, length);
    return 0;
}

int HttpRequestParser::onMessageComplete(http_parser *p)
{
    HttpRequestParser *s = self(p);
    s->m_insideMessage = false;
    s->m_paused = true;
    http_parser_pause(p, 1);
    if (s->m_callbacks.messageComplete)
        s->m_callbacks.messageComplete();
    return 0;
}

} // namespace vtrelay
