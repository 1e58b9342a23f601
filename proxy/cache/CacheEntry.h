// SPDX-License-Identifier: MIT
#pragma once

#include "http/HttpHeaders.h"

#include <QByteArray>
#include <QString>

namespace vtrelay {

// One cached answer from VirusTotal. Times are milliseconds since the Unix epoch (UTC).
struct CacheEntry
{
    QString key;
    QString kind;     // file, url, domain, ip_address, analysis, ...
    QString objectId; // the id the answer was about, for search in the window
    int status = 0;
    HttpHeaders headers;   // end-to-end headers worth replaying, such as Content-Type
    QByteArray gzipBody;   // the body, gzip-compressed
    qint64 storedAt = 0;
    qint64 expiresAt = 0;
    qint64 hits = 0;

    qint64 size() const { return gzipBody.size() + key.size(); }
    bool isFresh(qint64 nowMs) const { return nowMs < expiresAt; }
    qint64 ageSeconds(qint64 nowMs) const { return qMax<qint64>(0, (nowMs - storedAt) / 1000); }

    static QByteArray serializeHeaders(const HttpHeaders &headers);
    static HttpHeaders parseHeaders(const QByteArray &text);
};

} // namespace vtrelay
