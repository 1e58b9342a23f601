// SPDX-License-Identifier: MIT
#include "KeyLoader.h"

#include "keys/ApiKeyProvider.h"
#include "keys/KeyStore.h"

namespace vtrelay {

void loadApiKey(ApiKeyProvider *provider, KeyStore *store, std::function<void(const QString &)> done)
{
    const QString fromEnvironment = qEnvironmentVariable("VTRELAY_API_KEY").trimmed();
    if (!fromEnvironment.isEmpty() && !ApiKeyProvider::isUsableKey(fromEnvironment)) {
        done(QStringLiteral("VTRELAY_API_KEY contains spaces or control characters and was ignored; a VirusTotal "
                            "key is 64 hexadecimal digits"));
        return;
    }
    if (!fromEnvironment.isEmpty()) {
        provider->setKey(fromEnvironment, ApiKeyProvider::Source::Environment);
        done(QStringLiteral("API key from the environment variable VTRELAY_API_KEY"));
        return;
    }
    store->read([provider, store, done](const KeyStore::Result &result) {
        if (result.ok && !result.key.trimmed().isEmpty()) {
            provider->setKey(result.key, ApiKeyProvider::Source::Keychain);
            done(QStringLiteral("API key from the OS keychain (%1)").arg(store->backendName()));
        } else if (result.notFound || result.ok) {
            done(QStringLiteral("no API key yet: requests get RelayNoApiKey until one is set with "
                                "`vtrelay key set` or VTRELAY_API_KEY"));
        } else {
            done(QStringLiteral("no API key: %1").arg(result.error));
        }
    });
}

} // namespace vtrelay
