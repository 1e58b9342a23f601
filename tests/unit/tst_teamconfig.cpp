// SPDX-License-Identifier: MIT
#include "SettingsStore.h"
#include "config/TeamConfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace vtrelay;

Q_DECLARE_METATYPE(vtrelay::TeamConfig)
Q_DECLARE_METATYPE(std::function<void(vtrelay::TeamConfig &)>)

namespace {
using Change = std::function<void(TeamConfig &)>;

// Returns document with the member at the dotted path set to value, or removed when value is
// undefined. Every object on the way must exist.
QJsonObject withValue(QJsonObject document, const QString &path, const QJsonValue &value)
{
    const QStringList parts = path.split(u'.');
    const std::function<QJsonObject(QJsonObject, qsizetype)> set = [&](QJsonObject object, qsizetype depth) {
        const QString &name = parts.at(depth);
        if (depth + 1 == parts.size()) {
            if (value.isUndefined())
                object.remove(name);
            else
                object.insert(name, value);
        } else {
            object.insert(name, set(object.value(name).toObject(), depth + 1));
        }
        return object;
    };
    return set(document, 0);
}

TeamConfig customConfig()
{
    TeamConfig config;
    config.quotaPerMinute = 1000;
    config.quotaPerDay = 50000;
    config.quotaPerMonth = 1500000;
    config.maxQueueWaitSeconds = 5;
    config.cacheTtl.objectTtlSeconds = 7200;
    config.cacheTtl.collectionTtlSeconds = 600;
    config.cacheTtl.commentTtlSeconds = 0;
    config.cacheTtl.notFoundTtlSeconds = 60;
    config.cacheTtl.analysisTtlSeconds = 172800;
    config.allowedOrigins = {QStringLiteral("https://tool.example"), QStringLiteral("chrome-extension://abcdefgh")};
    config.listenPort = 9000;
    return config;
}
} // namespace

class TestTeamConfig : public QObject
{
    Q_OBJECT

private slots:
    void defaultsAreFreeTier()
    {
        const TeamConfig config;
        QCOMPARE(config.quotaPerMinute, 4);
        QCOMPARE(config.quotaPerDay, 500);
        QCOMPARE(config.quotaPerMonth, 15500);
        QCOMPARE(config.maxQueueWaitSeconds, 60);
        QCOMPARE(config.cacheTtl.objectTtlSeconds, 86400);
        QCOMPARE(config.cacheTtl.collectionTtlSeconds, 86400);
        QCOMPARE(config.cacheTtl.commentTtlSeconds, 3600);
        QCOMPARE(config.cacheTtl.notFoundTtlSeconds, 3600);
        QCOMPARE(config.cacheTtl.analysisTtlSeconds, 86400);
        QVERIFY(config.allowedOrigins.isEmpty());
        QCOMPARE(config.listenPort, quint16(8684));
    }

    void toJsonWritesFormatAndVersion()
    {
        const QJsonObject document = TeamConfig().toJson();
        QCOMPARE(document.value(QStringLiteral("format")).toString(), QStringLiteral("vtrelay-team-config"));
        QCOMPARE(document.value(QStringLiteral("version")).toInt(), 1);
        QVERIFY(document.value(QStringLiteral("settings")).isObject());
        QVERIFY(!document.contains(QStringLiteral("key")));
    }

    void jsonRoundTrip_data()
    {
        QTest::addColumn<TeamConfig>("config");
        QTest::newRow("defaults") << TeamConfig();
        QTest::newRow("custom") << customConfig();
        TeamConfig limits;
        limits.quotaPerMinute = TeamConfig::kMaxQuota;
        limits.maxQueueWaitSeconds = 0;
        limits.cacheTtl.objectTtlSeconds = TeamConfig::kMaxTtlSeconds;
        limits.listenPort = 65535;
        QTest::newRow("limits") << limits;
    }

    void jsonRoundTrip()
    {
        QFETCH(TeamConfig, config);
        const QByteArray bytes = QJsonDocument(config.toJson()).toJson();
        const QJsonObject parsed = QJsonDocument::fromJson(bytes).object();

        TeamConfig read;
        QString error;
        QVERIFY2(TeamConfig::fromJson(parsed, &read, &error), qPrintable(error));
        QVERIFY(read == config);
    }

    void fromJsonIgnoresKeyMember()
    {
        const QJsonObject document = withValue(customConfig().toJson(), QStringLiteral("key"),
                                               QJsonObject{{QStringLiteral("nonce"), QStringLiteral("abc")}});
        TeamConfig read;
        QString error;
        QVERIFY2(TeamConfig::fromJson(document, &read, &error), qPrintable(error));
        QVERIFY(read == customConfig());
    }

    void fromJsonRejects_data()
    {
        QTest::addColumn<QJsonObject>("document");
        QTest::addColumn<QString>("expectedError");
        const QJsonObject valid = TeamConfig().toJson();
        const QJsonValue removed(QJsonValue::Undefined);
        const auto row = [&](const char *name, const QString &path, const QJsonValue &value, const char *error) {
            QTest::newRow(name) << withValue(valid, path, value) << QString::fromUtf8(error);
        };

        row("format missing", QStringLiteral("format"), removed, "the field format is missing");
        row("format other", QStringLiteral("format"), QStringLiteral("other-tool"),
            "the field format is \"other-tool\", expected \"vtrelay-team-config\"");
        row("version missing", QStringLiteral("version"), removed, "The field version is missing.");
        row("version string", QStringLiteral("version"), QStringLiteral("1"), "version must be a whole number");
        row("version 2", QStringLiteral("version"), 2,
            "version 2 is not supported by this VT Relay (supports 1); update VT Relay");
        row("version 0", QStringLiteral("version"), 0, "version 0 is not supported by this VT Relay");
        row("version 1.5", QStringLiteral("version"), 1.5, "version must be a whole number");
        row("unknown top-level field", QStringLiteral("exportedBy"), QStringLiteral("x"),
            "unknown field \"exportedBy\"");
        row("settings missing", QStringLiteral("settings"), removed, "The field settings is missing.");
        row("settings not object", QStringLiteral("settings"), 3, "settings must be a JSON object");
        row("unknown setting", QStringLiteral("settings.proxy"), true, "settings contains the unknown field \"proxy\"");

        row("quota missing", QStringLiteral("settings.quota"), removed, "settings.quota is missing");
        row("perMinute missing", QStringLiteral("settings.quota.perMinute"), removed,
            "settings.quota.perMinute is missing");
        row("perDay missing", QStringLiteral("settings.quota.perDay"), removed, "settings.quota.perDay is missing");
        row("perMonth missing", QStringLiteral("settings.quota.perMonth"), removed,
            "settings.quota.perMonth is missing");
        row("maxQueueWait missing", QStringLiteral("settings.quota.maxQueueWaitSeconds"), removed,
            "settings.quota.maxQueueWaitSeconds is missing");
        row("perMinute null", QStringLiteral("settings.quota.perMinute"), QJsonValue::Null,
            "settings.quota.perMinute must be a whole number from 1 to 1000000000, not null");
        row("perMinute zero", QStringLiteral("settings.quota.perMinute"), 0,
            "settings.quota.perMinute must be a whole number from 1 to 1000000000, not 0");
        row("perMinute negative", QStringLiteral("settings.quota.perMinute"), -4,
            "settings.quota.perMinute must be a whole number from 1 to 1000000000, not -4");
        row("perMinute fraction", QStringLiteral("settings.quota.perMinute"), 4.5,
            "settings.quota.perMinute must be a whole number");
        row("perMinute string", QStringLiteral("settings.quota.perMinute"), QStringLiteral("4"),
            "settings.quota.perMinute must be a whole number from 1 to 1000000000, not \"4\"");
        row("perDay too large", QStringLiteral("settings.quota.perDay"), 1e10, "settings.quota.perDay must be");
        row("maxQueueWait too long", QStringLiteral("settings.quota.maxQueueWaitSeconds"), 3601,
            "settings.quota.maxQueueWaitSeconds must be a whole number from 0 to 3600");
        row("unknown quota field", QStringLiteral("settings.quota.perHour"), 10,
            "settings.quota contains the unknown field \"perHour\"");

        row("cache TTLs missing", QStringLiteral("settings.cacheTtlSeconds"), removed,
            "settings.cacheTtlSeconds is missing");
        for (const char *kind : {"object", "collection", "comment", "notFound", "analysis"}) {
            const QString path = QStringLiteral("settings.cacheTtlSeconds.") + QString::fromLatin1(kind);
            QTest::addRow("%s TTL missing", kind) << withValue(valid, path, removed) << path + QStringLiteral(" is missing");
            QTest::addRow("%s TTL negative", kind) << withValue(valid, path, -1) << path + QStringLiteral(" must be");
        }
        row("TTL over a year", QStringLiteral("settings.cacheTtlSeconds.object"), 31536001,
            "settings.cacheTtlSeconds.object must be a whole number from 0 to 31536000");

        row("origins missing", QStringLiteral("settings.allowedOrigins"), removed,
            "settings.allowedOrigins is missing");
        row("origins not list", QStringLiteral("settings.allowedOrigins"), QStringLiteral("https://a.example"),
            "settings.allowedOrigins must be a list of origins");
        row("origin not string", QStringLiteral("settings.allowedOrigins"), QJsonArray{7},
            "settings.allowedOrigins[0] must be a string, not 7");
        row("origin wildcard", QStringLiteral("settings.allowedOrigins"), QJsonArray{QStringLiteral("*")},
            "settings.allowedOrigins[0] is invalid: \"*\" would allow every web page");
        row("origin with path", QStringLiteral("settings.allowedOrigins"),
            QJsonArray{QStringLiteral("https://a.example"), QStringLiteral("https://b.example/app")},
            "settings.allowedOrigins[1] is invalid: \"https://b.example/app\" is not a browser origin");
        row("origin repeated", QStringLiteral("settings.allowedOrigins"),
            QJsonArray{QStringLiteral("https://a.example"), QStringLiteral("https://a.example")},
            "settings.allowedOrigins[1] repeats the origin https://a.example");

        row("port missing", QStringLiteral("settings.listenPort"), removed, "settings.listenPort is missing");
        row("port zero", QStringLiteral("settings.listenPort"), 0,
            "settings.listenPort must be a whole number from 1 to 65535, not 0");
        row("port too large", QStringLiteral("settings.listenPort"), 65536,
            "settings.listenPort must be a whole number from 1 to 65535, not 65536");
    }

    void fromJsonRejects()
    {
        QFETCH(QJsonObject, document);
        QFETCH(QString, expectedError);

        TeamConfig config = customConfig();
        QString error;
        QVERIFY(!TeamConfig::fromJson(document, &config, &error));
        QVERIFY2(error.contains(expectedError), qPrintable(QStringLiteral("error was: ") + error));
        QVERIFY(config == customConfig()); // unchanged on error
    }

    void originValidation_data()
    {
        QTest::addColumn<QString>("origin");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("expectedError");

        QTest::newRow("https") << QStringLiteral("https://tool.example") << true << QString();
        QTest::newRow("http with port") << QStringLiteral("http://127.0.0.1:8080") << true << QString();
        QTest::newRow("IPv6 with port") << QStringLiteral("http://[::1]:3000") << true << QString();
        QTest::newRow("chrome extension") << QStringLiteral("chrome-extension://abcdefghijklmnop") << true
                                          << QString();
        QTest::newRow("firefox extension") << QStringLiteral("moz-extension://0c9d5a6e-94f3-4b1a-9a07-2d2e3f0b1c4d")
                                           << true << QString();
        QTest::newRow("wildcard") << QStringLiteral("*") << false << QStringLiteral("would allow every web page");
        QTest::newRow("null") << QStringLiteral("null") << false << QStringLiteral("would allow every web page");
        QTest::newRow("empty") << QString() << false << QStringLiteral("is not a browser origin");
        QTest::newRow("trailing slash") << QStringLiteral("https://tool.example/") << false
                                        << QStringLiteral("is not a browser origin");
        QTest::newRow("query") << QStringLiteral("https://tool.example?a=1") << false
                               << QStringLiteral("is not a browser origin");
        QTest::newRow("user info") << QStringLiteral("https://me@tool.example") << false
                                   << QStringLiteral("is not a browser origin");
        QTest::newRow("no scheme") << QStringLiteral("tool.example") << false
                                   << QStringLiteral("is not a browser origin");
        QTest::newRow("upper case host") << QStringLiteral("https://Tool.Example") << false
                                         << QStringLiteral("write https://tool.example.");
        QTest::newRow("default port") << QStringLiteral("https://tool.example:443") << false
                                      << QStringLiteral("write https://tool.example.");
        QTest::newRow("international host") << QStringLiteral("https://bücher.example") << false
                                            << QStringLiteral("write https://xn--bcher-kva.example.");
    }

    void originValidation()
    {
        QFETCH(QString, origin);
        QFETCH(bool, valid);
        QFETCH(QString, expectedError);

        QString error;
        QCOMPARE(TeamConfig::isValidOrigin(origin, &error), valid);
        QVERIFY2(error.contains(expectedError), qPrintable(QStringLiteral("error was: ") + error));
    }

    void diffLines_data()
    {
        QTest::addColumn<Change>("change");
        QTest::addColumn<QStringList>("expectedLines");

        QTest::newRow("nothing") << Change([](TeamConfig &) {}) << QStringList();
        QTest::newRow("quota per minute") << Change([](TeamConfig &c) { c.quotaPerMinute = 1000; })
                                          << QStringList{QStringLiteral("Quota per minute: 4 → 1000")};
        QTest::newRow("all quotas")
            << Change([](TeamConfig &c) {
                   c.quotaPerMinute = 1000;
                   c.quotaPerDay = 50000;
                   c.quotaPerMonth = 1500000;
                   c.maxQueueWaitSeconds = 5;
               })
            << QStringList{QStringLiteral("Quota per minute: 4 → 1000"), QStringLiteral("Quota per day: 500 → 50000"),
                           QStringLiteral("Quota per month: 15500 → 1500000"),
                           QStringLiteral("Maximum queue wait: 60 s → 5 s")};
        QTest::newRow("cache TTLs")
            << Change([](TeamConfig &c) {
                   c.cacheTtl.objectTtlSeconds = 7200;
                   c.cacheTtl.collectionTtlSeconds = 600;
                   c.cacheTtl.commentTtlSeconds = 0;
                   c.cacheTtl.notFoundTtlSeconds = 60;
                   c.cacheTtl.analysisTtlSeconds = 172800;
               })
            << QStringList{QStringLiteral("Cache TTL for object reports: 86400 s → 7200 s"),
                           QStringLiteral("Cache TTL for relationships and searches: 86400 s → 600 s"),
                           QStringLiteral("Cache TTL for comments and votes: 3600 s → 0 s"),
                           QStringLiteral("Cache TTL for not-found answers: 3600 s → 60 s"),
                           QStringLiteral("Cache TTL for analyses: 86400 s → 172800 s")};
        QTest::newRow("origin added")
            << Change([](TeamConfig &c) { c.allowedOrigins.append(QStringLiteral("https://tool.example")); })
            << QStringList{QStringLiteral("Allowed browser origin added: https://tool.example")};
        QTest::newRow("listen port") << Change([](TeamConfig &c) { c.listenPort = 9000; })
                                     << QStringList{QStringLiteral("Listen port: 8684 → 9000")};
    }

    void diffLines()
    {
        QFETCH(Change, change);
        QFETCH(QStringList, expectedLines);

        const TeamConfig current;
        TeamConfig incoming;
        change(incoming);
        QCOMPARE(TeamConfig::diff(current, incoming), expectedLines);
    }

    void diffListsRemovedOrigins()
    {
        TeamConfig current;
        current.allowedOrigins = {QStringLiteral("https://old.example"), QStringLiteral("https://kept.example")};
        TeamConfig incoming;
        incoming.allowedOrigins = {QStringLiteral("https://kept.example"), QStringLiteral("https://new.example")};

        const QStringList lines = TeamConfig::diff(current, incoming);
        QCOMPARE(lines,
                 (QStringList{QStringLiteral("Allowed browser origin added: https://new.example"),
                              QStringLiteral("Allowed browser origin removed: https://old.example")}));
    }

    void settingsStoreRoundTrip()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QSettings settings(directory.filePath(QStringLiteral("vtrelay.conf")), QSettings::IniFormat);
        SettingsStore store(&settings);

        QStringList warnings;
        QVERIFY(store.load(&warnings) == TeamConfig());
        QVERIFY(warnings.isEmpty());

        QString error;
        QVERIFY2(store.save(customConfig(), &error), qPrintable(error));
        QSettings reopened(directory.filePath(QStringLiteral("vtrelay.conf")), QSettings::IniFormat);
        QVERIFY(SettingsStore(&reopened).load(&warnings) == customConfig());
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(u'\n')));
    }

    void settingsStoreSkipsInvalidValues()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QSettings settings(directory.filePath(QStringLiteral("vtrelay.conf")), QSettings::IniFormat);
        settings.setValue(QStringLiteral("quota/perMinute"), QStringLiteral("many"));
        settings.setValue(QStringLiteral("quota/perDay"), 700);
        settings.setValue(QStringLiteral("http/listenPort"), 70000);
        settings.setValue(QStringLiteral("http/allowedOrigins"),
                          QStringList{QStringLiteral("*"), QStringLiteral("https://tool.example")});

        QStringList warnings;
        const TeamConfig config = SettingsStore(&settings).load(&warnings);
        QCOMPARE(config.quotaPerMinute, 4);
        QCOMPARE(config.quotaPerDay, 700);
        QCOMPARE(config.listenPort, quint16(8684));
        QCOMPARE(config.allowedOrigins, QStringList{QStringLiteral("https://tool.example")});
        QCOMPARE(warnings.size(), 3);
        QVERIFY2(warnings.at(0).contains(QStringLiteral("quota/perMinute=\"many\"")), qPrintable(warnings.at(0)));
        QVERIFY2(warnings.at(1).contains(QStringLiteral("http/allowedOrigins")), qPrintable(warnings.at(1)));
        QVERIFY2(warnings.at(2).contains(QStringLiteral("http/listenPort=\"70000\"")), qPrintable(warnings.at(2)));
    }
};

QTEST_GUILESS_MAIN(TestTeamConfig)
#include "tst_teamconfig.moc"
