// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

namespace vtrelay {

// What a request asks of VirusTotal, as far as caching, key injection and logging care.
struct ApiRoute
{
    enum class Api { None, V3, V2 };
    enum class Kind { None, File, Url, Domain, IpAddress, Analysis, Comment, User, Search, Metadata, Other };
    // How a successful answer may be cached.
    enum class CacheClass {
        None,       // never cached: writes, user and quota data, one-time URLs
        Object,     // an object report (file, URL, domain, IP address, analysis item)
        Collection, // a relationship, comment or vote page, keyed with its cursor and filters
        Analysis,   // cached only once its status is "completed"
        V2Report,   // a v2 report: response_code 1 is a hit, 0 a not-found answer, -2 queued
    };

    Api api = Api::None;
    Kind kind = Kind::None;
    CacheClass cacheClass = CacheClass::None;
    QString objectId;         // normalised: lower-case hashes and domains
    QString subPath;          // what follows the object id, for example "comments"
    QByteArray path;          // the normalised path: what is routed is what goes upstream
    bool invalidPath = false; // an encoded slash, a NUL or a dot segment: answered 400
    QByteArray forwardQuery;  // the client's query without any apikey parameter, in its order
    QString cacheKey;         // empty when the answer is not cacheable

    bool isApi() const { return api != Api::None; }
    bool isCacheable() const { return !cacheKey.isEmpty(); }
    // Quota units the request costs upstream: a v2 report of N comma-separated resources
    // counts N, as VirusTotal counts each item of a batch.
    int quotaCost() const;
    static QString kindName(Kind kind);
};

} // namespace vtrelay
