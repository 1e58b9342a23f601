// SPDX-License-Identifier: MIT
#pragma once

#include "keys/KeyStore.h"

#include <QTimer>

// A KeyStore in memory for tests. Callbacks run from the event loop, as a real keychain's do.
// With available == false every call fails the way a missing keychain does.
class MemoryKeyStore : public vtrelay::KeyStore
{
public:
    QString stored;
    bool available = true;
    int writes = 0;

    QString backendName() const override { return QStringLiteral("Test Keychain"); }

    void read(Callback done) override
    {
        Result result = outcome();
        result.notFound = result.ok && stored.isEmpty();
        result.key = result.ok ? stored : QString();
        later(done, result);
    }
    void write(const QString &key, Callback done) override
    {
        const Result result = outcome();
        if (result.ok) {
            stored = key;
            ++writes;
        }
        later(done, result);
    }
    void remove(Callback done) override
    {
        const Result result = outcome();
        if (result.ok)
            stored.clear();
        later(done, result);
    }

private:
    Result outcome() const
    {
        Result result;
        result.ok = available;
        if (!available)
            result.error = QStringLiteral("No OS keychain is available (test). Use VTRELAY_API_KEY instead.");
        return result;
    }
    static void later(const Callback &done, const Result &result)
    {
        QTimer::singleShot(0, [done, result] { done(result); });
    }
};
