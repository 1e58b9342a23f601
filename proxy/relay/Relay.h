// SPDX-License-Identifier: MIT
#pragma once

#include "cache/CachePolicy.h"
#include "http/HttpConnection.h"
#include "upstream/UpstreamClient.h"
#include "vt/ApiRoute.h"

#include <QHostAddress>
#include <QObject>
#include <QTimer>

namespace vtrelay {

class ApiKeyProvider;
class CacheStore;
struct CacheEntry;
class HttpExchange;
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

    const RelaySettings &settings() const { return m_settings; }
    quint16 serverPort() const;
    CacheStore *cache() const { return m_cache; }
    RequestLog *requestLog() const { return m_log; }
    ApiKeyProvider *keys() const { return m_keys; }
    UpstreamClient *upstream() const { return m_upstream; }
    const CachePolicy &cachePolicy() const { return m_policy; }

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
    void noteUpstreamUnreachable(const QString &message);

signals:
    void listening(const QString &address);
    // The upstream rejected the key (401 WrongCredentialsError).
    void keyRejected();
    void upstreamUnreachable(const QString &message);
    void upstreamReachable();
    void pausedChanged(bool paused);
    void cacheRecovered(const QString &movedTo);

private:
    void onExchange(HttpExchange *exchange);
    void forward(HttpExchange *exchange, const ApiRoute &route, const QByteArray &outcome);
    void answerRelayInfo(HttpExchange *exchange, const ApiRoute &route);

    RelaySettings m_settings;
    ApiKeyProvider *m_keys;
    HttpServer *m_server = nullptr;
    CacheStore *m_cache = nullptr;
    RequestLog *m_log;
    UpstreamClient *m_upstream;
    CachePolicy m_policy;
    QTimer m_flushTimer;
    bool m_paused = false;
    bool m_recordBodies = false;
    bool m_upstreamDown = false;
};

} // namespace vtrelay
