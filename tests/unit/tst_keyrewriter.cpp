// SPDX-License-Identifier: MIT
#include "http/HttpHeaders.h"
#include "vt/ApiRouter.h"
#include "vt/KeyRewriter.h"

#include <QTest>

using namespace vtrelay;

namespace {
const QByteArray kClientKey = "client-key-0123";
const QByteArray kRelayKey = "relay-key-4567";
} // namespace

class TestKeyRewriter : public QObject
{
    Q_OBJECT

private slots:
    void stripHeaders_data()
    {
        QTest::addColumn<QByteArray>("name");

        QTest::newRow("x-apikey") << QByteArray("x-apikey");
        QTest::newRow("X-Apikey") << QByteArray("X-Apikey");
        QTest::newRow("X-APIKEY") << QByteArray("X-APIKEY");
        QTest::newRow("x-ApiKey") << QByteArray("x-ApiKey");
        QTest::newRow("apikey") << QByteArray("apikey");
        QTest::newRow("APIKEY") << QByteArray("APIKEY");
    }

    void stripHeaders()
    {
        QFETCH(QByteArray, name);

        HttpHeaders headers{{"Host", "127.0.0.1"}, {name, kClientKey}, {"Accept", "application/json"},
                            {name, "second-copy"}};
        KeyRewriter::stripRequestHeaders(headers);

        QVERIFY(!headers.contains(name));
        QCOMPARE(headers.size(), 2);
        QCOMPARE(headers.value("host"), QByteArray("127.0.0.1"));
        QCOMPARE(headers.value("accept"), QByteArray("application/json"));
        for (const HttpHeaders::Field &field : headers.fields())
            QVERIFY2(!field.second.contains(kClientKey), field.first.constData());
    }

    void stripHeadersKeepsOthers()
    {
        HttpHeaders headers{{"X-Apikey-Hint", "a"}, {"Content-Type", "text/plain"}, {"x-api", "b"}};
        KeyRewriter::stripRequestHeaders(headers);

        QCOMPARE(headers.size(), 3);
        QCOMPARE(headers.value("x-apikey-hint"), QByteArray("a"));
        QCOMPARE(headers.value("x-api"), QByteArray("b"));
    }

    void upstreamQuery_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("relayKey");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("v3 no query") << QByteArray("GET") << QByteArray("/api/v3/files/abc") << kRelayKey
                                     << QByteArray();
        QTest::newRow("v3 query kept") << QByteArray("GET") << QByteArray("/api/v3/files/abc/comments?limit=5&cursor=c")
                                       << kRelayKey << QByteArray("limit=5&cursor=c");
        QTest::newRow("v3 client key removed") << QByteArray("GET")
                                               << "/api/v3/files/abc?apikey=" + kClientKey + "&limit=5"
                                               << kRelayKey << QByteArray("limit=5");
        QTest::newRow("v2 key added") << QByteArray("GET") << QByteArray("/vtapi/v2/file/report?resource=abc")
                                      << kRelayKey << "resource=abc&apikey=" + kRelayKey;
        QTest::newRow("v2 no query") << QByteArray("POST") << QByteArray("/vtapi/v2/file/scan") << kRelayKey
                                     << "apikey=" + kRelayKey;
        QTest::newRow("v2 client key replaced") << QByteArray("GET")
                                                << "/vtapi/v2/file/report?apikey=" + kClientKey + "&resource=abc"
                                                << kRelayKey << "resource=abc&apikey=" + kRelayKey;
        QTest::newRow("v2 APIKEY replaced") << QByteArray("GET")
                                            << "/vtapi/v2/file/report?resource=abc&APIKEY=" + kClientKey
                                            << kRelayKey << "resource=abc&apikey=" + kRelayKey;
        QTest::newRow("v2 %61pikey replaced") << QByteArray("GET")
                                              << "/vtapi/v2/url/report?%61pikey=" + kClientKey + "&resource=x"
                                              << kRelayKey << "resource=x&apikey=" + kRelayKey;
        QTest::newRow("v2 key escaped") << QByteArray("GET") << QByteArray("/vtapi/v2/file/report?resource=abc")
                                        << QByteArray("a+b/c=&d") << QByteArray("resource=abc&apikey=a%2Bb%2Fc%3D%26d");
    }

    void upstreamQuery()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, relayKey);
        QFETCH(QByteArray, expected);

        const QByteArray query = KeyRewriter::upstreamQuery(ApiRouter::route(method, target), relayKey);
        QVERIFY(!query.contains(kClientKey));
        QCOMPARE(query, expected);
    }

    void stripFormKey_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("empty") << QByteArray() << QByteArray();
        QTest::newRow("no key") << QByteArray("resource=abc,def") << QByteArray("resource=abc,def");
        QTest::newRow("key first") << "apikey=" + kClientKey + "&resource=abc" << QByteArray("resource=abc");
        QTest::newRow("key last") << "url=http%3A%2F%2Fexample.com&apikey=" + kClientKey
                                  << QByteArray("url=http%3A%2F%2Fexample.com");
        QTest::newRow("APIKEY") << "APIKEY=" + kClientKey + "&resource=abc" << QByteArray("resource=abc");
        QTest::newRow("%61pikey") << "resource=abc&%61pikey=" + kClientKey << QByteArray("resource=abc");
        QTest::newRow("only key") << "apikey=" + kClientKey << QByteArray();
        QTest::newRow("apikey2 kept") << QByteArray("apikey2=x&resource=abc") << QByteArray("apikey2=x&resource=abc");
    }

    void stripFormKey()
    {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, expected);

        const QByteArray stripped = KeyRewriter::stripFormKey(body);
        QVERIFY(!stripped.contains(kClientKey));
        QCOMPARE(stripped, expected);
    }

    void redactTarget_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("no query") << QByteArray("/api/v3/files/abc") << QByteArray("/api/v3/files/abc");
        QTest::newRow("no key") << QByteArray("/api/v3/search?query=a+b") << QByteArray("/api/v3/search?query=a+b");
        QTest::newRow("v2 key first") << "/vtapi/v2/file/report?apikey=" + kClientKey + "&resource=abc"
                                      << QByteArray("/vtapi/v2/file/report?apikey=<redacted>&resource=abc");
        QTest::newRow("APIKEY last") << "/vtapi/v2/file/report?resource=abc&APIKEY=" + kClientKey
                                     << QByteArray("/vtapi/v2/file/report?resource=abc&APIKEY=<redacted>");
        QTest::newRow("%61pikey") << "/x?%61pikey=" + kClientKey << QByteArray("/x?%61pikey=<redacted>");
        QTest::newRow("two keys") << "/x?apikey=" + kClientKey + "&a=1&apikey=" + kClientKey
                                  << QByteArray("/x?apikey=<redacted>&a=1&apikey=<redacted>");
        QTest::newRow("bare apikey") << QByteArray("/x?apikey&a=1") << QByteArray("/x?apikey=<redacted>&a=1");
        QTest::newRow("empty value") << QByteArray("/x?apikey=") << QByteArray("/x?apikey=<redacted>");
        QTest::newRow("apikey2 kept") << QByteArray("/x?apikey2=v") << QByteArray("/x?apikey2=v");
    }

    void redactTarget()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, expected);

        const QByteArray redacted = KeyRewriter::redactTarget(target);
        QVERIFY(!redacted.contains(kClientKey));
        QCOMPARE(redacted, expected);
    }
};

QTEST_GUILESS_MAIN(TestKeyRewriter)
#include "tst_keyrewriter.moc"
