// SPDX-License-Identifier: MIT
#pragma once

#include "log/RequestRecord.h"

#include <QAbstractListModel>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <deque>

namespace vtrelay {

// The live request log for the Activity page, newest first. Records arrive in batches, a few
// times a second. Each batch is one insert at the top and at most one removal at the bottom, so
// the view stays responsive at hundreds of requests per second. The model keeps at most
// maximumRows rows, and older requests stay in the history on disk.
class RequestLogModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by AppState.requestLog")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int maximumRows READ maximumRows CONSTANT)
    Q_PROPERTY(QString relayAddress READ relayAddress WRITE setRelayAddress NOTIFY relayAddressChanged)
public:
    enum Role {
        SequenceRole = Qt::UserRole + 1,
        TimeRole,
        TimeTextRole,
        ClientRole,
        MethodRole,
        KindRole,
        ObjectIdRole,
        ShortIdRole,
        TargetRole,
        StatusRole,
        StatusClassRole,
        CacheOutcomeRole,
        LatencyMsRole,
        BytesRole,
        SizeTextRole,
        ErrorCodeRole,
    };
    Q_ENUM(Role)

    static constexpr int kDefaultMaximumRows = 10'000;

    explicit RequestLogModel(QObject *parent = nullptr, int maximumRows = kDefaultMaximumRows);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int maximumRows() const { return m_maximumRows; }
    QString relayAddress() const { return m_relayAddress; }
    void setRelayAddress(const QString &address);

    // Adds records given oldest first (as RequestLog and RequestHistory hand them over).
    void appendRecords(const QList<RequestRecord> &records);
    Q_INVOKABLE void clear();

    // Details of the request with the given sequence number (SequenceRole), for the details
    // pane: requestHeaders, responseHeaders (text), body (formatted JSON or text), curl, and
    // the summary fields. Empty when the row is gone.
    Q_INVOKABLE QVariantMap details(qint64 sequence) const;
    Q_INVOKABLE QString curlCommand(qint64 sequence) const;

    const RequestRecord *recordAt(int row) const;

    static QString shortenId(const QString &id);
    static QString formatSize(qint64 bytes);
    static QString formatBody(const QByteArray &body);
    static QString curlFor(const RequestRecord &record, const QString &relayAddress);

signals:
    void countChanged();
    void relayAddressChanged();

private:
    struct Row
    {
        qint64 sequence;
        RequestRecord record;
    };
    const Row *findRow(qint64 sequence) const;

    std::deque<Row> m_rows; // newest first
    int m_maximumRows;
    qint64 m_nextSequence = 1;
    QString m_relayAddress = QStringLiteral("127.0.0.1:8684");
};

} // namespace vtrelay
