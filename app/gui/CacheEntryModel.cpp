// SPDX-License-Identifier: MIT
#include "CacheEntryModel.h"

#include "RequestLogModel.h"

#include <QDateTime>

namespace vtrelay {

namespace {
QString dateText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}
} // namespace

CacheEntryModel::CacheEntryModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int CacheEntryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

const CacheSummary *CacheEntryModel::entryAt(int row) const
{
    return row >= 0 && row < m_entries.size() ? &m_entries.at(row) : nullptr;
}

QVariant CacheEntryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CacheSummary &e = m_entries.at(index.row());
    const qint64 now = m_nowMs > 0 ? m_nowMs : QDateTime::currentMSecsSinceEpoch();
    switch (role) {
    case Qt::DisplayRole:
    case ObjectIdRole: return e.objectId;
    case KeyRole: return e.key;
    case KindRole: return e.kind;
    case ShortIdRole: return RequestLogModel::shortenId(e.objectId);
    case StatusRole: return e.status;
    case StoredAtTextRole: return dateText(e.storedAt);
    case ExpiresTextRole: return dateText(e.expiresAt);
    case ExpiredRole: return e.expiresAt <= now;
    case HitsRole: return e.hits;
    case SizeRole: return e.size;
    case SizeTextRole: return RequestLogModel::formatSize(e.size);
    case ApiRole: return e.key.section(u':', 0, 0);
    default: return {};
    }
}

QHash<int, QByteArray> CacheEntryModel::roleNames() const
{
    return {
        {KeyRole, "key"},     {KindRole, "kind"},   {ObjectIdRole, "objectId"},         {ShortIdRole, "shortId"},
        {StatusRole, "status"}, {StoredAtTextRole, "storedAtText"}, {ExpiresTextRole, "expiresText"},
        {ExpiredRole, "expired"}, {HitsRole, "hits"}, {SizeRole, "size"}, {SizeTextRole, "sizeText"},
        {ApiRole, "api"},
    };
}

void CacheEntryModel::setEntries(const QList<CacheSummary> &entries)
{
    beginResetModel();
    m_entries = entries;
    endResetModel();
    emit countChanged();
}

int CacheEntryModel::rowOfKey(const QString &key) const
{
    for (int row = 0; row < m_entries.size(); ++row) {
        if (m_entries.at(row).key == key)
            return row;
    }
    return -1;
}

bool CacheEntryModel::removeKey(const QString &key)
{
    for (int row = 0; row < m_entries.size(); ++row) {
        if (m_entries.at(row).key == key) {
            beginRemoveRows(QModelIndex(), row, row);
            m_entries.removeAt(row);
            endRemoveRows();
            emit countChanged();
            return true;
        }
    }
    return false;
}

} // namespace vtrelay
