// SPDX-License-Identifier: MIT
#pragma once

#include "ApiRoute.h"

namespace vtrelay {

// Classifies a request by method and target (path and query) into an ApiRoute.
class ApiRouter
{
public:
    static ApiRoute route(const QByteArray &method, const QByteArray &target);

    // The query with apikey parameters removed and the rest sorted by name then value, so
    // that "b=2&a=1" and "a=1&b=2" give one cache key. Percent-encoding is normalised too.
    static QByteArray normalizedQuery(const QByteArray &query);
    // Decodes percent-encoded unreserved characters and merges repeated slashes, so that
    // "/api/v3//%75sers/x" and "/api/v3/users/x" are one path. Returns false for paths whose
    // meaning depends on who decodes them: encoded '/', '\\' or NUL, and "." or ".." segments.
    static bool normalizePath(const QByteArray &path, QByteArray *normalized);
    // The query with every apikey parameter removed and the other parameters left as sent.
    static QByteArray queryWithoutKey(const QByteArray &query);

private:
    static void routeV3(ApiRoute &route, const QByteArray &method, const QList<QByteArray> &segments,
                        const QByteArray &query);
    static void routeV2(ApiRoute &route, const QByteArray &method, const QByteArray &endpoint,
                        const QByteArray &query);
};

} // namespace vtrelay
