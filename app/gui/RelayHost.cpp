// SPDX-License-Identifier: MIT
#include "RelayHost.h"

#include "cache/Gzip.h"
#include "keys/ApiKeyProvider.h"
#include "log/RequestLog.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcRelayHost, "vtrelay.gui.relayhost")

namespace vtrelay {

namespace {
constexpr int kMaintenanceIntervalMs = 60 * 1000;
} // namespace

RelayHost::RelayHost(const RelaySettings &settings, ApiKeyProvider *keys, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_keys(keys)
{
    qRegisterMetaType<QList<vtrelay::RequestRecord>>();
    m_relayThread.setObjectName(QStringLiteral("vtrelay-relay"));
    m_historyThread.setObjectName(QStringLiteral("vtrelay-history"));
    m_maintenance.setInterval(kMaintenanceIntervalMs);
    connect(&m_maintenance, &QTimer::timeout, this, [this] {
        enforceCacheLimit();
        if (m_history) {
            RequestHistory *history = m_history;
            QMetaObject::invokeMethod(m_historyContext, [history] {
                history->prune(QDateTime::currentMSecsSinceEpoch());
            });
        }
    });
}

RelayHost::~RelayHost()
{
    stop();
}

bool RelayHost::start(QString *error)
{
    if (m_relay)
        return true;
    m_relayContext = new QObject;
    m_relayContext->moveToThread(&m_relayThread);
    m_historyContext = new QObject;
    m_historyContext->moveToThread(&m_historyThread);
    m_relayThread.start();
    m_historyThread.start();

    // The history is optional: without it the window shows this session only.
    QString historyError;
    const QString directory = m_settings.cacheDirectory;
    QMetaObject::invokeMethod(m_historyContext, [this, directory, &historyError] {
        auto *history = new RequestHistory(directory, m_historyContext);
        history->setRetentionDays(m_historyDays);
        if (history->open(&historyError)) {
            history->prune(QDateTime::currentMSecsSinceEpoch());
            m_initialHistory = history->recent(kInitialHistoryRows, kInitialHistoryBodies);
            const QDateTime midnight(QDate::currentDate(), QTime(0, 0));
            m_initialCounts = history->countsSince(midnight.toMSecsSinceEpoch());
            m_history = history;
            connect(history, &RequestHistory::writeFailed, this, &RelayHost::storageProblem);
        } else {
            delete history;
        }
    }, Qt::BlockingQueuedConnection);
    if (!m_history) {
        qCWarning(lcRelayHost).noquote() << historyError;
        emit storageProblem(historyError);
    }

    bool started = false;
    QMetaObject::invokeMethod(m_relayContext, [this, error, &started] {
        auto *relay = new Relay(m_settings, m_keys, m_relayContext);
        relay->setRecordBodies(true);
        relay->setPaused(m_paused);
        connect(relay, &Relay::keyRejected, this, &RelayHost::keyRejected);
        connect(relay, &Relay::upstreamUnreachable, this, &RelayHost::upstreamUnreachable);
        connect(relay, &Relay::upstreamReachable, this, &RelayHost::upstreamReachable);
        connect(relay, &Relay::originRejected, this, &RelayHost::originRejected);
        connect(relay, &Relay::pausedChanged, this, [this](bool paused) {
            m_paused = paused;
            emit pausedChanged(paused);
        });
        connect(relay, &Relay::cacheRecovered, this, [this](const QString &movedTo) {
            emit storageProblem(QStringLiteral("The cache file was damaged and was replaced by an empty one; "
                                               "the old file was kept as %1.").arg(movedTo));
        });
        connect(relay->requestLog(), &RequestLog::recordsAppended, this, &RelayHost::recordsAppended);
        if (m_history) {
            RequestHistory *history = m_history;
            connect(relay->requestLog(), &RequestLog::recordsAppended, m_historyContext,
                    [history](const QList<RequestRecord> &records) { history->append(records); });
        }
        if (!relay->start(error)) {
            delete relay;
            return;
        }
        connect(relay->cache(), &CacheStore::writeFailed, this, &RelayHost::storageProblem);
        m_port = relay->serverPort();
        m_relay = relay;
        started = true;
    }, Qt::BlockingQueuedConnection);

    if (!started) {
        stop();
        return false;
    }
    m_maintenance.start();
    qCInfo(lcRelayHost).noquote() << "Relay listening on" << address() << "on its own thread";
    return true;
}

void RelayHost::stop()
{
    m_maintenance.stop();
    if (m_relayThread.isRunning()) {
        QMetaObject::invokeMethod(m_relayContext, [this] {
            if (m_relay)
                m_relay->stop();
            delete m_relayContext; // deletes the relay, its cache and its log with it
        }, Qt::BlockingQueuedConnection);
        m_relay = nullptr;
        m_relayContext = nullptr;
        m_relayThread.quit();
        m_relayThread.wait();
    }
    if (m_historyThread.isRunning()) {
        // Records still queued for the history are written before the thread ends.
        QMetaObject::invokeMethod(m_historyContext, [this] { delete m_historyContext; },
                                  Qt::BlockingQueuedConnection);
        m_history = nullptr;
        m_historyContext = nullptr;
        m_historyThread.quit();
        m_historyThread.wait();
    }
}

QString RelayHost::address() const
{
    const QHostAddress &host = m_settings.address;
    const QString name = host.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]").arg(host.toString())
        : host.toString();
    return QStringLiteral("%1:%2").arg(name).arg(m_port ? m_port : m_settings.port);
}

void RelayHost::setPaused(bool paused)
{
    if (!m_relay) {
        m_paused = paused;
        return;
    }
    Relay *relay = m_relay;
    QMetaObject::invokeMethod(relay, [relay, paused] { relay->setPaused(paused); });
}

void RelayHost::setCachePolicy(const CachePolicy::Settings &policy)
{
    m_settings.cachePolicy = policy;
    if (!m_relay)
        return;
    Relay *relay = m_relay;
    QMetaObject::invokeMethod(relay, [relay, policy] { relay->setCachePolicySettings(policy); });
}

void RelayHost::setAllowedOrigins(const QStringList &origins)
{
    m_settings.allowedOrigins = origins;
    if (!m_relay)
        return;
    Relay *relay = m_relay;
    QMetaObject::invokeMethod(relay, [relay, origins] { relay->setAllowedOrigins(origins); });
}

void RelayHost::setCacheSizeLimit(qint64 bytes)
{
    m_cacheLimit = qMax<qint64>(0, bytes);
    enforceCacheLimit();
}

void RelayHost::enforceCacheLimit()
{
    if (!m_relay || m_cacheLimit <= 0)
        return;
    const qint64 limit = m_cacheLimit;
    onRelayThread<int>([limit](Relay *relay) { return relay->cache()->evictToSize(limit); }, this,
                       [](const int &evicted) {
                           if (evicted > 0)
                               qCInfo(lcRelayHost) << "Evicted" << evicted << "cache entries to stay under the size limit";
                       });
}

void RelayHost::setHistoryRetentionDays(int days)
{
    m_historyDays = days;
    if (!m_history)
        return;
    RequestHistory *history = m_history;
    QMetaObject::invokeMethod(m_historyContext, [history, days] {
        history->setRetentionDays(days);
        history->prune(QDateTime::currentMSecsSinceEpoch());
    });
}

void RelayHost::cacheStats(QObject *context, std::function<void(const CacheStore::Stats &)> done)
{
    onRelayThread<CacheStore::Stats>([](Relay *relay) { return relay->cache()->stats(); }, context, std::move(done));
}

void RelayHost::quotaState(QObject *context, std::function<void(const QuotaScheduler::State &)> done)
{
    onRelayThread<QuotaScheduler::State>([](Relay *relay) { return relay->scheduler()->state(); }, context,
                                         std::move(done));
}

void RelayHost::searchCache(const QString &text, int limit, QObject *context,
                            std::function<void(const QList<CacheSummary> &)> done)
{
    onRelayThread<QList<CacheSummary>>(
        [text, limit](Relay *relay) {
            QList<CacheSummary> rows;
            // Bodies stay on the relay thread; the list needs sizes only.
            for (const CacheEntry &entry : relay->cache()->search(text, limit))
                rows.append({entry.key, entry.kind, entry.objectId, entry.status, entry.storedAt, entry.expiresAt,
                             entry.hits, entry.size()});
            return rows;
        },
        context, std::move(done));
}

void RelayHost::cachedBody(const QString &key, QObject *context, std::function<void(const QByteArray &)> done)
{
    onRelayThread<QByteArray>(
        [key](Relay *relay) {
            QByteArray decoded;
            const std::optional<CacheEntry> entry = relay->cache()->find(key);
            if (entry && !Gzip::decompress(entry->gzipBody, &decoded, 64 * 1024 * 1024))
                decoded.clear();
            return relay->keys()->redact(decoded);
        },
        context, std::move(done));
}

void RelayHost::removeCacheEntry(const QString &key, QObject *context, std::function<void(bool)> done)
{
    onRelayThread<bool>([key](Relay *relay) { return relay->cache()->remove(key); }, context, std::move(done));
}

void RelayHost::clearCache(QObject *context, std::function<void(int)> done)
{
    onRelayThread<int>([](Relay *relay) { return relay->cache()->clear(); }, context, std::move(done));
}

void RelayHost::historyCounts(qint64 sinceMs, QObject *context,
                              std::function<void(const RequestHistory::Counts &)> done)
{
    onHistoryThread<RequestHistory::Counts>(
        [sinceMs](RequestHistory *history) { return history->countsSince(sinceMs); }, context, std::move(done));
}

template<typename Result>
void RelayHost::deliver(const Result &result, QPointer<QObject> context, std::function<void(const Result &)> done)
{
    // Back on the GUI thread; the context may have been deleted meanwhile.
    QMetaObject::invokeMethod(this, [result, context, done] {
        if (context && done)
            done(result);
    }, Qt::QueuedConnection);
}

template<typename Result, typename Work>
void RelayHost::onRelayThread(Work work, QObject *context, std::function<void(const Result &)> done)
{
    QPointer<QObject> guard(context);
    if (!m_relay) {
        QMetaObject::invokeMethod(this, [guard, done] {
            if (guard && done)
                done(Result());
        }, Qt::QueuedConnection);
        return;
    }
    Relay *relay = m_relay;
    QMetaObject::invokeMethod(m_relayContext, [this, relay, work, guard, done] {
        deliver<Result>(work(relay), guard, done);
    }, Qt::QueuedConnection);
}

template<typename Result, typename Work>
void RelayHost::onHistoryThread(Work work, QObject *context, std::function<void(const Result &)> done)
{
    QPointer<QObject> guard(context);
    if (!m_history) {
        QMetaObject::invokeMethod(this, [guard, done] {
            if (guard && done)
                done(Result());
        }, Qt::QueuedConnection);
        return;
    }
    RequestHistory *history = m_history;
    QMetaObject::invokeMethod(m_historyContext, [this, history, work, guard, done] {
        deliver<Result>(work(history), guard, done);
    }, Qt::QueuedConnection);
}

} // namespace vtrelay
