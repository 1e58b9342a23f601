// SPDX-License-Identifier: MIT
#pragma once

#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

namespace vtrelay {

// Filters the request log by free text (client, target, object id, kind, status, error code),
// status class ("2xx" ... "5xx") and cache outcome (HIT, MISS, ...). Empty criteria match all.
class RequestFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by AppState.requests")
    Q_PROPERTY(QString text READ text WRITE setText NOTIFY textChanged)
    Q_PROPERTY(QString statusClass READ statusClass WRITE setStatusClass NOTIFY statusClassChanged)
    Q_PROPERTY(QString cacheOutcome READ cacheOutcome WRITE setCacheOutcome NOTIFY cacheOutcomeChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    explicit RequestFilterModel(QObject *parent = nullptr);

    QString text() const { return m_text; }
    void setText(const QString &text);
    QString statusClass() const { return m_statusClass; }
    void setStatusClass(const QString &statusClass);
    QString cacheOutcome() const { return m_cacheOutcome; }
    void setCacheOutcome(const QString &outcome);
    int count() const { return rowCount(); }

    Q_INVOKABLE void resetFilters();

signals:
    void textChanged();
    void statusClassChanged();
    void cacheOutcomeChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    QString m_statusClass;
    QString m_cacheOutcome;
};

} // namespace vtrelay
