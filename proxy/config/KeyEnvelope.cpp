// SPDX-License-Identifier: MIT
#include "KeyEnvelope.h"

#include <QJsonDocument>

#include <sodium.h>

#include <cmath>

namespace vtrelay {

namespace {
const QString kKey = QStringLiteral("key");
const QString kKdf = QStringLiteral("kdf");
const QString kAlgorithm = QStringLiteral("algorithm");
const QString kOpsLimit = QStringLiteral("opsLimit");
const QString kMemLimit = QStringLiteral("memLimitBytes");
const QString kSalt = QStringLiteral("salt");
const QString kCipher = QStringLiteral("cipher");
const QString kNonce = QStringLiteral("nonce");
const QString kCiphertext = QStringLiteral("ciphertext");
const QString kArgon2id = QStringLiteral("argon2id13");
const QString kXChaCha = QStringLiteral("xchacha20poly1305-ietf");

constexpr size_t kDerivedKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
// An API key is 64 characters. The bound keeps a crafted file from requesting a huge buffer.
constexpr qsizetype kMaxCiphertextBytes = 4096;

bool initialiseSodium(QString *error)
{
    if (sodium_init() < 0) {
        *error = QStringLiteral("libsodium failed to initialise, so the key cannot be encrypted or decrypted.");
        return false;
    }
    return true;
}

bool isAcceptedCost(const KeyEnvelope::Cost &cost)
{
    const KeyEnvelope::Cost low = KeyEnvelope::interactiveCost();
    const KeyEnvelope::Cost high = KeyEnvelope::sensitiveCost();
    return cost.opsLimit >= low.opsLimit && cost.opsLimit <= high.opsLimit && cost.memLimitBytes >= low.memLimitBytes
           && cost.memLimitBytes <= high.memLimitBytes;
}

// Fills derivedKey (kDerivedKeyBytes long) from the passphrase with Argon2id.
bool deriveKey(unsigned char *derivedKey, const QByteArray &passphrase, const QByteArray &salt,
               const KeyEnvelope::Cost &cost, QString *error)
{
    const int status = crypto_pwhash(derivedKey, kDerivedKeyBytes, passphrase.constData(),
                                     quint64(passphrase.size()), reinterpret_cast<const unsigned char *>(salt.constData()),
                                     cost.opsLimit, size_t(cost.memLimitBytes), crypto_pwhash_ALG_ARGON2ID13);
    if (status != 0) {
        // The cost and lengths are in range, so libsodium fails only when the allocation fails
        // (its pwhash documentation treats a non-zero result as out of memory).
        *error = QStringLiteral("Argon2id could not allocate %1 MiB to derive the key from the passphrase; "
                                "close other programs and try again.")
                     .arg(cost.memLimitBytes / (1024 * 1024));
        return false;
    }
    return true;
}

QByteArray randomBytes(size_t size)
{
    QByteArray bytes(qsizetype(size), Qt::Uninitialized);
    randombytes_buf(bytes.data(), size);
    return bytes;
}

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

bool readBase64(const QJsonObject &object, const QString &name, const QString &path, qsizetype minBytes,
                qsizetype maxBytes, QByteArray *out, QString *error)
{
    const QJsonValue value = object.value(name);
    const auto decoded = QByteArray::fromBase64Encoding(value.toString().toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    const qsizetype size = decoded.decoded.size();
    if (!value.isString() || !decoded || size < minBytes || size > maxBytes) {
        const QString expected = minBytes == maxBytes ? QStringLiteral("%1 bytes").arg(minBytes)
                                                      : QStringLiteral("%1 to %2 bytes").arg(minBytes).arg(maxBytes);
        *error = QStringLiteral("The field %1 is missing or is not %2 in base64; the file is damaged or was "
                                "not written by VT Relay.")
                     .arg(path, expected);
        return false;
    }
    *out = decoded.decoded;
    return true;
}

bool readCost(const QJsonObject &kdf, KeyEnvelope::Cost *cost, QString *error)
{
    const double ops = kdf.value(kOpsLimit).toDouble(std::nan(""));
    const double mem = kdf.value(kMemLimit).toDouble(std::nan(""));
    const KeyEnvelope::Cost low = KeyEnvelope::interactiveCost();
    const KeyEnvelope::Cost high = KeyEnvelope::sensitiveCost();
    if (!(ops >= double(low.opsLimit) && ops <= double(high.opsLimit) && std::floor(ops) == ops)) {
        *error = QStringLiteral("The field key.kdf.opsLimit must be a whole number from %1 to %2.")
                     .arg(low.opsLimit)
                     .arg(high.opsLimit);
        return false;
    }
    if (!(mem >= double(low.memLimitBytes) && mem <= double(high.memLimitBytes) && std::floor(mem) == mem)) {
        *error = QStringLiteral("The field key.kdf.memLimitBytes must be a whole number from %1 to %2.")
                     .arg(low.memLimitBytes)
                     .arg(high.memLimitBytes);
        return false;
    }
    cost->opsLimit = quint64(ops);
    cost->memLimitBytes = quint64(mem);
    return true;
}
} // namespace

KeyEnvelope::Cost KeyEnvelope::moderateCost()
{
    return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}

KeyEnvelope::Cost KeyEnvelope::interactiveCost()
{
    return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

KeyEnvelope::Cost KeyEnvelope::sensitiveCost()
{
    return {crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE, crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE};
}

bool KeyEnvelope::hasKey(const QJsonObject &document)
{
    return document.contains(kKey);
}

QString KeyEnvelope::authenticationFailedMessage()
{
    return QStringLiteral("The passphrase is wrong or the file was changed after export.");
}

void KeyEnvelope::wipe(QByteArray *secret)
{
    if (!secret->isEmpty())
        sodium_memzero(secret->data(), size_t(secret->size()));
    secret->clear();
}

void KeyEnvelope::wipe(QString *secret)
{
    if (!secret->isEmpty())
        sodium_memzero(secret->data(), size_t(secret->size()) * sizeof(QChar));
    secret->clear();
}

QByteArray KeyEnvelope::associatedData(const QJsonObject &document)
{
    QJsonObject copy = document;
    if (copy.value(kKey).isObject()) {
        QJsonObject key = copy.value(kKey).toObject();
        key.remove(kCiphertext);
        copy.insert(kKey, key);
    }
    return QJsonDocument(copy).toJson(QJsonDocument::Compact);
}

bool KeyEnvelope::seal(QJsonObject *document, const QByteArray &apiKey, const QByteArray &passphrase,
                       const Cost &cost, QString *error)
{
    if (!initialiseSodium(error))
        return false;
    if (!isAcceptedCost(cost)) {
        *error = QStringLiteral("The Argon2id cost (%1 passes, %2 bytes) is outside the range an import accepts.")
                     .arg(cost.opsLimit)
                     .arg(cost.memLimitBytes);
        return false;
    }

    // Salt and nonce are part of the associated data, so they go into the document first.
    const QByteArray salt = randomBytes(crypto_pwhash_argon2id_SALTBYTES);
    const QByteArray nonce = randomBytes(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    const QJsonObject kdf{{kAlgorithm, kArgon2id},
                          {kOpsLimit, qint64(cost.opsLimit)},
                          {kMemLimit, qint64(cost.memLimitBytes)},
                          {kSalt, base64(salt)}};
    QJsonObject envelope{{kKdf, kdf}, {kCipher, kXChaCha}, {kNonce, base64(nonce)}};
    document->insert(kKey, envelope);
    const QByteArray associated = associatedData(*document);

    unsigned char derivedKey[kDerivedKeyBytes];
    if (!deriveKey(derivedKey, passphrase, salt, cost, error)) {
        document->remove(kKey);
        return false;
    }
    QByteArray ciphertext(apiKey.size() + qsizetype(crypto_aead_xchacha20poly1305_ietf_ABYTES), Qt::Uninitialized);
    unsigned long long ciphertextSize = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        reinterpret_cast<unsigned char *>(ciphertext.data()), &ciphertextSize,
        reinterpret_cast<const unsigned char *>(apiKey.constData()), quint64(apiKey.size()),
        reinterpret_cast<const unsigned char *>(associated.constData()), quint64(associated.size()), nullptr,
        reinterpret_cast<const unsigned char *>(nonce.constData()), derivedKey);
    sodium_memzero(derivedKey, sizeof derivedKey);

    envelope.insert(kCiphertext, base64(ciphertext.left(qsizetype(ciphertextSize))));
    document->insert(kKey, envelope);
    return true;
}

bool KeyEnvelope::open(const QJsonObject &document, const QByteArray &passphrase, QByteArray *apiKey,
                       QString *error)
{
    if (!initialiseSodium(error))
        return false;

    const QJsonObject envelope = document.value(kKey).toObject();
    const QJsonObject kdf = envelope.value(kKdf).toObject();
    if (!document.value(kKey).isObject() || !envelope.value(kKdf).isObject()) {
        *error = QStringLiteral("The field key or key.kdf is missing or is not a JSON object.");
        return false;
    }
    if (kdf.value(kAlgorithm).toString() != kArgon2id || envelope.value(kCipher).toString() != kXChaCha) {
        *error = QStringLiteral("The key was encrypted with a method this VT Relay does not support "
                                "(key.kdf.algorithm must be %1 and key.cipher %2); update VT Relay.")
                     .arg(kArgon2id, kXChaCha);
        return false;
    }

    Cost cost;
    QByteArray salt;
    QByteArray nonce;
    QByteArray ciphertext;
    const qsizetype tagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
    if (!readCost(kdf, &cost, error)
        || !readBase64(kdf, kSalt, QStringLiteral("key.kdf.salt"), crypto_pwhash_argon2id_SALTBYTES,
                       crypto_pwhash_argon2id_SALTBYTES, &salt, error)
        || !readBase64(envelope, kNonce, QStringLiteral("key.nonce"), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                       crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &nonce, error)
        || !readBase64(envelope, kCiphertext, QStringLiteral("key.ciphertext"), tagBytes + 1, kMaxCiphertextBytes,
                       &ciphertext, error))
        return false;

    unsigned char derivedKey[kDerivedKeyBytes];
    if (!deriveKey(derivedKey, passphrase, salt, cost, error))
        return false;
    const QByteArray associated = associatedData(document);
    QByteArray plaintext(ciphertext.size() - tagBytes, Qt::Uninitialized);
    unsigned long long plaintextSize = 0;
    const int status = crypto_aead_xchacha20poly1305_ietf_decrypt(
        reinterpret_cast<unsigned char *>(plaintext.data()), &plaintextSize, nullptr,
        reinterpret_cast<const unsigned char *>(ciphertext.constData()), quint64(ciphertext.size()),
        reinterpret_cast<const unsigned char *>(associated.constData()), quint64(associated.size()),
        reinterpret_cast<const unsigned char *>(nonce.constData()), derivedKey);
    sodium_memzero(derivedKey, sizeof derivedKey);

    if (status != 0) {
        sodium_memzero(plaintext.data(), size_t(plaintext.size()));
        *error = authenticationFailedMessage();
        return false;
    }
    // The plaintext buffer moves to the caller without a copy, so the caller's wipe reaches it.
    plaintext.truncate(qsizetype(plaintextSize));
    *apiKey = std::move(plaintext);
    return true;
}

} // namespace vtrelay
