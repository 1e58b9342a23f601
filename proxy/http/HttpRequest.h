// SPDX-License-Identifier: MIT
#pragma once

#include "HttpHeaders.h"

#include <QByteArray>

namespace vtrelay {

// The head of one HTTP/1.x request as received from a client.
struct HttpRequest
{
    QByteArray method;
    QByteArray target; // request-target as sent: path plus optional query
    int versionMajor = 1;
    int versionMinor = 1;
    HttpHeaders headers;
    bool keepAlive = true;
    bool chunked = false;
    qint64 contentLength = -1; // -1 when the request has no Content-Length
    bool expectsContinue = false;

    QByteArray path() const;
    QByteArray query() const; // without the '?'
    bool hasBody() const { return chunked || contentLength > 0; }
    bool isHead() const { return method == "HEAD"; }
};

} // namespace vtrelay
