// SPDX-License-Identifier: MIT
// SettingsViewModel and LoginItem: stored names shared with the team configuration, bounds,
// start at login, and which stored values replace the command line's.
#include "LoginItem.h"
#include "SettingsStore.h"
#include "SettingsViewModel.h"
#include "relay/Relay.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace vtrelay;

class TestSettingsViewModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void ttlStoredInSeconds_data();
    void ttlStoredInSeconds();
    void listenPort_data();
    void listenPort();
    void historyDaysBounded_data();
    void historyDaysBounded();
    void startAtLoginWritesDesktopFile();
    void applyStored_data();
    void applyStored();
    void allowOrigin_data();
    void allowOrigin();
    void removeOriginPersists();
    void rejectedOriginAllowed_data();
    void rejectedOriginAllowed();

private:
    std::unique_ptr<SettingsViewModel> makeModel();
    QString iniPath() const { return m_dir->filePath(QStringLiteral("settings.ini")); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestSettingsViewModel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

std::unique_ptr<SettingsViewModel> TestSettingsViewModel::makeModel()
{
    return std::make_unique<SettingsViewModel>(std::make_unique<QSettings>(iniPath(), QSettings::IniFormat),
                                               std::make_unique<LoginItem>(m_dir->filePath(QStringLiteral("autostart"))),
                                               nullptr);
}

void TestSettingsViewModel::ttlStoredInSeconds_data()
{
    QTest::addColumn<QByteArray>("property");
    QTest::addColumn<QString>("storedName");
    QTest::addColumn<int>("hours");
    QTest::addColumn<int>("expectedHours");

    QTest::newRow("object") << QByteArray("objectTtlHours") << QStringLiteral("cache/objectTtlSeconds") << 48 << 48;
    QTest::newRow("collection") << QByteArray("collectionTtlHours") << QStringLiteral("cache/collectionTtlSeconds") << 2 << 2;
    QTest::newRow("comment") << QByteArray("commentTtlHours") << QStringLiteral("cache/commentTtlSeconds") << 0 << 0;
    QTest::newRow("not found") << QByteArray("notFoundTtlHours") << QStringLiteral("cache/notFoundTtlSeconds") << 6 << 6;
    QTest::newRow("analysis capped at a year") << QByteArray("analysisTtlHours")
                                               << QStringLiteral("cache/analysisTtlSeconds") << 100000 << 8760;
    QTest::newRow("negative becomes zero") << QByteArray("objectTtlHours") << QStringLiteral("cache/objectTtlSeconds")
                                           << -5 << 0;
}

void TestSettingsViewModel::ttlStoredInSeconds()
{
    QFETCH(QByteArray, property);
    QFETCH(QString, storedName);
    QFETCH(int, hours);
    QFETCH(int, expectedHours);
    {
        auto model = makeModel();
        QSignalSpy ttl(model.get(), &SettingsViewModel::ttlChanged);
        QVERIFY(model->setProperty(property.constData(), hours));
        QCOMPARE(model->property(property.constData()).toInt(), expectedHours);
        QCOMPARE(ttl.count(), 1);
    }
    QSettings stored(iniPath(), QSettings::IniFormat);
    QCOMPARE(stored.value(storedName).toLongLong(), qint64(expectedHours) * 3600);
    QCOMPARE(SettingsViewModel::storedPolicy(stored).objectTtlSeconds,
             storedName.contains(QStringLiteral("object")) ? qint64(expectedHours) * 3600 : CachePolicy::Settings().objectTtlSeconds);
}

void TestSettingsViewModel::listenPort_data()
{
    QTest::addColumn<int>("port");
    QTest::addColumn<int>("expected");
    QTest::addColumn<bool>("explained");
    QTest::newRow("usual") << 9000 << 9000 << true;
    QTest::newRow("privileged refused") << 80 << 8684 << true;
    QTest::newRow("too high refused") << 70000 << 8684 << true;
    QTest::newRow("same as now") << 8684 << 8684 << false;
}

void TestSettingsViewModel::listenPort()
{
    QFETCH(int, port);
    QFETCH(int, expected);
    QFETCH(bool, explained);
    auto model = makeModel();
    QSignalSpy message(model.get(), &SettingsViewModel::messageChanged);
    model->setListenPort(port);
    QCOMPARE(model->listenPort(), expected);
    QCOMPARE(message.count(), explained ? 1 : 0);
}

void TestSettingsViewModel::historyDaysBounded_data()
{
    QTest::addColumn<int>("days");
    QTest::addColumn<int>("expected");
    QTest::newRow("default kept") << SettingsViewModel::kDefaultHistoryDays << SettingsViewModel::kDefaultHistoryDays;
    QTest::newRow("thirty") << 30 << 30;
    QTest::newRow("zero becomes one") << 0 << 1;
    QTest::newRow("capped at a year") << 1000 << 365;
}

void TestSettingsViewModel::historyDaysBounded()
{
    QFETCH(int, days);
    QFETCH(int, expected);
    auto model = makeModel();
    QSignalSpy changed(model.get(), &SettingsViewModel::historyDaysChanged);
    model->setHistoryDays(days);
    QCOMPARE(model->historyDays(), expected);
    QCOMPARE(changed.count(), expected == SettingsViewModel::kDefaultHistoryDays ? 0 : 1);
}

void TestSettingsViewModel::startAtLoginWritesDesktopFile()
{
    auto model = makeModel();
    QVERIFY(model->startAtLoginSupported());
    QVERIFY(!model->startAtLogin());
    QSignalSpy changed(model.get(), &SettingsViewModel::startAtLoginChanged);
    model->setStartAtLogin(true);
    QVERIFY(model->startAtLogin());
    QFile desktop(m_dir->filePath(QStringLiteral("autostart/vtrelay.desktop")));
    QVERIFY(desktop.open(QIODevice::ReadOnly));
    const QByteArray text = desktop.readAll();
    QVERIFY(text.startsWith("[Desktop Entry]\n"));
    QVERIFY(text.contains("Exec=\"" + QFile::encodeName(QCoreApplication::applicationFilePath()) + "\"\n"));
    model->setStartAtLogin(false);
    QVERIFY(!model->startAtLogin());
    QVERIFY(!desktop.exists());
    QCOMPARE(changed.count(), 2);
}

void TestSettingsViewModel::applyStored_data()
{
    QTest::addColumn<QVariantMap>("stored");
    QTest::addColumn<int>("commandLinePort");
    QTest::addColumn<int>("commandLinePerMinute");
    QTest::addColumn<bool>("listenGiven");
    QTest::addColumn<int>("expectedPort");
    QTest::addColumn<int>("expectedPerMinute");

    QTest::newRow("nothing stored") << QVariantMap{} << 8684 << 4 << false << 8684 << 4;
    QTest::newRow("stored port used") << QVariantMap{{QStringLiteral("http/listenPort"), 9100}} << 8684 << 4 << false
                                      << 9100 << 4;
    QTest::newRow("--listen wins") << QVariantMap{{QStringLiteral("http/listenPort"), 9100}} << 9200 << 4 << true
                                   << 9200 << 4;
    QTest::newRow("stored quota used") << QVariantMap{{QStringLiteral("quota/perMinute"), 1000}} << 8684 << 4 << false
                                       << 8684 << 1000;
    QTest::newRow("--quota-per-minute wins") << QVariantMap{{QStringLiteral("quota/perMinute"), 1000}} << 8684 << 30
                                             << false << 8684 << 30;
}

void TestSettingsViewModel::applyStored()
{
    QFETCH(QVariantMap, stored);
    QFETCH(int, commandLinePort);
    QFETCH(int, commandLinePerMinute);
    QFETCH(bool, listenGiven);
    QFETCH(int, expectedPort);
    QFETCH(int, expectedPerMinute);

    QSettings settings(iniPath(), QSettings::IniFormat);
    for (auto it = stored.cbegin(); it != stored.cend(); ++it)
        settings.setValue(it.key(), it.value());
    settings.setValue(QStringLiteral("cache/objectTtlSeconds"), 7200);
    RelaySettings relay;
    relay.port = quint16(commandLinePort);
    relay.quota.perMinute = commandLinePerMinute;
    SettingsViewModel::applyStored(settings, &relay, listenGiven);
    QCOMPARE(int(relay.port), expectedPort);
    QCOMPARE(relay.quota.perMinute, expectedPerMinute);
    QCOMPARE(relay.cachePolicy.objectTtlSeconds, 7200);
}

void TestSettingsViewModel::allowOrigin_data()
{
    QTest::addColumn<QStringList>("before");
    QTest::addColumn<QString>("origin");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QStringList>("after");

    const QStringList none;
    const QStringList tool{QStringLiteral("https://tool.example")};
    QTest::newRow("https origin") << none << QStringLiteral("https://tool.example") << true << tool;
    QTest::newRow("spaces trimmed") << none << QStringLiteral("  https://tool.example ") << true << tool;
    QTest::newRow("extension added after another")
        << tool << QStringLiteral("chrome-extension://abcdefghijklmnop") << true
        << QStringList{QStringLiteral("https://tool.example"), QStringLiteral("chrome-extension://abcdefghijklmnop")};
    QTest::newRow("loopback with port") << none << QStringLiteral("http://127.0.0.1:3000") << true
                                        << QStringList{QStringLiteral("http://127.0.0.1:3000")};
    QTest::newRow("already allowed") << tool << QStringLiteral("https://tool.example") << false << tool;
    QTest::newRow("wildcard rejected") << none << QStringLiteral("*") << false << none;
    QTest::newRow("null rejected") << none << QStringLiteral("null") << false << none;
    QTest::newRow("path rejected") << none << QStringLiteral("https://tool.example/app") << false << none;
    QTest::newRow("trailing slash rejected") << none << QStringLiteral("https://tool.example/") << false << none;
    QTest::newRow("default port rejected") << none << QStringLiteral("https://tool.example:443") << false << none;
    QTest::newRow("empty rejected") << tool << QStringLiteral("   ") << false << tool;
}

void TestSettingsViewModel::allowOrigin()
{
    QFETCH(QStringList, before);
    QFETCH(QString, origin);
    QFETCH(bool, accepted);
    QFETCH(QStringList, after);
    {
        QSettings settings(iniPath(), QSettings::IniFormat);
        if (!before.isEmpty())
            settings.setValue(QStringLiteral("http/allowedOrigins"), before);
    }
    {
        auto model = makeModel();
        QSignalSpy changed(model.get(), &SettingsViewModel::allowedOriginsChanged);
        QSignalSpy message(model.get(), &SettingsViewModel::originMessageChanged);
        QCOMPARE(model->allowOrigin(origin), accepted);
        QCOMPARE(model->allowedOrigins(), after);
        QCOMPARE(changed.count(), accepted ? 1 : 0);
        QCOMPARE(message.count(), 1);
        QVERIFY(!model->originMessage().isEmpty());
    }
    // Stored: a new model and SettingsStore (the team configuration) read the same list.
    QCOMPARE(makeModel()->allowedOrigins(), after);
    QSettings stored(iniPath(), QSettings::IniFormat);
    QCOMPARE(SettingsStore(&stored).load().allowedOrigins, after);
    // Only the origins are written, so the quota and port keep following the command line.
    QVERIFY(!stored.contains(QStringLiteral("quota/perMinute")));
    QVERIFY(!stored.contains(QStringLiteral("http/listenPort")));
}

void TestSettingsViewModel::removeOriginPersists()
{
    {
        auto model = makeModel();
        QVERIFY(model->allowOrigin(QStringLiteral("https://a.example")));
        QVERIFY(model->allowOrigin(QStringLiteral("https://b.example")));
        QSignalSpy changed(model.get(), &SettingsViewModel::allowedOriginsChanged);
        model->removeOrigin(QStringLiteral("https://a.example"));
        QCOMPARE(changed.count(), 1);
        model->removeOrigin(QStringLiteral("https://not-listed.example"));
        QCOMPARE(changed.count(), 1);
    }
    QCOMPARE(makeModel()->allowedOrigins(), QStringList{QStringLiteral("https://b.example")});
}

void TestSettingsViewModel::rejectedOriginAllowed_data()
{
    QTest::addColumn<QString>("origin");
    QTest::addColumn<bool>("allowable");
    QTest::newRow("web page") << QStringLiteral("https://tool.example") << true;
    QTest::newRow("extension") << QStringLiteral("moz-extension://4b1d0c1e-1111-2222-3333-444455556666") << true;
    QTest::newRow("sandboxed page") << QStringLiteral("null") << false;
}

void TestSettingsViewModel::rejectedOriginAllowed()
{
    QFETCH(QString, origin);
    QFETCH(bool, allowable);
    auto model = makeModel();
    QSignalSpy rejected(model.get(), &SettingsViewModel::rejectedOriginChanged);
    model->noteRejectedOrigin(origin);
    model->noteRejectedOrigin(origin);
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(model->rejectedOrigin(), origin);

    QCOMPARE(model->allowRejectedOrigin(), allowable);
    QCOMPARE(model->rejectedOrigin(), allowable ? QString() : origin);
    QCOMPARE(rejected.count(), allowable ? 2 : 1);
    QCOMPARE(model->allowedOrigins(), allowable ? QStringList{origin} : QStringList());
}

QTEST_GUILESS_MAIN(TestSettingsViewModel)
#include "tst_settingsviewmodel.moc"
