// SPDX-License-Identifier: MIT
// Most cases use libsodium's INTERACTIVE Argon2id cost (64 MiB) to keep the test fast. One
// round trip uses the MODERATE cost (256 MiB) that `vtrelay config export` writes.
#include "config/KeyEnvelope.h"
#include "config/TeamConfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <functional>

using namespace vtrelay;

namespace {
using Tamper = std::function<void(QJsonObject &)>;

const QByteArray kApiKey("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
const QByteArray kPassphrase("correct horse battery staple");

QJsonObject keyMember(const QJsonObject &document)
{
    return document.value(QStringLiteral("key")).toObject();
}

QByteArray decodeField(const QJsonObject &object, const QString &name)
{
    return QByteArray::fromBase64(object.value(name).toString().toLatin1());
}

// Applies change to the object at the dotted path inside document (for example "key.kdf").
void editObject(QJsonObject &document, const QString &path, const std::function<void(QJsonObject &)> &change)
{
    const QStringList parts = path.split(u'.');
    const std::function<void(QJsonObject &, qsizetype)> descend = [&](QJsonObject &object, qsizetype depth) {
        if (depth == parts.size()) {
            change(object);
            return;
        }
        QJsonObject child = object.value(parts.at(depth)).toObject();
        descend(child, depth + 1);
        object.insert(parts.at(depth), child);
    };
    descend(document, 0);
}

// Returns a Tamper that flips the lowest bit of one decoded byte of a base64 field, so the
// field stays well-formed and only authentication can notice.
Tamper flipByte(const QString &objectPath, const QString &field, qsizetype index)
{
    return [=](QJsonObject &document) {
        editObject(document, objectPath, [&](QJsonObject &object) {
            QByteArray bytes = decodeField(object, field);
            const qsizetype position = index < 0 ? bytes.size() + index : index;
            bytes[position] = char(bytes.at(position) ^ 0x01);
            object.insert(field, QString::fromLatin1(bytes.toBase64()));
        });
    };
}

Tamper setValue(const QString &objectPath, const QString &field, const QJsonValue &value)
{
    return [=](QJsonObject &document) {
        const auto assign = [&](QJsonObject &object) {
            if (value.isUndefined())
                object.remove(field);
            else
                object.insert(field, value);
        };
        if (objectPath.isEmpty())
            assign(document);
        else
            editObject(document, objectPath, assign);
    };
}

// Seals kApiKey into a default team configuration and returns the document as an importer
// reads it, serialized to the file's bytes and parsed again.
QJsonObject sealedDocument(const KeyEnvelope::Cost &cost = KeyEnvelope::interactiveCost())
{
    QJsonObject document = TeamConfig().toJson();
    QString error;
    if (!KeyEnvelope::seal(&document, kApiKey, kPassphrase, cost, &error))
        qFatal("seal failed: %s", qPrintable(error));
    return QJsonDocument::fromJson(QJsonDocument(document).toJson(QJsonDocument::Indented)).object();
}
} // namespace

Q_DECLARE_METATYPE(Tamper)

class TestKeyEnvelope : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("apiKey");
        QTest::addColumn<bool>("moderate");

        QTest::newRow("VirusTotal key, interactive cost") << kApiKey << false;
        QTest::newRow("VirusTotal key, moderate cost") << kApiKey << true;
        QTest::newRow("one character") << QByteArray("~") << false; // "~" never occurs in base64 or the JSON names
    }

    void roundTrip()
    {
        QFETCH(QByteArray, apiKey);
        QFETCH(bool, moderate);
        const KeyEnvelope::Cost cost = moderate ? KeyEnvelope::moderateCost() : KeyEnvelope::interactiveCost();

        QJsonObject document = TeamConfig().toJson();
        QString error;
        QVERIFY2(KeyEnvelope::seal(&document, apiKey, kPassphrase, cost, &error), qPrintable(error));
        const QByteArray file = QJsonDocument(document).toJson(QJsonDocument::Indented);
        QVERIFY(!file.contains(apiKey));

        const QJsonObject parsed = QJsonDocument::fromJson(file).object();
        QVERIFY(KeyEnvelope::hasKey(parsed));
        QByteArray opened;
        QVERIFY2(KeyEnvelope::open(parsed, kPassphrase, &opened, &error), qPrintable(error));
        QCOMPARE(opened, apiKey);
    }

    void sealWritesEnvelopeFields()
    {
        const QJsonObject envelope = keyMember(sealedDocument());
        const QJsonObject kdf = envelope.value(QStringLiteral("kdf")).toObject();

        QCOMPARE(kdf.value(QStringLiteral("algorithm")).toString(), QStringLiteral("argon2id13"));
        QCOMPARE(kdf.value(QStringLiteral("opsLimit")).toInteger(), qint64(KeyEnvelope::interactiveCost().opsLimit));
        QCOMPARE(kdf.value(QStringLiteral("memLimitBytes")).toInteger(),
                 qint64(KeyEnvelope::interactiveCost().memLimitBytes));
        QCOMPARE(decodeField(kdf, QStringLiteral("salt")).size(), 16);
        QCOMPARE(envelope.value(QStringLiteral("cipher")).toString(), QStringLiteral("xchacha20poly1305-ietf"));
        QCOMPARE(decodeField(envelope, QStringLiteral("nonce")).size(), 24);
        // The ciphertext is the key plus the 16-byte Poly1305 tag.
        QCOMPARE(decodeField(envelope, QStringLiteral("ciphertext")).size(), kApiKey.size() + 16);
    }

    void sealUsesFreshSaltAndNonce()
    {
        const QJsonObject first = keyMember(sealedDocument());
        const QJsonObject second = keyMember(sealedDocument());
        const QString salt = QStringLiteral("salt");

        QVERIFY(decodeField(first.value(QStringLiteral("kdf")).toObject(), salt)
                != decodeField(second.value(QStringLiteral("kdf")).toObject(), salt));
        QVERIFY(decodeField(first, QStringLiteral("nonce")) != decodeField(second, QStringLiteral("nonce")));
        QVERIFY(decodeField(first, QStringLiteral("ciphertext")) != decodeField(second, QStringLiteral("ciphertext")));
    }

    void sealRejectsCostOutsideRange_data()
    {
        QTest::addColumn<quint64>("opsLimit");
        QTest::addColumn<quint64>("memLimitBytes");

        QTest::newRow("one pass") << quint64(1) << KeyEnvelope::interactiveCost().memLimitBytes;
        QTest::newRow("8 MiB") << KeyEnvelope::interactiveCost().opsLimit << quint64(8 * 1024 * 1024);
        QTest::newRow("2 GiB") << KeyEnvelope::interactiveCost().opsLimit << quint64(2) * 1024 * 1024 * 1024;
    }

    void sealRejectsCostOutsideRange()
    {
        QFETCH(quint64, opsLimit);
        QFETCH(quint64, memLimitBytes);

        QJsonObject document = TeamConfig().toJson();
        QString error;
        QVERIFY(!KeyEnvelope::seal(&document, kApiKey, kPassphrase, {opsLimit, memLimitBytes}, &error));
        QVERIFY2(error.contains(QStringLiteral("outside the range")), qPrintable(error));
        QVERIFY(!KeyEnvelope::hasKey(document));
    }

    void wrongPassphraseRejected_data()
    {
        QTest::addColumn<QByteArray>("passphrase");

        QTest::newRow("other words") << QByteArray("incorrect horse battery staple");
        QTest::newRow("different case") << QByteArray("Correct horse battery staple");
        QTest::newRow("trailing newline") << kPassphrase + '\n';
        QTest::newRow("empty") << QByteArray();
    }

    void wrongPassphraseRejected()
    {
        QFETCH(QByteArray, passphrase);

        QByteArray opened("unchanged");
        QString error;
        QVERIFY(!KeyEnvelope::open(sealedDocument(), passphrase, &opened, &error));
        QCOMPARE(error, KeyEnvelope::authenticationFailedMessage());
        QCOMPARE(opened, QByteArray("unchanged"));
    }

    void tamperedDocumentRejected_data()
    {
        QTest::addColumn<Tamper>("tamper");

        QTest::newRow("ciphertext first byte") << flipByte(QStringLiteral("key"), QStringLiteral("ciphertext"), 0);
        QTest::newRow("ciphertext tag byte") << flipByte(QStringLiteral("key"), QStringLiteral("ciphertext"), -1);
        QTest::newRow("nonce byte") << flipByte(QStringLiteral("key"), QStringLiteral("nonce"), 5);
        QTest::newRow("salt byte") << flipByte(QStringLiteral("key.kdf"), QStringLiteral("salt"), 3);
        QTest::newRow("opsLimit within range") << setValue(QStringLiteral("key.kdf"), QStringLiteral("opsLimit"), 3);
        QTest::newRow("memLimitBytes within range")
            << setValue(QStringLiteral("key.kdf"), QStringLiteral("memLimitBytes"), 128 * 1024 * 1024);
        QTest::newRow("quota setting")
            << setValue(QStringLiteral("settings.quota"), QStringLiteral("perMinute"), 1000);
        QTest::newRow("cache TTL setting")
            << setValue(QStringLiteral("settings.cacheTtlSeconds"), QStringLiteral("notFound"), 0);
        QTest::newRow("origin added") << setValue(QStringLiteral("settings"), QStringLiteral("allowedOrigins"),
                                                  QJsonArray{QStringLiteral("https://attacker.example")});
        QTest::newRow("listen port") << setValue(QStringLiteral("settings"), QStringLiteral("listenPort"), 9000);
        QTest::newRow("setting removed") << setValue(QStringLiteral("settings"), QStringLiteral("listenPort"),
                                                     QJsonValue(QJsonValue::Undefined));
        QTest::newRow("field added") << setValue(QString(), QStringLiteral("comment"), QStringLiteral("hello"));
        QTest::newRow("version") << setValue(QString(), QStringLiteral("version"), 2);
        QTest::newRow("format") << setValue(QString(), QStringLiteral("format"), QStringLiteral("other"));
    }

    void tamperedDocumentRejected()
    {
        QFETCH(Tamper, tamper);

        QJsonObject document = sealedDocument();
        tamper(document);
        QByteArray opened;
        QString error;
        QVERIFY(!KeyEnvelope::open(document, kPassphrase, &opened, &error));
        QCOMPARE(error, KeyEnvelope::authenticationFailedMessage());
        QVERIFY(opened.isEmpty());
    }

    void changedVersionFailsBeforeDecryption()
    {
        // An importer reads the version first, so a newer file gets the update hint, not a
        // decryption error.
        QJsonObject document = sealedDocument();
        document.insert(QStringLiteral("version"), 2);
        TeamConfig config;
        QString error;
        QVERIFY(!TeamConfig::fromJson(document, &config, &error));
        QVERIFY2(error.contains(QStringLiteral("version 2 is not supported by this VT Relay (supports 1); "
                                               "update VT Relay")),
                 qPrintable(error));
    }

    void malformedEnvelopeRejected_data()
    {
        QTest::addColumn<Tamper>("tamper");
        QTest::addColumn<QString>("expectedError");

        const QJsonValue removed(QJsonValue::Undefined);
        const QString kdf = QStringLiteral("key.kdf");
        const QString key = QStringLiteral("key");
        QTest::newRow("key not an object") << setValue(QString(), key, QStringLiteral("secret"))
                                           << QStringLiteral("key or key.kdf is missing");
        QTest::newRow("kdf missing") << setValue(key, QStringLiteral("kdf"), removed)
                                     << QStringLiteral("key or key.kdf is missing");
        QTest::newRow("other KDF") << setValue(kdf, QStringLiteral("algorithm"), QStringLiteral("scrypt"))
                                   << QStringLiteral("key.kdf.algorithm must be argon2id13");
        QTest::newRow("other cipher") << setValue(key, QStringLiteral("cipher"), QStringLiteral("aes256gcm"))
                                      << QStringLiteral("key.cipher xchacha20poly1305-ietf");
        QTest::newRow("opsLimit too high") << setValue(kdf, QStringLiteral("opsLimit"), 100)
                                           << QStringLiteral("key.kdf.opsLimit must be a whole number from 2 to 4");
        QTest::newRow("opsLimit missing") << setValue(kdf, QStringLiteral("opsLimit"), removed)
                                          << QStringLiteral("key.kdf.opsLimit must be");
        QTest::newRow("memLimitBytes too high") << setValue(kdf, QStringLiteral("memLimitBytes"), 1e12)
                                                << QStringLiteral("key.kdf.memLimitBytes must be a whole number");
        QTest::newRow("salt missing") << setValue(kdf, QStringLiteral("salt"), removed)
                                      << QStringLiteral("key.kdf.salt is missing or is not 16 bytes in base64");
        QTest::newRow("salt not base64") << setValue(kdf, QStringLiteral("salt"), QStringLiteral("!!not base64!!"))
                                         << QStringLiteral("key.kdf.salt is missing or is not 16 bytes");
        QTest::newRow("salt too short") << setValue(kdf, QStringLiteral("salt"), QStringLiteral("AAAA"))
                                        << QStringLiteral("key.kdf.salt is missing or is not 16 bytes");
        QTest::newRow("nonce too short") << setValue(key, QStringLiteral("nonce"), QStringLiteral("AAAA"))
                                         << QStringLiteral("key.nonce is missing or is not 24 bytes");
        QTest::newRow("ciphertext only a tag")
            << setValue(key, QStringLiteral("ciphertext"), QString::fromLatin1(QByteArray(16, 'x').toBase64()))
            << QStringLiteral("key.ciphertext is missing or is not 17 to 4096 bytes");
        QTest::newRow("ciphertext missing") << setValue(key, QStringLiteral("ciphertext"), removed)
                                            << QStringLiteral("key.ciphertext is missing");
    }

    void malformedEnvelopeRejected()
    {
        QFETCH(Tamper, tamper);
        QFETCH(QString, expectedError);

        QJsonObject document = sealedDocument();
        tamper(document);
        QByteArray opened;
        QString error;
        QVERIFY(!KeyEnvelope::open(document, kPassphrase, &opened, &error));
        QVERIFY2(error.contains(expectedError), qPrintable(QStringLiteral("error was: ") + error));
        QVERIFY(opened.isEmpty());
    }

    void associatedDataIgnoresLayout()
    {
        const QByteArray compact = R"({"version":1,"format":"f","key":{"nonce":"n","ciphertext":"c"}})";
        const QByteArray spaced = "{\n  \"key\": {\"ciphertext\": \"other\", \"nonce\": \"n\"},\n"
                                  "  \"format\": \"f\",   \"version\": 1\n}";
        const QByteArray first = KeyEnvelope::associatedData(QJsonDocument::fromJson(compact).object());
        const QByteArray second = KeyEnvelope::associatedData(QJsonDocument::fromJson(spaced).object());

        QCOMPARE(first, second);
        QCOMPARE(first, QByteArray(R"({"format":"f","key":{"nonce":"n"},"version":1})"));
    }

    void wipeEmptiesSecrets()
    {
        QByteArray bytes("secret");
        QString text = QStringLiteral("secret");
        KeyEnvelope::wipe(&bytes);
        KeyEnvelope::wipe(&text);
        QVERIFY(bytes.isEmpty());
        QVERIFY(text.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestKeyEnvelope)
#include "tst_keyenvelope.moc"
