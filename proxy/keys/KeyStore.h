// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <functional>

namespace vtrelay {

// Port for persistent, secure storage of the VirusTotal key (the OS keychain in the app).
// Every call completes asynchronously through its callback.
class KeyStore
{
public:
    struct Result
    {
        bool ok = false;
        bool notFound = false; // the store works but holds no key
        QString key;           // set by read() only
        QString error;         // a sentence the user can act on when !ok
    };
    using Callback = std::function<void(const Result &)>;

    virtual ~KeyStore() = default;

    // Name of the backend, for example "Secret Service" or "Windows Credential Manager".
    virtual QString backendName() const = 0;
    virtual void read(Callback done) = 0;
    virtual void write(const QString &key, Callback done) = 0;
    virtual void remove(Callback done) = 0;

    // Runs one asynchronous call and waits for its callback in a local event loop, for
    // command-line tools that have no event loop of their own running.
    static Result callAndWait(const std::function<void(Callback)> &call);
};

} // namespace vtrelay
