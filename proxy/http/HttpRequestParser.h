// SPDX-License-Identifier: MIT
#pragma once

#include "HttpRequest.h"

#include <QString>

#include <functional>
#include <memory>

struct http_parser;

namespace vtrelay {

// Incremental HTTP/1.x request parser on top of http-parser 2.9 in strict mode.
// It pauses after each complete message, so pipelined requests are handed out one at a
// time: the caller answers a request, then calls resume() and feeds the remaining bytes.
class HttpRequestParser
{
public:
    struct Limits
    {
        qsizetype maxHeaderBytes = 64 * 1024;
        qint64 maxBodyBytes = 33 * 1024 * 1024; // a 32 MB upload plus multipart framing
        // Targets under this prefix may carry up to maxLargeBodyBytes: VirusTotal's upload URL
        // takes files up to 650 MB.
        QByteArray largeBodyPrefix = "/_ah/upload/";
        qint64 maxLargeBodyBytes = 651 * 1024 * 1024;
    };

    struct Callbacks
    {
        std::function<void(HttpRequest &&)> headersComplete;
        std::function<void(const char *data, size_t length)> body;
        std::function<void()> messageComplete;
    };

    // An error that ends the connection: the status to answer and a sentence for the client.
    struct Error
    {
        int status = 0;
        QString message;
    };

    HttpRequestParser(Limits limits, Callbacks callbacks);
    ~HttpRequestParser();
    HttpRequestParser(const HttpRequestParser &) = delete;
    HttpRequestParser &operator=(const HttpRequestParser &) = delete;

    // Parses up to length bytes and returns how many were consumed. Fewer than length are
    // consumed when a message completed (the parser is then paused) or on an error.
    size_t feed(const char *data, size_t length);
    void resume();

    bool isPaused() const { return m_paused; }
    bool hasError() const { return m_error.status != 0; }
    const Error &error() const { return m_error; }
    // Whether bytes of a message have been received since the last complete message.
    bool isInsideMessage() const { return m_insideMessage; }

private:
    static int onMessageBegin(http_parser *p);
    static int onUrl(http_parser *p, const char *at, size_t length);
    static int onHeaderField(http_parser *p, const char *at, size_t length);
    static int onHeaderValue(http_parser *p, const char *at, size_t length);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t length);
    static int onMessageComplete(http_parser *p);

    void fail(int status, const QString &message);
    bool addHeaderBytes(size_t length);
    qint64 bodyLimit() const;

    Limits m_limits;
    Callbacks m_callbacks;
    std::unique_ptr<http_parser> m_parser;
    HttpRequest m_request;
    QByteArray m_field;
    QByteArray m_value;
    bool m_lastWasValue = false;
    qsizetype m_headerBytes = 0;
    qint64 m_bodyBytes = 0;
    qint64 m_messageBodyLimit = 0;
    bool m_paused = false;
    bool m_insideMessage = false;
    Error m_error;
};

} // namespace vtrelay
