// SPDX-License-Identifier: MIT
#pragma once

#include "RequestRecord.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <deque>

namespace vtrelay {

// Recent requests in memory. Records arrive one by one on the relay thread and are handed to
// listeners in batches, at most every batchIntervalMs, so a window is not woken per request.
class RequestLog : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kBodyPreviewBytes = 64 * 1024;

    explicit RequestLog(qsizetype capacity = 10'000, QObject *parent = nullptr);

    void append(RequestRecord record);
    QList<RequestRecord> recent(qsizetype max) const;
    void setBatchInterval(int milliseconds) { m_timer.setInterval(milliseconds); }

signals:
    void recordsAppended(const QList<vtrelay::RequestRecord> &records);

private:
    void emitBatch();

    qsizetype m_capacity;
    qint64 m_nextId = 1;
    mutable QMutex m_mutex;
    std::deque<RequestRecord> m_records;
    QList<RequestRecord> m_batch;
    QTimer m_timer;
};

} // namespace vtrelay
