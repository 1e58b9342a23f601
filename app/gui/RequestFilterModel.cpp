// SPDX-License-Identifier: MIT
#include "RequestFilterModel.h"

#include "RequestLogModel.h"

namespace vtrelay {

RequestFilterModel::RequestFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &RequestFilterModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &RequestFilterModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &RequestFilterModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &RequestFilterModel::countChanged);
}

void RequestFilterModel::setText(const QString &text)
{
    if (m_text == text)
        return;
    m_text = text;
    invalidateRowsFilter();
    emit textChanged();
    emit countChanged();
}

void RequestFilterModel::setStatusClass(const QString &statusClass)
{
    if (m_statusClass == statusClass)
        return;
    m_statusClass = statusClass;
    invalidateRowsFilter();
    emit statusClassChanged();
    emit countChanged();
}

void RequestFilterModel::setCacheOutcome(const QString &outcome)
{
    if (m_cacheOutcome == outcome)
        return;
    m_cacheOutcome = outcome;
    invalidateRowsFilter();
    emit cacheOutcomeChanged();
    emit countChanged();
}

void RequestFilterModel::resetFilters()
{
    setText(QString());
    setStatusClass(QString());
    setCacheOutcome(QString());
}

bool RequestFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    const auto *log = qobject_cast<const RequestLogModel *>(sourceModel());
    const RequestRecord *r = log ? log->recordAt(sourceRow) : nullptr;
    if (!r)
        return false;
    if (!m_statusClass.isEmpty()) {
        const QString statusClass = r->status > 0 ? QStringLiteral("%1xx").arg(r->status / 100) : QString();
        if (statusClass.compare(m_statusClass, Qt::CaseInsensitive) != 0)
            return false;
    }
    if (!m_cacheOutcome.isEmpty() && r->cacheOutcome.compare(m_cacheOutcome, Qt::CaseInsensitive) != 0)
        return false;
    const QString needle = m_text.trimmed();
    if (needle.isEmpty())
        return true;
    for (const QString *field : {&r->client, &r->method, &r->target, &r->kind, &r->objectId, &r->errorCode,
                                 &r->cacheOutcome}) {
        if (field->contains(needle, Qt::CaseInsensitive))
            return true;
    }
    return QString::number(r->status) == needle;
}

} // namespace vtrelay
