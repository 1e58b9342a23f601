// SPDX-License-Identifier: MIT
// RequestHistory: the request log in SQLite, with retention and today's counts.
#include "SampleRecords.h"
#include "log/RequestHistory.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace vtrelay;

class TestRequestHistory : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void roundTrip();
    void recentKeepsOrderAndLimits_data();
    void recentKeepsOrderAndLimits();
    void counts();
    void prune_data();
    void prune();
    void survivesReopen();
    void unwritableFolderFails();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestRequestHistory::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestRequestHistory::roundTrip()
{
    RequestHistory history(m_dir->path());
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    const QList<RequestRecord> records = sampleRecords();
    QVERIFY(history.append(records));
    const QList<RequestRecord> loaded = history.recent(100, 100);
    QCOMPARE(loaded.size(), records.size());
    for (int i = 0; i < records.size(); ++i) {
        const RequestRecord &a = records.at(i);
        const RequestRecord &b = loaded.at(i);
        QCOMPARE(b.id, a.id);
        QCOMPARE(b.timeMs, a.timeMs);
        QCOMPARE(b.client, a.client);
        QCOMPARE(b.method, a.method);
        QCOMPARE(b.target, a.target);
        QCOMPARE(b.api, a.api);
        QCOMPARE(b.kind, a.kind);
        QCOMPARE(b.objectId, a.objectId);
        QCOMPARE(b.status, a.status);
        QCOMPARE(b.cacheOutcome, a.cacheOutcome);
        QCOMPARE(b.latencyMs, a.latencyMs);
        QCOMPARE(b.bytes, a.bytes);
        QCOMPARE(b.errorCode, a.errorCode);
        QCOMPARE(b.requestHeaders.fields(), a.requestHeaders.fields());
        QCOMPARE(b.responseHeaders.fields(), a.responseHeaders.fields());
        QCOMPARE(b.responseBody, a.responseBody);
    }
}

void TestRequestHistory::recentKeepsOrderAndLimits_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("withBodies");
    QTest::addColumn<QList<qint64>>("expectedIds");
    QTest::addColumn<int>("expectedBodies");

    QTest::newRow("all") << 100 << 100 << QList<qint64>{1, 2, 3, 4, 5, 6, 7} << 7;
    QTest::newRow("newest three") << 3 << 100 << QList<qint64>{5, 6, 7} << 3;
    QTest::newRow("bodies for the newest two only") << 100 << 2 << QList<qint64>{1, 2, 3, 4, 5, 6, 7} << 2;
    QTest::newRow("no bodies") << 4 << 0 << QList<qint64>{4, 5, 6, 7} << 0;
}

void TestRequestHistory::recentKeepsOrderAndLimits()
{
    QFETCH(int, limit);
    QFETCH(int, withBodies);
    QFETCH(QList<qint64>, expectedIds);
    QFETCH(int, expectedBodies);

    RequestHistory history(m_dir->path());
    QString error;
    QVERIFY(history.open(&error));
    QVERIFY(history.append(sampleRecords().mid(0, 3)));
    QVERIFY(history.append(sampleRecords().mid(3)));
    const QList<RequestRecord> loaded = history.recent(limit, withBodies);
    QList<qint64> ids;
    int bodies = 0;
    for (const RequestRecord &r : loaded) {
        ids.append(r.id);
        bodies += r.responseBody.isEmpty() ? 0 : 1;
    }
    QCOMPARE(ids, expectedIds);
    QCOMPARE(bodies, expectedBodies);
    if (expectedBodies > 0)
        QVERIFY(!loaded.constLast().responseBody.isEmpty()); // the newest carry the bodies
}

void TestRequestHistory::counts()
{
    RequestHistory history(m_dir->path());
    QString error;
    QVERIFY(history.open(&error));
    QVERIFY(history.append(sampleRecords()));
    const RequestHistory::Counts all = history.countsSince(0);
    QCOMPARE(all.requests, 7);
    QCOMPARE(all.hits, 2);     // samples 2 and 4
    QCOMPARE(all.upstream, 4); // 1, 3, 5 (MISS) and 6 (BYPASS upload); 7 is a relay error
    QCOMPARE(all.misses, 3);
    const RequestHistory::Counts none = history.countsSince(QDateTime::currentMSecsSinceEpoch() + 1000);
    QCOMPARE(none.requests, 0);

    // The live counters in the window use the same rules.
    int upstream = 0;
    int cached = 0;
    for (const RequestRecord &r : sampleRecords()) {
        upstream += RequestHistory::wentUpstream(r) ? 1 : 0;
        cached += RequestHistory::servedFromCache(r) ? 1 : 0;
    }
    QCOMPARE(upstream, int(all.upstream));
    QCOMPARE(cached, int(all.hits));
}

void TestRequestHistory::prune_data()
{
    QTest::addColumn<int>("retentionDays");
    QTest::addColumn<QList<int>>("ageDays");
    QTest::addColumn<int>("expectedRemoved");

    QTest::newRow("keep a week") << 7 << QList<int>{0, 1, 6, 8, 30} << 2;
    QTest::newRow("keep one day") << 1 << QList<int>{0, 2, 3} << 2;
    QTest::newRow("nothing old") << 7 << QList<int>{0, 0, 1} << 0;
    QTest::newRow("zero days means one") << 0 << QList<int>{0, 2} << 1;
}

void TestRequestHistory::prune()
{
    QFETCH(int, retentionDays);
    QFETCH(QList<int>, ageDays);
    QFETCH(int, expectedRemoved);

    RequestHistory history(m_dir->path());
    history.setRetentionDays(retentionDays);
    QString error;
    QVERIFY(history.open(&error));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<RequestRecord> records;
    for (int i = 0; i < ageDays.size(); ++i) {
        RequestRecord r = sampleRecords().constFirst();
        r.id = i + 1;
        r.timeMs = now - qint64(ageDays.at(i)) * 24 * 3600 * 1000 - 1000;
        records.append(r);
    }
    QVERIFY(history.append(records));
    QCOMPARE(history.prune(now), expectedRemoved);
    QCOMPARE(history.recent(100, 0).size(), ageDays.size() - expectedRemoved);
}

void TestRequestHistory::survivesReopen()
{
    {
        RequestHistory history(m_dir->path());
        QString error;
        QVERIFY(history.open(&error));
        QVERIFY(history.append(sampleRecords()));
    }
    RequestHistory again(m_dir->path());
    QString error;
    QVERIFY(again.open(&error));
    QCOMPARE(again.recent(100, 0).size(), 7);
    QCOMPARE(again.clear(), 7);
    QCOMPARE(again.recent(100, 0).size(), 0);
}

void TestRequestHistory::unwritableFolderFails()
{
    // A file where the folder should be: open fails with a message naming the path.
    QFile blocker(m_dir->filePath(QStringLiteral("blocked")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    RequestHistory history(blocker.fileName());
    QString error;
    QVERIFY(!history.open(&error));
    QVERIFY(error.contains(blocker.fileName()));
    QVERIFY(!history.isOpen());
    QVERIFY(!history.append(sampleRecords()));
}

QTEST_GUILESS_MAIN(TestRequestHistory)
#include "tst_requesthistory.moc"
