// SPDX-License-Identifier: MIT
// The quota guard and stale answers, end to end: the emulator enforces a free key's 4 requests
// a minute, and the relay must never let it answer 429. The burst takes about two minutes.
#include "RelayFixture.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

class TestQuotaE2e : public QObject
{
    Q_OBJECT

private:
    static QByteArray sample(int i) { return "vtrelay-sample-" + QByteArray::number(i); }

    // Starts one curl per URL at once and waits for all; returns their status codes in order.
    static QList<int> burst(RelayFixture &fixture, const QStringList &urls, int timeoutMs, QList<QByteArray> *cacheOutcomes)
    {
        QList<QProcess *> processes;
        for (const QString &url : urls) {
            auto *process = new QProcess;
            process->start(QStringLiteral("curl"), {QStringLiteral("-sS"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                                                    QStringLiteral("-D"), QStringLiteral("-"), QStringLiteral("--max-time"),
                                                    QString::number(timeoutMs / 1000), url});
            processes.append(process);
        }
        QList<int> statuses;
        for (QProcess *process : std::as_const(processes)) {
            if (process->state() != QProcess::NotRunning)
                process->waitForFinished(timeoutMs + 5000);
            const QByteArray headers = process->readAllStandardOutput();
            statuses.append(headers.mid(9, 3).toInt());
            const qsizetype at = headers.toLower().indexOf("x-cache: ");
            cacheOutcomes->append(at < 0 ? QByteArray() : headers.mid(at + 9, headers.indexOf('\r', at) - at - 9));
            delete process;
        }
        Q_UNUSED(fixture);
        return statuses;
    }

private slots:
    void burstOfMixedHashesStaysInQuota()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator({QStringLiteral("--quota-per-minute"), QStringLiteral("4")}));
        QVERIFY(fixture.startRelay(true, {QStringLiteral("--quota-per-minute"), QStringLiteral("4"),
                                          QStringLiteral("--quota-per-day"), QStringLiteral("500"),
                                          QStringLiteral("--max-queue-wait"), QStringLiteral("240")}));

        // Ten files, each asked by MD5, SHA-1, SHA-256 and upper-case SHA-256, in shuffled order.
        QStringList urls;
        for (int i = 10; i < 20; ++i) {
            const QByteArray content = sample(i);
            for (const QByteArray &id : {QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex(),
                                         QCryptographicHash::hash(content, QCryptographicHash::Sha1).toHex(),
                                         QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex(),
                                         QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex().toUpper()})
                urls.append(fixture.relayUrl(QStringLiteral("/api/v3/files/") + QString::fromLatin1(id)));
        }
        QRandomGenerator random(20261204);
        for (qsizetype i = urls.size() - 1; i > 0; --i)
            urls.swapItemsAt(i, random.bounded(int(i + 1)));

        QList<QByteArray> outcomes;
        const QList<int> statuses = burst(fixture, urls, 240'000, &outcomes);
        QCOMPARE(statuses.size(), 40);
        QCOMPARE(statuses.count(200), 40);
        QCOMPARE(fixture.emulatorCalls(QStringLiteral("/api/v3/files/")), 10);
        int upstream429 = 0;
        for (const QJsonValue &call : fixture.emulatorRequests())
            upstream429 += call.toObject().value(u"status").toInt() == 429 ? 1 : 0;
        QCOMPARE(upstream429, 0);
        QCOMPARE(outcomes.count("MISS"), 10);
        QVERIFY(fixture.relayLog().contains("Quota used:"));
    }

    void queuedRequestsKeepArrivalOrder()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator({QStringLiteral("--quota-per-minute"), QStringLiteral("2")}));
        QVERIFY(fixture.startRelay(true, {QStringLiteral("--quota-per-minute"), QStringLiteral("2"),
                                          QStringLiteral("--quota-per-day"), QStringLiteral("500"),
                                          QStringLiteral("--max-queue-wait"), QStringLiteral("200")}));
        QList<QProcess *> processes;
        const QStringList domains{QStringLiteral("fill1"), QStringLiteral("fill2"), QStringLiteral("first"),
                                  QStringLiteral("second"), QStringLiteral("third")};
        for (const QString &domain : domains) {
            auto *process = new QProcess(this);
            process->start(QStringLiteral("curl"), {QStringLiteral("-sS"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                                                    fixture.relayUrl(QStringLiteral("/api/v3/domains/%1.example").arg(domain))});
            processes.append(process);
            QTest::qWait(300); // a clear arrival order
        }
        for (QProcess *process : std::as_const(processes)) {
            // waitForFinished() is false for a process that has already ended.
            QVERIFY(process->state() == QProcess::NotRunning || process->waitForFinished(200'000));
            QCOMPARE(process->exitCode(), 0);
        }

        QStringList order;
        for (const QJsonValue &call : fixture.emulatorRequests()) {
            const QString path = call.toObject().value(u"path").toString();
            if (path.startsWith(u"/api/v3/domains/"))
                order.append(path.section(u'/', 4, 4).section(u'.', 0, 0));
        }
        QCOMPARE(order, domains);
    }

    void fullQueueAnsweredWithRetryAfter()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator());
        QVERIFY(fixture.startRelay(true, {QStringLiteral("--quota-per-minute"), QStringLiteral("1"),
                                          QStringLiteral("--quota-per-day"), QStringLiteral("500"),
                                          QStringLiteral("--max-queue-wait"), QStringLiteral("1")}));
        QCOMPARE(fixture.curl({fixture.relayUrl(QStringLiteral("/api/v3/domains/one.example"))}).status, 200);
        const auto v3 = fixture.curl({fixture.relayUrl(QStringLiteral("/api/v3/domains/two.example"))});
        QCOMPARE(v3.status, 429);
        QCOMPARE(QJsonDocument::fromJson(v3.body).object().value(u"error").toObject().value(u"code").toString(),
                 QStringLiteral("RelayQuotaQueueFull"));
        QVERIFY(v3.header("Retry-After").toInt() > 0);
        const auto v2 = fixture.curl({fixture.relayUrl(QStringLiteral("/vtapi/v2/domain/report?domain=three.example"))});
        QCOMPARE(v2.status, 204);
        QVERIFY(v2.body.isEmpty());
        // Cache hits never need quota.
        QCOMPARE(fixture.curl({fixture.relayUrl(QStringLiteral("/api/v3/domains/one.example"))}).header("X-Cache"),
                 QByteArray("HIT"));
        QCOMPARE(fixture.emulatorCalls(QString()), 1);
    }

    void staleServedWhileUpstreamDown()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator());
        QVERIFY(fixture.startRelay(true, {QStringLiteral("--object-ttl"), QStringLiteral("1")}));
        const QString url = fixture.relayUrl(QStringLiteral("/api/v3/domains/stale.example"));
        const auto fresh = fixture.curl({url});
        QCOMPARE(fresh.status, 200);
        QTest::qWait(1500);
        fixture.stopEmulator();

        const auto stale = fixture.curl({url});
        QCOMPARE(stale.status, 200);
        QCOMPARE(stale.header("X-Cache"), QByteArray("STALE"));
        QCOMPARE(stale.body, fresh.body);
        const auto unknown = fixture.curl({fixture.relayUrl(QStringLiteral("/api/v3/domains/never.example"))});
        QCOMPARE(unknown.status, 502);

        fixture.stopRelay();
        QVERIFY(fixture.startRelay(true, {QStringLiteral("--offline")}));
        QCOMPARE(fixture.curl({url}).header("X-Cache"), QByteArray("STALE"));
        const auto offline = fixture.curl({fixture.relayUrl(QStringLiteral("/api/v3/domains/never.example"))});
        QCOMPARE(offline.status, 503);
        QCOMPARE(QJsonDocument::fromJson(offline.body).object().value(u"error").toObject().value(u"code").toString(),
                 QStringLiteral("RelayOffline"));
    }

    void hashSpellingsShareOneEntry()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator());
        QVERIFY(fixture.startRelay());
        const QByteArray content = sample(30);
        const QString md5 = QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex());
        const QString sha1 = QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha1).toHex());
        QCOMPARE(fixture.curl({fixture.relayUrl(QStringLiteral("/api/v3/files/") + md5.toUpper())}).header("X-Cache"),
                 QByteArray("MISS"));
        QCOMPARE(fixture.curl({fixture.relayUrl(QStringLiteral("/api/v3/files/") + sha1)}).header("X-Cache"),
                 QByteArray("HIT"));
        // v2 learns the same aliases from its own report.
        QCOMPARE(fixture.curl({fixture.relayUrl(QStringLiteral("/vtapi/v2/file/report?resource=") + sha1)}).header("X-Cache"),
                 QByteArray("MISS"));
        QCOMPARE(fixture.curl({fixture.relayUrl(QStringLiteral("/vtapi/v2/file/report?resource=") + md5)}).header("X-Cache"),
                 QByteArray("HIT"));
        QCOMPARE(fixture.emulatorCalls(QString()), 2);
    }

    void limitsLearntFromVirusTotal()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator({QStringLiteral("--quota-per-day"), QStringLiteral("7")}));
        QVERIFY(fixture.startRelay(true, {QStringLiteral("--quota-per-minute"), QStringLiteral("100")}));
        QTRY_VERIFY_WITH_TIMEOUT(fixture.relayLog().contains("Learnt the key's quota from VirusTotal: 7 a day"), 10'000);
        QCOMPARE(fixture.emulatorCalls(QStringLiteral("/api/v3/users/")), 1);
        QVERIFY(!fixture.relayLog().contains(RelayFixture::apiKey()));
    }

    void uploadDropsNotFoundEntry()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator());
        QVERIFY(fixture.startRelay());
        const QByteArray content = "a file nobody has uploaded yet";
        const QString md5 = QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex());
        const QString report = fixture.relayUrl(QStringLiteral("/api/v3/files/") + md5);
        QCOMPARE(fixture.curl({report}).status, 404);
        QCOMPARE(fixture.curl({report}).header("X-Cache"), QByteArray("HIT"));

        const QString path = fixture.workDir() + QStringLiteral("/new.txt");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        QCOMPARE(fixture.curl({QStringLiteral("-F"), QStringLiteral("file=@") + path,
                               fixture.relayUrl(QStringLiteral("/api/v3/files"))}).status, 200);
        const auto after = fixture.curl({report});
        QCOMPARE(after.status, 200);
        QCOMPARE(after.header("X-Cache"), QByteArray("MISS"));
    }
};

QTEST_GUILESS_MAIN(TestQuotaE2e)
#include "tst_quota_e2e.moc"
