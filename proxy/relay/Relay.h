// SPDX-License-Identifier: MIT
#pragma once

#include "access/AccessPolicy.h"
#include "cache/CachePolicy.h"
#include "http/HttpConnection.h"
#include "quota/QuotaScheduler.h"
#include "upstream/UpstreamClient.h"
#include "vt/ApiRoute.h"

#include <QCache>
#include <QHash>
#include <QHostAddress>
#include <QPointer>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace vtrelay {

class ApiKeyProvider;
class CacheStore;
struct CacheEntry;
class HttpExchange;
struct HttpRequest;
class HttpServer;
class RequestLog;
struct RequestRecord;

struct RelaySettings
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8684;
    UpstreamClient::Settings upstream;
    QString cacheDirectory;
    HttpServerSettings http;
    CachePolicy::Settings cachePolicy;
    QuotaScheduler::Limits quota;
    QStringList allowedOrigins;                 // browser origins allowed to call the relay (CORS)
    bool requireTokens = false;                 // clients must present a relay token as their key
    QHash<QByteArray, QString> tokens;          // SHA-256 hex of each relay token -> its name
    bool offline = false;                       // answer from the cache only
    bool learnQuota = true;                     // ask VirusTotal for the key's real limits at start
    qint64 maxStaleSeconds = 7 * 24 * 3600;     // oldest expired entry served when upstream fails
};

// The relay: accepts client requests, answers repeats from the cache, and forwards the rest
// to VirusTotal with the team's key. Lives on one thread (never the GUI thread in the app).
class Relay : public QObject
{
    Q_OBJECT
public:
    Relay(const RelaySettings &settings, ApiKeyProvider *keys, QObject *parent = nullptr);
    ~Relay() override;

    // Opens the cache and starts listening; returns false with a message a user can act on.
    bool start(QString *error);
    void stop();
    // Stops listening and waits up to timeoutMs for the requests in progress to be answered.
    void drain(int timeoutMs);

    const RelaySettings &settings() const { return m_settings; }
    quint16 serverPort() const;
    CacheStore *cache() const { return m_cache; }
    RequestLog *requestLog() const { return m_log; }
    ApiKeyProvider *keys() const { return m_keys; }
    UpstreamClient *upstream() const { return m_upstream; }
    const CachePolicy &cachePolicy() const { return m_policy; }
    // Replaces the allowed browser origins at run time; relay thread only.
    void setAllowedOrigins(const QStringList &origins);
    // Replaces the cache lifetimes at run time (the window's settings); relay thread only.
    void setCachePolicySettings(const CachePolicy::Settings &settings) { m_policy.setSettings(settings); }
    QuotaScheduler *scheduler() const { return m_scheduler; }
    // A status line for the headless log: quota use per window, queue and cache statistics.
    QString statusLine();

    // Whether request log records carry a preview of the response body (the window shows it).
    void setRecordBodies(bool record) { m_recordBodies = record; }

    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

    // Answers exchange with a relay error in VirusTotal's shape (v2 clients get the status
    // their library expects) and logs it.
    void respondWithError(HttpExchange *exchange, const ApiRoute &route, int status, const QString &code,
                          const QString &message, int retryAfterSeconds = 0);
    // Serves a cached entry to exchange with the given X-Cache outcome.
    void serveFromCache(HttpExchange *exchange, const ApiRoute &route, const CacheEntry &entry,
                        const QByteArray &outcome);
    // Adds a finished exchange to the request log and to the headless log lines.
    void logExchange(HttpExchange *exchange, const ApiRoute &route, const QByteArray &outcome,
                     const QString &errorCode, const QByteArray &decodedBody);
    void noteUpstreamStatus(int status, const QByteArray &errorCode);
    // Serves an expired entry marked STALE when one exists within the maximum stale age.
    bool tryServeStale(HttpExchange *exchange, const ApiRoute &route);
    // Called after a ProxyCall stored an entry: answers queued calls that it satisfies.
    void onEntryStored(const QString &key);
    // Drops entries that a write (upload, rescan, comment, vote) made out of date.
    void invalidateAfterWrite(const ApiRoute &route, int status, const QByteArray &decodedBody);
    // Sends a call that upstream rejected for quota back to the queue, if its wait allows.
    void retryAfterQuotaReject(HttpExchange *exchange, const ApiRoute &route, const QByteArray &outcome);
    void upstreamCallFinished(quint64 token) { m_scheduler->finished(token); }
    // Releases the requests waiting on leader after leader's client left before its answer.
    void leaderGone(const void *leader, const ApiRoute &route);
    // Called by a ProxyCall whose client may have left: shares the answer with the waiters.
    void leaderFinished(const void *leader, const ApiRoute &route, int status, const HttpHeaders &headers,
                        const QByteArray &decodedBody)
    {
        releaseWaiters(leader, route, status, headers, decodedBody);
    }
    void noteUpstreamUnreachable(const QString &message);

signals:
    void listening(const QString &address);
    // The upstream rejected the key (401 WrongCredentialsError).
    void keyRejected();
    void upstreamUnreachable(const QString &message);
    void upstreamReachable();
    void pausedChanged(bool paused);
    // A browser page from origin was refused; the window offers to allow it.
    void originRejected(const QString &origin);
    void cacheRecovered(const QString &movedTo);

private:
    void onExchange(HttpExchange *exchange);
    void forward(HttpExchange *exchange, const ApiRoute &route, const QByteArray &outcome);
    // The headers and target of the upstream request: the client's key removed, the relay's added.
    void prepareUpstreamRequest(const HttpRequest &request, const ApiRoute &route, HttpHeaders *headers,
                                QByteArray *pathAndQuery) const;
    void rejectForQuota(HttpExchange *exchange, const ApiRoute &route, int retryAfterSeconds);
    // Answers the requests that waited for leader's identical request, from the cache or with
    // the leader's response; a status of 0 makes them ask again on their own.
    void releaseWaiters(const void *leader, const ApiRoute &route, int status, const HttpHeaders &leaderHeaders,
                        const QByteArray &decodedBody);
    void answerRelayInfo(HttpExchange *exchange, const ApiRoute &route);
    // Asks /api/v3/users/{key}/overall_quotas for the key's daily and monthly limits and use.
    void learnQuota();
    void applyLearntQuota(const QByteArray &body);
    // Applies the Host, CORS and token rules; returns false when it has answered the request.
    bool admit(HttpExchange *exchange, const ApiRoute &route);

    RelaySettings m_settings;
    ApiKeyProvider *m_keys;
    HttpServer *m_server = nullptr;
    CacheStore *m_cache = nullptr;
    RequestLog *m_log;
    UpstreamClient *m_upstream;
    CachePolicy m_policy;
    AccessPolicy m_access;
    QuotaScheduler *m_scheduler;
    quint64 m_nextCallToken = 1;
    // Identical cacheable requests in flight: the first one's exchange, then those waiting on it.
    QHash<QString, const void *> m_leaders;
    QCache<QString, QByteArray> m_decodedHot; // keyed by cache key and storage time
    QHash<QString, QList<QPointer<HttpExchange>>> m_waiters;
    QTimer m_flushTimer;
    bool m_paused = false;
    bool m_recordBodies = false;
    bool m_upstreamDown = false;
    bool m_quotaLearnt = false;
};

} // namespace vtrelay
