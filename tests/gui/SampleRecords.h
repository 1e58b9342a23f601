// SPDX-License-Identifier: MIT
#pragma once

#include "log/RequestRecord.h"

#include <QDateTime>
#include <QList>

// A fixed set of request log records for model and QML tests, oldest first.
//   #  client         method target                                   status outcome    error
//   1  vt-cli/1.0     GET    /api/v3/files/<sha256 of "eicar">        200    MISS
//   2  vt-cli/1.0     GET    /api/v3/files/<same>                     200    HIT
//   3  Mozilla/5.0    GET    /api/v3/domains/example.com              200    MISS
//   4  Mozilla/5.0    GET    /api/v3/domains/example.com              200    HIT
//   5  python-vt      GET    /vtapi/v2/url/report?resource=...&apikey 404    MISS
//   6  python-vt      POST   /api/v3/files                            429    BYPASS
//   7  curl/8.0       GET    /api/v3/ip_addresses/192.0.2.1           503    BYPASS     RelayPaused
inline vtrelay::RequestRecord sampleRecord(qint64 id, const QString &client, const QString &method,
                                           const QString &target, const QString &kind, const QString &objectId,
                                           int status, const QString &outcome, const QString &errorCode = {})
{
    vtrelay::RequestRecord r;
    r.id = id;
    r.timeMs = QDateTime::currentMSecsSinceEpoch() - (100 - id) * 1000;
    r.client = client;
    r.method = method;
    r.target = target;
    r.api = target.startsWith(QStringLiteral("/vtapi/")) ? QStringLiteral("v2") : QStringLiteral("v3");
    r.kind = kind;
    r.objectId = objectId;
    r.status = status;
    r.cacheOutcome = outcome;
    r.latencyMs = id * 3;
    r.bytes = 1000 * id;
    r.errorCode = errorCode;
    r.requestHeaders.append("Host", "127.0.0.1:8684");
    r.requestHeaders.append("User-Agent", client.toUtf8());
    r.requestHeaders.append("x-apikey", "<redacted>");
    r.requestHeaders.append("Accept-Encoding", "gzip");
    r.responseHeaders.append("Content-Type", "application/json");
    r.responseHeaders.append("X-Cache", outcome.toUtf8());
    r.responseBody = R"({"data":{"id":")" + objectId.toUtf8() + R"(","type":")" + kind.toUtf8() + R"("}})";
    return r;
}

inline QList<vtrelay::RequestRecord> sampleRecords()
{
    const QString sha = QStringLiteral("275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
    return {
        sampleRecord(1, QStringLiteral("vt-cli/1.0"), QStringLiteral("GET"), QStringLiteral("/api/v3/files/") + sha,
                     QStringLiteral("file"), sha, 200, QStringLiteral("MISS")),
        sampleRecord(2, QStringLiteral("vt-cli/1.0"), QStringLiteral("GET"), QStringLiteral("/api/v3/files/") + sha,
                     QStringLiteral("file"), sha, 200, QStringLiteral("HIT")),
        sampleRecord(3, QStringLiteral("Mozilla/5.0"), QStringLiteral("GET"),
                     QStringLiteral("/api/v3/domains/example.com"), QStringLiteral("domain"),
                     QStringLiteral("example.com"), 200, QStringLiteral("MISS")),
        sampleRecord(4, QStringLiteral("Mozilla/5.0"), QStringLiteral("GET"),
                     QStringLiteral("/api/v3/domains/example.com"), QStringLiteral("domain"),
                     QStringLiteral("example.com"), 200, QStringLiteral("HIT")),
        sampleRecord(5, QStringLiteral("python-vt"), QStringLiteral("GET"),
                     QStringLiteral("/vtapi/v2/url/report?resource=http%3A%2F%2Fexample.org%2F&apikey=<redacted>"),
                     QStringLiteral("url"), QStringLiteral("http://example.org/"), 404, QStringLiteral("MISS")),
        sampleRecord(6, QStringLiteral("python-vt"), QStringLiteral("POST"), QStringLiteral("/api/v3/files"),
                     QStringLiteral("file"), QString(), 429, QStringLiteral("BYPASS")),
        sampleRecord(7, QStringLiteral("curl/8.0"), QStringLiteral("GET"),
                     QStringLiteral("/api/v3/ip_addresses/192.0.2.1"), QStringLiteral("ip_address"),
                     QStringLiteral("192.0.2.1"), 503, QStringLiteral("BYPASS"), QStringLiteral("RelayPaused")),
    };
}
