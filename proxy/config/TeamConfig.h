// SPDX-License-Identifier: MIT
#pragma once

#include "cache/CachePolicy.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace vtrelay {

// The settings a team shares through an exported configuration file. The API key is not
// part of it: KeyEnvelope adds it, encrypted, to the exported document.
//
// Document layout (version 1):
//   {"format": "vtrelay-team-config", "version": 1,
//    "settings": {"quota": {"perMinute", "perDay", "perMonth", "maxQueueWaitSeconds"},
//                 "cacheTtlSeconds": {"object", "collection", "comment", "notFound", "analysis"},
//                 "allowedOrigins": ["https://tool.example", ...],
//                 "listenPort": 8684},
//    "key": {...}}   (only when the key is included, see KeyEnvelope)
struct TeamConfig
{
    static constexpr int kVersion = 1;
    static QString formatName() { return QStringLiteral("vtrelay-team-config"); }

    // Upper bounds that catch typos (an extra digit or two) without limiting any real
    // VirusTotal tier.
    static constexpr qint64 kMaxQuota = 1000000000;
    static constexpr qint64 kMaxTtlSeconds = 365 * 24 * 3600;
    static constexpr qint64 kMaxQueueWaitSeconds = 3600;

    // Requests the key may send upstream per window. The defaults are the free public API limits.
    qint64 quotaPerMinute = 4;
    qint64 quotaPerDay = 500;
    qint64 quotaPerMonth = 15500;
    // Seconds a client request may wait for quota before it gets RelayQuotaQueueFull.
    qint64 maxQueueWaitSeconds = 60;
    CachePolicy::Settings cacheTtl;
    // Web origins ("https://host[:port]", "chrome-extension://id") whose pages may call the relay.
    QStringList allowedOrigins;
    quint16 listenPort = 8684;

    bool operator==(const TeamConfig &other) const;
    bool operator!=(const TeamConfig &other) const { return !(*this == other); }

    // Returns the document with format, version and settings, without a "key" member.
    QJsonObject toJson() const;

    // Reads format, version and settings from document and ignores its "key" member.
    // Returns false with an error that names the first bad field, and then config is unchanged.
    static bool fromJson(const QJsonObject &document, TeamConfig *config, QString *error);

    // Checks that origin is a browser origin: scheme and host, an optional port, nothing else.
    static bool isValidOrigin(const QString &origin, QString *error);

    // Lists what importing incoming over current changes, one readable line per setting,
    // for example "Quota per minute: 4 → 1000". Empty when nothing changes.
    static QStringList diff(const TeamConfig &current, const TeamConfig &incoming);
};

} // namespace vtrelay
