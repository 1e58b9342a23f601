// SPDX-License-Identifier: MIT
// Who may use the relay, end to end: the Host check against DNS rebinding, CORS for browser
// tools (driven by headless Chromium from a page on another loopback port), relay tokens,
// and the limits that protect the relay from slow or greedy clients.
#include "RelayFixture.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

class TestAccessE2e : public QObject
{
    Q_OBJECT

private:
    RelayFixture m_fixture;
    std::unique_ptr<QProcess> m_pageServer;
    quint16 m_pagePort = 0;

    QString pageOrigin() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_pagePort); }

    static QString errorCode(const QByteArray &body)
    {
        return QJsonDocument::fromJson(body).object().value(u"error").toObject().value(u"code").toString();
    }

    // Imports a team configuration that allows origins, through the real config commands.
    bool allowOrigins(const QStringList &origins)
    {
        QByteArray output;
        const QString file = QDir(m_fixture.workDir()).filePath(QStringLiteral("team.json"));
        if (m_fixture.runVtrelay({QStringLiteral("config"), QStringLiteral("export"), file}, {}, &output) != 0) {
            qWarning().noquote() << output;
            return false;
        }
        QFile in(file);
        if (!in.open(QIODevice::ReadOnly))
            return false;
        QJsonObject document = QJsonDocument::fromJson(in.readAll()).object();
        in.close();
        QJsonObject settings = document.value(u"settings").toObject();
        settings.insert(QStringLiteral("allowedOrigins"), QJsonArray::fromStringList(origins));
        document.insert(QStringLiteral("settings"), settings);
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        out.write(QJsonDocument(document).toJson());
        out.close();
        const int code = m_fixture.runVtrelay({QStringLiteral("config"), QStringLiteral("import"), file}, {}, &output);
        if (code != 0)
            qWarning().noquote() << output;
        return code == 0;
    }

    // Loads page in headless Chromium and returns the text the page's script wrote.
    QByteArray runChromium(const QString &page)
    {
        QProcess chromium;
        const QString profile = QDir(m_fixture.workDir()).filePath(QStringLiteral("chromium-profile"));
        chromium.start(QStringLiteral("/usr/bin/chromium"),
                       {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"), QStringLiteral("--disable-gpu"),
                        QStringLiteral("--disable-quic"), QStringLiteral("--no-first-run"),
                        QStringLiteral("--disable-background-networking"), QStringLiteral("--disable-component-update"),
                        QStringLiteral("--disable-sync"), QStringLiteral("--user-data-dir=") + profile,
                        QStringLiteral("--virtual-time-budget=10000"), QStringLiteral("--dump-dom"),
                        pageOrigin() + u'/' + page});
        if (!chromium.waitForFinished(60'000))
            chromium.kill();
        const QByteArray dom = chromium.readAllStandardOutput();
        const qsizetype start = dom.indexOf("<pre id=\"result\">");
        const qsizetype end = dom.indexOf("</pre>", start);
        return start < 0 || end < 0 ? dom : dom.mid(start + 17, end - start - 17);
    }

    void writePage(const QString &name, const QString &script)
    {
        QFile file(QDir(m_fixture.workDir()).filePath(QStringLiteral("www/") + name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("<!doctype html><html><body><pre id=\"result\">pending</pre><script>\n" + script.toUtf8()
                   + "\n</script></body></html>\n");
    }

private slots:
    void initTestCase()
    {
        // A plain static web server for the test pages, on a port of its own.
        QVERIFY(QDir(m_fixture.workDir()).mkpath(QStringLiteral("www")));
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_pagePort = probe.serverPort();
        probe.close();
        m_pageServer = std::make_unique<QProcess>();
        m_pageServer->start(QStringLiteral("/usr/bin/python3"),
                            {QStringLiteral("-m"), QStringLiteral("http.server"), QString::number(m_pagePort),
                             QStringLiteral("--bind"), QStringLiteral("127.0.0.1"), QStringLiteral("--directory"),
                             QDir(m_fixture.workDir()).filePath(QStringLiteral("www"))});
        QVERIFY(m_pageServer->waitForStarted());

        QVERIFY(m_fixture.startEmulator());
        QVERIFY(allowOrigins({pageOrigin(), QStringLiteral("chrome-extension://abcdefghijklmnopabcdefghijklmnop")}));
        QVERIFY2(m_fixture.startRelay(), m_fixture.relayLog().constData());
    }

    void cleanupTestCase()
    {
        if (m_pageServer) {
            m_pageServer->terminate();
            m_pageServer->waitForFinished(5000);
        }
    }

    void hostHeaderChecked_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("status");

        const QString port = QString::number(m_fixture.relayPort());
        QTest::newRow("127.0.0.1") << QStringLiteral("127.0.0.1:") + port << 200;
        QTest::newRow("localhost") << QStringLiteral("localhost:") + port << 200;
        QTest::newRow("LOCALHOST") << QStringLiteral("LOCALHOST:") + port << 200;
        QTest::newRow("[::1]") << QStringLiteral("[::1]:") + port << 200;
        QTest::newRow("rebound name") << QStringLiteral("attacker.example:") + port << 421;
        QTest::newRow("other port") << QStringLiteral("127.0.0.1:1") << 421;
        QTest::newRow("no port") << QStringLiteral("127.0.0.1") << 421;
        QTest::newRow("private address") << QStringLiteral("192.168.1.10:") + port << 421;
    }

    void hostHeaderChecked()
    {
        QFETCH(QString, host);
        QFETCH(int, status);

        const auto result = m_fixture.curl({QStringLiteral("-H"), QStringLiteral("Host: ") + host,
                                            m_fixture.relayUrl(QStringLiteral("/api/v3/domains/host.example"))});
        QCOMPARE(result.status, status);
        if (status == 421)
            QCOMPARE(errorCode(result.body), QStringLiteral("RelayHostNotAllowed"));
    }

    void preflight_data()
    {
        QTest::addColumn<QString>("origin");
        QTest::addColumn<int>("status");

        QTest::newRow("allowed page") << pageOrigin() << 204;
        QTest::newRow("allowed extension") << QStringLiteral("chrome-extension://abcdefghijklmnopabcdefghijklmnop") << 204;
        QTest::newRow("other page") << QStringLiteral("http://127.0.0.1:1") << 403;
        QTest::newRow("null origin") << QStringLiteral("null") << 403;
        QTest::newRow("lookalike") << pageOrigin() + QStringLiteral(".evil.example") << 403;
    }

    void preflight()
    {
        QFETCH(QString, origin);
        QFETCH(int, status);

        const auto result = m_fixture.curl({QStringLiteral("-X"), QStringLiteral("OPTIONS"), QStringLiteral("-H"),
                                            QStringLiteral("Origin: ") + origin, QStringLiteral("-H"),
                                            QStringLiteral("Access-Control-Request-Method: GET"), QStringLiteral("-H"),
                                            QStringLiteral("Access-Control-Request-Headers: x-apikey, content-type"),
                                            m_fixture.relayUrl(QStringLiteral("/api/v3/files/abc"))});
        QCOMPARE(result.status, status);
        if (status == 204) {
            QCOMPARE(result.header("Access-Control-Allow-Origin"), origin.toUtf8());
            QVERIFY(result.header("Access-Control-Allow-Headers").contains("x-apikey"));
            QVERIFY(result.header("Access-Control-Allow-Headers").contains("content-type"));
            QVERIFY(result.header("Access-Control-Allow-Methods").contains("GET"));
        } else {
            QVERIFY(result.header("Access-Control-Allow-Origin").isEmpty());
            QCOMPARE(errorCode(result.body), QStringLiteral("RelayOriginNotAllowed"));
        }
    }

    void chromiumAllowedOriginReadsAnswer()
    {
        writePage(QStringLiteral("allowed.html"), QStringLiteral(
            "fetch('http://127.0.0.1:%1/api/v3/domains/browser.example', {headers: {'x-apikey': 'dummy'}})\n"
            "  .then(r => r.json().then(j => document.getElementById('result').textContent =\n"
            "        'status=' + r.status + ' cache=' + r.headers.get('X-Cache') + ' id=' + j.data.id))\n"
            "  .catch(e => document.getElementById('result').textContent = 'blocked ' + e);")
                                                      .arg(m_fixture.relayPort()));
        const QByteArray result = runChromium(QStringLiteral("allowed.html"));
        QVERIFY2(result.startsWith("status=200"), result.left(300).constData());
        QVERIFY(result.contains("id=browser.example"));
        QVERIFY(result.contains("cache=MISS") || result.contains("cache=HIT"));
        QCOMPARE(m_fixture.emulatorRequests().last().toObject().value(u"key_sha256").toString().toLatin1(),
                 RelayFixture::sha256Hex(RelayFixture::apiKey()));
    }

    void chromiumBlockedOriginIsLogged()
    {
        // The same page, reached through "localhost" instead, is another origin that is not allowed.
        writePage(QStringLiteral("blocked.html"), QStringLiteral(
            "fetch('http://127.0.0.1:%1/api/v3/domains/blocked.example', {headers: {'x-apikey': 'dummy'}})\n"
            "  .then(r => document.getElementById('result').textContent = 'read ' + r.status)\n"
            "  .catch(e => document.getElementById('result').textContent = 'blocked');")
                                                      .arg(m_fixture.relayPort()));
        QProcess chromium;
        const QString profile = QDir(m_fixture.workDir()).filePath(QStringLiteral("chromium-profile-2"));
        chromium.start(QStringLiteral("/usr/bin/chromium"),
                       {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"), QStringLiteral("--disable-gpu"),
                        QStringLiteral("--disable-quic"), QStringLiteral("--no-first-run"),
                        QStringLiteral("--disable-background-networking"), QStringLiteral("--disable-component-update"),
                        QStringLiteral("--disable-sync"), QStringLiteral("--user-data-dir=") + profile,
                        QStringLiteral("--virtual-time-budget=10000"), QStringLiteral("--dump-dom"),
                        QStringLiteral("http://localhost:%1/blocked.html").arg(m_pagePort)});
        QVERIFY(chromium.waitForFinished(60'000));
        const QByteArray dom = chromium.readAllStandardOutput();
        QVERIFY2(dom.contains(">blocked<"), dom.left(400).constData());
        QVERIFY(m_fixture.relayLog().contains("Refused a request from the web origin http://localhost:"));
        QCOMPARE(m_fixture.emulatorCalls(QStringLiteral("/api/v3/domains/blocked.example")), 0);
    }

    void crossSiteWithoutOriginRejected()
    {
        const auto result = m_fixture.curl({QStringLiteral("-H"), QStringLiteral("Sec-Fetch-Site: cross-site"),
                                            QStringLiteral("-H"), QStringLiteral("Sec-Fetch-Mode: no-cors"),
                                            m_fixture.relayUrl(QStringLiteral("/vtapi/v2/url/report?resource=http://x.example/&scan=1"))});
        QCOMPARE(result.status, 403);
        QCOMPARE(errorCode(result.body), QStringLiteral("RelayOriginNotAllowed"));
        // A request typed into the address bar says "none" and is served.
        const auto typed = m_fixture.curl({QStringLiteral("-H"), QStringLiteral("Sec-Fetch-Site: none"),
                                           m_fixture.relayUrl(QStringLiteral("/api/v3/domains/typed.example"))});
        QCOMPARE(typed.status, 200);
    }

    void relayTokens()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator());
        QByteArray output;
        QCOMPARE(fixture.runVtrelay({QStringLiteral("token"), QStringLiteral("add"), QStringLiteral("alice")}, {}, &output), 0);
        QByteArray token;
        for (const QByteArray &line : output.split('\n')) {
            if (line.startsWith("vtr_"))
                token = line.trimmed();
        }
        QCOMPARE(token.size(), 68); // "vtr_" and 64 hex digits
        QCOMPARE(fixture.runVtrelay({QStringLiteral("token"), QStringLiteral("list")}, {}, &output), 0);
        QVERIFY(output.contains("alice"));
        QVERIFY(!output.contains(token));

        QVERIFY(fixture.startRelay(true, {QStringLiteral("--require-tokens")}));
        const QString url = fixture.relayUrl(QStringLiteral("/api/v3/domains/token.example"));
        const auto missing = fixture.curl({url});
        QCOMPARE(missing.status, 401);
        QCOMPARE(errorCode(missing.body), QStringLiteral("RelayInvalidToken"));
        QCOMPARE(fixture.curl({QStringLiteral("-H"), QStringLiteral("x-apikey: wrong"), url}).status, 401);

        const auto v3 = fixture.curl({QStringLiteral("-H"), QStringLiteral("x-apikey: ") + QString::fromLatin1(token), url});
        QCOMPARE(v3.status, 200);
        const auto v2 = fixture.curl({fixture.relayUrl(QStringLiteral("/vtapi/v2/domain/report?domain=t.example&apikey=")
                                                       + QString::fromLatin1(token))});
        QCOMPARE(v2.status, 200);
        // Upstream sees the relay's key, never the token.
        for (const QJsonValue &call : fixture.emulatorRequests()) {
            QCOMPARE(call.toObject().value(u"key_sha256").toString().toLatin1(),
                     RelayFixture::sha256Hex(RelayFixture::apiKey()));
        }
        QCOMPARE(fixture.runVtrelay({QStringLiteral("token"), QStringLiteral("remove"), QStringLiteral("alice")}, {}, &output), 0);
    }

    void nonLoopbackNeedsTokens()
    {
        QByteArray output;
        QCOMPARE(m_fixture.runVtrelay({QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0")},
                                      {}, &output),
                 2);
        QVERIFY(output.contains("--require-tokens"));
    }

    void slowHeadersTimedOut()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator());
        QVERIFY(fixture.startRelay(true, {QStringLiteral("--header-timeout"), QStringLiteral("1"),
                                          QStringLiteral("--idle-timeout"), QStringLiteral("2")}));
        QTcpSocket slow;
        slow.connectToHost(QStringLiteral("127.0.0.1"), fixture.relayPort());
        QVERIFY(slow.waitForConnected(5000));
        slow.write("GET /api/v3/domains/slow.example HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        QByteArray received;
        QDeadlineTimer deadline(10'000);
        while (slow.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
            slow.waitForReadyRead(200);
            received += slow.readAll();
        }
        QVERIFY2(received.startsWith("HTTP/1.1 408"), received.left(80).constData());
        QCOMPARE(fixture.curl({fixture.relayUrl(QStringLiteral("/"))}).status, 200);
    }

    void connectionLimit()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator());
        QVERIFY(fixture.startRelay(true, {QStringLiteral("--max-connections"), QStringLiteral("2")}));
        QTcpSocket first;
        QTcpSocket second;
        for (QTcpSocket *socket : {&first, &second}) {
            socket->connectToHost(QStringLiteral("127.0.0.1"), fixture.relayPort());
            QVERIFY(socket->waitForConnected(5000));
        }
        QTest::qWait(200);
        // Idle connections make way for a new client.
        QCOMPARE(fixture.curl({fixture.relayUrl(QStringLiteral("/"))}).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(first.state() == QAbstractSocket::UnconnectedState
                                      || second.state() == QAbstractSocket::UnconnectedState,
                                  true, 5000);

        // Connections in the middle of a request do not.
        QTcpSocket busyFirst;
        QTcpSocket busySecond;
        for (QTcpSocket *socket : {&busyFirst, &busySecond}) {
            socket->connectToHost(QStringLiteral("127.0.0.1"), fixture.relayPort());
            QVERIFY(socket->waitForConnected(5000));
            socket->write("GET / HTTP/1.1\r\n");
            QVERIFY(socket->waitForBytesWritten(5000));
        }
        first.abort();
        second.abort();
        QTest::qWait(300);
        const auto refused = fixture.curl({fixture.relayUrl(QStringLiteral("/"))});
        QCOMPARE(refused.status, 503);
        QCOMPARE(errorCode(refused.body), QStringLiteral("RelayBusy"));
        busyFirst.abort();
        busySecond.abort();
        QTRY_COMPARE_WITH_TIMEOUT(fixture.curl({fixture.relayUrl(QStringLiteral("/"))}).status, 200, 5000);
    }

    void keyAppearsNowhere()
    {
        m_fixture.stopRelay();
        QVERIFY(!m_fixture.relayLog().contains(RelayFixture::apiKey()));
        QDirIterator it(m_fixture.workDir(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            if (file.fileName().contains(u"chromium-profile"))
                continue; // the browser's own files only ever held the dummy key
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains(RelayFixture::apiKey()), qPrintable(file.fileName()));
        }
    }
};

QTEST_GUILESS_MAIN(TestAccessE2e)
#include "tst_access_e2e.moc"
