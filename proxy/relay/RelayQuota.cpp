// SPDX-License-Identifier: MIT
// The parts of Relay that deal with the key's quota: rejecting and retrying calls, learning
// the key's limits from VirusTotal, and the status line.
#include "Relay.h"

#include "cache/CacheStore.h"
#include "cache/Gzip.h"
#include "http/HttpExchange.h"
#include "keys/ApiKeyProvider.h"
#include "quota/QuotaScheduler.h"
#include "vt/KeyRewriter.h"
#include "ProxyCall.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QUrl>

Q_DECLARE_LOGGING_CATEGORY(lcRelay)

namespace vtrelay {

void Relay::rejectForQuota(HttpExchange *exchange, const ApiRoute &route, int retryAfterSeconds)
{
    if (tryServeStale(exchange, route))
        return;
    if (route.api == ApiRoute::Api::V2) {
        // v2 clients know 204 with an empty body as "quota exceeded".
        HttpHeaders headers{{"X-Cache", "BYPASS"}, {"Retry-After", QByteArray::number(retryAfterSeconds)}};
        exchange->respond(204, headers, QByteArray());
        logExchange(exchange, route, "BYPASS", QStringLiteral("RelayQuotaQueueFull"), QByteArray());
        return;
    }
    respondWithError(exchange, route, 429, QStringLiteral("RelayQuotaQueueFull"),
                     QStringLiteral("The VirusTotal quota allows no more requests now and this one could not "
                                    "start within the maximum wait of %1 s. Retry in %2 s.")
                         .arg(m_scheduler->limits().maxWaitSeconds)
                         .arg(retryAfterSeconds),
                     retryAfterSeconds);
}

void Relay::retryAfterQuotaReject(HttpExchange *exchange, const ApiRoute &route, const QByteArray &outcome)
{
    QPointer<HttpExchange> guard(exchange);
    QuotaScheduler::Call call;
    call.token = m_nextCallToken++;
    call.cost = route.quotaCost();
    call.cacheKey = route.cacheKey;
    // The wait counts from the request's arrival, not from VirusTotal's refusal.
    call.deadlineMs = QDateTime::currentMSecsSinceEpoch() + qint64(m_scheduler->limits().maxWaitSeconds) * 1000
        - exchange->elapsedMs();
    const quint64 token = call.token;
    const void *leader = exchange;
    call.start = [this, guard, leader, route, outcome, token] {
        if (!guard || guard->isAborted()) {
            leaderGone(leader, route);
            return false;
        }
        if (const std::optional<CacheEntry> entry = route.isCacheable() ? m_cache->find(route.cacheKey) : std::nullopt;
            entry && entry->isFresh(QDateTime::currentMSecsSinceEpoch())) {
            serveFromCache(guard, route, *entry, "HIT");
            return false;
        }
        HttpHeaders headers;
        QByteArray pathAndQuery;
        prepareUpstreamRequest(guard->request(), route, &headers, &pathAndQuery);
        auto *proxyCall = new ProxyCall(this, guard, route, outcome,
                                        m_upstream->send(guard->request().method, pathAndQuery, headers, nullptr, -1));
        proxyCall->setSchedulerToken(token);
        return true;
    };
    call.reject = [this, guard, leader, route](int retryAfter) {
        if (guard)
            rejectForQuota(guard, route, retryAfter);
        else
            leaderGone(leader, route);
    };
    m_scheduler->requeueAfterReject(std::move(call));
}

void Relay::learnQuota()
{
    if (m_quotaLearnt || !m_keys->hasKey() || m_settings.offline)
        return;
    m_quotaLearnt = true;
    QuotaScheduler::Call call;
    call.token = m_nextCallToken++;
    const quint64 token = call.token;
    call.start = [this, token] {
        // VirusTotal accepts the key itself as the user id; the path never reaches a log.
        const QByteArray key = m_keys->key().toUtf8();
        const QByteArray path = "/api/v3/users/" + QUrl::toPercentEncoding(QString::fromUtf8(key)) + "/overall_quotas";
        QNetworkReply *reply = m_upstream->send("GET", path, HttpHeaders{{"x-apikey", key}}, nullptr, -1);
        reply->setParent(this);
        connect(reply, &QNetworkReply::finished, this, [this, reply, token] {
            m_scheduler->finished(token);
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            QByteArray body = reply->readAll();
            if (reply->rawHeader("content-encoding").contains("gzip")) {
                QByteArray decoded;
                body = Gzip::decompress(body, &decoded) ? decoded : QByteArray();
            }
            if (status == 200) {
                applyLearntQuota(body);
            } else {
                qCInfo(lcRelay).noquote() << "VirusTotal did not share the key's quota (status" << status
                                          << ") - keeping the configured limits";
                m_quotaLearnt = status != 401; // a rejected key may be replaced, so try again then
            }
            reply->deleteLater();
        });
        return true;
    };
    call.reject = [this](int) { m_quotaLearnt = false; };
    m_scheduler->submit(std::move(call));
}

void Relay::applyLearntQuota(const QByteArray &body)
{
    const QJsonObject data = QJsonDocument::fromJson(body).object().value(u"data").toObject();
    auto bucket = [&data](const char *name, const char *field) {
        return data.value(QLatin1String(name)).toObject().value(u"user").toObject().value(QLatin1String(field)).toInt(-1);
    };
    QuotaScheduler::Limits limits = m_scheduler->limits();
    const int dailyAllowed = bucket("api_requests_daily", "allowed");
    const int monthlyAllowed = bucket("api_requests_monthly", "allowed");
    if (dailyAllowed > 0)
        limits.perDay = dailyAllowed;
    if (monthlyAllowed > 0)
        limits.perMonth = monthlyAllowed;
    m_scheduler->setLimits(limits);
    m_scheduler->learnUsage(qMax(0, bucket("api_requests_daily", "used")), qMax(0, bucket("api_requests_monthly", "used")));
    qCInfo(lcRelay).noquote() << QStringLiteral("Learnt the key's quota from VirusTotal: %1 a day, %2 a month")
                                     .arg(limits.perDay)
                                     .arg(limits.perMonth);
}

QString Relay::statusLine()
{
    const QuotaScheduler::State quota = m_scheduler->state();
    const CacheStore::Stats cache = m_cache ? m_cache->stats() : CacheStore::Stats();
    return QStringLiteral("Quota used: %1/%2 this minute, %3/%4 today, %5/%6 this month; %7 queued, %8 rejected. "
                          "Cache: %9 entries, %10 KiB, %11 hits.")
        .arg(quota.usedMinute).arg(quota.limits.perMinute)
        .arg(quota.usedDay).arg(quota.limits.perDay)
        .arg(quota.usedMonth).arg(quota.limits.perMonth)
        .arg(quota.queued).arg(quota.rejected)
        .arg(cache.entries).arg(cache.bytes / 1024).arg(cache.hits);
}

} // namespace vtrelay
