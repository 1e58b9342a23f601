// SPDX-License-Identifier: MIT
// The parts of Relay that let requests share answers: waiting on an identical request in
// flight, serving stale entries, and dropping entries that writes made out of date.
#include "Relay.h"

#include "cache/CacheStore.h"
#include "http/HttpExchange.h"
#include "quota/QuotaScheduler.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace vtrelay {

void Relay::releaseWaiters(const void *leader, const ApiRoute &route, int status, const HttpHeaders &leaderHeaders,
                           const QByteArray &decodedBody)
{
    // leader is only compared, never used: its client may have left and the exchange be gone.
    if (!route.isCacheable() || m_leaders.value(route.cacheKey) != leader)
        return;
    m_leaders.remove(route.cacheKey);
    const QList<QPointer<HttpExchange>> waiters = m_waiters.take(route.cacheKey);
    if (waiters.isEmpty())
        return;
    const std::optional<CacheEntry> entry = m_cache->find(route.cacheKey);
    const bool cached = entry && entry->isFresh(QDateTime::currentMSecsSinceEpoch());
    HttpHeaders headers = leaderHeaders;
    headers.remove("content-encoding");
    headers.remove("content-length");
    headers.set("X-Cache", "COALESCED");
    for (const QPointer<HttpExchange> &waiter : waiters) {
        if (!waiter || waiter->isAborted())
            continue;
        if (cached) {
            serveFromCache(waiter, route, *entry, "COALESCED");
        } else if (status > 0 && (!decodedBody.isEmpty() || status == 204)) {
            waiter->respond(status, headers, decodedBody);
            logExchange(waiter, route, "COALESCED", QString(), decodedBody);
        } else {
            onExchange(waiter); // nothing to share: ask again, the first waiter leading
        }
    }
}

void Relay::leaderGone(const void *leader, const ApiRoute &route)
{
    releaseWaiters(leader, route, 0, HttpHeaders(), QByteArray());
}

bool Relay::tryServeStale(HttpExchange *exchange, const ApiRoute &route)
{
    if (!exchange || !route.isCacheable())
        return false;
    const std::optional<CacheEntry> entry = m_cache->find(route.cacheKey);
    if (!entry)
        return false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - entry->storedAt > m_settings.maxStaleSeconds * 1000)
        return false;
    serveFromCache(exchange, route, *entry, entry->isFresh(now) ? "HIT" : "STALE");
    return true;
}

void Relay::onEntryStored(const QString &key)
{
    const std::optional<CacheEntry> stored = m_cache->find(key);
    if (!stored)
        return;
    // Queued calls that this entry answers (for example the same file asked by another hash)
    // are served now instead of waiting for quota.
    const QList<QuotaScheduler::Call> answered = m_scheduler->takeQueued([this, &stored](const QuotaScheduler::Call &call) {
        if (call.cacheKey.isEmpty())
            return false;
        const std::optional<CacheEntry> entry = m_cache->find(call.cacheKey);
        return entry && entry->key == stored->key;
    });
    for (const QuotaScheduler::Call &call : answered)
        call.start(); // start() finds the fresh entry and serves it without upstream
}

void Relay::invalidateAfterWrite(const ApiRoute &route, int status, const QByteArray &decodedBody)
{
    if (status != 200)
        return;
    // v2 answers name the hashes at the top level; v3 uploads answer with an analysis whose id
    // is base64 of "<md5>:<unix time>". Upload URLs of either API answer in their API's shape.
    QStringList ids;
    const QJsonObject document = QJsonDocument::fromJson(decodedBody).object();
    for (const char *field : {"md5", "sha1", "sha256"}) {
        const QString value = document.value(QLatin1String(field)).toString().toLower();
        if (!value.isEmpty())
            ids.append(value);
    }
    if (route.api == ApiRoute::Api::V2) {
        const QString resource = document.value(u"resource").toString().toLower();
        if (!resource.isEmpty())
            ids.append(resource);
    }
    const QJsonObject data = document.value(u"data").toObject();
    if (data.value(u"type").toString() == u"analysis") {
        const QByteArray decoded = QByteArray::fromBase64(data.value(u"id").toString().toLatin1());
        const qsizetype colon = decoded.indexOf(':');
        if (colon > 0)
            ids.append(QString::fromLatin1(decoded.left(colon)).toLower());
    }
    if (route.api == ApiRoute::Api::V3 && !route.objectId.isEmpty() && route.objectId != u"upload_url")
        ids.append(route.objectId);
    for (const QString &id : std::as_const(ids)) {
        for (const QString &prefix : {QStringLiteral("v3:file:"), QStringLiteral("v3:url:"), QStringLiteral("v2:file/report:"),
                                      QStringLiteral("v2:url/report:")}) {
            // The object itself and, after a comment or vote, its comment and vote pages.
            const std::optional<CacheEntry> entry = m_cache->find(prefix + id);
            const QString canonical = entry ? entry->key : prefix + id;
            m_cache->remove(prefix + id);
            m_cache->removeByPrefix(canonical + u'/');
        }
    }
}

} // namespace vtrelay
