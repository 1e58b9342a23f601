// SPDX-License-Identifier: MIT
#include "TokenStore.h"

#include "access/AccessPolicy.h"

#include <QRegularExpression>
#include <QSettings>

namespace vtrelay {

namespace {
const QString kGroup = QStringLiteral("tokens");
} // namespace

TokenStore::TokenStore(QSettings *settings)
    : m_settings(settings)
{
}

QByteArray TokenStore::add(const QString &name, QString *error)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (!valid.match(name).hasMatch()) {
        *error = QStringLiteral("Invalid token name \"%1\": use 1 to 64 letters, digits, '.', '_' or '-'.").arg(name);
        return {};
    }
    if (names().contains(name)) {
        *error = QStringLiteral("A token called \"%1\" already exists; remove it first with `vtrelay token remove %1`.")
                     .arg(name);
        return {};
    }
    const QByteArray token = AccessPolicy::generateToken();
    m_settings->setValue(kGroup + u'/' + name, QString::fromLatin1(AccessPolicy::hashToken(token)));
    m_settings->sync();
    if (m_settings->status() != QSettings::NoError) {
        *error = QStringLiteral("Cannot write the settings file %1.").arg(m_settings->fileName());
        return {};
    }
    return token;
}

bool TokenStore::remove(const QString &name)
{
    if (!names().contains(name))
        return false;
    m_settings->remove(kGroup + u'/' + name);
    m_settings->sync();
    return true;
}

QStringList TokenStore::names() const
{
    m_settings->beginGroup(kGroup);
    const QStringList keys = m_settings->childKeys();
    m_settings->endGroup();
    return keys;
}

QHash<QByteArray, QString> TokenStore::hashes() const
{
    QHash<QByteArray, QString> result;
    for (const QString &name : names())
        result.insert(m_settings->value(kGroup + u'/' + name).toString().toLatin1(), name);
    return result;
}

} // namespace vtrelay
