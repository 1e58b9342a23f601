// SPDX-License-Identifier: MIT
#include "vt/ApiRouter.h"

#include <QTest>

using namespace vtrelay;

namespace {
const QByteArray kSha256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
const QByteArray kSha256Upper = kSha256.toUpper();
const QByteArray kMd5 = "44d88612fea8a8f36de82e1278abb02f";
const QByteArray kSha1 = "3395856ce81f2b7382dee72602f798b642f14140";
const QByteArray kSecret = "S3CR3T-client-key";

QString apiName(ApiRoute::Api api)
{
    switch (api) {
    case ApiRoute::Api::V3: return QStringLiteral("v3");
    case ApiRoute::Api::V2: return QStringLiteral("v2");
    case ApiRoute::Api::None: break;
    }
    return QStringLiteral("none");
}

QString cacheClassName(ApiRoute::CacheClass cacheClass)
{
    switch (cacheClass) {
    case ApiRoute::CacheClass::Object: return QStringLiteral("object");
    case ApiRoute::CacheClass::Collection: return QStringLiteral("collection");
    case ApiRoute::CacheClass::Analysis: return QStringLiteral("analysis");
    case ApiRoute::CacheClass::V2Report: return QStringLiteral("v2report");
    case ApiRoute::CacheClass::None: break;
    }
    return QStringLiteral("none");
}

// Names instead of enum values, so that a failure prints something readable.
QString kindOf(const ApiRoute &route)
{
    return route.kind == ApiRoute::Kind::None ? QStringLiteral("none") : ApiRoute::kindName(route.kind);
}
} // namespace

class TestApiRouter : public QObject
{
    Q_OBJECT

private slots:
    void quotaCost_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("cost");

        QTest::newRow("v3 file") << QByteArray("/api/v3/files/44d88612fea8a8f36de82e1278abb02f") << 1;
        QTest::newRow("v2 single report") << QByteArray("/vtapi/v2/file/report?resource=abc") << 1;
        QTest::newRow("v2 batch of three") << QByteArray("/vtapi/v2/file/report?resource=a,b,c") << 3;
        QTest::newRow("v2 domain") << QByteArray("/vtapi/v2/domain/report?domain=a,b") << 1;
    }

    void quotaCost()
    {
        QFETCH(QByteArray, target);
        QFETCH(int, cost);
        QCOMPARE(ApiRouter::route("GET", target).quotaCost(), cost);
    }

    void routes_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QString>("api");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("cacheClass");
        QTest::addColumn<QString>("objectId");
        QTest::addColumn<QString>("subPath");

        const QString sha = QString::fromLatin1(kSha256);
        QTest::newRow("v3 file sha256") << QByteArray("GET") << "/api/v3/files/" + kSha256 << "v3" << "file"
                                        << "object" << sha << "";
        QTest::newRow("v3 file sha256 upper") << QByteArray("GET") << "/api/v3/files/" + kSha256Upper << "v3"
                                              << "file" << "object" << sha << "";
        QTest::newRow("v3 file md5 upper") << QByteArray("GET") << "/api/v3/files/" + kMd5.toUpper() << "v3"
                                           << "file" << "object" << QString::fromLatin1(kMd5) << "";
        QTest::newRow("v3 file sha1 upper") << QByteArray("GET") << "/api/v3/files/" + kSha1.toUpper() << "v3"
                                            << "file" << "object" << QString::fromLatin1(kSha1) << "";
        QTest::newRow("v3 file trailing slash") << QByteArray("GET") << "/api/v3/files/" + kSha256 + "/" << "v3"
                                                << "file" << "object" << sha << "";
        QTest::newRow("v3 file head") << QByteArray("HEAD") << "/api/v3/files/" + kSha256 << "v3" << "file"
                                      << "object" << sha << "";
        QTest::newRow("v3 file relationship") << QByteArray("GET")
                                              << "/api/v3/files/" + kSha256 + "/contacted_domains?limit=10"
                                              << "v3" << "file" << "collection" << sha << "contacted_domains";
        QTest::newRow("v3 file relationship ids")
            << QByteArray("GET") << "/api/v3/files/" + kSha256 + "/relationships/contacted_ips" << "v3" << "file"
            << "collection" << sha << "relationships/contacted_ips";
        QTest::newRow("v3 file comments") << QByteArray("GET") << "/api/v3/files/" + kSha256 + "/comments" << "v3"
                                          << "file" << "collection" << sha << "comments";
        QTest::newRow("v3 file download_url") << QByteArray("GET") << "/api/v3/files/" + kSha256 + "/download_url"
                                              << "v3" << "file" << "none" << sha << "download_url";
        QTest::newRow("v3 file download") << QByteArray("GET") << "/api/v3/files/" + kSha256 + "/download" << "v3"
                                          << "file" << "none" << sha << "download";
        QTest::newRow("v3 files upload_url") << QByteArray("GET") << QByteArray("/api/v3/files/upload_url") << "v3"
                                             << "file" << "none" << "upload_url" << "";
        QTest::newRow("v3 file upload") << QByteArray("POST") << QByteArray("/api/v3/files") << "v3" << "file"
                                        << "none" << "" << "";
        QTest::newRow("v3 file analyse") << QByteArray("POST") << "/api/v3/files/" + kSha256 + "/analyse" << "v3"
                                         << "file" << "none" << sha << "analyse";
        QTest::newRow("v3 url base64 id keeps case")
            << QByteArray("GET") << QByteArray("/api/v3/urls/aHR0cHM6Ly9FeGFtcGxlLmNvbS8") << "v3" << "url"
            << "object" << "aHR0cHM6Ly9FeGFtcGxlLmNvbS8" << "";
        QTest::newRow("v3 url sha256 lower-cased") << QByteArray("GET") << "/api/v3/urls/" + kSha256Upper << "v3"
                                                   << "url" << "object" << sha << "";
        QTest::newRow("v3 url submit") << QByteArray("POST") << QByteArray("/api/v3/urls") << "v3" << "url"
                                       << "none" << "" << "";
        QTest::newRow("v3 domain lower-cased") << QByteArray("GET") << QByteArray("/api/v3/domains/WWW.Example.COM")
                                               << "v3" << "domain" << "object" << "www.example.com" << "";
        QTest::newRow("v3 ip address") << QByteArray("GET") << QByteArray("/api/v3/ip_addresses/192.0.2.1") << "v3"
                                       << "ip_address" << "object" << "192.0.2.1" << "";
        QTest::newRow("v3 analysis") << QByteArray("GET") << QByteArray("/api/v3/analyses/ZjE6MTY4") << "v3"
                                     << "analysis" << "analysis" << "ZjE6MTY4" << "";
        QTest::newRow("v3 analysis encoded id") << QByteArray("GET") << QByteArray("/api/v3/analyses/ZjE6MTY4%3D%3D")
                                                << "v3" << "analysis" << "analysis" << "ZjE6MTY4==" << "";
        QTest::newRow("v3 analysis item") << QByteArray("GET") << QByteArray("/api/v3/analyses/ZjE6MTY4/item")
                                          << "v3" << "analysis" << "object" << "ZjE6MTY4" << "item";
        QTest::newRow("v3 analysis other") << QByteArray("GET") << QByteArray("/api/v3/analyses/ZjE6MTY4/other")
                                           << "v3" << "analysis" << "none" << "ZjE6MTY4" << "other";
        QTest::newRow("v3 user") << QByteArray("GET") << QByteArray("/api/v3/users/alice") << "v3" << "user"
                                 << "none" << "alice" << "";
        QTest::newRow("v3 user quotas") << QByteArray("GET") << QByteArray("/api/v3/users/alice/overall_quotas")
                                        << "v3" << "user" << "none" << "alice" << "overall_quotas";
        QTest::newRow("v3 comment by id") << QByteArray("GET") << QByteArray("/api/v3/comments/f-abc-1") << "v3"
                                          << "comment" << "none" << "f-abc-1" << "";
        QTest::newRow("v3 search") << QByteArray("GET") << QByteArray("/api/v3/search?query=evil") << "v3"
                                   << "search" << "collection" << "" << "";
        QTest::newRow("v3 intelligence search") << QByteArray("GET")
                                                << QByteArray("/api/v3/intelligence/search?query=evil") << "v3"
                                                << "search" << "collection" << "search" << "";
        QTest::newRow("v3 metadata") << QByteArray("GET") << QByteArray("/api/v3/metadata") << "v3" << "metadata"
                                     << "object" << "" << "";
        QTest::newRow("v3 unknown collection") << QByteArray("GET") << QByteArray("/api/v3/widgets/1") << "v3"
                                               << "other" << "none" << "1" << "";
        QTest::newRow("v3 root") << QByteArray("GET") << QByteArray("/api/v3/") << "v3" << "none" << "none" << ""
                                 << "";
        QTest::newRow("large upload url") << QByteArray("POST") << QByteArray("/_ah/upload/AMmfu6b/ALBNUaY?x=1")
                                          << "v3" << "file" << "none" << "" << "upload";
        QTest::newRow("v2 file report") << QByteArray("GET")
                                        << "/vtapi/v2/file/report?apikey=k&resource=" + kSha256Upper << "v2"
                                        << "file" << "v2report" << sha << "file/report";
        QTest::newRow("v2 file report trailing slash")
            << QByteArray("GET") << "/vtapi/v2/file/report/?resource=" + kSha256 << "v2" << "file" << "v2report"
            << sha << "file/report";
        QTest::newRow("v2 file report post") << QByteArray("POST") << "/vtapi/v2/file/report?resource=" + kSha256
                                             << "v2" << "file" << "none" << sha << "file/report";
        QTest::newRow("v2 file report no resource") << QByteArray("GET") << QByteArray("/vtapi/v2/file/report")
                                                    << "v2" << "file" << "none" << "" << "file/report";
        QTest::newRow("v2 file scan") << QByteArray("POST") << QByteArray("/vtapi/v2/file/scan") << "v2" << "file"
                                      << "none" << "" << "file/scan";
        QTest::newRow("v2 url report keeps case")
            << QByteArray("GET") << QByteArray("/vtapi/v2/url/report?resource=http%3A%2F%2Fexample.com%2FPath")
            << "v2" << "url" << "v2report" << "http://example.com/Path" << "url/report";
        QTest::newRow("v2 url report scan") << QByteArray("GET")
                                            << QByteArray("/vtapi/v2/url/report?resource=example.com&scan=1")
                                            << "v2" << "url" << "none" << "example.com" << "url/report";
        QTest::newRow("v2 domain report") << QByteArray("GET")
                                          << QByteArray("/vtapi/v2/domain/report?domain=Example.COM")
                                          << "v2" << "domain" << "v2report" << "example.com" << "domain/report";
        QTest::newRow("v2 ip report") << QByteArray("GET") << QByteArray("/vtapi/v2/ip-address/report?ip=192.0.2.1")
                                      << "v2" << "ip_address" << "v2report" << "192.0.2.1" << "ip-address/report";
        QTest::newRow("v2 comments get") << QByteArray("GET") << QByteArray("/vtapi/v2/comments/get?resource=abc")
                                         << "v2" << "comment" << "none" << "abc" << "comments/get";
        QTest::newRow("not api") << QByteArray("GET") << QByteArray("/index.html") << "none" << "none" << "none"
                                 << "" << "";
        QTest::newRow("v3 lookalike prefix") << QByteArray("GET") << QByteArray("/api/v3files/abc") << "none"
                                             << "none" << "none" << "" << "";
    }

    void routes()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(QString, api);
        QFETCH(QString, kind);
        QFETCH(QString, cacheClass);
        QFETCH(QString, objectId);
        QFETCH(QString, subPath);

        const ApiRoute route = ApiRouter::route(method, target);
        QCOMPARE(apiName(route.api), api);
        QCOMPARE(kindOf(route), kind);
        QCOMPARE(cacheClassName(route.cacheClass), cacheClass);
        QCOMPARE(route.objectId, objectId);
        QCOMPARE(route.subPath, subPath);
        // A key exists exactly when the route has a cache class.
        QCOMPARE(route.isCacheable(), cacheClass != u"none");
    }

    void exactKeys_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QString>("key");

        const QString sha = QString::fromLatin1(kSha256);
        QTest::newRow("v3 object") << "/api/v3/files/" + kSha256Upper << QStringLiteral("v3:file:") + sha;
        QTest::newRow("v3 sorted query")
            << "/api/v3/files/" + kSha256 + "/comments?limit=10&cursor=x"
            << QStringLiteral("v3:file:") + sha + QStringLiteral("/comments?cursor=x&limit=10");
        QTest::newRow("v3 domain") << QByteArray("/api/v3/domains/Example.com") << "v3:domain:example.com";
        QTest::newRow("v2 report") << "/vtapi/v2/file/report?resource=" + kSha256 + "&apikey=k"
                                   << QStringLiteral("v2:file/report:") + sha;
        QTest::newRow("v2 report allinfo") << "/vtapi/v2/file/report?allinfo=1&resource=" + kSha256
                                           << QStringLiteral("v2:file/report:") + sha + QStringLiteral("?allinfo=1");
    }

    void exactKeys()
    {
        QFETCH(QByteArray, target);
        QFETCH(QString, key);

        QCOMPARE(ApiRouter::route("GET", target).cacheKey, key);
    }

    void sameKey_data()
    {
        QTest::addColumn<QByteArray>("targetA");
        QTest::addColumn<QByteArray>("targetB");

        QTest::newRow("md5 case") << "/api/v3/files/" + kMd5.toUpper() << "/api/v3/files/" + kMd5;
        QTest::newRow("sha256 case") << "/api/v3/files/" + kSha256Upper << "/api/v3/files/" + kSha256;
        QTest::newRow("hash case in relationship") << "/api/v3/files/" + kSha256Upper + "/comments"
                                                   << "/api/v3/files/" + kSha256 + "/comments";
        QTest::newRow("v2 resource case") << "/vtapi/v2/file/report?resource=" + kSha256Upper
                                          << "/vtapi/v2/file/report?resource=" + kSha256;
        QTest::newRow("domain case") << QByteArray("/api/v3/domains/EXAMPLE.com")
                                     << QByteArray("/api/v3/domains/example.com");
        QTest::newRow("query order v3") << "/api/v3/files/" + kSha256 + "/comments?limit=10&cursor=abc"
                                        << "/api/v3/files/" + kSha256 + "/comments?cursor=abc&limit=10";
        QTest::newRow("query order v2") << "/vtapi/v2/file/report?resource=" + kSha256 + "&allinfo=1"
                                        << "/vtapi/v2/file/report?allinfo=1&resource=" + kSha256;
        QTest::newRow("apikey v3") << "/api/v3/files/" + kSha256 + "?apikey=" + kSecret
                                   << "/api/v3/files/" + kSha256;
        QTest::newRow("apikey v2") << "/vtapi/v2/file/report?apikey=one&resource=" + kSha256
                                   << "/vtapi/v2/file/report?resource=" + kSha256 + "&apikey=two";
        QTest::newRow("plus and %20") << QByteArray("/api/v3/search?query=a+b")
                                      << QByteArray("/api/v3/search?query=a%20b");
        QTest::newRow("trailing slash") << "/api/v3/files/" + kSha256 + "/" << "/api/v3/files/" + kSha256;
    }

    void sameKey()
    {
        QFETCH(QByteArray, targetA);
        QFETCH(QByteArray, targetB);

        const ApiRoute a = ApiRouter::route("GET", targetA);
        const ApiRoute b = ApiRouter::route("GET", targetB);
        QVERIFY(a.isCacheable());
        QVERIFY(b.isCacheable());
        QCOMPARE(a.cacheKey, b.cacheKey);
    }

    void differentKey_data()
    {
        QTest::addColumn<QByteArray>("targetA");
        QTest::addColumn<QByteArray>("targetB");

        QTest::newRow("different hash") << "/api/v3/files/" + kSha256 << "/api/v3/files/" + kMd5;
        QTest::newRow("object and relationship") << "/api/v3/files/" + kSha256
                                                 << "/api/v3/files/" + kSha256 + "/comments";
        QTest::newRow("different cursor") << "/api/v3/files/" + kSha256 + "/comments?cursor=a"
                                          << "/api/v3/files/" + kSha256 + "/comments?cursor=b";
        QTest::newRow("url id case") << QByteArray("/api/v3/urls/aHR0cDovL2EuY29tLw")
                                     << QByteArray("/api/v3/urls/aHR0cDovL2EuY29tLW");
        QTest::newRow("v2 allinfo") << "/vtapi/v2/file/report?resource=" + kSha256 + "&allinfo=1"
                                    << "/vtapi/v2/file/report?resource=" + kSha256;
        QTest::newRow("file and url kind") << "/api/v3/files/" + kSha256 << "/api/v3/urls/" + kSha256;
    }

    void differentKey()
    {
        QFETCH(QByteArray, targetA);
        QFETCH(QByteArray, targetB);

        const ApiRoute a = ApiRouter::route("GET", targetA);
        const ApiRoute b = ApiRouter::route("GET", targetB);
        QVERIFY(a.isCacheable());
        QVERIFY(b.isCacheable());
        QVERIFY2(a.cacheKey != b.cacheKey, qPrintable(a.cacheKey));
    }

    void apikeyNotInKey_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("forwardQuery");

        const QByteArray file = "/api/v3/files/" + kSha256;
        const QByteArray report = "/vtapi/v2/file/report";
        QTest::newRow("v3 apikey") << file + "?apikey=" + kSecret << QByteArray();
        QTest::newRow("v3 APIKEY") << file + "?APIKEY=" + kSecret << QByteArray();
        QTest::newRow("v3 %61pikey") << file + "?%61pikey=" + kSecret << QByteArray();
        QTest::newRow("v3 apikey among others") << file + "/comments?limit=5&ApiKey=" + kSecret + "&cursor=c"
                                                << QByteArray("limit=5&cursor=c");
        QTest::newRow("v3 apikey twice") << file + "?apikey=" + kSecret + "&%41PIKEY=" + kSecret << QByteArray();
        QTest::newRow("v2 apikey") << report + "?apikey=" + kSecret + "&resource=" + kSha256
                                   << "resource=" + kSha256;
        QTest::newRow("v2 APIKEY") << report + "?resource=" + kSha256 + "&APIKEY=" + kSecret
                                   << "resource=" + kSha256;
        QTest::newRow("v2 %61pikey") << report + "?%61pikey=" + kSecret + "&resource=" + kSha256 + "&allinfo=1"
                                     << "resource=" + kSha256 + "&allinfo=1";
        QTest::newRow("v2 url report") << "/vtapi/v2/url/report?resource=example.com&apikey=" + kSecret
                                       << QByteArray("resource=example.com");
    }

    void apikeyNotInKey()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, forwardQuery);

        const ApiRoute route = ApiRouter::route("GET", target);
        QVERIFY(route.isCacheable());
        QVERIFY2(!route.cacheKey.contains(QString::fromLatin1(kSecret), Qt::CaseInsensitive),
                 qPrintable(route.cacheKey));
        QVERIFY2(!route.cacheKey.contains(u"apikey", Qt::CaseInsensitive), qPrintable(route.cacheKey));
        QVERIFY2(!route.cacheKey.contains(u"%61pikey", Qt::CaseInsensitive), qPrintable(route.cacheKey));
        QVERIFY(!route.forwardQuery.contains(kSecret));
        QCOMPARE(route.forwardQuery, forwardQuery);
    }

    void apikeyNotForwarded_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("forwardQuery");

        QTest::newRow("v2 scan post") << QByteArray("POST") << "/vtapi/v2/file/scan?apikey=" + kSecret
                                      << QByteArray();
        QTest::newRow("v3 post") << QByteArray("POST") << "/api/v3/urls?APIKEY=" + kSecret + "&x=1"
                                 << QByteArray("x=1");
        QTest::newRow("large upload") << QByteArray("POST") << "/_ah/upload/AMmfu6b?%61pikey=" + kSecret
                                      << QByteArray();
        QTest::newRow("unknown path") << QByteArray("GET") << "/other?b=2&apikey=" + kSecret + "&a=1"
                                      << QByteArray("b=2&a=1");
    }

    void apikeyNotForwarded()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, forwardQuery);

        const ApiRoute route = ApiRouter::route(method, target);
        QVERIFY(!route.forwardQuery.contains(kSecret));
        QCOMPARE(route.forwardQuery, forwardQuery);
    }

    void notCacheable_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");

        QTest::newRow("v3 post file") << QByteArray("POST") << QByteArray("/api/v3/files");
        QTest::newRow("v3 post url") << QByteArray("POST") << QByteArray("/api/v3/urls");
        QTest::newRow("v3 post comment") << QByteArray("POST") << "/api/v3/files/" + kSha256 + "/comments";
        QTest::newRow("v3 post to object") << QByteArray("POST") << "/api/v3/files/" + kSha256;
        QTest::newRow("v3 delete comment") << QByteArray("DELETE") << QByteArray("/api/v3/comments/f-abc-1");
        QTest::newRow("v3 patch domain") << QByteArray("PATCH") << QByteArray("/api/v3/domains/example.com");
        QTest::newRow("v3 user") << QByteArray("GET") << QByteArray("/api/v3/users/alice");
        QTest::newRow("v3 user quotas") << QByteArray("GET") << QByteArray("/api/v3/users/alice/overall_quotas");
        QTest::newRow("v3 user api usage") << QByteArray("GET") << QByteArray("/api/v3/users/alice/api_usage");
        QTest::newRow("v3 upload_url") << QByteArray("GET") << QByteArray("/api/v3/files/upload_url");
        QTest::newRow("v3 file download_url") << QByteArray("GET") << "/api/v3/files/" + kSha256 + "/download_url";
        QTest::newRow("v3 file download") << QByteArray("GET") << "/api/v3/files/" + kSha256 + "/download";
        QTest::newRow("v3 zip download_url") << QByteArray("GET")
                                             << QByteArray("/api/v3/intelligence/zip_files/5117/download_url");
        QTest::newRow("v3 zip download") << QByteArray("GET")
                                         << QByteArray("/api/v3/intelligence/zip_files/5117/download");
        QTest::newRow("v3 files listing") << QByteArray("GET") << QByteArray("/api/v3/files");
        QTest::newRow("large upload") << QByteArray("POST") << QByteArray("/_ah/upload/AMmfu6b/ALBNUaY");
        QTest::newRow("v2 url report scan") << QByteArray("GET")
                                            << QByteArray("/vtapi/v2/url/report?resource=example.com&scan=1");
        QTest::newRow("v2 report post") << QByteArray("POST") << "/vtapi/v2/file/report?resource=" + kSha256;
        QTest::newRow("v2 file scan") << QByteArray("POST") << QByteArray("/vtapi/v2/file/scan");
        QTest::newRow("v2 url scan") << QByteArray("POST") << QByteArray("/vtapi/v2/url/scan?url=example.com");
        QTest::newRow("v2 comments put") << QByteArray("POST") << QByteArray("/vtapi/v2/comments/put?resource=abc");
    }

    void notCacheable()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);

        const ApiRoute route = ApiRouter::route(method, target);
        QVERIFY(route.isApi());
        QVERIFY2(!route.isCacheable(), qPrintable(route.cacheKey));
        QCOMPARE(cacheClassName(route.cacheClass), QStringLiteral("none"));
    }

    void normalizedQuery_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("empty") << QByteArray() << QByteArray();
        QTest::newRow("sorted by name") << QByteArray("b=2&a=1") << QByteArray("a=1&b=2");
        QTest::newRow("same name sorted by value") << QByteArray("a=2&a=1") << QByteArray("a=1&a=2");
        QTest::newRow("apikey dropped") << QByteArray("apikey=x&a=1") << QByteArray("a=1");
        QTest::newRow("APIKEY dropped") << QByteArray("a=1&APIKEY=x") << QByteArray("a=1");
        QTest::newRow("%61pikey dropped") << QByteArray("%61pikey=x&a=1") << QByteArray("a=1");
        QTest::newRow("only apikey") << QByteArray("apikey=x") << QByteArray();
        QTest::newRow("apikey2 kept") << QByteArray("apikey2=x") << QByteArray("apikey2=x");
        QTest::newRow("plus is space") << QByteArray("q=a+b") << QByteArray("q=a%20b");
        QTest::newRow("%20 stays") << QByteArray("q=a%20b") << QByteArray("q=a%20b");
        QTest::newRow("lower-case escape") << QByteArray("q=%2f") << QByteArray("q=%2F");
        QTest::newRow("needless escape") << QByteArray("q=%7E%61") << QByteArray("q=~a");
        QTest::newRow("name without value") << QByteArray("flag") << QByteArray("flag=");
        QTest::newRow("empty pairs") << QByteArray("&&a=1&") << QByteArray("a=1");
        QTest::newRow("padded cursor") << QByteArray("cursor=abc%3D%3D") << QByteArray("cursor=abc%3D%3D");
    }

    void normalizedQuery()
    {
        QFETCH(QByteArray, query);
        QFETCH(QByteArray, expected);

        QCOMPARE(ApiRouter::normalizedQuery(query), expected);
    }

    void queryWithoutKey_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("empty") << QByteArray() << QByteArray();
        QTest::newRow("no key") << QByteArray("b=2&a=1") << QByteArray("b=2&a=1");
        QTest::newRow("key in middle") << QByteArray("a=1&apikey=x&b=2") << QByteArray("a=1&b=2");
        QTest::newRow("APIKEY first") << QByteArray("APIKEY=x&b=2") << QByteArray("b=2");
        QTest::newRow("%61pikey last") << QByteArray("b=2&%61pikey=x") << QByteArray("b=2");
        QTest::newRow("bare apikey") << QByteArray("apikey&b=2") << QByteArray("b=2");
        QTest::newRow("two keys") << QByteArray("apikey=x&apikey=y") << QByteArray();
        QTest::newRow("apikey2 kept") << QByteArray("apikey2=x&xapikey=y") << QByteArray("apikey2=x&xapikey=y");
        QTest::newRow("value named apikey") << QByteArray("name=apikey") << QByteArray("name=apikey");
        QTest::newRow("encoding kept") << QByteArray("q=a+b%2f") << QByteArray("q=a+b%2f");
        QTest::newRow("empty pairs dropped") << QByteArray("a=1&&b=2") << QByteArray("a=1&b=2");
    }

    void queryWithoutKey()
    {
        QFETCH(QByteArray, query);
        QFETCH(QByteArray, expected);

        QCOMPARE(ApiRouter::queryWithoutKey(query), expected);
    }
};

QTEST_GUILESS_MAIN(TestApiRouter)
#include "tst_apirouter.moc"
