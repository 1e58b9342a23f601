// SPDX-License-Identifier: MIT
#pragma once

#include "http/HttpHeaders.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace vtrelay {

// One line of the request log. Every field is redacted before it is stored: no record
// holds the API key.
struct RequestRecord
{
    qint64 id = 0;
    qint64 timeMs = 0; // when the request arrived, ms since the Unix epoch (UTC)
    QString client;    // User-Agent or Origin of the caller
    QString method;
    QString target;    // path and query, apikey values redacted
    QString api;       // "v3", "v2" or empty
    QString kind;
    QString objectId;
    int status = 0;
    QString cacheOutcome; // HIT, MISS, STALE, BYPASS, COALESCED
    qint64 latencyMs = 0;
    qint64 bytes = 0;
    QString errorCode; // the Relay... code when the relay answered by itself
    HttpHeaders requestHeaders;
    HttpHeaders responseHeaders;
    QByteArray responseBody; // decoded, at most a preview's worth
};

} // namespace vtrelay

Q_DECLARE_METATYPE(vtrelay::RequestRecord)
