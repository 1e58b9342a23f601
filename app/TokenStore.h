// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

class QSettings;

namespace vtrelay {

// Relay tokens in QSettings under "tokens/<name>". Only the SHA-256 of each token is stored,
// so the settings file does not let anyone use the relay.
class TokenStore
{
public:
    explicit TokenStore(QSettings *settings);

    // Creates a token called name and returns it; the caller shows it once. Returns an empty
    // array with error set when name is invalid or taken.
    QByteArray add(const QString &name, QString *error);
    bool remove(const QString &name);
    QStringList names() const;
    // SHA-256 hex of each token -> its name, as AccessPolicy expects.
    QHash<QByteArray, QString> hashes() const;

private:
    QSettings *m_settings;
};

} // namespace vtrelay
