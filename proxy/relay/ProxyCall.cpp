// SPDX-License-Identifier: MIT
#include "ProxyCall.h"

#include "Relay.h"
#include "cache/CacheEntry.h"
#include "cache/CacheStore.h"
#include "http/HttpExchange.h"
#include "keys/ApiKeyProvider.h"
#include "vt/ResponseRewriter.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkReply>

Q_DECLARE_LOGGING_CATEGORY(lcUpstream)

namespace vtrelay {

namespace {
// Bodies larger than this are streamed without a cache copy.
constexpr qsizetype kMaxCachedBodyBytes = 32 * 1024 * 1024;
// JSON answers are read whole before they are sent; larger ones are refused.
constexpr qsizetype kMaxBufferedJsonBytes = 128 * 1024 * 1024;
// The upstream download pauses while this much output waits for a slow client.
constexpr qint64 kMaxPendingOutput = 1024 * 1024;

// End-to-end upstream headers that are replayed on a cache hit.
bool isReplayedHeader(const QByteArray &name)
{
    return name.compare("content-type", Qt::CaseInsensitive) == 0
        || (name.toLower().startsWith("x-") && name.compare("x-cache", Qt::CaseInsensitive) != 0);
}
} // namespace

ProxyCall::ProxyCall(Relay *relay, HttpExchange *exchange, const ApiRoute &route, const QByteArray &outcome,
                     QNetworkReply *reply)
    : QObject(relay)
    , m_relay(relay)
    , m_exchange(exchange)
    , m_leader(exchange)
    , m_route(route)
    , m_outcome(outcome)
    , m_reply(reply)
{
    m_reply->setParent(this);
    m_reply->setReadBufferSize(512 * 1024);
    connect(m_reply, &QNetworkReply::readyRead, this, &ProxyCall::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &ProxyCall::onFinished);
    connect(exchange, &HttpExchange::aborted, this, &ProxyCall::onClientAborted);
    connect(exchange, &HttpExchange::outputDrained, this, &ProxyCall::onReadyRead);
}

ProxyCall::~ProxyCall() = default;

bool ProxyCall::needsRewrite(const ApiRoute &route)
{
    if (route.api == ApiRoute::Api::V2)
        return route.subPath.contains(u"upload_url");
    return route.kind == ApiRoute::Kind::User || route.kind == ApiRoute::Kind::Search
        || route.cacheClass == ApiRoute::CacheClass::Collection || route.objectId == u"upload_url"
        || route.subPath == u"download_url";
}

bool ProxyCall::startResponse()
{
    if (m_started)
        return true;
    const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid())
        return false; // no HTTP answer yet, or a network error that onFinished() reports
    m_started = true;
    m_status = status.toInt();
    m_upstreamGzip = m_reply->rawHeader("content-encoding").trimmed().compare("gzip", Qt::CaseInsensitive) == 0;
    const bool isJson = m_reply->rawHeader("content-type").contains("json");
    // Every JSON answer is read whole, so that an echo of the key is removed wherever it is.
    m_buffering = isJson;
    const bool write = m_route.isApi() && m_exchange && m_exchange->request().method == "POST";
    m_collecting = m_buffering || write || (m_route.isCacheable() && (m_status == 200 || m_status == 404));
    const bool quotaAnswer = m_status == 429 || (m_route.api == ApiRoute::Api::V2 && m_status == 204);
    if (quotaAnswer && m_exchange && !m_exchange->request().hasBody()) {
        // Retried after the quota window instead of passing VirusTotal's refusal on.
        m_quotaRejected = true;
        m_buffering = true;
        m_collecting = false;
        return true;
    }
    if (m_status == 401)
        m_relay->noteUpstreamStatus(m_status, QByteArray());
    if (m_buffering || !m_exchange)
        return true;

    HttpHeaders headers;
    for (const auto &field : m_reply->rawHeaderPairs()) {
        if (HttpHeaders::isHopByHop(field.first) || field.first.compare("content-length", Qt::CaseInsensitive) == 0
            || field.first.compare("content-encoding", Qt::CaseInsensitive) == 0)
            continue;
        headers.append(field.first, sanitizedHeaderValue(field.second));
    }
    headers.set("X-Cache", m_outcome);

    qint64 length = -1;
    if (m_upstreamGzip && !m_exchange->acceptsGzip()) {
        m_inflater = std::make_unique<GzipInflater>();
    } else {
        if (m_upstreamGzip)
            headers.append("Content-Encoding", "gzip");
        bool ok = false;
        const qint64 declared = m_reply->rawHeader("content-length").toLongLong(&ok);
        if (ok)
            length = declared;
    }
    m_exchange->beginResponse(m_status, headers, length);
    return true;
}

QByteArray ProxyCall::sanitizedHeaderValue(const QByteArray &value) const
{
    // A redirect or any other header may carry the key, for example as ?apikey= in Location.
    const QByteArray key = m_relay->keys()->key().toUtf8();
    if (key.isEmpty() || !value.contains(key))
        return value;
    return ResponseRewriter({}, QByteArray(), key).rewrite(value);
}

void ProxyCall::writeToClient(const QByteArray &data)
{
    if (!m_exchange || data.isEmpty())
        return;
    m_exchange->writeBody(m_inflater ? m_inflater->inflate(data) : data);
}

void ProxyCall::onReadyRead()
{
    if (m_done || !startResponse())
        return;
    while (m_reply->bytesAvailable() > 0) {
        if (!m_buffering && m_exchange && m_exchange->pendingOutputBytes() > kMaxPendingOutput)
            return; // resumed by outputDrained
        const QByteArray data = m_reply->read(256 * 1024);
        if (m_buffering && m_collected.size() + data.size() > kMaxBufferedJsonBytes) {
            qCWarning(lcUpstream) << "A JSON answer from upstream passed" << kMaxBufferedJsonBytes
                                  << "bytes; it was cut off";
            m_collecting = false;
            m_collected.clear();
            m_reply->abort(); // onFinished() answers the client
            return;
        }
        if (m_collecting) {
            if (m_collected.size() + data.size() <= kMaxCachedBodyBytes) {
                m_collected.append(data);
            } else if (!m_buffering) {
                m_collecting = false;
                m_collected.clear();
            }
        }
        if (!m_buffering)
            writeToClient(data);
    }
}

QByteArray ProxyCall::decodedCopy() const
{
    if (!m_upstreamGzip)
        return m_collected;
    QByteArray decoded;
    if (!Gzip::decompress(m_collected, &decoded))
        return QByteArray();
    return decoded;
}

void ProxyCall::onFinished()
{
    if (m_done)
        return;
    if (m_exchange && m_exchange->isAborted() && !m_route.isCacheable()) {
        done(); // the client left and the transfer was cut short on purpose
        return;
    }
    const bool httpAnswer = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).isValid();
    if (!httpAnswer) {
        const bool timedOut = m_reply->error() == QNetworkReply::OperationCanceledError
            || m_reply->error() == QNetworkReply::TimeoutError;
        const QString host = m_relay->upstream()->settings().baseUrl.host();
        const QString reason = m_relay->keys()->redact(m_reply->errorString());
        qCWarning(lcUpstream).noquote() << "Request to" << host << "failed:" << reason;
        if (!timedOut)
            m_relay->noteUpstreamUnreachable(reason);
        // stale-if-error: an expired answer is better than none while upstream is away.
        if (m_exchange && !m_relay->tryServeStale(m_exchange, m_route)) {
            if (timedOut) {
                m_relay->respondWithError(m_exchange, m_route, 504, QStringLiteral("RelayUpstreamTimeout"),
                                          QStringLiteral("%1 did not answer in time. Retry later.").arg(host), 30);
            } else {
                m_relay->respondWithError(m_exchange, m_route, 502, QStringLiteral("RelayUpstreamUnreachable"),
                                          QStringLiteral("Cannot reach %1: %2. Check the network connection "
                                                         "and the --upstream setting.").arg(host, reason), 30);
            }
        }
        done();
        return;
    }

    startResponse();
    if (m_quotaRejected) {
        m_relay->upstreamCallFinished(m_token);
        if (m_exchange)
            m_relay->retryAfterQuotaReject(m_exchange, m_route, m_outcome);
        else
            m_relay->leaderGone(m_leader, m_route);
        done();
        return;
    }
    onReadyRead();
    // onReadyRead() may have paused for a slow client; read what is left now, the reply is over.
    while (m_reply->bytesAvailable() > 0) {
        const QByteArray data = m_reply->readAll();
        if (m_collecting)
            m_collected.append(data);
        if (!m_buffering)
            writeToClient(data);
    }
    m_relay->noteUpstreamStatus(m_status, QByteArray());

    const QByteArray decoded = m_collecting ? decodedCopy() : QByteArray();
    if (m_buffering) {
        finishBuffered(decoded);
    } else if (m_exchange) {
        m_exchange->endResponse();
        if (m_reply->error() != QNetworkReply::NoError && m_reply->error() < QNetworkReply::ContentAccessDenied)
            qCWarning(lcUpstream).noquote() << "The answer from upstream broke off:" << m_reply->errorString();
    }
    if (m_collecting && !decoded.isEmpty() && m_route.isCacheable())
        storeInCache(decoded);
    if (m_exchange && m_exchange->request().method == "POST")
        m_relay->invalidateAfterWrite(m_route, m_status, decoded);
    if (m_exchange) {
        m_relay->logExchange(m_exchange, m_route, m_outcome, QString(), decoded);
    } else {
        HttpHeaders headers;
        for (const auto &field : m_reply->rawHeaderPairs()) {
            if (isReplayedHeader(field.first))
                headers.append(field.first, field.second);
        }
        m_relay->leaderFinished(m_leader, m_route, m_status, headers, decoded);
    }
    done();
}

void ProxyCall::finishBuffered(const QByteArray &decodedBody)
{
    if (!m_exchange)
        return;
    const QByteArray key = m_relay->keys()->key().toUtf8();
    QList<QByteArray> origins{"https://www.virustotal.com", "https://virustotal.com", "http://www.virustotal.com"};
    const QByteArray configured = m_relay->upstream()->settings().baseUrl.toString(QUrl::RemovePath | QUrl::StripTrailingSlash).toUtf8();
    if (!origins.contains(configured))
        origins.append(configured);
    const QByteArray host = m_exchange->request().headers.value("host");
    const QByteArray relayOrigin = "http://" + (host.isEmpty() ? QByteArray("127.0.0.1:" + QByteArray::number(m_exchange->localPort())) : host);
    // Absolute links are pointed at the relay only where clients follow them; the key goes
    // from every answer.
    const QList<QByteArray> rewritten = needsRewrite(m_route) ? origins : QList<QByteArray>();
    const QByteArray body = ResponseRewriter(rewritten, relayOrigin, key).rewrite(decodedBody);

    HttpHeaders headers;
    for (const auto &field : m_reply->rawHeaderPairs()) {
        if (HttpHeaders::isHopByHop(field.first) || field.first.compare("content-length", Qt::CaseInsensitive) == 0
            || field.first.compare("content-encoding", Qt::CaseInsensitive) == 0)
            continue;
        headers.append(field.first, sanitizedHeaderValue(field.second));
    }
    headers.set("X-Cache", m_outcome);
    if (m_exchange->acceptsGzip() && body.size() > 1024) {
        headers.append("Content-Encoding", "gzip");
        m_exchange->respond(m_status, headers, Gzip::compress(body));
    } else {
        m_exchange->respond(m_status, headers, body);
    }
}

void ProxyCall::storeInCache(const QByteArray &decodedBody)
{
    const qint64 ttl = m_relay->cachePolicy().ttlSeconds(m_route, m_status, decodedBody);
    if (ttl <= 0)
        return;
    const QByteArray key = m_relay->keys()->key().toUtf8();
    if (!key.isEmpty() && decodedBody.contains(key)) {
        qCWarning(lcUpstream) << "Not caching an answer that contains the API key";
        return;
    }
    CacheEntry entry;
    entry.key = m_route.cacheKey;
    // A report names every spelling of its object: a file's three hashes, a URL's SHA-256 id.
    // The entry is stored under the SHA-256 spelling and the others become aliases of it.
    QStringList aliases;
    const QJsonObject document = QJsonDocument::fromJson(decodedBody).object();
    const QString idInKey = u':' + m_route.objectId;
    const qsizetype idAt = m_route.cacheKey.indexOf(idInKey);
    if (m_status == 200 && idAt >= 0 && m_route.cacheClass != ApiRoute::CacheClass::Collection) {
        auto keyFor = [&](const QString &id) {
            return m_route.cacheKey.left(idAt + 1) + id + m_route.cacheKey.mid(idAt + idInKey.size());
        };
        QJsonObject attributes = document.value(u"data").toObject().value(u"attributes").toObject();
        if (m_route.api == ApiRoute::Api::V2)
            attributes = document;
        const QString sha256 = attributes.value(u"sha256").toString().toLower();
        QString canonical;
        if (m_route.kind == ApiRoute::Kind::File && sha256.size() == 64) {
            canonical = sha256;
            aliases << attributes.value(u"md5").toString().toLower() << attributes.value(u"sha1").toString().toLower();
        } else if (m_route.kind == ApiRoute::Kind::Url && m_route.api == ApiRoute::Api::V3) {
            canonical = document.value(u"data").toObject().value(u"id").toString().toLower();
        }
        if (!canonical.isEmpty() && canonical != m_route.objectId) {
            entry.key = keyFor(canonical);
            aliases << m_route.objectId;
        }
        for (QString &alias : aliases)
            alias = alias.isEmpty() || alias == canonical ? QString() : keyFor(alias);
        aliases.removeAll(QString());
    }
    entry.kind = ApiRoute::kindName(m_route.kind);
    entry.objectId = m_route.objectId;
    entry.status = m_status;
    for (const auto &field : m_reply->rawHeaderPairs()) {
        if (isReplayedHeader(field.first))
            entry.headers.append(field.first, field.second);
    }
    // Links inside stored bodies keep pointing at VirusTotal; they are rewritten when served.
    entry.gzipBody = m_upstreamGzip ? m_collected : Gzip::compress(decodedBody);
    entry.storedAt = QDateTime::currentMSecsSinceEpoch();
    entry.expiresAt = entry.storedAt + ttl * 1000;
    m_relay->cache()->store(entry);
    for (const QString &alias : std::as_const(aliases))
        m_relay->cache()->addAlias(alias, entry.key);
    m_relay->onEntryStored(entry.key);
}

void ProxyCall::onClientAborted()
{
    // A cacheable answer is still worth having, so only other transfers are cut short.
    if (!m_route.isCacheable() && !m_done) {
        m_reply->abort();
    }
}

void ProxyCall::done()
{
    if (!m_done && !m_quotaRejected)
        m_relay->upstreamCallFinished(m_token);
    // Every other way out (errors, a client that left) still lets waiters go on.
    if (!m_done && !m_quotaRejected)
        m_relay->leaderGone(m_leader, m_route);
    m_done = true;
    deleteLater();
}

} // namespace vtrelay
