// SPDX-License-Identifier: MIT
// TeamConfigViewModel: export and import of the team configuration from the window, through an
// in-memory keychain and a temporary settings file. Keys are compared, never printed.
#include "MemoryKeyStore.h"
#include "SettingsStore.h"
#include "TeamConfigViewModel.h"
#include "config/KeyEnvelope.h"

#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace vtrelay;

namespace {
const QString kKey = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
const QString kOtherKey = QStringLiteral("fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
const QString kPassphrase = QStringLiteral("correct horse battery");
} // namespace

class TestTeamConfigViewModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void exportRejectsBadPassphrase_data();
    void exportRejectsBadPassphrase();
    void roundTrip_data();
    void roundTrip();
    void cancelChangesNothing();
    void badImportChangesNothing_data();
    void badImportChangesNothing();

private:
    std::unique_ptr<TeamConfigViewModel> makeModel(QSettings *settings);
    QString path(const QString &name) const { return m_dir->filePath(name); }
    // Exports the source settings (quota per minute 1000, one origin) and the key kKey.
    bool exportWithKey(const QString &file);

    std::unique_ptr<QTemporaryDir> m_dir;
    MemoryKeyStore m_store;
};

void TestTeamConfigViewModel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = MemoryKeyStore();
}

std::unique_ptr<TeamConfigViewModel> TestTeamConfigViewModel::makeModel(QSettings *settings)
{
    auto model = std::make_unique<TeamConfigViewModel>(&m_store, settings);
    // The lowest cost open() accepts keeps the test fast; export in the app uses the moderate one.
    model->setExportCost(KeyEnvelope::interactiveCost());
    return model;
}

bool TestTeamConfigViewModel::exportWithKey(const QString &file)
{
    QSettings source(path(QStringLiteral("source.ini")), QSettings::IniFormat);
    TeamConfig config;
    config.quotaPerMinute = 1000;
    config.allowedOrigins = {QStringLiteral("https://tool.example")};
    QString error;
    if (!SettingsStore(&source).save(config, &error))
        return false;
    m_store.stored = kKey;
    auto model = makeModel(&source);
    QSignalSpy finished(model.get(), &TeamConfigViewModel::exportFinished);
    model->exportTo(file, true, kPassphrase, kPassphrase);
    if (!finished.wait(20000) && finished.isEmpty())
        return false;
    return finished.at(0).at(0).toBool();
}

void TestTeamConfigViewModel::exportRejectsBadPassphrase_data()
{
    QTest::addColumn<QString>("passphrase");
    QTest::addColumn<QString>("repeated");
    QTest::addColumn<QString>("expectedStart");
    QTest::newRow("too short") << QStringLiteral("elevenchars") << QStringLiteral("elevenchars")
                               << QStringLiteral("The passphrase has 11 characters; use at least 12");
    QTest::newRow("entries differ") << kPassphrase << kPassphrase + u'x'
                                    << QStringLiteral("The two passphrases differ");
    QTest::newRow("empty") << QString() << QString() << QStringLiteral("The passphrase has 0 characters");
}

void TestTeamConfigViewModel::exportRejectsBadPassphrase()
{
    QFETCH(QString, passphrase);
    QFETCH(QString, repeated);
    QFETCH(QString, expectedStart);
    QSettings settings(path(QStringLiteral("settings.ini")), QSettings::IniFormat);
    m_store.stored = kKey;
    auto model = makeModel(&settings);
    QSignalSpy finished(model.get(), &TeamConfigViewModel::exportFinished);
    model->exportTo(path(QStringLiteral("team.json")), true, passphrase, repeated);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY2(model->message().startsWith(expectedStart), qPrintable(model->message()));
    QVERIFY(model->message().endsWith(QStringLiteral("Nothing was exported.")));
    QVERIFY(model->messageIsError());
    QVERIFY(!QFile::exists(path(QStringLiteral("team.json"))));
}

void TestTeamConfigViewModel::roundTrip_data()
{
    QTest::addColumn<bool>("withKey");
    QTest::addColumn<bool>("asUrl");
    QTest::newRow("with key") << true << false;
    QTest::newRow("with key, path as file URL") << true << true;
    QTest::newRow("settings only") << false << false;
}

void TestTeamConfigViewModel::roundTrip()
{
    QFETCH(bool, withKey);
    QFETCH(bool, asUrl);
    const QString file = path(QStringLiteral("team.json"));
    const QString fileArgument = asUrl ? QUrl::fromLocalFile(file).toString() : file;
    if (withKey) {
        QVERIFY(exportWithKey(fileArgument));
    } else {
        QSettings source(path(QStringLiteral("source.ini")), QSettings::IniFormat);
        TeamConfig config;
        config.quotaPerMinute = 1000;
        config.allowedOrigins = {QStringLiteral("https://tool.example")};
        QString error;
        QVERIFY(SettingsStore(&source).save(config, &error));
        auto model = makeModel(&source);
        QSignalSpy finished(model.get(), &TeamConfigViewModel::exportFinished);
        model->exportTo(fileArgument, false, QString(), QString());
        QCOMPARE(finished.count(), 1);
        QVERIFY(finished.at(0).at(0).toBool());
    }
    QVERIFY(QFile::exists(file));
    QCOMPARE(QFile::permissions(file) & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());
    {
        QFile exported(file);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        const QByteArray content = exported.readAll();
        // The key is encrypted in the file: compared, never printed.
        QVERIFY(!content.contains(kKey.toUtf8()));
        QCOMPARE(KeyEnvelope::hasKey(QJsonDocument::fromJson(content).object()), withKey);
    }

    // A colleague with other settings and another key imports the file.
    m_store.stored = kOtherKey;
    const int writesBefore = m_store.writes;
    QSettings target(path(QStringLiteral("target.ini")), QSettings::IniFormat);
    auto model = makeModel(&target);
    QSignalSpy pending(model.get(), &TeamConfigViewModel::pendingChanged);
    QVERIFY2(model->prepareImport(fileArgument, withKey ? kPassphrase : QString()), qPrintable(model->message()));
    QVERIFY(model->importPending());
    QCOMPARE(pending.count(), 1);
    const QStringList changes = model->pendingChanges();
    QVERIFY(changes.contains(QStringLiteral("Quota per minute: 4 → 1000")));
    QVERIFY(changes.contains(QStringLiteral("Allowed browser origin added: https://tool.example")));
    QCOMPARE(changes.last(), withKey ? QStringLiteral("API key: replaced by the key in the file")
                                     : QStringLiteral("API key: unchanged (the file contains none)"));
    // Nothing is applied before the user confirms.
    QCOMPARE(SettingsStore(&target).load().quotaPerMinute, qint64(4));
    QVERIFY(m_store.stored == kOtherKey);

    QSignalSpy finished(model.get(), &TeamConfigViewModel::importFinished);
    model->confirmImport();
    QVERIFY(finished.count() == 1 || finished.wait(5000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(model->message()));
    QVERIFY(!model->importPending());
    const TeamConfig imported = SettingsStore(&target).load();
    QCOMPARE(imported.quotaPerMinute, qint64(1000));
    QCOMPARE(imported.allowedOrigins, QStringList{QStringLiteral("https://tool.example")});
    QVERIFY(m_store.stored == (withKey ? kKey : kOtherKey));
    QCOMPARE(m_store.writes, writesBefore + (withKey ? 1 : 0));
    QVERIFY(!model->message().contains(kKey));
    // The key is only in the keychain, not in the settings file.
    QFile ini(path(QStringLiteral("target.ini")));
    QVERIFY(ini.open(QIODevice::ReadOnly));
    QVERIFY(!ini.readAll().contains(kKey.toUtf8()));
}

void TestTeamConfigViewModel::cancelChangesNothing()
{
    const QString file = path(QStringLiteral("team.json"));
    QVERIFY(exportWithKey(file));
    m_store.stored = kOtherKey;
    QSettings target(path(QStringLiteral("target.ini")), QSettings::IniFormat);
    auto model = makeModel(&target);
    QVERIFY(model->prepareImport(file, kPassphrase));
    model->cancelImport();
    QVERIFY(!model->importPending());
    model->confirmImport();
    QTest::qWait(50);
    QVERIFY(m_store.stored == kOtherKey);
    QVERIFY(!target.contains(QStringLiteral("quota/perMinute")));
}

void TestTeamConfigViewModel::badImportChangesNothing_data()
{
    QTest::addColumn<QString>("change");   // what is done to the exported file
    QTest::addColumn<QString>("passphrase");
    QTest::addColumn<QString>("expected"); // a sentence the message must contain
    const QString authentication = KeyEnvelope::authenticationFailedMessage();
    QTest::newRow("wrong passphrase") << QString() << QStringLiteral("wrong horse battery") << authentication;
    QTest::newRow("no passphrase") << QString() << QString() << QStringLiteral("enter its passphrase");
    QTest::newRow("tampered setting") << QStringLiteral("quota") << kPassphrase << authentication;
    QTest::newRow("unknown version") << QStringLiteral("version") << kPassphrase
                                     << QStringLiteral("is not supported by this VT Relay");
    QTest::newRow("not JSON") << QStringLiteral("garbage") << kPassphrase << QStringLiteral("is not valid JSON");
}

void TestTeamConfigViewModel::badImportChangesNothing()
{
    QFETCH(QString, change);
    QFETCH(QString, passphrase);
    QFETCH(QString, expected);
    const QString file = path(QStringLiteral("team.json"));
    QVERIFY(exportWithKey(file));
    {
        QFile edited(file);
        QVERIFY(edited.open(QIODevice::ReadOnly));
        QJsonObject document = QJsonDocument::fromJson(edited.readAll()).object();
        edited.close();
        QByteArray content = QJsonDocument(document).toJson();
        if (change == u"quota") {
            QJsonObject settings = document.value(QStringLiteral("settings")).toObject();
            QJsonObject quota = settings.value(QStringLiteral("quota")).toObject();
            quota.insert(QStringLiteral("perMinute"), 2000);
            settings.insert(QStringLiteral("quota"), quota);
            document.insert(QStringLiteral("settings"), settings);
            content = QJsonDocument(document).toJson();
        } else if (change == u"version") {
            document.insert(QStringLiteral("version"), 2);
            content = QJsonDocument(document).toJson();
        } else if (change == u"garbage") {
            content = "{\"format\": ";
        }
        QVERIFY(edited.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(edited.write(content), content.size());
    }

    m_store.stored = kOtherKey;
    QSettings target(path(QStringLiteral("target.ini")), QSettings::IniFormat);
    target.setValue(QStringLiteral("quota/perMinute"), 7);
    target.sync();
    auto model = makeModel(&target);
    QSignalSpy finished(model.get(), &TeamConfigViewModel::importFinished);
    QVERIFY(!model->prepareImport(file, passphrase));
    QVERIFY2(model->message().contains(expected), qPrintable(model->message()));
    QVERIFY(model->message().endsWith(QStringLiteral("Nothing was changed."))
            || model->message().endsWith(QStringLiteral("Nothing was imported.")));
    QVERIFY(model->messageIsError());
    QVERIFY(!model->importPending());
    model->confirmImport();
    QTest::qWait(50);
    QCOMPARE(finished.count(), 0);
    QVERIFY(m_store.stored == kOtherKey);
    QCOMPARE(m_store.writes, 0);
    QCOMPARE(SettingsStore(&target).load().quotaPerMinute, qint64(7));
    QVERIFY(!target.contains(QStringLiteral("http/allowedOrigins")));
}

QTEST_GUILESS_MAIN(TestTeamConfigViewModel)
#include "tst_teamconfigviewmodel.moc"
