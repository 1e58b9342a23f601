// SPDX-License-Identifier: MIT
#include "RequestLogModel.h"

#include "cache/CacheEntry.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLocale>

#include <algorithm>

namespace vtrelay {

namespace {
QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

bool isSecretHeader(const QByteArray &name)
{
    static const QByteArrayList secret{"x-apikey", "authorization", "cookie", "proxy-authorization"};
    return secret.contains(name.toLower());
}

// Headers curl sets itself or that describe the original connection only.
bool isConnectionHeader(const QByteArray &name)
{
    static const QByteArrayList skipped{"host", "content-length", "connection", "accept-encoding", "keep-alive",
                                        "transfer-encoding", "te", "upgrade"};
    return skipped.contains(name.toLower());
}

QString targetWithoutKey(const QString &target)
{
    const qsizetype question = target.indexOf(u'?');
    if (question < 0)
        return target;
    QStringList kept;
    const QStringList items = target.mid(question + 1).split(u'&', Qt::SkipEmptyParts);
    for (const QString &item : items) {
        const QString name = item.section(u'=', 0, 0);
        if (name.compare(u"apikey", Qt::CaseInsensitive) != 0)
            kept.append(item);
    }
    const QString path = target.left(question);
    return kept.isEmpty() ? path : path + u'?' + kept.join(u'&');
}

QString headerText(const HttpHeaders &headers)
{
    QString text;
    for (const auto &field : headers.fields()) {
        const QByteArray value = isSecretHeader(field.first) ? QByteArray("<redacted>") : field.second;
        text += QString::fromUtf8(field.first) + QStringLiteral(": ") + QString::fromUtf8(value) + u'\n';
    }
    return text;
}
} // namespace

RequestLogModel::RequestLogModel(QObject *parent, int maximumRows)
    : QAbstractListModel(parent)
    , m_maximumRows(qMax(1, maximumRows))
{
}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

const RequestRecord *RequestLogModel::recordAt(int row) const
{
    if (row < 0 || row >= int(m_rows.size()))
        return nullptr;
    return &m_rows[size_t(row)].record;
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const RequestRecord &r = row.record;
    switch (role) {
    case Qt::DisplayRole:
    case TargetRole: return r.target;
    case SequenceRole: return row.sequence;
    case TimeRole: return QDateTime::fromMSecsSinceEpoch(r.timeMs);
    case TimeTextRole: return QDateTime::fromMSecsSinceEpoch(r.timeMs).toString(QStringLiteral("HH:mm:ss.zzz"));
    case ClientRole: return r.client;
    case MethodRole: return r.method;
    case KindRole: return r.kind;
    case ObjectIdRole: return r.objectId;
    case ShortIdRole: return shortenId(r.objectId);
    case StatusRole: return r.status;
    case StatusClassRole: return r.status > 0 ? QStringLiteral("%1xx").arg(r.status / 100) : QString();
    case CacheOutcomeRole: return r.cacheOutcome;
    case LatencyMsRole: return r.latencyMs;
    case BytesRole: return r.bytes;
    case SizeTextRole: return formatSize(r.bytes);
    case ErrorCodeRole: return r.errorCode;
    default: return {};
    }
}

QHash<int, QByteArray> RequestLogModel::roleNames() const
{
    return {
        {SequenceRole, "sequence"},     {TimeRole, "time"},
        {TimeTextRole, "timeText"},     {ClientRole, "client"},
        {MethodRole, "method"},         {KindRole, "kind"},
        {ObjectIdRole, "objectId"},     {ShortIdRole, "shortId"},
        {TargetRole, "target"},         {StatusRole, "status"},
        {StatusClassRole, "statusClass"}, {CacheOutcomeRole, "cacheOutcome"},
        {LatencyMsRole, "latencyMs"},   {BytesRole, "bytes"},
        {SizeTextRole, "sizeText"},     {ErrorCodeRole, "errorCode"},
    };
}

void RequestLogModel::setRelayAddress(const QString &address)
{
    if (m_relayAddress == address)
        return;
    m_relayAddress = address;
    emit relayAddressChanged();
}

void RequestLogModel::appendRecords(const QList<RequestRecord> &records)
{
    if (records.isEmpty())
        return;
    // Only the newest maximumRows of a huge batch can ever be shown.
    const qsizetype take = qMin<qsizetype>(records.size(), m_maximumRows);
    const qsizetype overflow = qsizetype(m_rows.size()) + take - m_maximumRows;
    if (overflow > 0) {
        const int first = int(m_rows.size() - size_t(overflow));
        beginRemoveRows(QModelIndex(), first, int(m_rows.size()) - 1);
        m_rows.erase(m_rows.end() - overflow, m_rows.end());
        endRemoveRows();
    }
    beginInsertRows(QModelIndex(), 0, int(take) - 1);
    // records are oldest first; the model is newest first.
    for (qsizetype i = records.size() - take; i < records.size(); ++i)
        m_rows.push_front(Row{m_nextSequence++, records.at(i)});
    endInsertRows();
    emit countChanged();
}

void RequestLogModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    emit countChanged();
}

const RequestLogModel::Row *RequestLogModel::findRow(qint64 sequence) const
{
    // Sequences decrease from the top, so a binary search finds the row.
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), sequence,
                                     [](const Row &row, qint64 wanted) { return row.sequence > wanted; });
    return it != m_rows.end() && it->sequence == sequence ? &*it : nullptr;
}

QVariantMap RequestLogModel::details(qint64 sequence) const
{
    const Row *row = findRow(sequence);
    if (!row)
        return {};
    const RequestRecord &r = row->record;
    return {
        {QStringLiteral("sequence"), row->sequence},
        {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(r.timeMs).toString(Qt::ISODateWithMs)},
        {QStringLiteral("client"), r.client},
        {QStringLiteral("method"), r.method},
        {QStringLiteral("target"), r.target},
        {QStringLiteral("kind"), r.kind},
        {QStringLiteral("objectId"), r.objectId},
        {QStringLiteral("status"), r.status},
        {QStringLiteral("cacheOutcome"), r.cacheOutcome},
        {QStringLiteral("latencyMs"), r.latencyMs},
        {QStringLiteral("sizeText"), formatSize(r.bytes)},
        {QStringLiteral("errorCode"), r.errorCode},
        {QStringLiteral("requestHeaders"), headerText(r.requestHeaders)},
        {QStringLiteral("responseHeaders"), headerText(r.responseHeaders)},
        {QStringLiteral("body"), formatBody(r.responseBody)},
        {QStringLiteral("curl"), curlFor(r, m_relayAddress)},
    };
}

QString RequestLogModel::curlCommand(qint64 sequence) const
{
    const Row *row = findRow(sequence);
    return row ? curlFor(row->record, m_relayAddress) : QString();
}

QString RequestLogModel::shortenId(const QString &id)
{
    constexpr qsizetype kMax = 20;
    if (id.size() <= kMax)
        return id;
    return id.left(10) + QChar(0x2026) + id.right(6);
}

QString RequestLogModel::formatSize(qint64 bytes)
{
    if (bytes < 1000)
        return QStringLiteral("%1 B").arg(bytes);
    return QLocale::system().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QString RequestLogModel::formatBody(const QByteArray &body)
{
    if (body.isEmpty())
        return QString();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError)
        return QString::fromUtf8(document.toJson(QJsonDocument::Indented));
    return QString::fromUtf8(body);
}

QString RequestLogModel::curlFor(const RequestRecord &record, const QString &relayAddress)
{
    QStringList parts{QStringLiteral("curl")};
    if (record.method != u"GET")
        parts << QStringLiteral("-X") << record.method;
    for (const auto &field : record.requestHeaders.fields()) {
        if (isSecretHeader(field.first) || isConnectionHeader(field.first))
            continue;
        parts << QStringLiteral("-H")
              << shellQuote(QString::fromUtf8(field.first) + QStringLiteral(": ") + QString::fromUtf8(field.second));
    }
    if (record.requestHeaders.hasToken("accept-encoding", "gzip"))
        parts << QStringLiteral("--compressed");
    parts << shellQuote(QStringLiteral("http://") + relayAddress + targetWithoutKey(record.target));
    return parts.join(u' ');
}

} // namespace vtrelay
