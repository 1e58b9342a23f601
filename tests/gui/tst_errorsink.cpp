// SPDX-License-Identifier: MIT
// ErrorSink: the banner shows the most important problem; desktop notifications are
// de-duplicated; quiet problems never notify.
#include "ErrorSink.h"

#include <QSignalSpy>
#include <QtTest>

using namespace vtrelay;
using Problem = ErrorSink::Problem;

class TestErrorSink : public QObject
{
    Q_OBJECT

private slots:
    void notificationsAreDeduplicated_data();
    void notificationsAreDeduplicated();
    void mostImportantProblemWins();
    void resolveClearsAndAllowsNewNotification();
    void renotifiesAfterQuietPeriod();
};

void TestErrorSink::notificationsAreDeduplicated_data()
{
    QTest::addColumn<QStringList>("messages"); // raised in order for UpstreamUnreachable
    QTest::addColumn<int>("expectedNotifications");
    QTest::addColumn<int>("expectedChanges");

    QTest::newRow("once") << QStringList{QStringLiteral("down")} << 1 << 1;
    QTest::newRow("same message three times") << QStringList{QStringLiteral("down"), QStringLiteral("down"),
                                                             QStringLiteral("down")} << 1 << 1;
    QTest::newRow("new message notifies again") << QStringList{QStringLiteral("down"), QStringLiteral("timeout")}
                                               << 2 << 2;
    QTest::newRow("flapping between two messages") << QStringList{QStringLiteral("a"), QStringLiteral("b"),
                                                                  QStringLiteral("a"), QStringLiteral("b")} << 2 << 4;
}

void TestErrorSink::notificationsAreDeduplicated()
{
    QFETCH(QStringList, messages);
    QFETCH(int, expectedNotifications);
    QFETCH(int, expectedChanges);

    ErrorSink sink;
    QSignalSpy notify(&sink, &ErrorSink::notify);
    QSignalSpy changed(&sink, &ErrorSink::changed);
    for (const QString &message : messages)
        sink.raise(Problem::UpstreamUnreachable, message);
    QCOMPARE(notify.count(), expectedNotifications);
    QCOMPARE(changed.count(), expectedChanges);
    QCOMPARE(sink.current().message, messages.constLast());
    QCOMPARE(notify.at(0).at(0).toString(), ErrorSink::titleOf(Problem::UpstreamUnreachable));
}

void TestErrorSink::mostImportantProblemWins()
{
    ErrorSink sink;
    QSignalSpy notify(&sink, &ErrorSink::notify);
    QVERIFY(sink.isEmpty());
    sink.raise(Problem::Storage, QStringLiteral("disk full"));
    sink.raise(Problem::NoKey, QStringLiteral("set a key"), true);
    sink.raise(Problem::UpstreamUnreachable, QStringLiteral("down"));
    QCOMPARE(sink.current().problem, Problem::NoKey);
    QCOMPARE(sink.entries().size(), 3);
    QCOMPARE(notify.count(), 2); // the quiet NoKey did not notify
    sink.raise(Problem::KeyRejected, QStringLiteral("wrong key"));
    QCOMPARE(sink.current().problem, Problem::KeyRejected);
    QVERIFY(sink.has(Problem::Storage));
}

void TestErrorSink::resolveClearsAndAllowsNewNotification()
{
    ErrorSink sink;
    QSignalSpy notify(&sink, &ErrorSink::notify);
    QSignalSpy changed(&sink, &ErrorSink::changed);
    sink.setRenotifyAfterSeconds(0);
    sink.raise(Problem::QuotaExhausted, QStringLiteral("used up"));
    sink.resolve(Problem::QuotaExhausted);
    sink.resolve(Problem::QuotaExhausted); // resolving twice changes nothing
    QVERIFY(sink.isEmpty());
    QCOMPARE(changed.count(), 2);
    sink.raise(Problem::QuotaExhausted, QStringLiteral("used up"));
    QCOMPARE(notify.count(), 2);
}

void TestErrorSink::renotifiesAfterQuietPeriod()
{
    ErrorSink sink;
    QSignalSpy notify(&sink, &ErrorSink::notify);
    // Raised, resolved and raised again within the quiet period: the desktop hears it once.
    sink.raise(Problem::UpstreamUnreachable, QStringLiteral("down"));
    sink.resolve(Problem::UpstreamUnreachable);
    sink.raise(Problem::UpstreamUnreachable, QStringLiteral("down"));
    QCOMPARE(notify.count(), 1);
    QVERIFY(sink.has(Problem::UpstreamUnreachable));
}

QTEST_GUILESS_MAIN(TestErrorSink)
#include "tst_errorsink.moc"
