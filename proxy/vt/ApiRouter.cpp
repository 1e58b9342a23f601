// SPDX-License-Identifier: MIT
#include "ApiRouter.h"

#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <cctype>

namespace vtrelay {

namespace {
bool isHex(const QString &s)
{
    return std::all_of(s.begin(), s.end(), [](QChar c) { return c.isDigit() || (c.toLower() >= u'a' && c.toLower() <= u'f'); });
}

bool isFileHash(const QString &id)
{
    return (id.size() == 32 || id.size() == 40 || id.size() == 64) && isHex(id);
}

QString decodeSegment(const QByteArray &segment)
{
    return QUrl::fromPercentEncoding(segment);
}

bool isApikeyName(const QByteArray &encodedName)
{
    return QUrl::fromPercentEncoding(encodedName).compare(u"apikey", Qt::CaseInsensitive) == 0;
}

QString v3KeyFor(const ApiRoute &route, const QByteArray &normalizedQuery)
{
    QString key = QStringLiteral("v3:") + ApiRoute::kindName(route.kind) + u':' + route.objectId;
    if (!route.subPath.isEmpty())
        key += u'/' + route.subPath;
    if (!normalizedQuery.isEmpty())
        key += u'?' + QString::fromLatin1(normalizedQuery);
    return key;
}
} // namespace

QString ApiRoute::kindName(Kind kind)
{
    switch (kind) {
    case Kind::File: return QStringLiteral("file");
    case Kind::Url: return QStringLiteral("url");
    case Kind::Domain: return QStringLiteral("domain");
    case Kind::IpAddress: return QStringLiteral("ip_address");
    case Kind::Analysis: return QStringLiteral("analysis");
    case Kind::Comment: return QStringLiteral("comment");
    case Kind::User: return QStringLiteral("user");
    case Kind::Search: return QStringLiteral("search");
    case Kind::Metadata: return QStringLiteral("metadata");
    case Kind::Other: return QStringLiteral("other");
    case Kind::None: break;
    }
    return QString();
}

int ApiRoute::quotaCost() const
{
    if (api == Api::V2 && kind == Kind::File && subPath.endsWith(u"report"))
        return qMax<int>(1, int(objectId.count(u',') + 1));
    return 1;
}

QByteArray ApiRouter::queryWithoutKey(const QByteArray &query)
{
    QList<QByteArray> kept;
    for (const QByteArray &pair : query.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        if (isApikeyName(eq < 0 ? pair : pair.left(eq)))
            continue;
        kept.append(pair);
    }
    return kept.join('&');
}

QByteArray ApiRouter::normalizedQuery(const QByteArray &query)
{
    QList<QPair<QString, QString>> items;
    for (const QByteArray &pair : query.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        QByteArray name = eq < 0 ? pair : pair.left(eq);
        QByteArray value = eq < 0 ? QByteArray() : pair.mid(eq + 1);
        if (isApikeyName(name))
            continue;
        name.replace('+', ' ');
        value.replace('+', ' ');
        items.append({QUrl::fromPercentEncoding(name), QUrl::fromPercentEncoding(value)});
    }
    std::sort(items.begin(), items.end());

    QByteArray result;
    for (const auto &[name, value] : items) {
        if (!result.isEmpty())
            result += '&';
        result += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return result;
}

bool ApiRouter::normalizePath(const QByteArray &path, QByteArray *normalized)
{
    auto hexValue = [](char c) { return std::isdigit(uchar(c)) ? c - '0' : std::tolower(uchar(c)) - 'a' + 10; };
    QByteArray out;
    out.reserve(path.size());
    for (qsizetype i = 0; i < path.size(); ++i) {
        const char c = path.at(i);
        if (c == '%') {
            if (i + 2 >= path.size() || !std::isxdigit(uchar(path.at(i + 1))) || !std::isxdigit(uchar(path.at(i + 2))))
                return false; // a '%' without two hex digits after it
            const int value = hexValue(path.at(i + 1)) * 16 + hexValue(path.at(i + 2));
            if (value == '/' || value == '\\' || value == 0)
                return false;
            if (std::isalnum(value) || value == '-' || value == '.' || value == '_' || value == '~')
                out += char(value);
            else
                out += '%' + path.mid(i + 1, 2).toUpper();
            i += 2;
            continue;
        }
        if (c == '/' && out.endsWith('/'))
            continue;
        out += c;
    }
    for (const QByteArray &segment : out.split('/')) {
        if (segment == "." || segment == "..")
            return false;
    }
    *normalized = out;
    return true;
}

ApiRoute ApiRouter::route(const QByteArray &method, const QByteArray &target)
{
    ApiRoute route;
    const qsizetype q = target.indexOf('?');
    QByteArray path;
    route.invalidPath = !normalizePath(q < 0 ? target : target.left(q), &path);
    route.path = path;
    const QByteArray query = q < 0 ? QByteArray() : target.mid(q + 1);
    route.forwardQuery = queryWithoutKey(query);
    if (route.invalidPath)
        return route;

    if (path.startsWith("/api/v3/")) {
        route.api = ApiRoute::Api::V3;
        QList<QByteArray> segments = path.mid(8).split('/');
        while (!segments.isEmpty() && segments.last().isEmpty())
            segments.removeLast();
        routeV3(route, method, segments, query);
    } else if (path.startsWith("/_ah/upload/")) {
        // The single-use upload URL of large files, which the relay rewrote to point at itself.
        route.api = ApiRoute::Api::V3;
        route.kind = ApiRoute::Kind::File;
        route.subPath = QStringLiteral("upload");
    } else if (path.startsWith("/vtapi/v2/")) {
        route.api = ApiRoute::Api::V2;
        QByteArray endpoint = path.mid(10);
        while (endpoint.endsWith('/'))
            endpoint.chop(1);
        routeV2(route, method, endpoint, query);
    }
    return route;
}

void ApiRouter::routeV3(ApiRoute &route, const QByteArray &method, const QList<QByteArray> &segments,
                        const QByteArray &query)
{
    if (segments.isEmpty())
        return;
    const QByteArray collection = segments.first();
    const bool read = method == "GET" || method == "HEAD";

    if (collection == "files")
        route.kind = ApiRoute::Kind::File;
    else if (collection == "urls")
        route.kind = ApiRoute::Kind::Url;
    else if (collection == "domains")
        route.kind = ApiRoute::Kind::Domain;
    else if (collection == "ip_addresses")
        route.kind = ApiRoute::Kind::IpAddress;
    else if (collection == "analyses")
        route.kind = ApiRoute::Kind::Analysis;
    else if (collection == "comments")
        route.kind = ApiRoute::Kind::Comment;
    else if (collection == "users")
        route.kind = ApiRoute::Kind::User;
    else if (collection == "search" || collection == "intelligence")
        route.kind = ApiRoute::Kind::Search;
    else if (collection == "metadata")
        route.kind = ApiRoute::Kind::Metadata;
    else
        route.kind = ApiRoute::Kind::Other;

    if (segments.size() >= 2) {
        route.objectId = decodeSegment(segments.at(1));
        if (route.kind == ApiRoute::Kind::File && isFileHash(route.objectId))
            route.objectId = route.objectId.toLower();
        if (route.kind == ApiRoute::Kind::Domain)
            route.objectId = route.objectId.toLower();
        if (route.kind == ApiRoute::Kind::Url && route.objectId.size() == 64 && isHex(route.objectId))
            route.objectId = route.objectId.toLower();
    }
    QStringList rest;
    for (qsizetype i = 2; i < segments.size(); ++i)
        rest.append(decodeSegment(segments.at(i)));
    route.subPath = rest.join(u'/');

    if (!read)
        return;
    // Downloads and their signed, expiring links are never cached, whichever collection they belong to
    // (files/, intelligence/zip_files/).
    const QString lastSegment = rest.isEmpty() ? QString() : rest.last();
    if (lastSegment == u"download_url" || lastSegment == u"download")
        return;

    const QByteArray normalized = normalizedQuery(query);
    switch (route.kind) {
    case ApiRoute::Kind::File:
    case ApiRoute::Kind::Url:
    case ApiRoute::Kind::Domain:
    case ApiRoute::Kind::IpAddress:
        if (route.objectId.isEmpty() || route.objectId == u"upload_url")
            return; // collection listings and single-use upload URLs
        if (route.subPath.isEmpty())
            route.cacheClass = ApiRoute::CacheClass::Object;
        else
            route.cacheClass = ApiRoute::CacheClass::Collection;
        break;
    case ApiRoute::Kind::Analysis:
        if (route.objectId.isEmpty())
            return;
        if (route.subPath.isEmpty())
            route.cacheClass = ApiRoute::CacheClass::Analysis;
        else if (route.subPath == u"item")
            route.cacheClass = ApiRoute::CacheClass::Object;
        else
            return;
        break;
    case ApiRoute::Kind::Search:
        // Only the searches themselves: other intelligence endpoints (zip files, retrohunt
        // jobs) report the state of a job that changes.
        if (collection == "intelligence" && segments.value(1) != "search")
            return;
        route.cacheClass = ApiRoute::CacheClass::Collection;
        break;
    case ApiRoute::Kind::Metadata:
        route.cacheClass = ApiRoute::CacheClass::Object;
        break;
    default:
        return; // users, quotas, comments by id and anything unknown pass through uncached
    }
    route.cacheKey = v3KeyFor(route, normalized);
}

void ApiRouter::routeV2(ApiRoute &route, const QByteArray &method, const QByteArray &endpoint,
                        const QByteArray &query)
{
    QByteArray idParameter;
    if (endpoint == "file/report" || endpoint == "file/scan" || endpoint == "file/rescan") {
        route.kind = ApiRoute::Kind::File;
        idParameter = "resource";
    } else if (endpoint == "url/report" || endpoint == "url/scan") {
        route.kind = ApiRoute::Kind::Url;
        idParameter = "resource";
    } else if (endpoint == "domain/report") {
        route.kind = ApiRoute::Kind::Domain;
        idParameter = "domain";
    } else if (endpoint == "ip-address/report") {
        route.kind = ApiRoute::Kind::IpAddress;
        idParameter = "ip";
    } else if (endpoint.startsWith("comments/")) {
        route.kind = ApiRoute::Kind::Comment;
        idParameter = "resource";
    } else {
        route.kind = ApiRoute::Kind::Other;
    }
    route.subPath = QString::fromLatin1(endpoint);

    QUrlQuery parsed;
    parsed.setQuery(QString::fromLatin1(QByteArray(query).replace('+', ' ')));
    if (!idParameter.isEmpty())
        route.objectId = parsed.queryItemValue(QString::fromLatin1(idParameter), QUrl::FullyDecoded).trimmed();
    if (route.kind == ApiRoute::Kind::File || route.kind == ApiRoute::Kind::Domain)
        route.objectId = route.objectId.toLower();

    const bool read = method == "GET" || method == "HEAD";
    const bool report = endpoint.endsWith("/report");
    // url/report with scan=1 submits an unknown URL for scanning, so it is not a pure read.
    const bool submits = parsed.queryItemValue(QStringLiteral("scan")) == u"1";
    if (!read || !report || submits || route.objectId.isEmpty())
        return;

    route.cacheClass = ApiRoute::CacheClass::V2Report;
    QString key = QStringLiteral("v2:") + route.subPath + u':' + route.objectId;
    // Everything but the object id still changes the answer (for example allinfo=1).
    QUrlQuery others(QString::fromLatin1(normalizedQuery(query)));
    others.removeAllQueryItems(QString::fromLatin1(idParameter));
    if (!others.isEmpty())
        key += u'?' + others.toString(QUrl::FullyEncoded);
    route.cacheKey = key;
}

} // namespace vtrelay
