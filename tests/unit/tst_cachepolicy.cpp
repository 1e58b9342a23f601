// SPDX-License-Identifier: MIT
#include "cache/CachePolicy.h"
#include "vt/ApiRouter.h"

#include <QTest>

using namespace vtrelay;

namespace {
const QByteArray kSha256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";

// Distinct values, so that each expected TTL shows which setting was applied.
constexpr qint64 kObjectTtl = 5000;
constexpr qint64 kCollectionTtl = 4000;
constexpr qint64 kCommentTtl = 300;
constexpr qint64 kNotFoundTtl = 200;
constexpr qint64 kAnalysisTtl = 6000;

CachePolicy::Settings testSettings()
{
    CachePolicy::Settings settings;
    settings.objectTtlSeconds = kObjectTtl;
    settings.collectionTtlSeconds = kCollectionTtl;
    settings.commentTtlSeconds = kCommentTtl;
    settings.notFoundTtlSeconds = kNotFoundTtl;
    settings.analysisTtlSeconds = kAnalysisTtl;
    return settings;
}

QByteArray analysisBody(const char *status)
{
    return R"({"data": {"type": "analysis", "id": "ZjE6MTY4", "attributes": {"status": ")" + QByteArray(status)
           + R"(", "stats": {}}}})";
}

QByteArray errorBody(const char *code)
{
    return R"({"error": {"code": ")" + QByteArray(code) + R"(", "message": "test"}})";
}
} // namespace

class TestCachePolicy : public QObject
{
    Q_OBJECT

private slots:
    void ttl_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<qint64>("ttl");

        const QByteArray file = "/api/v3/files/" + kSha256;
        const QByteArray object = R"({"data": {"type": "file", "id": "x", "attributes": {}}})";
        const QByteArray page = R"({"data": [], "meta": {"count": 0}})";

        QTest::newRow("v3 object 200") << QByteArray("GET") << file << 200 << object << kObjectTtl;
        QTest::newRow("v3 domain 200") << QByteArray("GET") << QByteArray("/api/v3/domains/example.com") << 200
                                       << object << kObjectTtl;
        QTest::newRow("v3 object not json") << QByteArray("GET") << file << 200 << QByteArray("<html>") << qint64(0);
        QTest::newRow("v3 object json list") << QByteArray("GET") << file << 200 << QByteArray("[]") << qint64(0);
        QTest::newRow("v3 object 404 not found") << QByteArray("GET") << file << 404 << errorBody("NotFoundError")
                                                 << kNotFoundTtl;
        QTest::newRow("v3 object 404 other error") << QByteArray("GET") << file << 404
                                                   << errorBody("NotAvailableYet") << qint64(0);
        QTest::newRow("v3 object 404 no body") << QByteArray("GET") << file << 404 << QByteArray() << qint64(0);
        QTest::newRow("v3 relationship 404 not found") << QByteArray("GET") << file + "/contacted_ips" << 404
                                                       << errorBody("NotFoundError") << qint64(0);
        QTest::newRow("v3 429 quota") << QByteArray("GET") << file << 429 << errorBody("QuotaExceededError")
                                      << qint64(0);
        QTest::newRow("v3 401 credentials") << QByteArray("GET") << file << 401
                                            << errorBody("WrongCredentialsError") << qint64(0);
        QTest::newRow("v3 500") << QByteArray("GET") << file << 500 << errorBody("TransientError") << qint64(0);
        QTest::newRow("v3 204") << QByteArray("GET") << file << 204 << QByteArray() << qint64(0);
        QTest::newRow("v3 relationship") << QByteArray("GET") << file + "/contacted_ips" << 200 << page
                                         << kCollectionTtl;
        QTest::newRow("v3 search") << QByteArray("GET") << QByteArray("/api/v3/search?query=x") << 200 << page
                                   << kCollectionTtl;
        QTest::newRow("v3 comments") << QByteArray("GET") << file + "/comments" << 200 << page << kCommentTtl;
        QTest::newRow("v3 votes") << QByteArray("GET") << file + "/votes" << 200 << page << kCommentTtl;
        QTest::newRow("v3 comment ids") << QByteArray("GET") << file + "/relationships/comments" << 200 << page
                                        << kCommentTtl;
        QTest::newRow("v3 analysis queued") << QByteArray("GET") << QByteArray("/api/v3/analyses/ZjE6MTY4") << 200
                                            << analysisBody("queued") << qint64(0);
        QTest::newRow("v3 analysis in progress") << QByteArray("GET") << QByteArray("/api/v3/analyses/ZjE6MTY4")
                                                 << 200 << analysisBody("in-progress") << qint64(0);
        QTest::newRow("v3 analysis completed") << QByteArray("GET") << QByteArray("/api/v3/analyses/ZjE6MTY4")
                                               << 200 << analysisBody("completed") << kAnalysisTtl;
        QTest::newRow("v3 analysis 404 not found") << QByteArray("GET") << QByteArray("/api/v3/analyses/ZjE6MTY4")
                                                   << 404 << errorBody("NotFoundError") << qint64(0);
        QTest::newRow("v3 post") << QByteArray("POST") << QByteArray("/api/v3/urls") << 200 << object << qint64(0);
        QTest::newRow("v3 user") << QByteArray("GET") << QByteArray("/api/v3/users/alice") << 200 << object
                                 << qint64(0);

        const QByteArray report = "/vtapi/v2/file/report?resource=" + kSha256;
        QTest::newRow("v2 code 1") << QByteArray("GET") << report << 200 << QByteArray(R"({"response_code": 1})")
                                   << kObjectTtl;
        QTest::newRow("v2 code 0") << QByteArray("GET") << report << 200 << QByteArray(R"({"response_code": 0})")
                                   << kNotFoundTtl;
        QTest::newRow("v2 code -2") << QByteArray("GET") << report << 200
                                    << QByteArray(R"({"response_code": -2})") << qint64(0);
        QTest::newRow("v2 code missing") << QByteArray("GET") << report << 200 << QByteArray(R"({"scans": {}})")
                                         << qint64(0);
        QTest::newRow("v2 code as text") << QByteArray("GET") << report << 200
                                         << QByteArray(R"({"response_code": "1"})") << qint64(0);
        QTest::newRow("v2 not json") << QByteArray("GET") << report << 200 << QByteArray("oops") << qint64(0);
        QTest::newRow("v2 204 quota") << QByteArray("GET") << report << 204 << QByteArray() << qint64(0);
        QTest::newRow("v2 403") << QByteArray("GET") << report << 403 << QByteArray(R"({"response_code": 1})")
                                << qint64(0);
        QTest::newRow("v2 batch all found") << QByteArray("GET") << report << 200
                                            << QByteArray(R"([{"response_code": 1}, {"response_code": 1}])")
                                            << kObjectTtl;
        QTest::newRow("v2 batch found and missing") << QByteArray("GET") << report << 200
                                                    << QByteArray(R"([{"response_code": 1}, {"response_code": 0}])")
                                                    << kNotFoundTtl;
        QTest::newRow("v2 batch with queued")
            << QByteArray("GET") << report << 200
            << QByteArray(R"([{"response_code": 1}, {"response_code": -2}, {"response_code": 0}])") << qint64(0);
        QTest::newRow("v2 batch empty") << QByteArray("GET") << report << 200 << QByteArray("[]") << qint64(0);
        QTest::newRow("v2 url scan submit") << QByteArray("GET")
                                            << QByteArray("/vtapi/v2/url/report?resource=example.com&scan=1") << 200
                                            << QByteArray(R"({"response_code": 1})") << qint64(0);
    }

    void ttl()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(qint64, ttl);

        const CachePolicy policy(testSettings());
        QCOMPARE(policy.ttlSeconds(ApiRouter::route(method, target), status, body), ttl);
    }

    void defaultsNotFoundShorter()
    {
        const CachePolicy policy;
        const ApiRoute route = ApiRouter::route("GET", "/api/v3/files/" + kSha256);
        const qint64 found = policy.ttlSeconds(route, 200, R"({"data": {}})");
        const qint64 notFound = policy.ttlSeconds(route, 404, errorBody("NotFoundError"));

        QVERIFY(notFound > 0);
        QVERIFY(found > notFound);
    }

    void settingsReplaced()
    {
        CachePolicy policy;
        policy.setSettings(testSettings());
        const ApiRoute route = ApiRouter::route("GET", "/api/v3/files/" + kSha256 + "/comments");

        QCOMPARE(policy.settings().commentTtlSeconds, kCommentTtl);
        QCOMPARE(policy.ttlSeconds(route, 200, "{}"), kCommentTtl);
    }
};

QTEST_GUILESS_MAIN(TestCachePolicy)
#include "tst_cachepolicy.moc"
