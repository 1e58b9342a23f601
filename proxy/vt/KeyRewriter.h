// SPDX-License-Identifier: MIT
#pragma once

#include "ApiRoute.h"

#include <QByteArray>

namespace vtrelay {

class HttpHeaders;

// Removes whatever key a client sent and places the relay's key where VirusTotal expects it:
// header x-apikey for v3, parameter apikey for v2.
class KeyRewriter
{
public:
    // Removes x-apikey (in any letter case) and other credentials from request headers.
    static void stripRequestHeaders(HttpHeaders &headers);
    // The query string to send upstream: the client's query without apikey, plus the
    // relay's key for v2 requests.
    static QByteArray upstreamQuery(const ApiRoute &route, const QByteArray &key);
    // Removes apikey fields from an application/x-www-form-urlencoded body.
    static QByteArray stripFormKey(const QByteArray &body);
    // The request target with every apikey value replaced by "<redacted>", for logs.
    static QByteArray redactTarget(const QByteArray &target);
};

} // namespace vtrelay
