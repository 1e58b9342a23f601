// SPDX-License-Identifier: MIT
// The key through a real Secret Service (gnome-keyring under dbus-run-session, started by
// with-keyring.sh): the KeychainKeyStore adapter, the `vtrelay key` commands, and a relay
// that reads its key from the keychain and injects it.
#include "KeychainKeyStore.h"
#include "RelayFixture.h"

#include <QDeadlineTimer>
#include <QJsonObject>
#include <QTest>

using namespace vtrelay;

class TestKeychain : public QObject
{
    Q_OBJECT

private:
    static KeyStore::Result wait(const std::function<void(KeyStore::Callback)> &call)
    {
        KeyStore::Result result;
        bool done = false;
        call([&](const KeyStore::Result &r) {
            result = r;
            done = true;
        });
        QDeadlineTimer deadline(20'000);
        while (!done && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        if (!done)
            result.error = QStringLiteral("The keychain did not answer within 20 seconds.");
        return result;
    }

    static int runVtrelay(const QStringList &arguments, const QByteArray &input, QByteArray *output)
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("VTRELAY_API_KEY"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(VTRELAY_BINARY), arguments);
        process.write(input);
        process.closeWriteChannel();
        process.waitForFinished(30'000);
        *output = process.readAllStandardOutput() + process.readAllStandardError();
        return process.exitCode();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
                 "run this test through with-keyring.sh under dbus-run-session");
    }

    void adapterRoundTrip()
    {
        KeychainKeyStore store(QStringLiteral("vtrelay-test"));
        const QString key = QStringLiteral("adapter-roundtrip-0123456789abcdef");
        QVERIFY(wait([&](auto done) { store.write(key, done); }).ok);

        const KeyStore::Result read = wait([&](auto done) { store.read(done); });
        QVERIFY(read.ok);
        QVERIFY(read.key == key); // not QCOMPARE: a failure must not print the key

        QVERIFY(wait([&](auto done) { store.remove(done); }).ok);
        const KeyStore::Result gone = wait([&](auto done) { store.read(done); });
        QVERIFY(!gone.ok);
        QVERIFY(gone.notFound);
    }

    void keyCommands()
    {
        QByteArray output;
        QCOMPARE(runVtrelay({QStringLiteral("key"), QStringLiteral("remove")}, {}, &output), 0);
        QCOMPARE(runVtrelay({QStringLiteral("key"), QStringLiteral("status")}, {}, &output), 3);
        QVERIFY(output.contains("No VirusTotal API key is stored"));

        QCOMPARE(runVtrelay({QStringLiteral("key"), QStringLiteral("set")}, RelayFixture::apiKey() + '\n', &output), 0);
        QVERIFY(!output.contains(RelayFixture::apiKey()));
        QCOMPARE(runVtrelay({QStringLiteral("key"), QStringLiteral("status")}, {}, &output), 0);
        QVERIFY(output.contains("64 characters"));
        QVERIFY(!output.contains(RelayFixture::apiKey()));

        QCOMPARE(runVtrelay({QStringLiteral("key"), QStringLiteral("set")}, "\n", &output), 2);
    }

    void configRoundTripThroughKeychain()
    {
        RelayFixture fixture;
        const QString dir = fixture.workDir();
        const QString team = dir + QStringLiteral("/team.json");
        const QString pass = dir + QStringLiteral("/pass.txt");
        const QString wrong = dir + QStringLiteral("/wrong.txt");
        for (const auto &[path, text] : {std::pair{pass, QByteArray("correct horse battery staple\n")},
                                         std::pair{wrong, QByteArray("wrong horse battery staple!\n")}}) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(text);
        }

        QByteArray output;
        QCOMPARE(fixture.runVtrelay({QStringLiteral("key"), QStringLiteral("set")}, RelayFixture::apiKey() + '\n', &output), 0);
        QCOMPARE(fixture.runVtrelay({QStringLiteral("config"), QStringLiteral("export"), team,
                                     QStringLiteral("--include-key"), QStringLiteral("--passphrase-file"), pass},
                                    {}, &output),
                 0);
        QFile exported(team);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        const QByteArray exportedText = exported.readAll();
        QVERIFY(!exportedText.contains(RelayFixture::apiKey()));
        QVERIFY(exportedText.contains("vtrelay-team-config"));
        QCOMPARE(exported.permissions() & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());

        QCOMPARE(fixture.runVtrelay({QStringLiteral("key"), QStringLiteral("remove")}, {}, &output), 0);
        QCOMPARE(fixture.runVtrelay({QStringLiteral("config"), QStringLiteral("import"), team,
                                     QStringLiteral("--passphrase-file"), wrong}, {}, &output),
                 1);
        QVERIFY(output.contains("Nothing was imported"));
        QCOMPARE(fixture.runVtrelay({QStringLiteral("key"), QStringLiteral("status")}, {}, &output), 3);

        QByteArray tampered = exportedText;
        tampered.replace("\"perMinute\": 4", "\"perMinute\": 1000");
        QVERIFY(tampered != exportedText);
        const QString tamperedPath = dir + QStringLiteral("/tampered.json");
        QFile tamperedFile(tamperedPath);
        QVERIFY(tamperedFile.open(QIODevice::WriteOnly));
        tamperedFile.write(tampered);
        tamperedFile.close();
        QCOMPARE(fixture.runVtrelay({QStringLiteral("config"), QStringLiteral("import"), tamperedPath,
                                     QStringLiteral("--passphrase-file"), pass}, {}, &output),
                 1);
        QCOMPARE(fixture.runVtrelay({QStringLiteral("key"), QStringLiteral("status")}, {}, &output), 3);

        QCOMPARE(fixture.runVtrelay({QStringLiteral("config"), QStringLiteral("import"), team,
                                     QStringLiteral("--passphrase-file"), pass}, {}, &output),
                 0);
        QCOMPARE(fixture.runVtrelay({QStringLiteral("key"), QStringLiteral("status")}, {}, &output), 0);
        QVERIFY(!fixture.relayLog().contains(RelayFixture::apiKey()));

        const KeyStore::Result read = wait([](auto done) { KeychainKeyStore().read(done); });
        QVERIFY(read.ok);
        QVERIFY(read.key == QString::fromLatin1(RelayFixture::apiKey())); // not QCOMPARE: never print the key
    }

    void relayInjectsKeychainKey()
    {
        RelayFixture fixture;
        QVERIFY(fixture.startEmulator());
        // startRelay(false) keeps VTRELAY_API_KEY unset; this session's bus reaches the keyring.
        qputenv("VTRELAY_FIXTURE_KEEP_BUS", "1");
        QVERIFY(fixture.startRelay(false));
        QVERIFY(fixture.relayLog().contains("API key from the OS keychain"));
        const auto result = fixture.curl({fixture.relayUrl(QStringLiteral("/api/v3/domains/keychain.example"))});
        QCOMPARE(result.status, 200);
        const QJsonObject call = fixture.emulatorRequests().last().toObject();
        QCOMPARE(call.value(u"key_sha256").toString().toLatin1(), RelayFixture::sha256Hex(RelayFixture::apiKey()));
        fixture.stopRelay();
        QVERIFY(!fixture.relayLog().contains(RelayFixture::apiKey()));

        QByteArray output;
        QCOMPARE(runVtrelay({QStringLiteral("key"), QStringLiteral("remove")}, {}, &output), 0);
        QCOMPARE(runVtrelay({QStringLiteral("key"), QStringLiteral("status")}, {}, &output), 3);
    }
};

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
