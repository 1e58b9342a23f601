// SPDX-License-Identifier: MIT
#pragma once

#include "CacheSummary.h"
#include "cache/CachePolicy.h"
#include "cache/CacheStore.h"
#include "log/RequestHistory.h"
#include "log/RequestRecord.h"
#include "quota/QuotaScheduler.h"
#include "relay/Relay.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QTimer>

#include <functional>

namespace vtrelay {

class ApiKeyProvider;

// Runs the Relay on its own thread and the request history on another, so that neither a burst
// of requests nor disk writes ever block the GUI thread, and a busy window never slows the
// relay. Every call from the window is marshalled with QMetaObject::invokeMethod. Results come
// back on the GUI thread through a callback, which is dropped when its context object is gone.
class RelayHost : public QObject
{
    Q_OBJECT
public:
    RelayHost(const RelaySettings &settings, ApiKeyProvider *keys, QObject *parent = nullptr);
    ~RelayHost() override;

    // Starts both threads and waits until the relay listens; false with a message on failure.
    bool start(QString *error);
    void stop();
    bool isRunning() const { return m_relay != nullptr; }

    ApiKeyProvider *keys() const { return m_keys; }
    const RelaySettings &settings() const { return m_settings; }
    // "127.0.0.1:8684", with the port the relay actually listens on.
    QString address() const;
    quint16 port() const { return m_port; }
    bool isPaused() const { return m_paused; }

    void setPaused(bool paused);
    void setCachePolicy(const CachePolicy::Settings &policy);
    // Browser origins whose pages may call the relay, applied to the running relay at once.
    void setAllowedOrigins(const QStringList &origins);
    // 0 means no limit; otherwise the oldest entries are evicted until the cache fits.
    void setCacheSizeLimit(qint64 bytes);
    // Days the request history keeps; set it before start() so the first pruning uses it.
    void setHistoryRetentionDays(int days);

    void cacheStats(QObject *context, std::function<void(const CacheStore::Stats &)> done);
    // The quota scheduler's use of each window, the queue length and the rejections so far.
    void quotaState(QObject *context, std::function<void(const QuotaScheduler::State &)> done);
    void searchCache(const QString &text, int limit, QObject *context,
                     std::function<void(const QList<CacheSummary> &)> done);
    // The entry's decoded JSON body, or an empty array when it is gone.
    void cachedBody(const QString &key, QObject *context, std::function<void(const QByteArray &)> done);
    void removeCacheEntry(const QString &key, QObject *context, std::function<void(bool)> done);
    void clearCache(QObject *context, std::function<void(int)> done);
    // What the history held when start() ran, before the relay took its first request: the newest
    // records (oldest first) and the counts since the start of today. Taking them clears them.
    QList<RequestRecord> takeInitialHistory() { return std::exchange(m_initialHistory, {}); }
    RequestHistory::Counts initialCountsToday() const { return m_initialCounts; }
    void historyCounts(qint64 sinceMs, QObject *context, std::function<void(const RequestHistory::Counts &)> done);

    static constexpr int kInitialHistoryRows = 10'000;
    static constexpr int kInitialHistoryBodies = 500;

signals:
    // A batch of finished requests, a few times a second at most.
    void recordsAppended(const QList<vtrelay::RequestRecord> &records);
    void pausedChanged(bool paused);
    void keyRejected();
    void upstreamUnreachable(const QString &message);
    void upstreamReachable();
    // The cache or the history could not be written, or the cache file was replaced.
    void storageProblem(const QString &message);
    // The relay refused a request from a web page or extension whose origin is not allowed.
    void originRejected(const QString &origin);

private:
    template<typename Result, typename Work>
    void onRelayThread(Work work, QObject *context, std::function<void(const Result &)> done);
    template<typename Result, typename Work>
    void onHistoryThread(Work work, QObject *context, std::function<void(const Result &)> done);
    template<typename Result>
    void deliver(const Result &result, QPointer<QObject> context, std::function<void(const Result &)> done);
    void enforceCacheLimit();

    RelaySettings m_settings;
    ApiKeyProvider *m_keys;
    QThread m_relayThread;
    QThread m_historyThread;
    QObject *m_relayContext = nullptr;   // lives on m_relayThread
    QObject *m_historyContext = nullptr; // lives on m_historyThread
    Relay *m_relay = nullptr;            // owned by the relay thread
    RequestHistory *m_history = nullptr; // owned by the history thread
    QTimer m_maintenance;
    quint16 m_port = 0;
    bool m_paused = false;
    qint64 m_cacheLimit = 0;
    int m_historyDays = 7;
    QList<RequestRecord> m_initialHistory;
    RequestHistory::Counts m_initialCounts;
};

} // namespace vtrelay
