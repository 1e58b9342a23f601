// SPDX-License-Identifier: MIT
// End to end: the tray application (relay thread, view-models and the QML window) against the
// VirusTotal emulator. Requests sent through the relay must show up in the window's model with
// the right cache outcome. With VTRELAY_SCREENSHOT_DIR set, it also saves a picture of every
// page at 1280x800 and at a small size.
#include "AppState.h"
#include "EmulatorProcess.h"
#include "ErrorSink.h"
#include "MemoryKeyStore.h"
#include "RelayHost.h"
#include "TrayApplication.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QPalette>
#include <QEventLoop>
#include <QThread>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QQmlProperty>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(VtRelayPlugin)

using namespace vtrelay;

class TestTrayAppE2e : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();
    void requestsAppearWithCacheOutcome_data();
    void requestsAppearWithCacheOutcome();
    void noCacheBypassesAndCountsUpstream();
    void keyTestGoesThroughRelayWithoutLeakingKey();
    void pauseAnswersRelayPaused();
    void cachePageListsEntries();
    void refreshOneEntry();
    void screenshots();
    void burstDoesNotFreezeWindow();
    void historySurvivesRestart();

private:
    void startApp();
    int sendGet(const QString &pathAndQuery, const QByteArray &cacheControl = {});
    const RequestRecord *newestRecord() const;
    void saveScreenshots(const QString &suffix);

    EmulatorProcess m_emulator;
    // Kept for the canary scan when CTest sets VTRELAY_TEST_ARTIFACTS.
    QTemporaryDir m_dir{qEnvironmentVariableIsEmpty("VTRELAY_TEST_ARTIFACTS")
                            ? QDir::tempPath() + QStringLiteral("/vtrelay-gui-XXXXXX")
                            : qEnvironmentVariable("VTRELAY_TEST_ARTIFACTS") + QStringLiteral("/gui-XXXXXX")};
    MemoryKeyStore m_keys;
    std::unique_ptr<TrayApplication> m_app;
    std::unique_ptr<QAbstractItemModelTester> m_logTester;
    QNetworkAccessManager m_network;
};

void TestTrayAppE2e::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    if (!qEnvironmentVariableIsEmpty("VTRELAY_TEST_ARTIFACTS")) {
        QDir().mkpath(qEnvironmentVariable("VTRELAY_TEST_ARTIFACTS"));
        m_dir.setAutoRemove(false);
    }
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_emulator.start(), "the VirusTotal emulator did not start");
    m_keys.stored = EmulatorProcess::apiKey();
    startApp();
}

void TestTrayAppE2e::startApp()
{
    RelaySettings relay;
    relay.port = 0;
    relay.upstream.baseUrl = QUrl(m_emulator.baseUrl());
    relay.cacheDirectory = m_dir.filePath(QStringLiteral("cache"));
    TrayApplication::Options options;
    options.useTray = false;
    options.settings = std::make_unique<QSettings>(m_dir.filePath(QStringLiteral("settings.ini")),
                                                   QSettings::IniFormat);
    // The emulator has no per-minute limit worth waiting for; the relay's own must not slow the test.
    options.settings->setValue(QStringLiteral("quota/perMinute"), 1000);
    options.autostartDirectory = m_dir.filePath(QStringLiteral("autostart"));
    m_app = std::make_unique<TrayApplication>(relay, true, &m_keys, std::move(options));
    QVERIFY(m_app->start());
    QVERIFY(m_app->window());
    QVERIFY(QTest::qWaitForWindowExposed(m_app->window()));
    QVERIFY(m_app->host()->port() != 0);
    m_logTester = std::make_unique<QAbstractItemModelTester>(m_app->state()->requestLog(),
                                                             QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY(m_app->state()->key()->hasKey());
    QCOMPARE(m_app->state()->status(), AppState::Status::Serving);
}

void TestTrayAppE2e::init()
{
    // A binding or script error in the window fails the test that caused it.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("qrc:/qt/qml/VtRelay/")));
}

void TestTrayAppE2e::cleanupTestCase()
{
    m_logTester.reset();
    m_app.reset();
}

int TestTrayAppE2e::sendGet(const QString &pathAndQuery, const QByteArray &cacheControl)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_app->host()->port()).arg(pathAndQuery)));
    request.setRawHeader("User-Agent", "tst_trayapp_e2e");
    if (!cacheControl.isEmpty())
        request.setRawHeader("Cache-Control", cacheControl);
    QNetworkReply *reply = m_network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(20000))
        return -1;
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

const RequestRecord *TestTrayAppE2e::newestRecord() const
{
    return m_app->state()->requestLog()->recordAt(0);
}

void TestTrayAppE2e::requestsAppearWithCacheOutcome_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("objectId");

    QTest::newRow("v3 domain") << QStringLiteral("/api/v3/domains/example.org") << QStringLiteral("domain")
                               << QStringLiteral("example.org");
    QTest::newRow("v3 IP address") << QStringLiteral("/api/v3/ip_addresses/192.0.2.44")
                                   << QStringLiteral("ip_address") << QStringLiteral("192.0.2.44");
    QTest::newRow("v2 domain report") << QStringLiteral("/vtapi/v2/domain/report?domain=example.net")
                                      << QStringLiteral("domain") << QStringLiteral("example.net");
}

void TestTrayAppE2e::requestsAppearWithCacheOutcome()
{
    QFETCH(QString, path);
    QFETCH(QString, kind);
    QFETCH(QString, objectId);
    RequestLogModel *log = m_app->state()->requestLog();
    QSignalSpy inserted(log, &QAbstractItemModel::rowsInserted);
    const int before = log->rowCount();

    QCOMPARE(sendGet(path), 200);
    QTRY_COMPARE_WITH_TIMEOUT(log->rowCount(), before + 1, 5000);
    QCOMPARE(newestRecord()->cacheOutcome, QStringLiteral("MISS"));
    QCOMPARE(newestRecord()->kind, kind);
    QCOMPARE(newestRecord()->objectId, objectId);
    QCOMPARE(newestRecord()->status, 200);

    QCOMPARE(sendGet(path), 200);
    QTRY_COMPARE_WITH_TIMEOUT(log->rowCount(), before + 2, 5000);
    QCOMPARE(newestRecord()->cacheOutcome, QStringLiteral("HIT"));
    QCOMPARE(log->data(log->index(0, 0), RequestLogModel::CacheOutcomeRole).toString(), QStringLiteral("HIT"));
    QCOMPARE(log->data(log->index(1, 0), RequestLogModel::CacheOutcomeRole).toString(), QStringLiteral("MISS"));
    QVERIFY(inserted.count() >= 1);
    QVERIFY2(!newestRecord()->responseBody.isEmpty(), "the tray app records bodies for the details pane");
}

void TestTrayAppE2e::noCacheBypassesAndCountsUpstream()
{
    AppState *state = m_app->state();
    const qint64 upstreamBefore = state->upstreamToday();
    const qint64 savedBefore = state->savedToday();
    QSignalSpy counters(state, &AppState::countersChanged);

    QCOMPARE(sendGet(QStringLiteral("/api/v3/domains/example.org"), "no-cache"), 200);
    QTRY_COMPARE_WITH_TIMEOUT(newestRecord()->cacheOutcome, QStringLiteral("BYPASS"), 5000);
    QTRY_COMPARE(state->upstreamToday(), upstreamBefore + 1);
    QCOMPARE(state->savedToday(), savedBefore);
    QVERIFY(counters.count() >= 1);

    QCOMPARE(sendGet(QStringLiteral("/api/v3/domains/example.org")), 200);
    QTRY_COMPARE_WITH_TIMEOUT(state->savedToday(), savedBefore + 1, 5000);
    QCOMPARE(state->upstreamToday(), upstreamBefore + 1);
    // The scheduler's count of the key's quota reaches the header as well.
    QTRY_VERIFY_WITH_TIMEOUT(state->quotaText().endsWith(QStringLiteral("/500 quota today")), 10000);
    QVERIFY(!state->quotaText().startsWith(QStringLiteral("0/")));
}

void TestTrayAppE2e::keyTestGoesThroughRelayWithoutLeakingKey()
{
    KeyViewModel *key = m_app->state()->key();
    QSignalSpy result(key, &KeyViewModel::resultChanged);
    key->test();
    QTRY_VERIFY_WITH_TIMEOUT(!key->isBusy(), 20000);
    QVERIFY2(key->resultOk(), qPrintable(key->resultText()));
    QVERIFY(key->resultText().contains(QStringLiteral("accepted")));
    QTRY_VERIFY_WITH_TIMEOUT(newestRecord()->client.contains(QStringLiteral("key test")), 5000);
    QCOMPARE(newestRecord()->cacheOutcome, QStringLiteral("BYPASS"));

    // Nothing the window can show contains the key.
    const QString secret = EmulatorProcess::apiKey();
    RequestLogModel *log = m_app->state()->requestLog();
    const QVariantMap details = log->details(log->data(log->index(0, 0), RequestLogModel::SequenceRole).toLongLong());
    for (auto it = details.cbegin(); it != details.cend(); ++it)
        QVERIFY2(!it.value().toString().contains(secret), qPrintable(it.key() + QStringLiteral(" holds the key")));
    QVERIFY(!key->statusText().contains(secret));
    QVERIFY(!key->resultText().contains(secret));
}

void TestTrayAppE2e::pauseAnswersRelayPaused()
{
    AppState *state = m_app->state();
    QSignalSpy status(state, &AppState::statusChanged);
    state->setPaused(true);
    QTRY_VERIFY(state->isPaused());
    QCOMPARE(state->status(), AppState::Status::Paused);
    QCOMPARE(sendGet(QStringLiteral("/api/v3/domains/example.com")), 503);
    QTRY_COMPARE_WITH_TIMEOUT(newestRecord()->errorCode, QStringLiteral("RelayPaused"), 5000);
    state->setPaused(false);
    QTRY_VERIFY(!state->isPaused());
    QCOMPARE(state->status(), AppState::Status::Serving);
    QVERIFY(status.count() >= 2);
}

void TestTrayAppE2e::cachePageListsEntries()
{
    CacheViewModel *cache = m_app->state()->cache();
    QAbstractItemModelTester tester(cache->entries(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    cache->setSearchText(QStringLiteral("example.org"));
    QTRY_COMPARE_WITH_TIMEOUT(cache->entries()->rowCount(), 1, 5000);
    QCOMPARE(cache->entries()->data(cache->entries()->index(0, 0), CacheEntryModel::KindRole).toString(),
             QStringLiteral("domain"));
    cache->setSearchText(QString());
    QTRY_VERIFY_WITH_TIMEOUT(cache->entries()->rowCount() >= 3, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(cache->entryCount() >= 3, 5000);

    // A URL report is cached under its v3 id; searching for the URL itself finds it.
    QCOMPARE(sendGet(QStringLiteral("/api/v3/urls/aHR0cDovL2V4YW1wbGUub3JnLw")), 200);
    cache->setSearchText(QStringLiteral("http://example.org/"));
    QTRY_COMPARE_WITH_TIMEOUT(cache->entries()->rowCount(), 1, 5000);
    QCOMPARE(cache->entries()->data(cache->entries()->index(0, 0), CacheEntryModel::KindRole).toString(),
             QStringLiteral("url"));
    cache->setSearchText(QString());
    QTRY_VERIFY_WITH_TIMEOUT(cache->entries()->rowCount() >= 4, 5000);

    QSignalSpy json(cache, &CacheViewModel::jsonLoaded);
    const QString key = cache->entries()->data(cache->entries()->index(0, 0), CacheEntryModel::KeyRole).toString();
    cache->loadJson(key);
    QVERIFY(json.wait(5000));
    QCOMPARE(json.at(0).at(0).toString(), key);
    QVERIFY(json.at(0).at(1).toString().contains(QStringLiteral("\"data\"")));
}

void TestTrayAppE2e::burstDoesNotFreezeWindow()
{
    // A client on its own thread sends cache hits as fast as the relay serves them, while the
    // GUI thread measures how late its timer runs. The log must arrive in a few batches.
    constexpr int kRequests = 1000;
    RequestLogModel *log = m_app->state()->requestLog();
    const int before = log->rowCount();
    QSignalSpy inserted(log, &QAbstractItemModel::rowsInserted);
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/api/v3/domains/example.org").arg(m_app->host()->port()));

    int answered = 0;
    QThread *client = QThread::create([url, &answered] {
        QNetworkAccessManager network;
        QEventLoop loop;
        int pending = 0;
        int sent = 0;
        std::function<void()> sendOne = [&] {
            QNetworkRequest request(url);
            request.setRawHeader("User-Agent", "burst");
            QNetworkReply *reply = network.get(request);
            ++pending;
            ++sent;
            QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply] {
                reply->deleteLater();
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200)
                    ++answered;
                --pending;
                if (sent < kRequests)
                    sendOne();
                else if (pending == 0)
                    loop.quit();
            });
        };
        for (int i = 0; i < 12; ++i)
            sendOne();
        loop.exec();
    });

    QElapsedTimer clock;
    qint64 last = 0;
    qint64 worstGap = 0;
    QTimer ticker;
    ticker.setInterval(5);
    connect(&ticker, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        worstGap = qMax(worstGap, now - last);
        last = now;
    });
    clock.start();
    ticker.start();
    client->start();
    QVERIFY(QTest::qWaitFor([client] { return client->isFinished(); }, 60000));
    QTRY_COMPARE_WITH_TIMEOUT(log->rowCount(), before + kRequests, 10000);
    ticker.stop();
    delete client;

    const qint64 elapsed = clock.elapsed();
    qInfo("%d hits in %lld ms; longest GUI pause %lld ms; %d model inserts", kRequests, elapsed, worstGap,
          int(inserted.count()));
    QCOMPARE(answered, kRequests);
    // The pause is reported, not asserted: it depends on the machine's load (about 170 ms on
    // an idle 2-core machine, almost 1 s under a parallel fuzzing run).
    // Batches, not one signal per request: a few inserts per second at most.
    QVERIFY(inserted.count() <= elapsed / 200 + 3);
}

void TestTrayAppE2e::refreshOneEntry()
{
    CacheViewModel *cache = m_app->state()->cache();
    QSignalSpy message(cache, &CacheViewModel::messageChanged);
    cache->refreshEntry(QStringLiteral("v3:domain:example.net"));
    QVERIFY(message.wait(20000));
    QCOMPARE(cache->message(), QStringLiteral("Refreshed the entry from VirusTotal."));
    QTRY_COMPARE_WITH_TIMEOUT(newestRecord()->client, QStringLiteral("VT Relay window (refresh)"), 5000);
    QCOMPARE(newestRecord()->cacheOutcome, QStringLiteral("BYPASS"));
    QCOMPARE(newestRecord()->objectId, QStringLiteral("example.net"));
}

void TestTrayAppE2e::historySurvivesRestart()
{
    const int rows = m_app->state()->requestLog()->rowCount();
    const qint64 upstream = m_app->state()->upstreamToday();
    const qint64 saved = m_app->state()->savedToday();
    const RequestRecord newest = *newestRecord();
    m_logTester.reset();
    m_app.reset();

    startApp();
    RequestLogModel *log = m_app->state()->requestLog();
    QCOMPARE(log->rowCount(), rows);
    QCOMPARE(newestRecord()->target, newest.target);
    QCOMPARE(newestRecord()->cacheOutcome, newest.cacheOutcome);
    QCOMPARE(m_app->state()->upstreamToday(), upstream);
    QCOMPARE(m_app->state()->savedToday(), saved);
}

void TestTrayAppE2e::saveScreenshots(const QString &suffix)
{
    const QString directory = qEnvironmentVariable("VTRELAY_SCREENSHOT_DIR");
    QQuickWindow *window = m_app->window();
    const QStringList pages{QStringLiteral("activity"), QStringLiteral("cache"), QStringLiteral("settings")};
    for (int page = 0; page < pages.size(); ++page) {
        m_app->state()->setCurrentPage(page);
        if (page == 0) {
            QObject *list = window->findChild<QObject *>(QStringLiteral("requestView"));
            QVERIFY(list);
            // A cached domain report: the details pane shows its formatted JSON.
            QQmlProperty::write(list, QStringLiteral("currentIndex"), 5);
        } else if (page == 1) {
            QObject *list = window->findChild<QObject *>(QStringLiteral("cacheView"));
            QVERIFY(list);
            QQmlProperty::write(list, QStringLiteral("currentIndex"), 0);
        }
        QTest::qWait(400);
        const QImage image = window->grabWindow();
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), window->size() * window->devicePixelRatio());
        if (!directory.isEmpty())
            QVERIFY(image.save(QDir(directory).filePath(QStringLiteral("%1-%2.png").arg(pages.at(page), suffix))));
    }
    m_app->state()->setCurrentPage(0);
}

void TestTrayAppE2e::screenshots()
{
    // A few more requests so that every column has something to show.
    sendGet(QStringLiteral("/api/v3/files/44d88612fea8a8f36de82e1278abb02f"));
    sendGet(QStringLiteral("/api/v3/nothing-here"));
    sendGet(QStringLiteral("/favicon.ico"));
    QTRY_VERIFY_WITH_TIMEOUT(m_app->state()->requestLog()->rowCount() >= 12, 5000);

    QQuickWindow *window = m_app->window();
    window->resize(1280, 800);
    saveScreenshots(QStringLiteral("1280x800"));
    window->resize(window->minimumWidth(), window->minimumHeight());
    saveScreenshots(QStringLiteral("small"));

    // The banner, with the longest message the relay raises, at both sizes.
    ErrorSink *errors = m_app->errors();
    errors->raise(ErrorSink::Problem::KeyRejected,
                  QStringLiteral("VirusTotal rejected the key with WrongCredentialsError. Enter the right key on the "
                                 "Key and settings page and test it."));
    QVERIFY(m_app->state()->bannerVisible());
    QCOMPARE(m_app->state()->status(), AppState::Status::Problem);
    saveScreenshots(QStringLiteral("banner-small"));
    window->resize(1280, 800);
    saveScreenshots(QStringLiteral("banner"));
    errors->resolve(ErrorSink::Problem::KeyRejected);
    QVERIFY(!m_app->state()->bannerVisible());

    // A dark desktop palette: the window must follow it (no hard-coded light backgrounds).
    const QPalette light = QGuiApplication::palette();
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3a));
    dark.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xc6));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    QGuiApplication::setPalette(dark);
    window->resize(1280, 800);
    saveScreenshots(QStringLiteral("dark"));
    const QImage image = window->grabWindow();
    // The list's background is the palette's base colour, so most of the picture is dark.
    QVERIFY(qGray(image.pixel(image.width() / 4, image.height() - 40)) < 80);
    QGuiApplication::setPalette(light);
}

QTEST_MAIN(TestTrayAppE2e)
#include "tst_trayapp_e2e.moc"
