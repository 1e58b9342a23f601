// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <functional>

namespace vtrelay {

class ApiKeyProvider;
class KeyStore;

// Fills provider with the key from VTRELAY_API_KEY or, when that is unset, from store.
// done receives a sentence for the log that names the source but never the key.
void loadApiKey(ApiKeyProvider *provider, KeyStore *store, std::function<void(const QString &)> done);

} // namespace vtrelay
