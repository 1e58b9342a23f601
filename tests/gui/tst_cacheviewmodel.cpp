// SPDX-License-Identifier: MIT
// The Cache page's view-model and list model, on a real relay thread over a real cache file.
#include "CacheEntryModel.h"
#include "CacheViewModel.h"
#include "RelayHost.h"
#include "cache/CacheStore.h"
#include "cache/Gzip.h"
#include "keys/ApiKeyProvider.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace vtrelay;

class TestCacheViewModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void refreshPath_data();
    void refreshPath();
    void searchTerms_data();
    void searchTerms();
    void hitRatio_data();
    void hitRatio();
    void entryModel();
    void searchFindsByIdAndAlias_data();
    void searchFindsByIdAndAlias();
    void removeOne();
    void clearAll();
    void loadJsonFormatsBody();
    void refreshOfUnknownKindExplains();

private:
    void fillCache();

    std::unique_ptr<QTemporaryDir> m_dir;
    ApiKeyProvider m_keys;
    std::unique_ptr<RelayHost> m_host;
};

void TestCacheViewModel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    fillCache();
    RelaySettings settings;
    settings.port = 0;
    settings.cacheDirectory = m_dir->path();
    settings.upstream.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
    m_host = std::make_unique<RelayHost>(settings, &m_keys);
    QString error;
    QVERIFY2(m_host->start(&error), qPrintable(error));
}

void TestCacheViewModel::cleanup()
{
    m_host.reset();
}

void TestCacheViewModel::fillCache()
{
    CacheStore store(m_dir->path());
    QString error;
    QVERIFY(store.open(&error));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QList<QPair<QString, QString>> objects{
        {QStringLiteral("domain"), QStringLiteral("example.com")},
        {QStringLiteral("ip_address"), QStringLiteral("192.0.2.1")},
        {QStringLiteral("file"), QStringLiteral("275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f")},
    };
    for (int i = 0; i < objects.size(); ++i) {
        CacheEntry entry;
        entry.kind = objects.at(i).first;
        entry.objectId = objects.at(i).second;
        entry.key = QStringLiteral("v3:%1:%2").arg(entry.kind, entry.objectId);
        entry.status = 200;
        entry.gzipBody = Gzip::compress(R"({"data":{"id":")" + entry.objectId.toUtf8() + R"("}})");
        entry.storedAt = now - (i + 1) * 1000;
        entry.expiresAt = now + 3600'000;
        QVERIFY(store.store(entry));
    }
    store.addAlias(QStringLiteral("v3:file:44d88612fea8a8f36de82e1278abb02f"),
                   QStringLiteral("v3:file:275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"));
}

void TestCacheViewModel::refreshPath_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("path");

    QTest::newRow("v3 file") << QStringLiteral("v3:file:abc") << QStringLiteral("/api/v3/files/abc");
    QTest::newRow("v3 domain") << QStringLiteral("v3:domain:example.com") << QStringLiteral("/api/v3/domains/example.com");
    QTest::newRow("v3 ip") << QStringLiteral("v3:ip_address:192.0.2.1") << QStringLiteral("/api/v3/ip_addresses/192.0.2.1");
    QTest::newRow("v3 url id") << QStringLiteral("v3:url:aHR0cDovL2V4YW1wbGUub3JnLw")
                               << QStringLiteral("/api/v3/urls/aHR0cDovL2V4YW1wbGUub3JnLw");
    QTest::newRow("v3 relationship with query") << QStringLiteral("v3:domain:example.com/resolutions?limit=10")
                                                << QStringLiteral("/api/v3/domains/example.com/resolutions?limit=10");
    QTest::newRow("v3 IPv6 keeps colons") << QStringLiteral("v3:ip_address:2001:db8::1")
                                          << QStringLiteral("/api/v3/ip_addresses/2001:db8::1");
    QTest::newRow("v2 file report") << QStringLiteral("v2:file/report:abc")
                                    << QStringLiteral("/vtapi/v2/file/report?resource=abc");
    QTest::newRow("v2 url report encoded") << QStringLiteral("v2:url/report:http://example.org/?a=b")
                                           << QStringLiteral("/vtapi/v2/url/report?resource=http%3A%2F%2Fexample.org%2F&a=b");
    QTest::newRow("v2 domain with extras") << QStringLiteral("v2:domain/report:example.com?allinfo=1")
                                           << QStringLiteral("/vtapi/v2/domain/report?domain=example.com&allinfo=1");
    QTest::newRow("v2 ip") << QStringLiteral("v2:ip-address/report:192.0.2.1")
                           << QStringLiteral("/vtapi/v2/ip-address/report?ip=192.0.2.1");
    QTest::newRow("search cannot be refreshed") << QStringLiteral("v3:search:x") << QString();
    QTest::newRow("garbage") << QStringLiteral("nonsense") << QString();
}

void TestCacheViewModel::refreshPath()
{
    QFETCH(QString, key);
    QFETCH(QString, path);
    QCOMPARE(CacheViewModel::refreshPathFor(key), path);
}

void TestCacheViewModel::searchTerms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("terms");
    QTest::newRow("hash") << QStringLiteral(" 44D88612 ") << QStringList{QStringLiteral("44D88612")};
    QTest::newRow("domain") << QStringLiteral("example.com") << QStringList{QStringLiteral("example.com")};
    // base64url of "http://www.example.com/", with the trailing '=' left out.
    QTest::newRow("url adds the v3 id") << QStringLiteral("http://www.example.com/")
                                        << QStringList{QStringLiteral("http://www.example.com/"),
                                                       QStringLiteral("aHR0cDovL3d3dy5leGFtcGxlLmNvbS8")};
}

void TestCacheViewModel::searchTerms()
{
    QFETCH(QString, text);
    QFETCH(QStringList, terms);
    QCOMPARE(CacheViewModel::searchTermsFor(text), terms);
}

void TestCacheViewModel::hitRatio_data()
{
    QTest::addColumn<qint64>("hits");
    QTest::addColumn<qint64>("misses");
    QTest::addColumn<QString>("text");
    QTest::newRow("nothing yet") << qint64(0) << qint64(0) << QStringLiteral("no lookups today");
    QTest::newRow("all hits") << qint64(4) << qint64(0) << QStringLiteral("100.0 %");
    QTest::newRow("one in three") << qint64(1) << qint64(2) << QStringLiteral("33.3 %");
}

void TestCacheViewModel::hitRatio()
{
    QFETCH(qint64, hits);
    QFETCH(qint64, misses);
    QFETCH(QString, text);
    CacheViewModel model(m_host.get());
    QSignalSpy stats(&model, &CacheViewModel::statsChanged);
    model.setTodayCounts(hits, misses);
    QCOMPARE(model.hitRatioText(), text);
    QCOMPARE(model.savedToday(), hits);
    QCOMPARE(stats.count(), hits || misses ? 1 : 0);
}

void TestCacheViewModel::entryModel()
{
    CacheEntryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy count(&model, &CacheEntryModel::countChanged);
    const qint64 now = 1'700'000'000'000;
    model.setNow(now);
    model.setEntries({
        {QStringLiteral("v3:domain:example.com"), QStringLiteral("domain"), QStringLiteral("example.com"), 200, now - 10, now + 10, 3, 2048},
        {QStringLiteral("v2:file/report:aaaa"), QStringLiteral("file"), QString(64, u'a'), 404, now - 20, now - 1, 0, 120},
    });
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.data(model.index(0, 0), CacheEntryModel::ExpiredRole).toBool(), false);
    QCOMPARE(model.data(model.index(1, 0), CacheEntryModel::ExpiredRole).toBool(), true);
    QCOMPARE(model.data(model.index(0, 0), CacheEntryModel::SizeTextRole).toString(), QStringLiteral("2.0 kB"));
    QCOMPARE(model.data(model.index(1, 0), CacheEntryModel::ShortIdRole).toString().size(), 17);
    QCOMPARE(model.data(model.index(0, 0), CacheEntryModel::ApiRole).toString(), QStringLiteral("v3"));
    QCOMPARE(model.data(model.index(1, 0), CacheEntryModel::ApiRole).toString(), QStringLiteral("v2"));
    QCOMPARE(model.rowOfKey(QStringLiteral("v2:file/report:aaaa")), 1);
    QCOMPARE(model.rowOfKey(QStringLiteral("nope")), -1);
    QVERIFY(model.removeKey(QStringLiteral("v3:domain:example.com")));
    QVERIFY(!model.removeKey(QStringLiteral("v3:domain:example.com")));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(count.count(), 2);
}

void TestCacheViewModel::searchFindsByIdAndAlias_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expectedKinds"); // newest first

    QTest::newRow("everything") << QString()
                                << QStringList{QStringLiteral("domain"), QStringLiteral("ip_address"), QStringLiteral("file")};
    QTest::newRow("domain") << QStringLiteral("example") << QStringList{QStringLiteral("domain")};
    QTest::newRow("ip") << QStringLiteral("192.0.2") << QStringList{QStringLiteral("ip_address")};
    QTest::newRow("sha256 upper case") << QStringLiteral("275A021B") << QStringList{QStringLiteral("file")};
    QTest::newRow("md5 through the alias") << QStringLiteral("44d88612fea8a8f36de82e1278abb02f")
                                           << QStringList{QStringLiteral("file")};
    QTest::newRow("nothing") << QStringLiteral("zzz") << QStringList{};
}

void TestCacheViewModel::searchFindsByIdAndAlias()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expectedKinds);
    CacheViewModel model(m_host.get());
    QAbstractItemModelTester tester(model.entries(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy searchText(&model, &CacheViewModel::searchTextChanged);
    QSignalSpy busy(&model, &CacheViewModel::busyChanged);
    model.setSearchText(text);
    QCOMPARE(searchText.count(), text.isEmpty() ? 0 : 1);
    model.search();
    QVERIFY(model.isBusy());
    QTRY_VERIFY(!model.isBusy());
    QCOMPARE(busy.count(), 2);
    QStringList kinds;
    for (int row = 0; row < model.entries()->rowCount(); ++row)
        kinds.append(model.entries()->data(model.entries()->index(row, 0), CacheEntryModel::KindRole).toString());
    QCOMPARE(kinds, expectedKinds);
    QTRY_COMPARE(model.entryCount(), 3);
}

void TestCacheViewModel::removeOne()
{
    CacheViewModel model(m_host.get());
    model.search();
    QTRY_COMPARE(model.entries()->rowCount(), 3);
    QSignalSpy message(&model, &CacheViewModel::messageChanged);
    model.removeEntry(QStringLiteral("v3:domain:example.com"));
    QTRY_COMPARE(model.entries()->rowCount(), 2);
    QTRY_COMPARE(model.entryCount(), 2);
    QCOMPARE(message.count(), 1);
    QVERIFY(model.message().contains(QStringLiteral("Deleted")));
}

void TestCacheViewModel::clearAll()
{
    CacheViewModel model(m_host.get());
    model.search();
    QTRY_COMPARE(model.entryCount(), 3);
    QSignalSpy stats(&model, &CacheViewModel::statsChanged);
    model.clearAll();
    QTRY_COMPARE(model.entryCount(), 0);
    QCOMPARE(model.entries()->rowCount(), 0);
    QVERIFY(stats.count() >= 1);
    QCOMPARE(model.message(), QStringLiteral("Deleted 3 cache entries."));
}

void TestCacheViewModel::loadJsonFormatsBody()
{
    CacheViewModel model(m_host.get());
    QSignalSpy json(&model, &CacheViewModel::jsonLoaded);
    model.loadJson(QStringLiteral("v3:domain:example.com"));
    QVERIFY(json.wait(5000));
    QCOMPARE(json.at(0).at(1).toString(), QStringLiteral("{\n    \"data\": {\n        \"id\": \"example.com\"\n    }\n}\n"));
    model.loadJson(QStringLiteral("v3:domain:gone.example"));
    QVERIFY(json.wait(5000));
    QVERIFY(json.at(1).at(1).toString().contains(QStringLiteral("no longer")));
}

void TestCacheViewModel::refreshOfUnknownKindExplains()
{
    CacheViewModel model(m_host.get());
    QSignalSpy message(&model, &CacheViewModel::messageChanged);
    model.refreshEntry(QStringLiteral("v3:search:query"));
    QCOMPARE(message.count(), 1);
    QVERIFY(!model.isBusy());
    QVERIFY(model.message().contains(QStringLiteral("Delete it")));
}

QTEST_GUILESS_MAIN(TestCacheViewModel)
#include "tst_cacheviewmodel.moc"
