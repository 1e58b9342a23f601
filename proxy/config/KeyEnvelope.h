// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace vtrelay {

// Encrypts the API key into an exported team configuration document and decrypts it on import.
//
// Argon2id (libsodium crypto_pwhash, random 16-byte salt) turns the passphrase into a 32-byte
// key for XChaCha20-Poly1305 (IETF variant, random 24-byte nonce). The associated data is the
// compact JSON of the whole document except the ciphertext, so a changed setting, version, KDF
// parameter, salt or nonce fails authentication exactly like a wrong passphrase. The document
// gets this "key" member, binary fields in base64:
//   {"kdf": {"algorithm": "argon2id13", "opsLimit": 3, "memLimitBytes": 268435456, "salt": "..."},
//    "cipher": "xchacha20poly1305-ietf", "nonce": "...", "ciphertext": "..."}
class KeyEnvelope
{
public:
    // Argon2id work factors, as crypto_pwhash takes them.
    struct Cost
    {
        quint64 opsLimit = 0;
        quint64 memLimitBytes = 0;
    };
    // libsodium's MODERATE preset (3 passes, 256 MiB), which export uses, so every guess in
    // an offline attack on the passphrase costs that much. An export or import with it took
    // about 0.6 s on the 2-core Linux container this was built on.
    static Cost moderateCost();
    // libsodium's INTERACTIVE preset (2 passes, 64 MiB): the lowest cost open() accepts.
    static Cost interactiveCost();
    // libsodium's SENSITIVE preset (4 passes, 1 GiB): the highest cost open() accepts, so a
    // crafted file cannot make an import allocate more memory than that.
    static Cost sensitiveCost();

    static bool hasKey(const QJsonObject &document);

    // Encrypts apiKey with passphrase and stores the result in document's "key" member,
    // replacing any earlier one. Returns false with a message when libsodium fails (for
    // example when Argon2id cannot get its memory).
    static bool seal(QJsonObject *document, const QByteArray &apiKey, const QByteArray &passphrase,
                     const Cost &cost, QString *error);

    // Decrypts the key in document's "key" member into apiKey. Returns false with a message
    // naming the field when the member is malformed, and with authenticationFailedMessage()
    // when the passphrase is wrong or any part of the document changed after seal().
    static bool open(const QJsonObject &document, const QByteArray &passphrase, QByteArray *apiKey,
                     QString *error);

    static QString authenticationFailedMessage();

    // Overwrites secret with zeros (sodium_memzero) and empties it. A copy that shares the
    // buffer implicitly is not reached, so secrets must not be copied before this.
    static void wipe(QByteArray *secret);
    static void wipe(QString *secret);

    // Returns the bytes that seal() and open() authenticate: the compact JSON of document
    // without key.ciphertext. QJsonObject sorts members by name, so equal documents give
    // equal bytes whatever the member order or spacing in the file.
    static QByteArray associatedData(const QJsonObject &document);
};

} // namespace vtrelay
