// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace vtrelay {

// One cache entry as the window lists it: everything but the body.
struct CacheSummary
{
    QString key;
    QString kind;
    QString objectId;
    int status = 0;
    qint64 storedAt = 0;
    qint64 expiresAt = 0;
    qint64 hits = 0;
    qint64 size = 0;
};

} // namespace vtrelay

Q_DECLARE_METATYPE(vtrelay::CacheSummary)
