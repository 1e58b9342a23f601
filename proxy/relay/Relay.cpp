// SPDX-License-Identifier: MIT
#include "Relay.h"

#include "BodySpool.h"
#include "ProxyCall.h"
#include "cache/CacheStore.h"
#include "cache/Gzip.h"
#include "http/HttpExchange.h"
#include "http/HttpServer.h"
#include "http/RequestBodyPipe.h"
#include "keys/ApiKeyProvider.h"
#include "log/RequestLog.h"
#include "quota/QuotaScheduler.h"
#include "vt/ApiRouter.h"
#include "vt/KeyRewriter.h"
#include "vt/MultipartFieldFilter.h"
#include "vt/ResponseRewriter.h"
#include "vt/VtError.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QUrl>

Q_LOGGING_CATEGORY(lcRelay, "vtrelay.relay")
Q_LOGGING_CATEGORY(lcRequests, "vtrelay.requests")

namespace vtrelay {

namespace {
// Decoded bodies of hot entries kept for clients that do not accept gzip.
constexpr int kDecodedHotBytes = 32 * 1024 * 1024;
// urlencoded v2 bodies are rewritten in memory, so they are bounded.
constexpr qint64 kMaxFormBodyBytes = 1024 * 1024;

QString clientOf(const HttpRequest &request)
{
    const QByteArray origin = request.headers.value("origin");
    if (!origin.isEmpty())
        return QString::fromUtf8(origin);
    return QString::fromUtf8(request.headers.value("user-agent"));
}

QString apiName(ApiRoute::Api api)
{
    switch (api) {
    case ApiRoute::Api::V3: return QStringLiteral("v3");
    case ApiRoute::Api::V2: return QStringLiteral("v2");
    case ApiRoute::Api::None: break;
    }
    return QString();
}

bool isHashId(const QString &id)
{
    return id.size() == 32 || id.size() == 40 || id.size() == 64;
}

bool wantsFreshAnswer(const HttpRequest &request)
{
    return request.headers.hasToken("cache-control", "no-cache")
        || request.headers.hasToken("cache-control", "max-age=0")
        || request.headers.hasToken("pragma", "no-cache");
}
} // namespace

Relay::Relay(const RelaySettings &settings, ApiKeyProvider *keys, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_keys(keys)
    , m_log(new RequestLog(10'000, this))
    , m_upstream(new UpstreamClient(this))
    , m_policy(settings.cachePolicy)
    , m_scheduler(new QuotaScheduler(settings.quota, this))
    , m_decodedHot(kDecodedHotBytes)
{
    AccessPolicy::Settings access;
    access.port = settings.port;
    access.allowedOrigins = settings.allowedOrigins;
    access.requireTokens = settings.requireTokens;
    access.tokens = settings.tokens;
    m_access.setSettings(access);
    m_flushTimer.setInterval(2000);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] {
        if (m_cache)
            m_cache->flush();
    });
}

Relay::~Relay()
{
    stop();
}

bool Relay::start(QString *error)
{
    if (!m_upstream->configure(m_settings.upstream, error))
        return false;

    m_cache = new CacheStore(m_settings.cacheDirectory, this);
    connect(m_cache, &CacheStore::recovered, this, &Relay::cacheRecovered);
    if (!m_cache->open(error))
        return false;

    m_server = new HttpServer(m_settings.http, this);
    connect(m_server, &HttpServer::exchangeStarted, this, &Relay::onExchange);
    if (!m_server->listen(m_settings.address, m_settings.port)) {
        *error = QStringLiteral("Cannot listen on %1:%2: %3. Is another VT Relay running? Choose another "
                                "port with --listen.")
                     .arg(m_settings.address.toString())
                     .arg(m_settings.port)
                     .arg(m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    AccessPolicy::Settings access = m_access.settings();
    access.port = m_server->serverPort(); // the real port when --listen asked for port 0
    m_access.setSettings(access);
    m_flushTimer.start();
    if (m_settings.learnQuota) {
        connect(m_keys, &ApiKeyProvider::keyChanged, this, &Relay::learnQuota, Qt::QueuedConnection);
        if (m_keys->hasKey())
            QMetaObject::invokeMethod(this, &Relay::learnQuota, Qt::QueuedConnection);
    }
    emit listening(QStringLiteral("%1:%2").arg(m_settings.address.toString()).arg(m_server->serverPort()));
    return true;
}

void Relay::stop()
{
    m_flushTimer.stop();
    if (m_server)
        m_server->close();
    if (m_cache)
        m_cache->flush();
}

void Relay::drain(int timeoutMs)
{
    if (!m_server)
        return;
    m_server->close();
    QDeadlineTimer deadline(timeoutMs);
    int busy = m_server->busyConnectionCount();
    if (busy > 0)
        qCInfo(lcRelay) << "Requests in progress, waiting for them before stopping:" << busy;
    while (busy > 0 && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        busy = m_server->busyConnectionCount();
    }
    if (busy > 0)
        qCWarning(lcRelay) << "Requests still in progress when the relay stopped:" << busy;
}

quint16 Relay::serverPort() const
{
    return m_server ? m_server->serverPort() : 0;
}

void Relay::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    qCInfo(lcRelay) << (paused ? "Relay paused" : "Relay resumed");
    emit pausedChanged(paused);
}

void Relay::onExchange(HttpExchange *exchange)
{
    const HttpRequest &request = exchange->request();
    ApiRoute route = ApiRouter::route(request.method, request.target);
    if (!admit(exchange, route))
        return;
    if (route.invalidPath) {
        respondWithError(exchange, route, 400, QStringLiteral("RelayBadRequest"),
                         QStringLiteral("The path contains an encoded '/', '\\' or NUL, a malformed '%' escape, or a "
                                        "'.' or '..' segment; VirusTotal paths need none of these."));
        return;
    }
    // An answer whose cache key would hold the key is not cached.
    if (route.isCacheable() && m_keys->hasKey() && route.cacheKey.contains(m_keys->key()))
        route.cacheKey.clear();

    if (!route.isApi()) {
        if (request.path() == "/" && (request.method == "GET" || request.method == "HEAD")) {
            answerRelayInfo(exchange, route);
            return;
        }
        respondWithError(exchange, route, 404, QStringLiteral("RelayNotFound"),
                         QStringLiteral("VT Relay forwards only /api/v3/ and /vtapi/v2/ requests; %1 is neither.")
                             .arg(QString::fromUtf8(KeyRewriter::redactTarget(request.path()))));
        return;
    }
    if (m_paused) {
        respondWithError(exchange, route, 503, QStringLiteral("RelayPaused"),
                         QStringLiteral("VT Relay is paused. Resume it from the tray menu."), 60);
        return;
    }
    if (!m_keys->hasKey()) {
        respondWithError(exchange, route, route.api == ApiRoute::Api::V2 ? 403 : 401, QStringLiteral("RelayNoApiKey"),
                         QStringLiteral("VT Relay has no VirusTotal API key. Set one with `vtrelay key set` "
                                        "(it reads the key from standard input), in the window's Key tab, or "
                                        "through the VTRELAY_API_KEY environment variable."));
        return;
    }

    const bool read = request.method == "GET" || request.method == "HEAD";
    if (route.isCacheable() && read) {
        const bool fresh = wantsFreshAnswer(request);
        if (!fresh) {
            if (const std::optional<CacheEntry> entry = m_cache->find(route.cacheKey);
                entry && entry->isFresh(QDateTime::currentMSecsSinceEpoch())) {
                serveFromCache(exchange, route, *entry, "HIT");
                return;
            }
        }
        if (m_settings.offline) {
            if (!tryServeStale(exchange, route)) {
                respondWithError(exchange, route, 503, QStringLiteral("RelayOffline"),
                                 QStringLiteral("VT Relay is in offline mode and has no cached answer for this "
                                                "request. Turn offline mode off to ask VirusTotal."));
            }
            return;
        }
        if (!fresh && m_leaders.contains(route.cacheKey)) {
            // An identical request is already on its way upstream: share its answer.
            qCDebug(lcRelay).noquote() << "Waiting for the identical request in flight for" << route.cacheKey;
            m_waiters[route.cacheKey].append(exchange);
            return;
        }
        if (!fresh)
            m_leaders.insert(route.cacheKey, exchange);
        forward(exchange, route, fresh ? "BYPASS" : "MISS");
        return;
    }
    if (m_settings.offline) {
        respondWithError(exchange, route, 503, QStringLiteral("RelayOffline"),
                         QStringLiteral("VT Relay is in offline mode and forwards nothing to VirusTotal."));
        return;
    }
    forward(exchange, route, "BYPASS");
}

bool Relay::admit(HttpExchange *exchange, const ApiRoute &route)
{
    const HttpRequest &request = exchange->request();
    const QByteArray host = request.headers.value("host");
    if (!m_access.isHostAllowed(host)) {
        // A page that rebinds its own name to 127.0.0.1 still sends that name as Host.
        respondWithError(exchange, route, 421, QStringLiteral("RelayHostNotAllowed"),
                         QStringLiteral("The Host header \"%1\" does not name this relay. Use "
                                        "http://127.0.0.1:%2 or http://localhost:%2.")
                             .arg(QString::fromUtf8(host).left(200))
                             .arg(m_access.settings().port));
        return false;
    }

    const QByteArray origin = request.headers.value("origin");
    if (!origin.isEmpty()) {
        if (!m_access.isOriginAllowed(origin)) {
            qCInfo(lcRelay).noquote() << "Refused a request from the web origin" << QString::fromUtf8(origin).left(200);
            emit originRejected(QString::fromUtf8(origin));
            respondWithError(exchange, route, 403, QStringLiteral("RelayOriginNotAllowed"),
                             QStringLiteral("Web pages from %1 may not use VT Relay. If you trust this origin, add it "
                                            "to the allowed origins in the window's Settings tab or in the team "
                                            "configuration.").arg(QString::fromUtf8(origin).left(200)));
            return false;
        }
        exchange->addResponseHeaders(AccessPolicy::corsResponseHeaders(origin));
        if (request.method == "OPTIONS" && request.headers.contains("access-control-request-method")) {
            exchange->addResponseHeaders(AccessPolicy::preflightHeaders(origin));
            exchange->respond(204, HttpHeaders{{"X-Cache", "BYPASS"}}, QByteArray());
            logExchange(exchange, route, "BYPASS", QString(), QByteArray());
            return false;
        }
    }
    // Browsers mark requests from other sites, including those without an Origin header (an
    // image or a link), so a page cannot spend the quota through them.
    const QByteArray fetchSite = request.headers.value("sec-fetch-site").toLower();
    if (origin.isEmpty() && (fetchSite == "cross-site" || fetchSite == "same-site")) {
        qCInfo(lcRelay).noquote() << "Refused a cross-site browser request without an Origin header";
        respondWithError(exchange, route, 403, QStringLiteral("RelayOriginNotAllowed"),
                         QStringLiteral("Web pages may not use VT Relay through links or images. A browser tool "
                                        "must send its Origin, and that origin must be allowed."));
        return false;
    }
    if (request.method == "OPTIONS") {
        exchange->respond(204, HttpHeaders{{"Allow", "GET, HEAD, POST, PATCH, DELETE, OPTIONS"}, {"X-Cache", "BYPASS"}},
                          QByteArray());
        logExchange(exchange, route, "BYPASS", QString(), QByteArray());
        return false;
    }

    if (m_access.settings().requireTokens && route.isApi()) {
        QByteArray presented = request.headers.value("x-apikey");
        if (presented.isEmpty()) {
            for (const QByteArray &pair : request.query().split('&')) {
                if (pair.startsWith("apikey="))
                    presented = QByteArray::fromPercentEncoding(pair.mid(7));
            }
        }
        const QString name = m_access.tokenName(presented);
        if (name.isEmpty()) {
            respondWithError(exchange, route, route.api == ApiRoute::Api::V2 ? 403 : 401,
                             QStringLiteral("RelayInvalidToken"),
                             QStringLiteral("This relay requires a relay token as the API key (the x-apikey header "
                                            "or the apikey parameter). Ask the relay's owner for one; they create "
                                            "it with `vtrelay token add NAME`."));
            return false;
        }
        exchange->setClientName(name);
    }
    return true;
}

void Relay::setAllowedOrigins(const QStringList &origins)
{
    AccessPolicy::Settings settings = m_access.settings();
    settings.allowedOrigins = origins;
    m_access.setSettings(settings);
}

void Relay::prepareUpstreamRequest(const HttpRequest &request, const ApiRoute &route, HttpHeaders *headers,
                                   QByteArray *pathAndQuery) const
{
    const QByteArray key = m_keys->key().toUtf8();
    *headers = UpstreamClient::forwardableHeaders(request.headers);
    KeyRewriter::stripRequestHeaders(*headers);
    if (route.api == ApiRoute::Api::V3)
        headers->set("x-apikey", key);
    const QByteArray query = KeyRewriter::upstreamQuery(route, key);
    *pathAndQuery = route.path + (query.isEmpty() ? QByteArray() : '?' + query);
}

void Relay::forward(HttpExchange *exchange, const ApiRoute &route, const QByteArray &outcome)
{
    const HttpRequest &request = exchange->request();
    HttpHeaders headers;
    QByteArray pathAndQuery;
    prepareUpstreamRequest(request, route, &headers, &pathAndQuery);
    QPointer<HttpExchange> guard(exchange);

    auto send = [this, guard, route, outcome, pathAndQuery, headers](QIODevice *body, qint64 size) {
        if (!guard || guard->isAborted())
            return;
        QuotaScheduler::Call call;
        call.token = m_nextCallToken++;
        call.cost = route.quotaCost();
        call.cacheKey = route.cacheKey;
        if (route.kind == ApiRoute::Kind::File && route.subPath.isEmpty() && isHashId(route.objectId)) {
            call.conflictGroup = QStringLiteral("file");
            call.conflictClass = QString::number(route.objectId.size());
        }
        const quint64 token = call.token;
        const bool read = guard->request().method == "GET" || guard->request().method == "HEAD";
        const void *leader = guard.data();
        call.start = [this, guard, leader, route, outcome, pathAndQuery, headers, body, size, token, read] {
            if (!guard || guard->isAborted()) {
                leaderGone(leader, route);
                return false;
            }
            // The answer may have reached the cache while this call waited (another spelling
            // of the same file, say); then it costs no quota.
            if (route.isCacheable() && read && outcome != "BYPASS") {
                if (const std::optional<CacheEntry> entry = m_cache->find(route.cacheKey);
                    entry && entry->isFresh(QDateTime::currentMSecsSinceEpoch())) {
                    serveFromCache(guard, route, *entry, "HIT");
                    return false;
                }
            }
            QNetworkReply *reply = m_upstream->send(guard->request().method, pathAndQuery, headers, body, size);
            auto *proxyCall = new ProxyCall(this, guard, route, outcome, reply);
            proxyCall->setSchedulerToken(token);
            return true;
        };
        call.reject = [this, guard, leader, route](int retryAfter) {
            if (guard)
                rejectForQuota(guard, route, retryAfter);
            else
                leaderGone(leader, route);
        };
        m_scheduler->submit(std::move(call));
    };

    if (!request.hasBody()) {
        send(nullptr, -1);
        return;
    }

    const QByteArray contentType = request.headers.value("content-type").toLower();
    // Form bodies can carry the client's key in an apikey field, whichever API they go to.
    if (contentType.startsWith("application/x-www-form-urlencoded")) {
        if (request.contentLength > kMaxFormBodyBytes) {
            respondWithError(exchange, route, 413, QStringLiteral("RelayRequestTooLarge"),
                             QStringLiteral("A form body may hold at most %1 bytes.").arg(kMaxFormBodyBytes));
            return;
        }
        auto *spool = new BodySpool(exchange->body(), {}, exchange);
        connect(spool, &BodySpool::ready, exchange, [spool, send] {
            const QByteArray stripped = KeyRewriter::stripFormKey(spool->readAll());
            auto *buffer = new QBuffer(spool);
            buffer->setData(stripped);
            buffer->open(QIODevice::ReadOnly);
            send(buffer, stripped.size());
        });
        return;
    }

    BodySpool::Filter filter;
    const QByteArray boundary = MultipartFieldFilter::boundaryOf(request.headers.value("content-type"));
    if (contentType.startsWith("multipart/form-data") && !boundary.isEmpty()) {
        auto multipart = std::make_shared<MultipartFieldFilter>(boundary, "apikey");
        filter = [multipart](const QByteArray &chunk, bool last) {
            return last ? multipart->finish() : multipart->process(chunk);
        };
    }

    if (!filter && request.contentLength >= 0) {
        // The size is known and nothing changes in the body, so it streams straight through.
        send(exchange->body(), request.contentLength);
        return;
    }
    auto *spool = new BodySpool(exchange->body(), filter, exchange);
    connect(spool, &BodySpool::ready, exchange, [this, guard, route, spool, send] {
        if (spool->hasError()) {
            if (guard)
                respondWithError(guard, route, 507, QStringLiteral("RelayUploadFailed"), spool->errorString());
            return;
        }
        send(spool->device(), spool->size());
    });
}

void Relay::serveFromCache(HttpExchange *exchange, const ApiRoute &route, const CacheEntry &entry,
                           const QByteArray &outcome)
{
    m_cache->recordHit(entry.key);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();

    HttpHeaders headers = entry.headers;
    headers.set("X-Cache", outcome);
    headers.set("Age", QByteArray::number(entry.ageSeconds(now)));
    if (!headers.contains("content-type"))
        headers.set("Content-Type", "application/json");

    QByteArray decoded;
    const bool rewrite = ProxyCall::needsRewrite(route);
    const bool needDecoded = rewrite || !exchange->acceptsGzip() || m_recordBodies;
    // Clients without gzip get the decoded body, which hot entries keep ready in memory.
    const QString decodedKey = entry.key + u'@' + QString::number(entry.storedAt);
    if (needDecoded) {
        if (const QByteArray *ready = m_decodedHot.object(decodedKey))
            decoded = *ready;
    }
    if (needDecoded && decoded.isEmpty() && !entry.gzipBody.isEmpty()) {
        if (Gzip::decompress(entry.gzipBody, &decoded))
            m_decodedHot.insert(decodedKey, new QByteArray(decoded), int(qMin<qsizetype>(decoded.size(), kDecodedHotBytes)));
    }
    if (needDecoded && decoded.isEmpty() && !entry.gzipBody.isEmpty()) {
        qCWarning(lcRelay).noquote() << "Cached entry" << entry.key << "is unreadable; fetching it again";
        m_cache->remove(entry.key);
        forward(exchange, route, "MISS");
        return;
    }
    if (rewrite) {
        const QByteArray host = exchange->request().headers.value("host");
        const QByteArray origin = "http://" + host;
        decoded = ResponseRewriter({"https://www.virustotal.com", "https://virustotal.com"}, origin, QByteArray())
                      .rewrite(decoded);
    }
    if (exchange->acceptsGzip()) {
        headers.set("Content-Encoding", "gzip");
        exchange->respond(entry.status, headers, rewrite ? Gzip::compress(decoded) : entry.gzipBody);
    } else {
        exchange->respond(entry.status, headers, decoded);
    }
    logExchange(exchange, route, outcome, QString(), decoded);
}

void Relay::respondWithError(HttpExchange *exchange, const ApiRoute &route, int status, const QString &code,
                             const QString &message, int retryAfterSeconds)
{
    if (!exchange || exchange->hasResponseStarted())
        return;
    HttpHeaders headers{{"Content-Type", "application/json"}, {"X-Cache", "BYPASS"}};
    if (retryAfterSeconds > 0)
        headers.append("Retry-After", QByteArray::number(retryAfterSeconds));
    const QByteArray body = vtErrorBody(code, m_keys->redact(message));
    exchange->respond(status, headers, body);
    logExchange(exchange, route, "BYPASS", code, body);
}

void Relay::answerRelayInfo(HttpExchange *exchange, const ApiRoute &route)
{
    const QJsonObject info{
        {QStringLiteral("name"), QStringLiteral("VT Relay")},
        {QStringLiteral("version"), QStringLiteral(VTRELAY_VERSION)},
        {QStringLiteral("upstream"), m_settings.upstream.baseUrl.toString()},
        {QStringLiteral("key"), m_keys->hasKey() ? QStringLiteral("set") : QStringLiteral("missing")},
        {QStringLiteral("usage"), QStringLiteral("Send VirusTotal API requests here: /api/v3/... or /vtapi/v2/...")},
    };
    HttpHeaders headers{{"Content-Type", "application/json"}, {"X-Cache", "BYPASS"}};
    exchange->respond(200, headers, QJsonDocument(info).toJson(QJsonDocument::Compact));
    logExchange(exchange, route, "BYPASS", QString(), QByteArray());
}

void Relay::logExchange(HttpExchange *exchange, const ApiRoute &route, const QByteArray &outcome,
                        const QString &errorCode, const QByteArray &decodedBody)
{
    const HttpRequest &request = exchange->request();
    RequestRecord record;
    record.timeMs = QDateTime::currentMSecsSinceEpoch() - exchange->elapsedMs();
    record.client = m_keys->redact(clientOf(request));
    if (!exchange->clientName().isEmpty())
        record.client = QStringLiteral("token %1 (%2)").arg(exchange->clientName(), record.client);
    record.method = QString::fromLatin1(request.method);
    // Redacted after decoding, so that a percent-encoded key is caught too.
    record.target = m_keys->redact(QUrl::fromPercentEncoding(KeyRewriter::redactTarget(request.target)));
    record.api = apiName(route.api);
    record.kind = ApiRoute::kindName(route.kind);
    record.objectId = m_keys->redact(route.objectId);
    record.status = exchange->responseStatus();
    record.cacheOutcome = QString::fromLatin1(outcome);
    record.latencyMs = exchange->elapsedMs();
    record.bytes = exchange->responseBodyBytes();
    record.errorCode = errorCode;
    for (const auto &field : request.headers.fields()) {
        const bool secret = field.first.compare("x-apikey", Qt::CaseInsensitive) == 0
            || field.first.compare("authorization", Qt::CaseInsensitive) == 0
            || field.first.compare("cookie", Qt::CaseInsensitive) == 0;
        record.requestHeaders.append(field.first, secret ? QByteArray("<redacted>") : m_keys->redact(field.second));
    }
    record.responseHeaders = exchange->responseHeaders();
    if (m_recordBodies)
        record.responseBody = m_keys->redact(decodedBody.left(RequestLog::kBodyPreviewBytes));

    // Built by concatenation: a target may contain "%1" and must not be taken for a placeholder.
    QString line = record.method + u' ' + record.target + u' ' + QString::number(record.status) + u' '
        + record.cacheOutcome + u' ' + QString::number(record.latencyMs) + QStringLiteral(" ms ")
        + QString::number(record.bytes) + QStringLiteral(" B");
    if (!errorCode.isEmpty())
        line += u' ' + errorCode;
    qCInfo(lcRequests).noquote() << line;
    m_log->append(std::move(record));
    releaseWaiters(exchange, route, exchange->responseStatus(), exchange->responseHeaders(), decodedBody);
}

void Relay::noteUpstreamStatus(int status, const QByteArray &)
{
    if (m_upstreamDown) {
        m_upstreamDown = false;
        qCInfo(lcRelay) << "The upstream answers again";
        emit upstreamReachable();
    }
    if (status == 401)
        emit keyRejected();
}

void Relay::noteUpstreamUnreachable(const QString &message)
{
    if (!m_upstreamDown) {
        m_upstreamDown = true;
        emit upstreamUnreachable(message);
    }
}

} // namespace vtrelay
