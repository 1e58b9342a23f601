// SPDX-License-Identifier: MIT
#include "VtError.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vtrelay {

QByteArray vtErrorBody(const QString &code, const QString &message)
{
    const QJsonObject error{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
}

} // namespace vtrelay
