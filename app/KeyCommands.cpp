// SPDX-License-Identifier: MIT
#include "KeyCommands.h"

#include "keys/KeyStore.h"

#include <QEventLoop>
#include <QTextStream>

#include <cstdio>

namespace vtrelay {

namespace {
QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

bool looksLikeKey(const QString &key)
{
    // VirusTotal keys are 64 hexadecimal digits; other lengths are accepted for tests and
    // future formats, but characters outside printable ASCII never are.
    for (QChar c : key) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return false;
    }
    return !key.isEmpty();
}
} // namespace

QString KeyCommands::readStdinKey()
{
    QTextStream in(stdin);
    return in.readLine().trimmed();
}

int KeyCommands::set(KeyStore &store)
{
    const QString key = readStdinKey();
    if (key.isEmpty()) {
        err() << "No key on standard input. Pipe it in, for example: vtrelay key set < key.txt\n";
        return 2;
    }
    if (!looksLikeKey(key)) {
        err() << "The key on standard input contains spaces or control characters; a VirusTotal key is "
                 "64 hexadecimal digits.\n";
        return 2;
    }
    const KeyStore::Result result = KeyStore::callAndWait([&](KeyStore::Callback done) { store.write(key, done); });
    if (!result.ok) {
        err() << "Could not store the key: " << result.error << '\n';
        return 1;
    }
    out() << "Stored the VirusTotal API key (" << key.size() << " characters) in " << store.backendName() << ".\n";
    return 0;
}

int KeyCommands::status(KeyStore &store)
{
    if (!qEnvironmentVariableIsEmpty("VTRELAY_API_KEY"))
        out() << "VTRELAY_API_KEY is set and overrides the keychain.\n";
    const KeyStore::Result result = KeyStore::callAndWait([&](KeyStore::Callback done) { store.read(done); });
    if (result.ok) {
        out() << "A VirusTotal API key (" << result.key.size() << " characters) is stored in "
              << store.backendName() << ".\n";
        return 0;
    }
    if (result.notFound) {
        out() << "No VirusTotal API key is stored. Set one with: vtrelay key set < key.txt\n";
        return 3;
    }
    err() << "Could not read the keychain: " << result.error << '\n';
    return 1;
}

int KeyCommands::remove(KeyStore &store)
{
    const KeyStore::Result result = KeyStore::callAndWait([&](KeyStore::Callback done) { store.remove(done); });
    if (!result.ok) {
        err() << "Could not remove the key: " << result.error << '\n';
        return 1;
    }
    out() << (result.notFound ? "No key was stored.\n" : "Removed the VirusTotal API key from the keychain.\n");
    return 0;
}

} // namespace vtrelay
