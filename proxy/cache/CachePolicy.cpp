// SPDX-License-Identifier: MIT
#include "CachePolicy.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vtrelay {

qint64 CachePolicy::ttlSeconds(const ApiRoute &route, int status, const QByteArray &body) const
{
    if (!route.isCacheable())
        return 0;

    if (route.api == ApiRoute::Api::V2) {
        return status == 200 ? v2ReportTtl(body) : 0;
    }

    if (status == 404) {
        // Only a genuine "no such object" answer is worth remembering.
        const QJsonObject error = QJsonDocument::fromJson(body).object().value(u"error").toObject();
        const bool notFound = error.value(u"code").toString() == u"NotFoundError";
        return notFound && route.cacheClass == ApiRoute::CacheClass::Object ? m_settings.notFoundTtlSeconds : 0;
    }
    if (status != 200)
        return 0; // errors, 204 and 429 are never cached

    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject())
        return 0;

    switch (route.cacheClass) {
    case ApiRoute::CacheClass::Object:
        return m_settings.objectTtlSeconds;
    case ApiRoute::CacheClass::Collection:
        if (route.subPath.endsWith(u"comments") || route.subPath.endsWith(u"votes"))
            return m_settings.commentTtlSeconds;
        return m_settings.collectionTtlSeconds;
    case ApiRoute::CacheClass::Analysis: {
        const QString state = document.object().value(u"data").toObject().value(u"attributes").toObject()
                                  .value(u"status").toString();
        return state == u"completed" ? m_settings.analysisTtlSeconds : 0;
    }
    case ApiRoute::CacheClass::V2Report:
    case ApiRoute::CacheClass::None:
        break;
    }
    return 0;
}

qint64 CachePolicy::v2ReportTtl(const QByteArray &body) const
{
    // response_code 1 is a report, 0 "not in the dataset", -2 "still queued"; a batch answer
    // is a list and lives only as long as its shortest-lived item.
    const QJsonDocument document = QJsonDocument::fromJson(body);
    QJsonArray items;
    if (document.isArray())
        items = document.array();
    else if (document.isObject())
        items.append(document.object());
    if (items.isEmpty())
        return 0;

    qint64 ttl = m_settings.objectTtlSeconds;
    for (const QJsonValue &item : std::as_const(items)) {
        const QJsonValue code = item.toObject().value(u"response_code");
        if (!code.isDouble())
            return 0;
        const int value = code.toInt();
        if (value == 1)
            continue;
        if (value == 0)
            ttl = qMin(ttl, m_settings.notFoundTtlSeconds);
        else
            return 0;
    }
    return ttl;
}

} // namespace vtrelay
