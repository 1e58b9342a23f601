// SPDX-License-Identifier: MIT
// AppState: the status the tray and header show, the banner, and today's counters, driven by
// batches of request records and by the problems the relay reports.
#include "AppState.h"
#include "ErrorSink.h"
#include "LoginItem.h"
#include "MemoryKeyStore.h"
#include "RelayHost.h"
#include "SampleRecords.h"
#include "keys/ApiKeyProvider.h"

#include <QJSEngine>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace vtrelay;
using Status = AppState::Status;

class TestAppState : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void statusFollowsRecords_data();
    void statusFollowsRecords();
    void countersFromBatches();
    void relayThatDidNotStartIsAProblem();
    void noKeyBannerOpensKeyPage();
    void dismissedBannerReturnsForNewMessage();
    void singletonIsTheAppInstance();
    void rejectedOriginNotifiedOnce();

private:
    void start(bool running, const QString &error = {});

    QTemporaryDir m_dir;
    MemoryKeyStore m_store;
    ApiKeyProvider m_keys;
    std::unique_ptr<ErrorSink> m_errors;
    std::unique_ptr<RelayHost> m_host;
    std::unique_ptr<AppState> m_state;
};

void TestAppState::init()
{
    m_store = MemoryKeyStore();
    m_store.stored = QStringLiteral("a-key-for-the-test");
    m_keys.clear();
    m_errors = std::make_unique<ErrorSink>();
    RelaySettings settings;
    settings.port = 9;
    settings.cacheDirectory = m_dir.filePath(QStringLiteral("cache"));
    m_host = std::make_unique<RelayHost>(settings, &m_keys);
    auto settingsModel = std::make_unique<SettingsViewModel>(
        std::make_unique<QSettings>(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat),
        std::make_unique<LoginItem>(m_dir.filePath(QStringLiteral("autostart"))), m_host.get());
    m_state = std::make_unique<AppState>(m_host.get(), m_errors.get(), &m_store, std::move(settingsModel));
}

void TestAppState::cleanup()
{
    m_state.reset();
    m_host.reset();
    m_errors.reset();
}

void TestAppState::start(bool running, const QString &error)
{
    m_state->initialize(running, error);
    QTRY_VERIFY(!m_state->key()->isBusy());
}

void TestAppState::statusFollowsRecords_data()
{
    QTest::addColumn<QList<int>>("statuses");      // upstream status codes, oldest first
    QTest::addColumn<QStringList>("errorCodes");   // relay error code per record, or empty
    QTest::addColumn<int>("expectedStatus");
    QTest::addColumn<bool>("quotaProblem");

    QTest::newRow("all fine") << QList<int>{200, 200} << QStringList{QString(), QString()} << int(Status::Serving)
                              << false;
    QTest::newRow("upstream 429") << QList<int>{200, 429} << QStringList{QString(), QString()} << int(Status::Problem)
                                  << true;
    QTest::newRow("queue full") << QList<int>{429} << QStringList{QStringLiteral("RelayQuotaQueueFull")}
                                << int(Status::Problem) << true;
    QTest::newRow("recovers after a success") << QList<int>{429, 200} << QStringList{QString(), QString()}
                                              << int(Status::Serving) << false;
    QTest::newRow("404 is no problem") << QList<int>{404} << QStringList{QString()} << int(Status::Serving) << false;
}

void TestAppState::statusFollowsRecords()
{
    QFETCH(QList<int>, statuses);
    QFETCH(QStringList, errorCodes);
    QFETCH(int, expectedStatus);
    QFETCH(bool, quotaProblem);

    start(true);
    QCOMPARE(m_state->status(), Status::Serving);
    QSignalSpy status(m_state.get(), &AppState::statusChanged);
    QList<RequestRecord> batch;
    for (int i = 0; i < statuses.size(); ++i) {
        batch.append(sampleRecord(i + 1, QStringLiteral("c"), QStringLiteral("GET"),
                                  QStringLiteral("/api/v3/domains/example.com"), QStringLiteral("domain"),
                                  QStringLiteral("example.com"), statuses.at(i),
                                  errorCodes.at(i).isEmpty() ? QStringLiteral("MISS") : QStringLiteral("BYPASS"),
                                  errorCodes.at(i)));
    }
    m_state->addRecords(batch);
    QCOMPARE(int(m_state->status()), expectedStatus);
    QCOMPARE(m_errors->has(ErrorSink::Problem::QuotaExhausted), quotaProblem);
    QCOMPARE(m_state->bannerVisible(), quotaProblem);
    if (quotaProblem)
        QVERIFY(status.count() >= 1);
}

void TestAppState::countersFromBatches()
{
    start(true);
    QSignalSpy counters(m_state.get(), &AppState::countersChanged);
    m_state->addRecords(sampleRecords().mid(0, 4));
    m_state->addRecords(sampleRecords().mid(4));
    QCOMPARE(counters.count(), 2);
    QCOMPARE(m_state->requestsToday(), 7);
    QCOMPARE(m_state->upstreamToday(), 4);
    QCOMPARE(m_state->savedToday(), 2);
    QCOMPARE(m_state->cache()->savedToday(), 2);
    QCOMPARE(m_state->cache()->hitRatioText(), QStringLiteral("40.0 %"));
    QCOMPARE(m_state->requestLog()->rowCount(), 7);

    // Yesterday's requests (from the history) are listed but not counted for today.
    RequestRecord old = sampleRecords().constFirst();
    old.timeMs -= 2 * 24 * 3600 * 1000;
    m_state->addRecords({old});
    QCOMPARE(m_state->requestsToday(), 7);
    QCOMPARE(m_state->requestLog()->rowCount(), 8);
}

void TestAppState::relayThatDidNotStartIsAProblem()
{
    start(false, QStringLiteral("Cannot listen on 127.0.0.1:8684: address in use. Choose another port."));
    QCOMPARE(m_state->status(), Status::Problem);
    QVERIFY(!m_state->isRunning());
    QVERIFY(m_state->bannerVisible());
    QCOMPARE(m_state->bannerTitle(), ErrorSink::titleOf(ErrorSink::Problem::RelayStopped));
    QVERIFY(m_state->bannerText().contains(QStringLiteral("Choose another port")));
    QCOMPARE(m_state->statusText(), ErrorSink::titleOf(ErrorSink::Problem::RelayStopped));
}

void TestAppState::noKeyBannerOpensKeyPage()
{
    m_store.stored.clear();
    start(true);
    QCOMPARE(m_state->status(), Status::Problem);
    QVERIFY(m_state->hasKeyProblem());
    QCOMPARE(m_state->bannerAction(), QStringLiteral("key"));
    QSignalSpy page(m_state.get(), &AppState::currentPageChanged);
    m_state->triggerBannerAction();
    QCOMPARE(m_state->currentPage(), int(AppState::KeyPage));
    QCOMPARE(page.count(), 1);

    m_keys.setKey(QStringLiteral("now-set"), ApiKeyProvider::Source::Keychain);
    QCOMPARE(m_state->status(), Status::Serving);
    QVERIFY(!m_state->bannerVisible());
}

void TestAppState::dismissedBannerReturnsForNewMessage()
{
    start(true);
    m_errors->raise(ErrorSink::Problem::UpstreamUnreachable, QStringLiteral("timeout"));
    QVERIFY(m_state->bannerVisible());
    QSignalSpy banner(m_state.get(), &AppState::bannerChanged);
    m_state->dismissBanner();
    QVERIFY(!m_state->bannerVisible());
    QCOMPARE(m_state->status(), Status::Problem); // dismissing hides, it does not resolve
    m_errors->raise(ErrorSink::Problem::UpstreamUnreachable, QStringLiteral("connection refused"));
    QVERIFY(m_state->bannerVisible());
    QCOMPARE(banner.count(), 2);
}

void TestAppState::singletonIsTheAppInstance()
{
    AppState::setInstance(m_state.get());
    QCOMPARE(AppState::create(nullptr, nullptr), m_state.get());
    QCOMPARE(QJSEngine::objectOwnership(m_state.get()), QJSEngine::CppOwnership);
    QCOMPARE(QJSEngine::objectOwnership(m_state->requestLog()), QJSEngine::CppOwnership);
    m_state.reset();
    QCOMPARE(AppState::instance(), nullptr);
}

void TestAppState::rejectedOriginNotifiedOnce()
{
    start(true);
    const QString origin = QStringLiteral("https://refused.example");
    QSignalSpy notified(m_errors.get(), &ErrorSink::notify);
    emit m_host->originRejected(origin);
    emit m_host->originRejected(origin);
    QCOMPARE(notified.count(), 1);
    QVERIFY(notified.at(0).at(1).toString().contains(origin));
    QVERIFY(notified.at(0).at(1).toString().contains(QStringLiteral("Key and settings")));
    QVERIFY(m_errors->has(ErrorSink::Problem::OriginRejected));
    QCOMPARE(m_state->settings()->rejectedOrigin(), origin);

    QVERIFY(m_state->settings()->allowRejectedOrigin());
    QVERIFY(!m_errors->has(ErrorSink::Problem::OriginRejected));
    QVERIFY(m_state->settings()->allowedOrigins().contains(origin));
    QCOMPARE(m_host->settings().allowedOrigins, m_state->settings()->allowedOrigins());
}

QTEST_MAIN(TestAppState)
#include "tst_appstate.moc"
