// SPDX-License-Identifier: MIT
#include "ApiKeyProvider.h"

#include <QMutexLocker>

namespace vtrelay {

ApiKeyProvider::ApiKeyProvider(QObject *parent)
    : QObject(parent)
{
}

bool ApiKeyProvider::isUsableKey(const QString &key)
{
    // Only printable ASCII: a CR or LF would end the header line the key is sent in.
    for (QChar c : key) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return false;
    }
    return !key.isEmpty();
}

void ApiKeyProvider::setKey(const QString &key, Source source)
{
    if (!key.trimmed().isEmpty() && !isUsableKey(key.trimmed())) {
        clear();
        return;
    }
    {
        QMutexLocker lock(&m_mutex);
        m_key = key.trimmed();
        m_source = m_key.isEmpty() ? Source::None : source;
    }
    emit keyChanged();
}

void ApiKeyProvider::clear()
{
    setKey(QString(), Source::None);
}

QString ApiKeyProvider::key() const
{
    QMutexLocker lock(&m_mutex);
    return m_key;
}

ApiKeyProvider::Source ApiKeyProvider::source() const
{
    QMutexLocker lock(&m_mutex);
    return m_source;
}

bool ApiKeyProvider::hasKey() const
{
    QMutexLocker lock(&m_mutex);
    return !m_key.isEmpty();
}

QString ApiKeyProvider::sourceDescription() const
{
    switch (source()) {
    case Source::Environment: return QStringLiteral("environment variable VTRELAY_API_KEY");
    case Source::Keychain: return QStringLiteral("OS keychain");
    case Source::None: break;
    }
    return QStringLiteral("none");
}

QString ApiKeyProvider::redact(const QString &text) const
{
    const QString current = key();
    if (current.isEmpty() || !text.contains(current))
        return text;
    return QString(text).replace(current, QStringLiteral("<redacted>"));
}

QByteArray ApiKeyProvider::redact(const QByteArray &text) const
{
    const QByteArray current = key().toUtf8();
    if (current.isEmpty() || !text.contains(current))
        return text;
    return QByteArray(text).replace(current, "<redacted>");
}

} // namespace vtrelay
