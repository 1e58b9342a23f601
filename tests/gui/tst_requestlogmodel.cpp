// SPDX-License-Identifier: MIT
// The Activity page's models: RequestLogModel (newest first, capped, details, curl) and
// RequestFilterModel (text, status class, cache outcome), under QAbstractItemModelTester.
#include "RequestFilterModel.h"
#include "RequestLogModel.h"
#include "SampleRecords.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>

using namespace vtrelay;

class TestRequestLogModel : public QObject
{
    Q_OBJECT

private slots:
    void newestFirst();
    void capsAtMaximumRows_data();
    void capsAtMaximumRows();
    void roles();
    void detailsAndCurlCarryNoKey_data();
    void detailsAndCurlCarryNoKey();
    void detailsOfRemovedRowIsEmpty();
    void shortenId_data();
    void shortenId();
    void formatBody_data();
    void formatBody();
    void filter_data();
    void filter();
    void filterFollowsNewRows();
    void keepsUpWithTwoHundredPerSecond();
};

void TestRequestLogModel::newestFirst()
{
    RequestLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy count(&model, &RequestLogModel::countChanged);

    model.appendRecords(sampleRecords());
    QCOMPARE(model.rowCount(), 7);
    QCOMPARE(inserted.count(), 1); // one batch, one insert
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 6);
    QCOMPARE(count.count(), 1);
    QCOMPARE(model.recordAt(0)->id, 7);
    QCOMPARE(model.recordAt(6)->id, 1);

    model.appendRecords({sampleRecord(8, QStringLiteral("c"), QStringLiteral("GET"), QStringLiteral("/api/v3/x"),
                                      QStringLiteral("other"), QString(), 200, QStringLiteral("BYPASS"))});
    QCOMPARE(model.recordAt(0)->id, 8);
    QCOMPARE(model.rowCount(), 8);

    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(count.count(), 3);
}

void TestRequestLogModel::capsAtMaximumRows_data()
{
    QTest::addColumn<int>("maximum");
    QTest::addColumn<QList<int>>("batches");
    QTest::addColumn<int>("expectedRows");
    QTest::addColumn<qint64>("expectedOldestId");

    QTest::newRow("under the cap") << 10 << QList<int>{3, 4} << 7 << qint64(1);
    QTest::newRow("exactly the cap") << 10 << QList<int>{5, 5} << 10 << qint64(1);
    QTest::newRow("second batch overflows") << 10 << QList<int>{8, 5} << 10 << qint64(4);
    QTest::newRow("one batch larger than the cap") << 10 << QList<int>{25} << 10 << qint64(16);
    QTest::newRow("many small batches") << 5 << QList<int>{1, 1, 1, 1, 1, 1, 1} << 5 << qint64(3);
}

void TestRequestLogModel::capsAtMaximumRows()
{
    QFETCH(int, maximum);
    QFETCH(QList<int>, batches);
    QFETCH(int, expectedRows);
    QFETCH(qint64, expectedOldestId);

    RequestLogModel model(nullptr, maximum);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    qint64 id = 1;
    for (int size : batches) {
        QList<RequestRecord> batch;
        for (int i = 0; i < size; ++i) {
            batch.append(sampleRecord(id++, QStringLiteral("c"), QStringLiteral("GET"), QStringLiteral("/api/v3/x"),
                                      QStringLiteral("other"), QString(), 200, QStringLiteral("BYPASS")));
        }
        model.appendRecords(batch);
        QVERIFY(model.rowCount() <= maximum);
    }
    QCOMPARE(model.rowCount(), expectedRows);
    QCOMPARE(model.recordAt(model.rowCount() - 1)->id, expectedOldestId);
    QCOMPARE(model.recordAt(0)->id, id - 1);
}

void TestRequestLogModel::roles()
{
    RequestLogModel model;
    model.appendRecords(sampleRecords());
    const QModelIndex newest = model.index(0, 0);
    QCOMPARE(model.data(newest, RequestLogModel::StatusRole).toInt(), 503);
    QCOMPARE(model.data(newest, RequestLogModel::StatusClassRole).toString(), QStringLiteral("5xx"));
    QCOMPARE(model.data(newest, RequestLogModel::CacheOutcomeRole).toString(), QStringLiteral("BYPASS"));
    QCOMPARE(model.data(newest, RequestLogModel::ErrorCodeRole).toString(), QStringLiteral("RelayPaused"));
    QCOMPARE(model.data(newest, RequestLogModel::ClientRole).toString(), QStringLiteral("curl/8.0"));
    QCOMPARE(model.data(newest, RequestLogModel::SizeTextRole).toString(), QStringLiteral("7.0 kB"));
    const QModelIndex file = model.index(6, 0);
    QCOMPARE(model.data(file, RequestLogModel::ShortIdRole).toString(),
             QStringLiteral("275a021bbf") + QChar(0x2026) + QStringLiteral("651fd0f").right(6));
    const QHash<int, QByteArray> names = model.roleNames();
    QVERIFY(names.values().contains("cacheOutcome"));
    QVERIFY(!model.data(model.index(7, 0), RequestLogModel::StatusRole).isValid());
}

void TestRequestLogModel::detailsAndCurlCarryNoKey_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("expectedUrl");

    QTest::newRow("v3 path") << QStringLiteral("/api/v3/domains/example.com")
                             << QStringLiteral("'http://127.0.0.1:8684/api/v3/domains/example.com'");
    QTest::newRow("v2 apikey last") << QStringLiteral("/vtapi/v2/file/report?resource=abc&apikey=<redacted>")
                                    << QStringLiteral("'http://127.0.0.1:8684/vtapi/v2/file/report?resource=abc'");
    QTest::newRow("v2 apikey first, any case") << QStringLiteral("/vtapi/v2/file/report?ApiKey=<redacted>&resource=abc")
                                              << QStringLiteral("'http://127.0.0.1:8684/vtapi/v2/file/report?resource=abc'");
    QTest::newRow("only apikey") << QStringLiteral("/vtapi/v2/file/report?apikey=<redacted>")
                                 << QStringLiteral("'http://127.0.0.1:8684/vtapi/v2/file/report'");
    QTest::newRow("single quote in target") << QStringLiteral("/api/v3/search?query=it's")
                                            << QStringLiteral("'http://127.0.0.1:8684/api/v3/search?query=it'\\''s'");
}

void TestRequestLogModel::detailsAndCurlCarryNoKey()
{
    QFETCH(QString, target);
    QFETCH(QString, expectedUrl);

    RequestLogModel model;
    RequestRecord record = sampleRecords().constFirst();
    record.target = target;
    record.requestHeaders.append("Authorization", "Bearer secret-token");
    model.appendRecords({record});
    const qint64 sequence = model.data(model.index(0, 0), RequestLogModel::SequenceRole).toLongLong();
    const QVariantMap details = model.details(sequence);

    const QString curl = details.value(QStringLiteral("curl")).toString();
    QVERIFY2(curl.endsWith(expectedUrl), qPrintable(curl));
    QVERIFY(curl.startsWith(QStringLiteral("curl ")));
    QVERIFY(!curl.contains(QStringLiteral("apikey"), Qt::CaseInsensitive));
    QVERIFY(!curl.contains(QStringLiteral("secret-token")));
    QVERIFY(!curl.contains(QStringLiteral("Host:")));
    QVERIFY(curl.contains(QStringLiteral("--compressed")));
    QCOMPARE(model.curlCommand(sequence), curl);

    const QString requestHeaders = details.value(QStringLiteral("requestHeaders")).toString();
    QVERIFY(requestHeaders.contains(QStringLiteral("Authorization: <redacted>")));
    QVERIFY(!requestHeaders.contains(QStringLiteral("secret-token")));
    QCOMPARE(details.value(QStringLiteral("status")).toInt(), 200);
}

void TestRequestLogModel::detailsOfRemovedRowIsEmpty()
{
    RequestLogModel model(nullptr, 2);
    model.appendRecords(sampleRecords().mid(0, 2));
    const qint64 oldest = model.data(model.index(1, 0), RequestLogModel::SequenceRole).toLongLong();
    QVERIFY(!model.details(oldest).isEmpty());
    model.appendRecords(sampleRecords().mid(2, 2));
    QVERIFY(model.details(oldest).isEmpty());
    QVERIFY(model.curlCommand(oldest).isEmpty());
}

void TestRequestLogModel::shortenId_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("domain stays") << QStringLiteral("example.com") << QStringLiteral("example.com");
    QTest::newRow("twenty characters stay") << QStringLiteral("abcdefghijklmnopqrst") << QStringLiteral("abcdefghijklmnopqrst");
    QTest::newRow("md5 shortened") << QStringLiteral("44d88612fea8a8f36de82e1278abb02f")
                                   << QStringLiteral("44d88612fe") + QChar(0x2026) + QStringLiteral("abb02f");
}

void TestRequestLogModel::shortenId()
{
    QFETCH(QString, id);
    QFETCH(QString, expected);
    QCOMPARE(RequestLogModel::shortenId(id), expected);
}

void TestRequestLogModel::formatBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("json indented") << QByteArray(R"({"a":1})") << QStringLiteral("{\n    \"a\": 1\n}\n");
    QTest::newRow("not json kept") << QByteArray("<b>not json</b>") << QStringLiteral("<b>not json</b>");
}

void TestRequestLogModel::formatBody()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    QCOMPARE(RequestLogModel::formatBody(body), expected);
}

void TestRequestLogModel::filter_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("statusClass");
    QTest::addColumn<QString>("outcome");
    QTest::addColumn<QList<qint64>>("expectedIds"); // newest first

    QTest::newRow("no filter") << QString() << QString() << QString() << QList<qint64>{7, 6, 5, 4, 3, 2, 1};
    QTest::newRow("domain") << QStringLiteral("example.com") << QString() << QString() << QList<qint64>{4, 3};
    QTest::newRow("text ignores case") << QStringLiteral("PYTHON-VT") << QString() << QString() << QList<qint64>{6, 5};
    QTest::newRow("text trimmed") << QStringLiteral("  curl/8.0 ") << QString() << QString() << QList<qint64>{7};
    QTest::newRow("exact status") << QStringLiteral("429") << QString() << QString() << QList<qint64>{6};
    QTest::newRow("status class 2xx") << QString() << QStringLiteral("2xx") << QString() << QList<qint64>{4, 3, 2, 1};
    QTest::newRow("outcome HIT") << QString() << QString() << QStringLiteral("HIT") << QList<qint64>{4, 2};
    QTest::newRow("outcome lower case") << QString() << QString() << QStringLiteral("miss") << QList<qint64>{5, 3, 1};
    QTest::newRow("all three") << QStringLiteral("example") << QStringLiteral("2xx") << QStringLiteral("MISS")
                               << QList<qint64>{3};
    QTest::newRow("no match") << QStringLiteral("nothing") << QString() << QString() << QList<qint64>{};
}

void TestRequestLogModel::filter()
{
    QFETCH(QString, text);
    QFETCH(QString, statusClass);
    QFETCH(QString, outcome);
    QFETCH(QList<qint64>, expectedIds);

    RequestLogModel log;
    RequestFilterModel filter;
    filter.setSourceModel(&log);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    log.appendRecords(sampleRecords());

    QSignalSpy textChanged(&filter, &RequestFilterModel::textChanged);
    QSignalSpy countChanged(&filter, &RequestFilterModel::countChanged);
    filter.setText(text);
    filter.setStatusClass(statusClass);
    filter.setCacheOutcome(outcome);
    QCOMPARE(textChanged.count(), text.isEmpty() ? 0 : 1);
    if (!text.isEmpty() || !statusClass.isEmpty() || !outcome.isEmpty())
        QVERIFY(countChanged.count() >= 1);

    QList<qint64> recordIds;
    for (int row = 0; row < filter.rowCount(); ++row)
        recordIds.append(log.recordAt(filter.mapToSource(filter.index(row, 0)).row())->id);
    QCOMPARE(recordIds, expectedIds);
    QCOMPARE(filter.count(), int(expectedIds.size()));

    filter.resetFilters();
    QCOMPARE(filter.count(), 7);
}

void TestRequestLogModel::filterFollowsNewRows()
{
    RequestLogModel log;
    RequestFilterModel filter;
    filter.setSourceModel(&log);
    QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    filter.setCacheOutcome(QStringLiteral("HIT"));
    QSignalSpy count(&filter, &RequestFilterModel::countChanged);
    log.appendRecords(sampleRecords());
    QCOMPARE(filter.count(), 2);
    QVERIFY(count.count() >= 1);
    log.clear();
    QCOMPARE(filter.count(), 0);
}

void TestRequestLogModel::keepsUpWithTwoHundredPerSecond()
{
    // The relay hands over batches every 250 ms; at 200 requests per second that is 50 records
    // a batch. With a full log (10,000 rows) and an active text filter, handling a batch must
    // leave the GUI thread almost all of its time.
    RequestLogModel log;
    RequestFilterModel filter;
    filter.setSourceModel(&log);
    filter.setText(QStringLiteral("example"));
    const QList<RequestRecord> samples = sampleRecords();
    QList<RequestRecord> batch;
    for (int i = 0; i < 50; ++i)
        batch.append(samples.at(i % samples.size()));
    for (int i = 0; i < 200; ++i)
        log.appendRecords(batch);
    QCOMPARE(log.rowCount(), RequestLogModel::kDefaultMaximumRows);

    QElapsedTimer timer;
    timer.start();
    constexpr int kBatches = 20; // five seconds of traffic
    for (int i = 0; i < kBatches; ++i)
        log.appendRecords(batch);
    const double perBatchMs = double(timer.nsecsElapsed()) / 1e6 / kBatches;
    qInfo("%.2f ms per batch of 50 records with 10,000 rows and a text filter", perBatchMs);
    QVERIFY2(perBatchMs < 50, qPrintable(QStringLiteral("%1 ms per batch").arg(perBatchMs)));
    QCOMPARE(log.rowCount(), RequestLogModel::kDefaultMaximumRows);
}

QTEST_GUILESS_MAIN(TestRequestLogModel)
#include "tst_requestlogmodel.moc"
