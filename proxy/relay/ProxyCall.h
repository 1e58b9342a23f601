// SPDX-License-Identifier: MIT
#pragma once

#include "cache/Gzip.h"
#include "vt/ApiRoute.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>

#include <memory>

class QNetworkReply;

namespace vtrelay {

class HttpExchange;
class Relay;

// One request forwarded upstream: streams the answer back to the client, keeps a copy for the
// cache when the route is cacheable, and rewrites the JSON of routes that carry absolute URLs or
// could echo the key (those are read whole before they are sent).
class ProxyCall : public QObject
{
    Q_OBJECT
public:
    ProxyCall(Relay *relay, HttpExchange *exchange, const ApiRoute &route, const QByteArray &outcome,
              QNetworkReply *reply);
    ~ProxyCall() override;

    // Whether answers on route must be read whole and rewritten before they are sent.
    static bool needsRewrite(const ApiRoute &route);
    void setSchedulerToken(quint64 token) { m_token = token; }

private:
    void onReadyRead();
    void onFinished();
    void onClientAborted();
    bool startResponse();
    void writeToClient(const QByteArray &data);
    QByteArray sanitizedHeaderValue(const QByteArray &value) const;
    void finishBuffered(const QByteArray &decodedBody);
    void storeInCache(const QByteArray &decodedBody);
    QByteArray decodedCopy() const;
    void done();

    Relay *m_relay;
    QPointer<HttpExchange> m_exchange;
    const void *m_leader; // the exchange's address, kept to release waiters after it is gone
    ApiRoute m_route;
    QByteArray m_outcome;
    QNetworkReply *m_reply;
    int m_status = 0;
    bool m_started = false;
    bool m_buffering = false;
    bool m_collecting = false;
    bool m_upstreamGzip = false;
    std::unique_ptr<GzipInflater> m_inflater; // set when the client does not accept gzip
    QByteArray m_collected;                   // raw upstream bytes kept for the cache or rewriting
    bool m_done = false;
    bool m_quotaRejected = false; // upstream answered 429 or 204; the call goes back to the queue
    quint64 m_token = 0;
};

} // namespace vtrelay
