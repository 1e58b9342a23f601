// SPDX-License-Identifier: MIT
#pragma once

#include <QMutex>
#include <QObject>
#include <QString>

namespace vtrelay {

// The VirusTotal key the relay injects, held in memory only, plus where it came from.
// Thread-safe: the relay thread reads it while the user interface may replace it.
class ApiKeyProvider : public QObject
{
    Q_OBJECT
public:
    enum class Source { None, Environment, Keychain };
    Q_ENUM(Source)

    explicit ApiKeyProvider(QObject *parent = nullptr);

    // Sets the key, trimmed; a key with spaces or control characters inside clears it instead.
    void setKey(const QString &key, Source source);
    static bool isUsableKey(const QString &key);
    void clear();

    QString key() const;
    Source source() const;
    bool hasKey() const;
    // A description of the source for logs and the window, never the key itself.
    QString sourceDescription() const;

    // Replaces every occurrence of the current key in text by "<redacted>".
    QString redact(const QString &text) const;
    QByteArray redact(const QByteArray &text) const;

signals:
    void keyChanged();

private:
    mutable QMutex m_mutex;
    QString m_key;
    Source m_source = Source::None;
};

} // namespace vtrelay
