// SPDX-License-Identifier: MIT
#include "RequestLog.h"

#include <QMutexLocker>

namespace vtrelay {

RequestLog::RequestLog(qsizetype capacity, QObject *parent)
    : QObject(parent)
    , m_capacity(capacity)
{
    qRegisterMetaType<vtrelay::RequestRecord>();
    qRegisterMetaType<QList<vtrelay::RequestRecord>>();
    m_timer.setInterval(250);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RequestLog::emitBatch);
}

void RequestLog::append(RequestRecord record)
{
    if (record.responseBody.size() > kBodyPreviewBytes)
        record.responseBody.truncate(kBodyPreviewBytes);
    {
        QMutexLocker lock(&m_mutex);
        record.id = m_nextId++;
        m_records.push_back(record);
        while (qsizetype(m_records.size()) > m_capacity)
            m_records.pop_front();
    }
    m_batch.append(std::move(record));
    if (!m_timer.isActive())
        m_timer.start();
}

QList<RequestRecord> RequestLog::recent(qsizetype max) const
{
    QMutexLocker lock(&m_mutex);
    QList<RequestRecord> result;
    const qsizetype n = qMin<qsizetype>(max, qsizetype(m_records.size()));
    result.reserve(n);
    for (auto it = m_records.end() - n; it != m_records.end(); ++it)
        result.append(*it);
    return result;
}

void RequestLog::emitBatch()
{
    if (m_batch.isEmpty())
        return;
    const QList<RequestRecord> batch = std::exchange(m_batch, {});
    emit recordsAppended(batch);
}

} // namespace vtrelay
