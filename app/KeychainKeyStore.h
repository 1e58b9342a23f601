// SPDX-License-Identifier: MIT
#pragma once

#include "keys/KeyStore.h"

namespace vtrelay {

// KeyStore on the OS keychain through QtKeychain: Windows Credential Manager, the Secret
// Service (GNOME Keyring, KeePassXC) or KWallet. The plain-text fallback of QtKeychain is
// never enabled, so without a keychain every call fails with a message saying so.
class KeychainKeyStore : public KeyStore
{
public:
    explicit KeychainKeyStore(QString service = QStringLiteral("vtrelay"));

    QString backendName() const override;
    void read(Callback done) override;
    void write(const QString &key, Callback done) override;
    void remove(Callback done) override;

private:
    QString m_service;
};

} // namespace vtrelay
