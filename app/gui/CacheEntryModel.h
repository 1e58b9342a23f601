// SPDX-License-Identifier: MIT
#pragma once

#include "CacheSummary.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace vtrelay {

// The cache entries that match the Cache page's search, newest first.
class CacheEntryModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by AppState.cache.entries")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        KeyRole = Qt::UserRole + 1,
        KindRole,
        ObjectIdRole,
        ShortIdRole,
        StatusRole,
        StoredAtTextRole,
        ExpiresTextRole,
        ExpiredRole,
        HitsRole,
        SizeRole,
        SizeTextRole,
        ApiRole, // "v3" or "v2", from the key: the same object may be cached once per API
    };
    Q_ENUM(Role)

    explicit CacheEntryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setEntries(const QList<CacheSummary> &entries);
    // Removes the row of key if the list shows it. Returns whether it did.
    bool removeKey(const QString &key);
    const CacheSummary *entryAt(int row) const;
    // The row showing key, or -1.
    Q_INVOKABLE int rowOfKey(const QString &key) const;
    // Sets the time that "expired" is judged against (tests); 0 means the current time.
    void setNow(qint64 nowMs) { m_nowMs = nowMs; }

signals:
    void countChanged();

private:
    QList<CacheSummary> m_entries;
    qint64 m_nowMs = 0;
};

} // namespace vtrelay
