// SPDX-License-Identifier: MIT
#pragma once

#include "vt/ApiRoute.h"

#include <QByteArray>

namespace vtrelay {

// Decides how long an answer from VirusTotal may be served from the cache.
class CachePolicy
{
public:
    struct Settings
    {
        qint64 objectTtlSeconds = 24 * 3600;     // reports of files, URLs, domains, IP addresses
        qint64 collectionTtlSeconds = 24 * 3600; // relationship pages and searches
        qint64 commentTtlSeconds = 3600;         // comments and votes change often
        qint64 notFoundTtlSeconds = 3600;        // anyone may upload the file a minute later
        qint64 analysisTtlSeconds = 24 * 3600;   // completed analyses do not change
    };

    CachePolicy() = default;
    explicit CachePolicy(const Settings &settings) : m_settings(settings) {}

    const Settings &settings() const { return m_settings; }
    void setSettings(const Settings &settings) { m_settings = settings; }

    // Seconds to keep the answer, or 0 when it must not be stored. body is the decoded JSON.
    qint64 ttlSeconds(const ApiRoute &route, int status, const QByteArray &body) const;

private:
    qint64 v2ReportTtl(const QByteArray &body) const;

    Settings m_settings;
};

} // namespace vtrelay
