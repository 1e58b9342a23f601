// SPDX-License-Identifier: MIT
// SingleInstanceGuard: the first instance claims the name, and a second launch requests that it
// show its window and exits.
#include "SingleInstanceGuard.h"

#include <QLocalServer>
#include <QSignalSpy>
#include <QUuid>
#include <QtTest>

using namespace vtrelay;

class TestSingleInstanceGuard : public QObject
{
    Q_OBJECT

private slots:
    void secondInstanceActivatesFirst();
    void staleSocketIsReplaced();
    void namesArePerUser();

private:
    static QString uniqueName() { return QStringLiteral("vtrelay-test-") + QUuid::createUuid().toString(QUuid::Id128).left(12); }
};

void TestSingleInstanceGuard::secondInstanceActivatesFirst()
{
    const QString name = uniqueName();
    SingleInstanceGuard first(name);
    QVERIFY(first.claim());
    QSignalSpy activation(&first, &SingleInstanceGuard::activationRequested);

    // The second instance blocks while it waits for the response, so it runs on another thread.
    bool secondClaimed = true;
    QThread *thread = QThread::create([&] {
        SingleInstanceGuard second(name);
        secondClaimed = second.claim();
    });
    thread->start();
    QVERIFY(activation.wait(5000));
    QVERIFY(thread->wait(5000));
    delete thread;
    QVERIFY(!secondClaimed);
    QCOMPARE(activation.count(), 1);
}

void TestSingleInstanceGuard::staleSocketIsReplaced()
{
    const QString name = uniqueName();
#ifdef Q_OS_UNIX
    // A socket file left by a crashed instance, with no server behind it.
    {
        QLocalServer crashed;
        QVERIFY(crashed.listen(name));
        const QString path = crashed.fullServerName();
        crashed.close();
        QFile stale(path);
        QVERIFY(stale.open(QIODevice::WriteOnly));
    }
#endif
    SingleInstanceGuard guard(name);
    QVERIFY(guard.claim());
}

void TestSingleInstanceGuard::namesArePerUser()
{
    const QString name = SingleInstanceGuard::defaultName();
    QVERIFY(name.startsWith(QStringLiteral("vtrelay-")));
    QCOMPARE(name.size(), 8 + 16);
    QCOMPARE(SingleInstanceGuard::defaultName(), name);
}

QTEST_GUILESS_MAIN(TestSingleInstanceGuard)
#include "tst_singleinstanceguard.moc"
