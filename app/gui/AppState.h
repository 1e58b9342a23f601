// SPDX-License-Identifier: MIT
#pragma once

#include "CacheViewModel.h"
#include "KeyViewModel.h"
#include "RequestFilterModel.h"
#include "RequestLogModel.h"
#include "SettingsViewModel.h"
#include "TeamConfigViewModel.h"
#include "log/RequestRecord.h"
#include "quota/QuotaScheduler.h"

#include <QDate>
#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <memory>

class QJSEngine;
class QQmlEngine;

namespace vtrelay {

class ErrorSink;
class KeyStore;
class RelayHost;

// The window's facade: relay status for the header and the tray, the banner with the most
// important problem, today's counters, and the page view-models as CONSTANT properties.
// QML reaches it as the singleton AppState; the application creates the one instance.
class AppState : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QString relayAddress READ relayAddress NOTIFY relayAddressChanged)
    Q_PROPERTY(QString relayUrl READ relayUrl NOTIFY relayAddressChanged)
    Q_PROPERTY(bool running READ isRunning NOTIFY statusChanged)
    Q_PROPERTY(bool paused READ isPaused NOTIFY statusChanged)
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
    Q_PROPERTY(QString keyStatusText READ keyStatusText NOTIFY statusChanged)
    Q_PROPERTY(bool keyProblem READ hasKeyProblem NOTIFY statusChanged)
    Q_PROPERTY(qint64 upstreamToday READ upstreamToday NOTIFY countersChanged)
    Q_PROPERTY(qint64 savedToday READ savedToday NOTIFY countersChanged)
    Q_PROPERTY(qint64 requestsToday READ requestsToday NOTIFY countersChanged)
    Q_PROPERTY(QString quotaText READ quotaText NOTIFY quotaChanged)
    Q_PROPERTY(bool bannerVisible READ bannerVisible NOTIFY bannerChanged)
    Q_PROPERTY(QString bannerTitle READ bannerTitle NOTIFY bannerChanged)
    Q_PROPERTY(QString bannerText READ bannerText NOTIFY bannerChanged)
    Q_PROPERTY(QString bannerAction READ bannerAction NOTIFY bannerChanged)
    Q_PROPERTY(QString bannerActionText READ bannerActionText NOTIFY bannerChanged)
    Q_PROPERTY(int currentPage READ currentPage WRITE setCurrentPage NOTIFY currentPageChanged)
    Q_PROPERTY(vtrelay::RequestLogModel *requestLog READ requestLog CONSTANT)
    Q_PROPERTY(vtrelay::RequestFilterModel *requests READ requests CONSTANT)
    Q_PROPERTY(vtrelay::CacheViewModel *cache READ cache CONSTANT)
    Q_PROPERTY(vtrelay::KeyViewModel *key READ key CONSTANT)
    Q_PROPERTY(vtrelay::SettingsViewModel *settings READ settings CONSTANT)
    Q_PROPERTY(vtrelay::TeamConfigViewModel *teamConfig READ teamConfig CONSTANT)
public:
    enum class Status { Serving, Paused, Problem };
    Q_ENUM(Status)
    enum Page { ActivityPage, CachePage, KeyPage };
    Q_ENUM(Page)

    AppState(RelayHost *host, ErrorSink *errors, KeyStore *keyStore, std::unique_ptr<SettingsViewModel> settings,
             QObject *parent = nullptr);
    ~AppState() override;

    // The instance QML gets; set it before the QML engine first uses AppState.
    static void setInstance(AppState *instance);
    static AppState *instance();
    static AppState *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);

    // Call after the relay started (or failed to): loads the history and the key.
    void initialize(bool relayRunning, const QString &startError);

    QString relayAddress() const;
    QString relayUrl() const { return QStringLiteral("http://") + relayAddress(); }
    bool isRunning() const { return m_running; }
    bool isPaused() const { return m_paused; }
    Status status() const;
    QString statusText() const;
    QString keyStatusText() const;
    // No key, or VirusTotal rejected it.
    bool hasKeyProblem() const;
    qint64 upstreamToday() const { return m_today.upstream; }
    qint64 savedToday() const { return m_today.hits; }
    qint64 requestsToday() const { return m_today.requests; }
    // The key's quota use as the relay's scheduler counts it, for example "12/500 today".
    QString quotaText() const { return m_quotaText; }
    bool bannerVisible() const;
    QString bannerTitle() const;
    QString bannerText() const;
    QString bannerAction() const;
    QString bannerActionText() const;
    int currentPage() const { return m_currentPage; }
    void setCurrentPage(int page);

    RequestLogModel *requestLog() { return &m_requestLog; }
    RequestFilterModel *requests() { return &m_requests; }
    CacheViewModel *cache() { return &m_cache; }
    KeyViewModel *key() { return &m_key; }
    SettingsViewModel *settings() { return m_settings.get(); }
    TeamConfigViewModel *teamConfig() { return m_teamConfig.get(); }
    ErrorSink *errors() const { return m_errors; }

    Q_INVOKABLE void setPaused(bool paused);
    Q_INVOKABLE void togglePaused() { setPaused(!m_paused); }
    Q_INVOKABLE void copyText(const QString &text);
    Q_INVOKABLE void copyAddress() { copyText(relayUrl()); }
    // Runs the banner's action: "key" opens the key page, "resume" resumes the relay.
    Q_INVOKABLE void triggerBannerAction();
    // Hides the banner until a new problem or a new message arrives.
    Q_INVOKABLE void dismissBanner();

    // Takes a batch of finished requests: the log, today's counters, and the problems they show.
    void addRecords(const QList<RequestRecord> &records);

signals:
    void relayAddressChanged();
    void statusChanged();
    void countersChanged();
    void bannerChanged();
    void currentPageChanged();
    void quotaChanged();
    // The tray and the window react to these.
    void showWindowRequested();

private:
    void countRecord(const RequestRecord &record);
    void reloadQuota();
    void applyQuota(const QuotaScheduler::State &state);
    void rollDayIfNeeded();

    RelayHost *m_host;
    ErrorSink *m_errors;
    std::unique_ptr<SettingsViewModel> m_settings;
    std::unique_ptr<TeamConfigViewModel> m_teamConfig; // present when m_settings is
    RequestLogModel m_requestLog;
    RequestFilterModel m_requests;
    CacheViewModel m_cache;
    KeyViewModel m_key;
    QTimer m_statsTimer;
    struct Counters
    {
        qint64 requests = 0;
        qint64 upstream = 0;
        qint64 hits = 0;
        qint64 misses = 0;
    } m_today;
    QDate m_day;
    bool m_running = false;
    bool m_paused = false;
    int m_currentPage = ActivityPage;
    QString m_dismissed; // the banner text the user dismissed
    QString m_quotaText;
    bool m_quotaPending = false;
};

} // namespace vtrelay
