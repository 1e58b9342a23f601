// SPDX-License-Identifier: MIT
// TrayIcon: one distinct picture per status, from the embedded resources, and a tooltip with
// the status and today's counters. The tray itself is absent on the offscreen platform.
#include "AppState.h"
#include "ErrorSink.h"
#include "LoginItem.h"
#include "MemoryKeyStore.h"
#include "RelayHost.h"
#include "SampleRecords.h"
#include "TrayIcon.h"
#include "keys/ApiKeyProvider.h"

#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(VtRelayPlugin)

using namespace vtrelay;

class TestTrayIcon : public QObject
{
    Q_OBJECT

private slots:
    void iconPerStatus_data();
    void iconPerStatus();
    void iconsDiffer();
    void toolTipShowsStatusAndCounters();
};

void TestTrayIcon::iconPerStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("serving") << int(AppState::Status::Serving);
    QTest::newRow("paused") << int(AppState::Status::Paused);
    QTest::newRow("problem") << int(AppState::Status::Problem);
}

void TestTrayIcon::iconPerStatus()
{
    QFETCH(int, status);
    const QIcon icon = TrayIcon::iconFor(status);
    QVERIFY(!icon.isNull());
    const QImage image = icon.pixmap(32, 32).toImage();
    QCOMPARE(image.size(), QSize(32, 32));
    // The centre is opaque and the corners are transparent: a round badge.
    QCOMPARE(qAlpha(image.pixel(16, 16)), 255);
    QCOMPARE(qAlpha(image.pixel(0, 0)), 0);
}

void TestTrayIcon::iconsDiffer()
{
    // An analyst tells the states apart by colour at a glance, so the discs differ.
    const QRgb serving = TrayIcon::iconFor(int(AppState::Status::Serving)).pixmap(32, 32).toImage().pixel(4, 16);
    const QRgb paused = TrayIcon::iconFor(int(AppState::Status::Paused)).pixmap(32, 32).toImage().pixel(4, 16);
    const QRgb problem = TrayIcon::iconFor(int(AppState::Status::Problem)).pixmap(32, 32).toImage().pixel(4, 16);
    QVERIFY(serving != paused);
    QVERIFY(serving != problem);
    QVERIFY(paused != problem);
    QVERIFY(qGreen(serving) > qRed(serving));
    QVERIFY(qRed(problem) > qGreen(problem));
}

void TestTrayIcon::toolTipShowsStatusAndCounters()
{
    QTemporaryDir dir;
    MemoryKeyStore store;
    store.stored = QStringLiteral("tray-test-key");
    ApiKeyProvider keys;
    ErrorSink errors;
    RelaySettings settings;
    settings.port = 9;
    RelayHost host(settings, &keys);
    AppState state(&host, &errors, &store,
                   std::make_unique<SettingsViewModel>(
                       std::make_unique<QSettings>(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat),
                       std::make_unique<LoginItem>(dir.filePath(QStringLiteral("autostart"))), &host));
    state.initialize(true, QString());
    QTRY_VERIFY(keys.hasKey());
    TrayIcon tray(&state);
    state.addRecords(sampleRecords().mid(0, 4));
    QVERIFY2(tray.toolTip().contains(state.statusText()), qPrintable(tray.toolTip()));
    QVERIFY(tray.toolTip().contains(QStringLiteral("2 upstream calls today, 2 answered from the cache")));
    QVERIFY(!tray.toolTip().contains(QStringLiteral("tray-test-key")));
}

QTEST_MAIN(TestTrayIcon)
#include "tst_trayicon.moc"
