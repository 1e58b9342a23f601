// SPDX-License-Identifier: MIT
#pragma once

#include "RequestRecord.h"

#include <QList>
#include <QObject>
#include <QString>

struct sqlite3;

namespace vtrelay {

// The request log on disk: one SQLite file (WAL mode) that keeps every RequestRecord for a
// number of days. The window uses it to show earlier requests after a restart and to count
// today's upstream calls. Records are stored as they are, because the relay redacts them before
// they reach the log. Not thread-safe, so use one instance from one thread.
class RequestHistory : public QObject
{
    Q_OBJECT
public:
    // Request counts since a point in time, for the window's header and cache page.
    struct Counts
    {
        qint64 requests = 0;
        qint64 upstream = 0; // sent to VirusTotal (MISS, BYPASS, STALE without a relay error)
        qint64 hits = 0;     // served from the cache (HIT, COALESCED), so upstream calls saved
        qint64 misses = 0;   // cacheable lookups that went upstream
    };

    explicit RequestHistory(const QString &directory, QObject *parent = nullptr);
    ~RequestHistory() override;

    bool open(QString *error);
    QString filePath() const { return m_path; }
    bool isOpen() const { return m_db != nullptr; }

    void setRetentionDays(int days) { m_retentionDays = qMax(1, days); }
    int retentionDays() const { return m_retentionDays; }

    // Stores records in one transaction. Returns false when the write failed.
    bool append(const QList<RequestRecord> &records);
    // Returns at most limit of the newest records, newest last as RequestLog orders them. Only the
    // newest withBodies records carry their response body, which bounds the memory used.
    QList<RequestRecord> recent(int limit, int withBodies);
    Counts countsSince(qint64 sinceMs);
    // Deletes records older than the retention period and returns how many it deleted.
    int prune(qint64 nowMs);
    int clear();

    // How a record counts in Counts, shared with the window's live counters.
    static bool wentUpstream(const RequestRecord &record);
    static bool servedFromCache(const RequestRecord &record);

signals:
    void writeFailed(const QString &message);

private:
    bool exec(const char *sql);
    bool check(int rc, const char *what);
    void close();

    QString m_directory;
    QString m_path;
    sqlite3 *m_db = nullptr;
    int m_retentionDays = 7;
    int m_failures = 0;
};

} // namespace vtrelay
