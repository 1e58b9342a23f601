// SPDX-License-Identifier: MIT
#include "AppState.h"

#include "ErrorSink.h"
#include "RelayHost.h"
#include "keys/ApiKeyProvider.h"
#include "log/RequestHistory.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLoggingCategory>
#include <QQmlEngine>

Q_LOGGING_CATEGORY(lcAppState, "vtrelay.gui")

namespace vtrelay {

namespace {
AppState *g_instance = nullptr;
constexpr int kStatsIntervalMs = 5000;

bool isStatusProblem(ErrorSink::Problem problem)
{
    switch (problem) {
    case ErrorSink::Problem::RelayStopped:
    case ErrorSink::Problem::KeyRejected:
    case ErrorSink::Problem::NoKey:
    case ErrorSink::Problem::QuotaExhausted:
    case ErrorSink::Problem::UpstreamUnreachable:
        return true;
    case ErrorSink::Problem::Keychain:
    case ErrorSink::Problem::Storage:
    case ErrorSink::Problem::OriginRejected:
        break;
    }
    return false;
}
} // namespace

AppState::AppState(RelayHost *host, ErrorSink *errors, KeyStore *keyStore,
                   std::unique_ptr<SettingsViewModel> settings, QObject *parent)
    : QObject(parent)
    , m_host(host)
    , m_errors(errors)
    , m_settings(std::move(settings))
    , m_cache(host)
    , m_key(keyStore, host->keys(), host, errors)
    , m_day(QDate::currentDate())
{
    // The page view-models are members; QML must never try to delete them.
    if (m_settings)
        m_teamConfig = std::make_unique<TeamConfigViewModel>(keyStore, m_settings->storage());
    for (QObject *owned : std::initializer_list<QObject *>{&m_requestLog, &m_requests, &m_cache, &m_key,
                                                           m_settings.get(), m_teamConfig.get()}) {
        if (owned)
            QJSEngine::setObjectOwnership(owned, QJSEngine::CppOwnership);
    }
    m_requests.setSourceModel(&m_requestLog);
    m_requestLog.setRelayAddress(host->address());

    connect(host, &RelayHost::recordsAppended, this, &AppState::addRecords);
    connect(host, &RelayHost::pausedChanged, this, [this](bool paused) {
        m_paused = paused;
        emit statusChanged();
    });
    connect(host, &RelayHost::keyRejected, this, [this] {
        m_errors->raise(ErrorSink::Problem::KeyRejected,
                        tr("VirusTotal rejected the key with WrongCredentialsError. Enter the right key on the Key and "
                           "settings page and test it."));
    });
    connect(host, &RelayHost::upstreamUnreachable, this, [this](const QString &message) {
        m_errors->raise(ErrorSink::Problem::UpstreamUnreachable,
                        tr("%1. Check the network connection or proxy settings; cached answers are still served.")
                            .arg(message));
    });
    connect(host, &RelayHost::upstreamReachable, this,
            [this] { m_errors->resolve(ErrorSink::Problem::UpstreamUnreachable); });
    connect(host, &RelayHost::storageProblem, this, [this](const QString &message) {
        m_errors->raise(ErrorSink::Problem::Storage,
                        message + u' ' + tr("Check the free space and permissions of the cache folder."));
    });
    connect(host, &RelayHost::originRejected, this, [this](const QString &origin) {
        if (m_settings)
            m_settings->noteRejectedOrigin(origin);
        // One problem kind for all rejected origins, and a page that retries raises the same message,
        // so it does not flood the desktop.
        m_errors->raise(ErrorSink::Problem::OriginRejected,
                        tr("A web page from %1 was refused. Open Key and settings to allow it.").arg(origin));
    });
    if (m_teamConfig) {
        connect(m_teamConfig.get(), &TeamConfigViewModel::importFinished, this, [this](bool ok) {
            if (!ok)
                return;
            m_settings->reloadStored();
            // A new key in the keychain reaches the running relay the way the key page's does.
            m_key.load();
        });
    }
    if (m_settings) {
        connect(m_settings.get(), &SettingsViewModel::rejectedOriginChanged, this, [this] {
            if (m_settings->rejectedOrigin().isEmpty())
                m_errors->resolve(ErrorSink::Problem::OriginRejected);
        });
    }
    connect(m_errors, &ErrorSink::changed, this, [this] {
        emit statusChanged();
        emit bannerChanged();
    });
    connect(&m_key, &KeyViewModel::keyStateChanged, this, &AppState::statusChanged);

    m_statsTimer.setInterval(kStatsIntervalMs);
    connect(&m_statsTimer, &QTimer::timeout, this, [this] {
        rollDayIfNeeded();
        if (m_running) {
            m_cache.reloadStats();
            reloadQuota();
        }
    });
}

AppState::~AppState()
{
    if (g_instance == this)
        g_instance = nullptr;
}

void AppState::setInstance(AppState *instance)
{
    g_instance = instance;
}

AppState *AppState::instance()
{
    return g_instance;
}

AppState *AppState::create(QQmlEngine *, QJSEngine *)
{
    Q_ASSERT_X(g_instance, "AppState::create", "the application must create AppState before loading QML");
    // The application owns the instance, not the engine.
    QJSEngine::setObjectOwnership(g_instance, QJSEngine::CppOwnership);
    return g_instance;
}

void AppState::initialize(bool relayRunning, const QString &startError)
{
    m_running = relayRunning;
    m_paused = m_host->isPaused();
    if (!relayRunning) {
        m_errors->raise(ErrorSink::Problem::RelayStopped, startError);
    } else {
        const RequestHistory::Counts counts = m_host->initialCountsToday();
        m_today = {counts.requests, counts.upstream, counts.hits, counts.misses};
        const QList<RequestRecord> history = m_host->takeInitialHistory();
        m_requestLog.appendRecords(history);
        qCInfo(lcAppState) << "Showing" << history.size() << "requests from the history;" << counts.upstream
                           << "upstream calls and" << counts.hits << "cache hits so far today";
        m_cache.setTodayCounts(m_today.hits, m_today.misses);
        if (m_settings)
            m_settings->applyToHost();
        m_cache.search();
        reloadQuota();
        m_statsTimer.start();
    }
    m_key.load();
    emit relayAddressChanged();
    emit countersChanged();
    emit statusChanged();
}

QString AppState::relayAddress() const
{
    return m_host->address();
}

AppState::Status AppState::status() const
{
    if (!m_running)
        return Status::Problem;
    const QList<ErrorSink::Entry> open = m_errors->entries();
    for (const ErrorSink::Entry &entry : open) {
        if (isStatusProblem(entry.problem))
            return Status::Problem;
    }
    return m_paused ? Status::Paused : Status::Serving;
}

QString AppState::statusText() const
{
    switch (status()) {
    case Status::Serving:
        return tr("Serving on %1").arg(relayUrl());
    case Status::Paused:
        return tr("Paused: requests get RelayPaused until you resume");
    case Status::Problem:
        break;
    }
    const QList<ErrorSink::Entry> open = m_errors->entries();
    for (const ErrorSink::Entry &entry : open) {
        if (isStatusProblem(entry.problem))
            return entry.title;
    }
    return ErrorSink::titleOf(ErrorSink::Problem::RelayStopped);
}

QString AppState::keyStatusText() const
{
    if (m_errors->has(ErrorSink::Problem::KeyRejected))
        return tr("Key rejected");
    if (!m_host->keys()->hasKey())
        return tr("No key");
    if (m_key.fromEnvironment())
        return tr("Key from VTRELAY_API_KEY");
    return tr("Key in %1").arg(m_key.backendName());
}

bool AppState::hasKeyProblem() const
{
    return !m_host->keys()->hasKey() || m_errors->has(ErrorSink::Problem::KeyRejected);
}

bool AppState::bannerVisible() const
{
    return !m_errors->isEmpty() && m_errors->current().message != m_dismissed;
}

QString AppState::bannerTitle() const
{
    return m_errors->isEmpty() ? QString() : m_errors->current().title;
}

QString AppState::bannerText() const
{
    return m_errors->isEmpty() ? QString() : m_errors->current().message;
}

QString AppState::bannerAction() const
{
    if (m_errors->isEmpty())
        return QString();
    switch (m_errors->current().problem) {
    case ErrorSink::Problem::NoKey:
    case ErrorSink::Problem::KeyRejected:
    case ErrorSink::Problem::Keychain:
    case ErrorSink::Problem::OriginRejected:
        return QStringLiteral("key");
    default:
        return QString();
    }
}

QString AppState::bannerActionText() const
{
    return bannerAction() == u"key" ? tr("Open key settings") : QString();
}

void AppState::triggerBannerAction()
{
    if (bannerAction() == u"key")
        setCurrentPage(KeyPage);
}

void AppState::dismissBanner()
{
    if (m_errors->isEmpty())
        return;
    m_dismissed = m_errors->current().message;
    emit bannerChanged();
}

void AppState::setCurrentPage(int page)
{
    if (page == m_currentPage || page < ActivityPage || page > KeyPage)
        return;
    m_currentPage = page;
    emit currentPageChanged();
}

void AppState::setPaused(bool paused)
{
    if (!m_running)
        return;
    m_host->setPaused(paused);
}

void AppState::copyText(const QString &text)
{
    if (QClipboard *clipboard = QGuiApplication::clipboard())
        clipboard->setText(text);
}

void AppState::rollDayIfNeeded()
{
    const QDate today = QDate::currentDate();
    if (today == m_day)
        return;
    m_day = today;
    m_today = {};
    qCInfo(lcAppState) << "New day: the counters start again from zero";
    m_cache.setTodayCounts(0, 0);
    emit countersChanged();
}

void AppState::reloadQuota()
{
    // One query in flight at a time, however many batches arrive meanwhile.
    if (m_quotaPending || !m_running)
        return;
    m_quotaPending = true;
    m_host->quotaState(this, [this](const QuotaScheduler::State &state) {
        m_quotaPending = false;
        applyQuota(state);
    });
}

void AppState::applyQuota(const QuotaScheduler::State &state)
{
    const QString text = tr("%1/%2 quota today").arg(state.usedDay).arg(state.limits.perDay);
    if (text != m_quotaText) {
        m_quotaText = text;
        emit quotaChanged();
    }
    if (state.usedDay >= state.limits.perDay) {
        m_errors->raise(ErrorSink::Problem::QuotaExhausted,
                        tr("All %1 lookups of today's quota are used; new lookups fail until 00:00 UTC. Cached "
                           "answers still work. Raise the daily quota in the team configuration if the key allows more.")
                            .arg(state.limits.perDay));
    } else if (state.usedMonth >= state.limits.perMonth) {
        m_errors->raise(ErrorSink::Problem::QuotaExhausted,
                        tr("All %1 lookups of this month's quota are used; new lookups fail until the month ends "
                           "(UTC). Cached answers still work.").arg(state.limits.perMonth));
    }
}

void AppState::countRecord(const RequestRecord &record)
{
    ++m_today.requests;
    if (RequestHistory::servedFromCache(record))
        ++m_today.hits;
    if (RequestHistory::wentUpstream(record)) {
        ++m_today.upstream;
        if (record.cacheOutcome == u"MISS")
            ++m_today.misses;
    }

    const bool quotaAnswer = (record.status == 429 && record.errorCode.isEmpty() && !record.api.isEmpty())
        || record.errorCode == u"RelayQuotaQueueFull";
    if (quotaAnswer) {
        m_errors->raise(ErrorSink::Problem::QuotaExhausted,
                        tr("New lookups wait or fail until the key's quota resets; cached answers still work. "
                           "Lower the request rate or use a key with a larger quota."));
    } else if (RequestHistory::wentUpstream(record) && record.status >= 200 && record.status < 400) {
        m_errors->resolve(ErrorSink::Problem::QuotaExhausted);
        m_errors->resolve(ErrorSink::Problem::KeyRejected);
        m_errors->resolve(ErrorSink::Problem::UpstreamUnreachable);
    }
}

void AppState::addRecords(const QList<RequestRecord> &records)
{
    rollDayIfNeeded();
    const qint64 startOfDay = QDateTime(m_day, QTime(0, 0)).toMSecsSinceEpoch();
    bool cacheMayHaveChanged = false;
    for (const RequestRecord &record : records) {
        if (record.timeMs >= startOfDay)
            countRecord(record);
        cacheMayHaveChanged = cacheMayHaveChanged || RequestHistory::wentUpstream(record);
    }
    if (cacheMayHaveChanged) {
        m_cache.entriesMayHaveChanged();
        reloadQuota();
    }
    m_requestLog.appendRecords(records);
    m_cache.setTodayCounts(m_today.hits, m_today.misses);
    emit countersChanged();
}

} // namespace vtrelay
