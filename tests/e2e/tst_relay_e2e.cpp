// SPDX-License-Identifier: MIT
// End-to-end tests: the real vtrelay binary between real clients (curl, Debian's
// python3-virustotal-api) and the VirusTotal emulator.
#include "RelayFixture.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

class TestRelayE2e : public QObject
{
    Q_OBJECT

private:
    RelayFixture m_fixture;

    static QByteArray knownSample(int i) { return "vtrelay-sample-" + QByteArray::number(i); }
    static QByteArray hashOf(const QByteArray &data, QCryptographicHash::Algorithm algorithm)
    {
        return QCryptographicHash::hash(data, algorithm).toHex();
    }
    QJsonObject lastEmulatorRequest()
    {
        const QJsonArray requests = m_fixture.emulatorRequests();
        return requests.isEmpty() ? QJsonObject() : requests.last().toObject();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_fixture.startEmulator());
        QVERIFY2(m_fixture.startRelay(), m_fixture.relayLog().constData());
    }

    void init() { QVERIFY(m_fixture.resetEmulator()); }

    void v2DomainReportCachedByCurl()
    {
        const QString url = m_fixture.relayUrl(QStringLiteral("/vtapi/v2/domain/report?domain=example.org"));
        const auto first = m_fixture.curl({url});
        QCOMPARE(first.status, 200);
        QCOMPARE(first.header("X-Cache"), QByteArray("MISS"));

        const auto second = m_fixture.curl({url});
        QCOMPARE(second.status, 200);
        QCOMPARE(second.header("X-Cache"), QByteArray("HIT"));
        QVERIFY(!second.header("Age").isEmpty());
        QCOMPARE(second.body, first.body);

        const QJsonArray calls = m_fixture.emulatorRequests();
        QCOMPARE(calls.size(), 1);
        const QJsonObject call = calls.first().toObject();
        QCOMPARE(call.value(u"key_valid").toBool(), true);
        QCOMPARE(call.value(u"key_count").toInt(), 1);
        QCOMPARE(call.value(u"key_sha256").toString().toLatin1(), RelayFixture::sha256Hex(RelayFixture::apiKey()));
    }

    void clientKeyReplaced_data()
    {
        QTest::addColumn<QStringList>("curlArguments");
        QTest::addColumn<QString>("pathAndQuery");

        QTest::newRow("v3 x-apikey header") << QStringList{QStringLiteral("-H"), QStringLiteral("x-apikey: dummy")}
                                            << QStringLiteral("/api/v3/domains/example.com");
        QTest::newRow("v3 X-APIKEY header") << QStringList{QStringLiteral("-H"), QStringLiteral("X-APIKEY: dummy")}
                                            << QStringLiteral("/api/v3/domains/example.net");
        QTest::newRow("v2 query apikey") << QStringList{}
                                         << QStringLiteral("/vtapi/v2/domain/report?apikey=dummy&domain=a.example");
        QTest::newRow("v2 form apikey")
            << QStringList{QStringLiteral("--data"), QStringLiteral("apikey=dummy&url=http://b.example/")}
            << QStringLiteral("/vtapi/v2/url/scan");
        QTest::newRow("v2 multipart apikey")
            << QStringList{QStringLiteral("-F"), QStringLiteral("apikey=dummy"), QStringLiteral("-F"),
                           QStringLiteral("url=http://c.example/")}
            << QStringLiteral("/vtapi/v2/url/scan");
    }

    void clientKeyReplaced()
    {
        QFETCH(QStringList, curlArguments);
        QFETCH(QString, pathAndQuery);

        const auto result = m_fixture.curl(curlArguments + QStringList{m_fixture.relayUrl(pathAndQuery)});
        QCOMPARE(result.status, 200);
        const QJsonObject call = lastEmulatorRequest();
        QCOMPARE(call.value(u"key_count").toInt(), 1);
        QCOMPARE(call.value(u"key_valid").toBool(), true);
        QCOMPARE(call.value(u"key_sha256").toString().toLatin1(), RelayFixture::sha256Hex(RelayFixture::apiKey()));
    }

    void pythonVirusTotalApiClient()
    {
        const QByteArray md5 = hashOf(knownSample(3), QCryptographicHash::Md5);
        const QString script = QStringLiteral(
            "import json\n"
            "from virus_total_apis import PublicApi\n"
            "api = PublicApi('dummy-key-held-by-the-client')\n"
            "api.base = 'http://127.0.0.1:%1/vtapi/v2/'\n"
            "first = api.get_file_report('%2')\n"
            "second = api.get_file_report('%2')\n"
            "print(json.dumps([first['response_code'], first['results']['response_code'],\n"
            "                  second['results']['sha256'], first['results']['md5']]))\n")
                                   .arg(m_fixture.relayPort())
                                   .arg(QString::fromLatin1(md5));
        int exitCode = -1;
        const QByteArray output = m_fixture.python(script, &exitCode);
        QCOMPARE(exitCode, 0);
        const QJsonArray values = QJsonDocument::fromJson(output).array();
        QCOMPARE(values.size(), 4);
        QCOMPARE(values.at(0).toInt(), 200);
        QCOMPARE(values.at(1).toInt(), 1);
        QCOMPARE(values.at(2).toString().toLatin1(), hashOf(knownSample(3), QCryptographicHash::Sha256));
        QCOMPARE(values.at(3).toString().toLatin1(), md5);
        QCOMPARE(m_fixture.emulatorCalls(QStringLiteral("/vtapi/v2/file/report")), 1);
    }

    void concurrentClientsSharingLookups()
    {
        // Several clients ask for the same reports at once and close each connection as soon
        // as they have read the answer, often before the upstream call has formally ended.
        const QString script = QStringLiteral(
            "import hashlib\n"
            "from virus_total_apis import PublicApi\n"
            "api = PublicApi('dummy')\n"
            "api.base = 'http://127.0.0.1:%1/vtapi/v2/'\n"
            "for i in range(40):\n"
            "    md5 = hashlib.md5(b'vtrelay-sample-%d' % (20 + i % 10)).hexdigest()\n"
            "    answer = api.get_file_report(md5)\n"
            "    assert answer['response_code'] == 200 and answer['results']['response_code'] == 1, answer\n"
            "print('done')\n")
                                   .arg(m_fixture.relayPort());
        QList<QProcess *> clients;
        for (int i = 0; i < 4; ++i) {
            auto *client = new QProcess(this);
            client->start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), script});
            clients.append(client);
        }
        for (QProcess *client : std::as_const(clients)) {
            QVERIFY(client->state() == QProcess::NotRunning || client->waitForFinished(60'000));
            QVERIFY2(client->exitCode() == 0, client->readAllStandardError().right(600).constData());
            QCOMPARE(client->readAllStandardOutput().trimmed(), QByteArray("done"));
        }
        QVERIFY(m_fixture.emulatorCalls(QStringLiteral("/vtapi/v2/file/report")) <= 10);
    }

    void v3UploadOverOneMegabyte()
    {
        QByteArray content(1536 * 1024, '\0');
        for (qsizetype i = 0; i < content.size(); ++i)
            content[i] = char((i * 7919) % 251);
        const QString path = QDir(m_fixture.workDir()).filePath(QStringLiteral("upload.bin"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();

        const auto upload = m_fixture.curl({QStringLiteral("-F"), QStringLiteral("file=@") + path,
                                            m_fixture.relayUrl(QStringLiteral("/api/v3/files"))});
        QCOMPARE(upload.status, 200);
        QCOMPARE(QJsonDocument::fromJson(upload.body).object().value(u"data").toObject().value(u"type").toString(),
                 QStringLiteral("analysis"));
        const QJsonObject call = lastEmulatorRequest();
        QVERIFY(call.value(u"body_size").toInt() > content.size());
        QCOMPARE(call.value(u"key_valid").toBool(), true);

        const QByteArray sha256 = hashOf(content, QCryptographicHash::Sha256);
        const auto report = m_fixture.curl({m_fixture.relayUrl(QStringLiteral("/api/v3/files/") + QString::fromLatin1(sha256))});
        QCOMPARE(report.status, 200);
    }

    void largeUploadThroughUploadUrl()
    {
        const auto minted = m_fixture.curl({m_fixture.relayUrl(QStringLiteral("/api/v3/files/upload_url"))});
        QCOMPARE(minted.status, 200);
        const QString uploadUrl = QJsonDocument::fromJson(minted.body).object().value(u"data").toString();
        QVERIFY2(uploadUrl.startsWith(m_fixture.relayUrl(QStringLiteral("/_ah/upload/"))), qPrintable(uploadUrl));

        const QString path = QDir(m_fixture.workDir()).filePath(QStringLiteral("big-upload.bin"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(2 * 1024 * 1024, 'q'));
        file.close();
        const auto upload = m_fixture.curl({QStringLiteral("-F"), QStringLiteral("file=@") + path, uploadUrl});
        QCOMPARE(upload.status, 200);
        const QJsonObject call = lastEmulatorRequest();
        QVERIFY(call.value(u"path").toString().startsWith(u"/_ah/upload/"));
        QCOMPARE(call.value(u"key_valid").toBool(), true);
        QVERIFY(call.value(u"body_size").toInt() > 2 * 1024 * 1024);
    }

    void chunkedUploadIsForwarded()
    {
        const QString path = QDir(m_fixture.workDir()).filePath(QStringLiteral("chunked.bin"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(300 * 1024, 'z'));
        file.close();
        const auto upload = m_fixture.curl({QStringLiteral("-H"), QStringLiteral("Transfer-Encoding: chunked"),
                                            QStringLiteral("-F"), QStringLiteral("file=@") + path,
                                            m_fixture.relayUrl(QStringLiteral("/api/v3/files"))});
        QCOMPARE(upload.status, 200);
        QCOMPARE(lastEmulatorRequest().value(u"key_valid").toBool(), true);
    }

    void noCacheBypassesAndRefreshes()
    {
        const QString url = m_fixture.relayUrl(QStringLiteral("/api/v3/domains/refresh.example"));
        QCOMPARE(m_fixture.curl({url}).header("X-Cache"), QByteArray("MISS"));
        const auto bypass = m_fixture.curl({QStringLiteral("-H"), QStringLiteral("Cache-Control: no-cache"), url});
        QCOMPARE(bypass.header("X-Cache"), QByteArray("BYPASS"));
        const auto hit = m_fixture.curl({url});
        QCOMPARE(hit.header("X-Cache"), QByteArray("HIT"));
        QCOMPARE(hit.header("Age"), QByteArray("0"));
        QCOMPARE(m_fixture.emulatorCalls(QStringLiteral("/api/v3/domains/")), 2);
    }

    void queryOrderSharesOneEntry()
    {
        const auto first = m_fixture.curl(
            {m_fixture.relayUrl(QStringLiteral("/api/v3/domains/order.example/subdomains?limit=5&cursor="))});
        QCOMPARE(first.status, 200);
        const auto second = m_fixture.curl(
            {m_fixture.relayUrl(QStringLiteral("/api/v3/domains/order.example/subdomains?cursor=&limit=5&apikey=x"))});
        QCOMPARE(second.header("X-Cache"), QByteArray("HIT"));
    }

    void gzipPassesToGzipClients()
    {
        const auto result = m_fixture.curl({QStringLiteral("--compressed"),
                                            m_fixture.relayUrl(QStringLiteral("/api/v3/domains/gzip.example"))});
        QCOMPARE(result.status, 200);
        QCOMPARE(result.header("Content-Encoding"), QByteArray("gzip"));
        QVERIFY(QJsonDocument::fromJson(result.body).isObject());
        const auto plain = m_fixture.curl({m_fixture.relayUrl(QStringLiteral("/api/v3/domains/gzip.example"))});
        QCOMPARE(plain.header("X-Cache"), QByteArray("HIT"));
        QVERIFY(plain.header("Content-Encoding").isEmpty());
        QVERIFY(QJsonDocument::fromJson(plain.body).isObject());
        QVERIFY(plain.header("Vary").contains("Accept-Encoding"));
        const auto refused = m_fixture.curl({QStringLiteral("-H"), QStringLiteral("Accept-Encoding: gzip;q=0"),
                                             m_fixture.relayUrl(QStringLiteral("/api/v3/domains/gzip.example"))});
        QVERIFY(refused.header("Content-Encoding").isEmpty());
        QVERIFY(QJsonDocument::fromJson(refused.body).isObject());
    }

    void notFoundCachedErrorsNot()
    {
        const QString missing = m_fixture.relayUrl(QStringLiteral("/api/v3/files/") + QString(64, u'0'));
        QCOMPARE(m_fixture.curl({missing}).status, 404);
        QCOMPARE(m_fixture.curl({missing}).header("X-Cache"), QByteArray("HIT"));

        QVERIFY(m_fixture.configureEmulator(R"({"fail_status": 503})"));
        const QString failing = m_fixture.relayUrl(QStringLiteral("/api/v3/domains/failing.example"));
        QCOMPARE(m_fixture.curl({failing}).status, 503);
        QVERIFY(m_fixture.configureEmulator(R"({"fail_status": 0})"));
        const auto retry = m_fixture.curl({failing});
        QCOMPARE(retry.status, 200);
        QCOMPARE(retry.header("X-Cache"), QByteArray("MISS"));
    }

    void headRequest()
    {
        const auto result = m_fixture.curl({QStringLiteral("-I"), m_fixture.relayUrl(QStringLiteral("/api/v3/domains/head.example"))});
        QCOMPARE(result.status, 200);
        // curl -I prints the headers as its output, so only the JSON body must be absent.
        QVERIFY(!result.body.contains('{'));
        QCOMPARE(result.header("Content-Type"), QByteArray("application/json"));
    }

    void pipelinedRequestsAnsweredInOrder()
    {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_fixture.relayPort());
        QVERIFY(socket.waitForConnected(5000));
        QByteArray requests;
        for (const char *domain : {"p1.example", "p2.example", "p3.example"})
            requests += "GET /api/v3/domains/" + QByteArray(domain) + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + QByteArray::number(m_fixture.relayPort()) + "\r\n\r\n";
        socket.write(requests);
        QByteArray received;
        QDeadlineTimer deadline(15'000);
        while (received.count("\"id\"") < 3 && !deadline.hasExpired()) {
            socket.waitForReadyRead(200);
            received += socket.readAll();
        }
        const qsizetype first = received.indexOf("p1.example");
        const qsizetype second = received.indexOf("p2.example", first);
        const qsizetype third = received.indexOf("p3.example", second);
        QVERIFY(first >= 0);
        QVERIFY(second > first);
        QVERIFY(third > second);
    }

    void malformedRequestDoesNotStopRelay_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("statusLine");

        QTest::newRow("garbage") << QByteArray("\x16\x03\x01 not http\r\n\r\n") << QByteArray("HTTP/1.1 400");
        QTest::newRow("no host") << QByteArray("GET /api/v3/files/x HTTP/1.1\r\n\r\n") << QByteArray("HTTP/1.1 400");
        QTest::newRow("huge header")
            << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nX-A: " + QByteArray(100 * 1024, 'a') + "\r\n\r\n")
            << QByteArray("HTTP/1.1 431");
        QTest::newRow("huge body") << QByteArray("POST /api/v3/files HTTP/1.1\r\nHost: a\r\nContent-Length: 900000000\r\n\r\n")
                                   << QByteArray("HTTP/1.1 413");
    }

    void malformedRequestDoesNotStopRelay()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, statusLine);

        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_fixture.relayPort());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(raw);
        QByteArray received;
        QDeadlineTimer deadline(10'000);
        while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
            socket.waitForReadyRead(200);
            received += socket.readAll();
        }
        received += socket.readAll();
        QVERIFY2(received.startsWith(statusLine), received.left(80).constData());
        QVERIFY(received.contains("\"code\":\"Relay"));
        QCOMPARE(socket.state(), QAbstractSocket::UnconnectedState);

        QCOMPARE(m_fixture.curl({m_fixture.relayUrl(QStringLiteral("/"))}).status, 200);
    }

    void unknownPathAnswered()
    {
        const auto result = m_fixture.curl({m_fixture.relayUrl(QStringLiteral("/elsewhere"))});
        QCOMPARE(result.status, 404);
        QCOMPARE(QJsonDocument::fromJson(result.body).object().value(u"error").toObject().value(u"code").toString(),
                 QStringLiteral("RelayNotFound"));
    }

    void linksAndKeyEchoRewritten()
    {
        const auto page = m_fixture.curl({m_fixture.relayUrl(QStringLiteral("/api/v3/files/")
                                                             + QString::fromLatin1(hashOf(knownSample(1), QCryptographicHash::Sha256))
                                                             + QStringLiteral("/contacted_domains?limit=5"))});
        QCOMPARE(page.status, 200);
        const QString next = QJsonDocument::fromJson(page.body).object().value(u"links").toObject().value(u"next").toString();
        QVERIFY2(next.startsWith(m_fixture.relayUrl(QStringLiteral("/api/v3/"))), qPrintable(next));

        const auto user = m_fixture.curl({m_fixture.relayUrl(QStringLiteral("/api/v3/users/me"))});
        QCOMPARE(user.status, 200);
        QVERIFY(!user.body.contains(RelayFixture::apiKey()));

        const auto uploadUrl = m_fixture.curl({m_fixture.relayUrl(QStringLiteral("/vtapi/v2/file/scan/upload_url"))});
        QCOMPARE(uploadUrl.status, 200);
        QVERIFY(!uploadUrl.body.contains(RelayFixture::apiKey()));
    }

    void keyEchoHiddenWhateverTheSpelling_data()
    {
        QTest::addColumn<QString>("pathAndQuery");

        QTest::newRow("double slash") << QStringLiteral("/api/v3//users/nobody");
        QTest::newRow("encoded letter") << QStringLiteral("/api/v3/%75sers/me");
        QTest::newRow("v2 encoded letter") << QStringLiteral("/vtapi/v2/file/scan/%75pload_url");
        QTest::newRow("v2 plain") << QStringLiteral("/vtapi/v2/file/scan/upload_url");
    }

    void keyEchoHiddenWhateverTheSpelling()
    {
        QFETCH(QString, pathAndQuery);
        const auto result = m_fixture.curl({QStringLiteral("--path-as-is"), m_fixture.relayUrl(pathAndQuery)});
        QCOMPARE(result.status, 200);
        QVERIFY(!result.body.isEmpty());
        QVERIFY(!result.body.contains(RelayFixture::apiKey()));
        QVERIFY(!result.headers.contains(RelayFixture::apiKey()));
    }

    void ambiguousPathsRejected_data()
    {
        QTest::addColumn<QString>("path");

        QTest::newRow("encoded slash") << QStringLiteral("/api/v3/files/") + QString(64, u'a') + QStringLiteral("%2Fcomments");
        QTest::newRow("encoded backslash") << QStringLiteral("/api/v3/files/a%5Cb");
        QTest::newRow("dot dot") << QStringLiteral("/api/v3/files/../users/me");
        QTest::newRow("bad escape") << QStringLiteral("/api/v3/files/%zz");
    }

    void ambiguousPathsRejected()
    {
        QFETCH(QString, path);
        const auto result = m_fixture.curl({QStringLiteral("--path-as-is"), m_fixture.relayUrl(path)});
        QCOMPARE(result.status, 400);
        QCOMPARE(QJsonDocument::fromJson(result.body).object().value(u"error").toObject().value(u"code").toString(),
                 QStringLiteral("RelayBadRequest"));
        QCOMPARE(m_fixture.emulatorCalls(QString()), 0);
    }

    void invalidHeaderNameRejected()
    {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_fixture.relayPort());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("POST /api/v3/files HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_fixture.relayPort())
                     + "\r\nTransfer-Encoding : chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        QByteArray received;
        QDeadlineTimer deadline(10'000);
        while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
            socket.waitForReadyRead(200);
            received += socket.readAll();
        }
        QVERIFY2(received.startsWith("HTTP/1.1 400"), received.left(80).constData());
        QCOMPARE(m_fixture.emulatorCalls(QString()), 0);
    }

    void percentSignsLoggedAsText()
    {
        const auto result = m_fixture.curl({m_fixture.relayUrl(QStringLiteral("/api/v3/domains/a%251b%252.example"))});
        QCOMPARE(result.status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(m_fixture.relayLog().contains("GET /api/v3/domains/a%1b%2.example 200 MISS"), 5000);
    }

    void v2UploadUrlDropsNotFound()
    {
        const QByteArray content = "a v2 upload nobody has seen";
        const QString md5 = QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Md5).toHex());
        const QString report = m_fixture.relayUrl(QStringLiteral("/vtapi/v2/file/report?resource=") + md5);
        QCOMPARE(QJsonDocument::fromJson(m_fixture.curl({report}).body).object().value(u"response_code").toInt(), 0);
        QCOMPARE(m_fixture.curl({report}).header("X-Cache"), QByteArray("HIT"));

        const auto minted = m_fixture.curl({m_fixture.relayUrl(QStringLiteral("/vtapi/v2/file/scan/upload_url"))});
        const QString uploadUrl = QJsonDocument::fromJson(minted.body).object().value(u"upload_url").toString();
        QVERIFY2(uploadUrl.startsWith(m_fixture.relayUrl(QStringLiteral("/_ah/upload/"))), qPrintable(uploadUrl));
        const QString path = QDir(m_fixture.workDir()).filePath(QStringLiteral("v2-upload.txt"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        QCOMPARE(m_fixture.curl({QStringLiteral("-F"), QStringLiteral("file=@") + path, uploadUrl}).status, 200);

        const auto after = m_fixture.curl({report});
        QCOMPARE(after.header("X-Cache"), QByteArray("MISS"));
        QCOMPARE(QJsonDocument::fromJson(after.body).object().value(u"response_code").toInt(), 1);
    }

    void entriesSurviveRestart()
    {
        const QString url = m_fixture.relayUrl(QStringLiteral("/api/v3/domains/persist.example"));
        QCOMPARE(m_fixture.curl({url}).header("X-Cache"), QByteArray("MISS"));
        QVERIFY(m_fixture.restartRelay());
        QCOMPARE(m_fixture.curl({url}).header("X-Cache"), QByteArray("HIT"));
        QCOMPARE(m_fixture.emulatorCalls(QStringLiteral("/api/v3/domains/persist.example")), 1);
    }

    void corruptCacheMovedAside()
    {
        m_fixture.stopRelay();
        const QString path = QDir(m_fixture.cacheDir()).filePath(QStringLiteral("cache.sqlite"));
        QFile::remove(path + QStringLiteral("-wal"));
        QFile::remove(path + QStringLiteral("-shm"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QByteArray(8192, '\x5a'));
        file.close();

        QVERIFY(m_fixture.restartRelay());
        QVERIFY(m_fixture.relayLog().contains("moved to"));
        const QStringList aside = QDir(m_fixture.cacheDir()).entryList({QStringLiteral("cache.sqlite.corrupt-*")});
        QCOMPARE(aside.size(), 1);
        const QString url = m_fixture.relayUrl(QStringLiteral("/api/v3/domains/after-corruption.example"));
        QCOMPARE(m_fixture.curl({url}).status, 200);
        QCOMPARE(m_fixture.curl({url}).header("X-Cache"), QByteArray("HIT"));
    }

    void sigtermLetsRequestsFinish()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator({QStringLiteral("--delay-ms"), QStringLiteral("1500")}));
        QVERIFY(fixture.startRelay());
        QProcess client;
        client.start(QStringLiteral("curl"), {QStringLiteral("-sS"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                                              QStringLiteral("-w"), QStringLiteral("%{http_code}"),
                                              fixture.relayUrl(QStringLiteral("/api/v3/domains/slow.example"))});
        QTest::qWait(500);
        fixture.stopRelay(); // SIGTERM while the request waits for upstream
        QVERIFY(client.state() == QProcess::NotRunning || client.waitForFinished(10'000));
        QCOMPARE(client.readAllStandardOutput(), QByteArray("200"));
        QVERIFY(fixture.relayLog().contains("Requests in progress, waiting for them before stopping: 1"));
    }

    void unreachableUpstream()
    {
        RelayFixture isolated;
        // Port 9 (discard) on loopback has no listener here, so the connection is refused.
        QVERIFY(isolated.startRelay(true, {}, QStringLiteral("http://127.0.0.1:9")));
        const auto result = isolated.curl({isolated.relayUrl(QStringLiteral("/api/v3/domains/down.example"))});
        QCOMPARE(result.status, 502);
        QCOMPARE(QJsonDocument::fromJson(result.body).object().value(u"error").toObject().value(u"code").toString(),
                 QStringLiteral("RelayUpstreamUnreachable"));
        QVERIFY(!result.header("Retry-After").isEmpty());
        QCOMPARE(isolated.curl({isolated.relayUrl(QStringLiteral("/"))}).status, 200);
    }

    void missingKeyAnswered()
    {
        RelayFixture keyless;
        QVERIFY(keyless.startEmulator());
        QVERIFY(keyless.startRelay(false));
        const auto v3 = keyless.curl({keyless.relayUrl(QStringLiteral("/api/v3/domains/nokey.example"))});
        QCOMPARE(v3.status, 401);
        const QJsonObject error = QJsonDocument::fromJson(v3.body).object().value(u"error").toObject();
        QCOMPARE(error.value(u"code").toString(), QStringLiteral("RelayNoApiKey"));
        QVERIFY(error.value(u"message").toString().contains(u"vtrelay key set"));
        const auto v2 = keyless.curl({keyless.relayUrl(QStringLiteral("/vtapi/v2/domain/report?domain=nokey.example"))});
        QCOMPARE(v2.status, 403);
        QCOMPARE(keyless.emulatorCalls(QString()), 0);
    }

    void plainHttpUpstreamRejected()
    {
        QProcess process;
        process.start(QStringLiteral(VTRELAY_BINARY),
                      {QStringLiteral("--headless"), QStringLiteral("--upstream"), QStringLiteral("http://example.com")});
        QVERIFY(process.waitForFinished(10'000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("loopback"));
    }

    void keyAppearsNowhere()
    {
        // Runs last: everything above went through this relay and its cache.
        m_fixture.stopRelay();
        QVERIFY(!m_fixture.relayLog().isEmpty());
        QVERIFY(!m_fixture.relayLog().contains(RelayFixture::apiKey()));
        QDirIterator it(m_fixture.workDir(), QDir::Files, QDirIterator::Subdirectories);
        int scanned = 0;
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains(RelayFixture::apiKey()), qPrintable(file.fileName()));
            ++scanned;
        }
        QVERIFY(scanned > 0);
    }
};

QTEST_GUILESS_MAIN(TestRelayE2e)
#include "tst_relay_e2e.moc"
