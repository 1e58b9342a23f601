// SPDX-License-Identifier: MIT
#include "quota/QuotaScheduler.h"

#include <QSignalSpy>
#include <QTest>

using namespace vtrelay;

// Drives the scheduler with a clock the test moves by hand; the scheduler's own timer is never
// waited for, because every step below calls a method that pumps the queue.
class TestQuotaScheduler : public QObject
{
    Q_OBJECT

private:
    qint64 m_now = 0;
    QStringList m_started;
    QList<QPair<QString, int>> m_rejected;

    QuotaScheduler::Clock clock()
    {
        return [this] { return m_now; };
    }

    QuotaScheduler::Call call(const QString &name, int cost = 1, const QString &group = {}, const QString &kind = {})
    {
        QuotaScheduler::Call c;
        c.token = quint64(m_started.size() + m_rejected.size() + 1000 + qHash(name));
        c.cost = cost;
        c.cacheKey = name;
        c.conflictGroup = group;
        c.conflictClass = kind;
        c.start = [this, name] {
            m_started.append(name);
            return true;
        };
        c.reject = [this, name](int seconds) { m_rejected.append({name, seconds}); };
        return c;
    }

    static QuotaScheduler::Limits limits(int perMinute, int perDay = 500, int maxWait = 60)
    {
        QuotaScheduler::Limits l;
        l.perMinute = perMinute;
        l.perDay = perDay;
        l.maxWaitSeconds = maxWait;
        l.minuteWindowMs = 60'000;
        l.holdAfterRejectMs = 60'000;
        return l;
    }

private slots:
    void init()
    {
        // 2026-12-04 12:00:00 UTC
        m_now = 1'796'385'600'000;
        m_started.clear();
        m_rejected.clear();
    }

    void startsWithinMinuteBudget_data()
    {
        QTest::addColumn<int>("perMinute");
        QTest::addColumn<int>("submitted");
        QTest::addColumn<int>("startedAtOnce");

        QTest::newRow("free key, burst of 10") << 4 << 10 << 4;
        QTest::newRow("one a minute") << 1 << 3 << 1;
        QTest::newRow("under the budget") << 10 << 3 << 3;
    }

    void startsWithinMinuteBudget()
    {
        QFETCH(int, perMinute);
        QFETCH(int, submitted);
        QFETCH(int, startedAtOnce);

        QuotaScheduler scheduler(limits(perMinute), nullptr, clock());
        for (int i = 0; i < submitted; ++i)
            scheduler.submit(call(QString::number(i)));
        QCOMPARE(m_started.size(), startedAtOnce);
        QCOMPARE(scheduler.state().queued, submitted - startedAtOnce);
        QCOMPARE(scheduler.state().usedMinute, startedAtOnce);
    }

    void queueKeepsArrivalOrder()
    {
        QuotaScheduler scheduler(limits(2, 500, 120), nullptr, clock());
        for (const char *name : {"a", "b", "c", "d", "e"})
            scheduler.submit(call(QString::fromLatin1(name)));
        QCOMPARE(m_started, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));

        m_now += 60'000;
        scheduler.finished(0); // any call that pumps; token 0 matches nothing
        scheduler.submit(call(QStringLiteral("f")));
        QCOMPARE(m_started, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                         QStringLiteral("d")}));
        QCOMPARE(scheduler.state().queued, 2);
    }

    void maxWaitRejectsWithRetryAfter()
    {
        QuotaScheduler scheduler(limits(1, 500, 10), nullptr, clock());
        scheduler.submit(call(QStringLiteral("first")));
        scheduler.submit(call(QStringLiteral("second")));
        QVERIFY(m_rejected.isEmpty());

        m_now += 11'000;
        scheduler.finished(0); // pumps, as the scheduler's timer would
        QCOMPARE(m_rejected.size(), 1);
        QCOMPARE(m_rejected.first().first, QStringLiteral("second"));
        // The minute opened at the first call ends 49 s from now.
        QVERIFY(m_rejected.first().second >= 49);
        QVERIFY(m_rejected.first().second <= 60);
        QCOMPARE(scheduler.state().rejected, 1);
    }

    void dailyBudgetRejectsUntilMidnight()
    {
        QuotaScheduler scheduler(limits(100, 2), nullptr, clock());
        scheduler.submit(call(QStringLiteral("one")));
        scheduler.submit(call(QStringLiteral("two")));
        scheduler.submit(call(QStringLiteral("three")));
        QCOMPARE(m_started.size(), 2);
        QCOMPARE(m_rejected.size(), 1);
        QCOMPARE(m_rejected.first().second, 12 * 3600); // until 00:00 UTC

        m_now += 12 * 3600 * 1000;
        scheduler.submit(call(QStringLiteral("tomorrow")));
        QCOMPARE(m_started.last(), QStringLiteral("tomorrow"));
        QCOMPARE(scheduler.state().usedDay, 1);
    }

    void batchCostsPerItem()
    {
        QuotaScheduler scheduler(limits(4), nullptr, clock());
        scheduler.submit(call(QStringLiteral("batch"), 3));
        scheduler.submit(call(QStringLiteral("pair"), 2));
        QCOMPARE(m_started, QStringList{QStringLiteral("batch")});
        QCOMPARE(scheduler.state().usedMinute, 3);
    }

    void differentHashKindsNeverOverlap()
    {
        QuotaScheduler scheduler(limits(10), nullptr, clock());
        QuotaScheduler::Call md5 = call(QStringLiteral("md5"), 1, QStringLiteral("file"), QStringLiteral("32"));
        md5.token = 1;
        scheduler.submit(md5);
        scheduler.submit(call(QStringLiteral("other-md5"), 1, QStringLiteral("file"), QStringLiteral("32")));
        scheduler.submit(call(QStringLiteral("sha256"), 1, QStringLiteral("file"), QStringLiteral("64")));
        QCOMPARE(m_started, (QStringList{QStringLiteral("md5"), QStringLiteral("other-md5")}));

        scheduler.finished(1);
        QCOMPARE(m_started.size(), 2); // other-md5 still runs
    }

    void startWithoutUpstreamSpendsNothing()
    {
        QuotaScheduler scheduler(limits(1), nullptr, clock());
        QuotaScheduler::Call cached = call(QStringLiteral("cached"));
        cached.start = [] { return false; };
        scheduler.submit(cached);
        scheduler.submit(call(QStringLiteral("real")));
        QCOMPARE(m_started, QStringList{QStringLiteral("real")});
        QCOMPARE(scheduler.state().usedMinute, 1);
    }

    void holdAfterUpstreamRejection()
    {
        QuotaScheduler scheduler(limits(4, 500, 120), nullptr, clock());
        QSignalSpy changed(&scheduler, &QuotaScheduler::stateChanged);
        scheduler.requeueAfterReject(call(QStringLiteral("retry")));
        scheduler.submit(call(QStringLiteral("later")));
        QVERIFY(m_started.isEmpty());
        QVERIFY(scheduler.state().holdUntilMs > m_now);
        QVERIFY(changed.count() > 0);

        m_now += 60'000;
        scheduler.finished(0);
        QCOMPARE(m_started, (QStringList{QStringLiteral("retry"), QStringLiteral("later")}));
    }

    void takeQueuedRemovesMatches()
    {
        QuotaScheduler scheduler(limits(1), nullptr, clock());
        scheduler.submit(call(QStringLiteral("running")));
        scheduler.submit(call(QStringLiteral("keep")));
        scheduler.submit(call(QStringLiteral("take")));
        const QList<QuotaScheduler::Call> taken =
            scheduler.takeQueued([](const QuotaScheduler::Call &c) { return c.cacheKey == u"take"; });
        QCOMPARE(taken.size(), 1);
        QCOMPARE(taken.first().cacheKey, QStringLiteral("take"));
        QCOMPARE(scheduler.state().queued, 1);
    }
};

QTEST_GUILESS_MAIN(TestQuotaScheduler)
#include "tst_quotascheduler.moc"
