// SPDX-License-Identifier: MIT
#include "RequestHistory.h"

#include "storage/SqliteStatement.h"

#include "cache/CacheEntry.h"
#include "cache/Gzip.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>

#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcHistory, "vtrelay.history")

namespace vtrelay {

namespace {
constexpr qint64 kDayMs = 24 * 3600 * 1000;

const char *const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS requests(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    log_id INTEGER NOT NULL,
    time_ms INTEGER NOT NULL,
    client TEXT NOT NULL,
    method TEXT NOT NULL,
    target TEXT NOT NULL,
    api TEXT NOT NULL,
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    cache_outcome TEXT NOT NULL,
    latency_ms INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    error_code TEXT NOT NULL,
    request_headers BLOB NOT NULL,
    response_headers BLOB NOT NULL,
    body_gzip BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS requests_by_time ON requests(time_ms);
)sql";

} // namespace

RequestHistory::RequestHistory(const QString &directory, QObject *parent)
    : QObject(parent)
    , m_directory(directory)
    , m_path(QDir(directory).filePath(QStringLiteral("history.sqlite")))
{
}

RequestHistory::~RequestHistory()
{
    close();
}

void RequestHistory::close()
{
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

bool RequestHistory::open(QString *error)
{
    close();
    if (!QDir().mkpath(m_directory)) {
        *error = QStringLiteral("Cannot create the folder %1 for the request history. Check its permissions.")
                     .arg(m_directory);
        return false;
    }
    int rc = sqlite3_open_v2(QFile::encodeName(m_path).constData(), &m_db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(m_db, 2000);
        rc = sqlite3_exec(m_db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(m_db, kSchema, nullptr, nullptr, nullptr);
    }
    if (rc == SQLITE_OK)
        return true;
    *error = QStringLiteral("Cannot open the request history %1: %2. The window shows only this session's "
                            "requests; check the folder's permissions and free space.")
                 .arg(m_path, QString::fromUtf8(m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc)));
    close();
    return false;
}

bool RequestHistory::check(int rc, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return true;
    const QString message = QStringLiteral("Request history %1 failed: %2")
                                .arg(QLatin1String(what), QString::fromUtf8(sqlite3_errstr(rc)));
    if (m_failures++ % 100 == 0)
        qCWarning(lcHistory).noquote() << message << QStringLiteral("(%1 failures so far)").arg(m_failures);
    emit writeFailed(message);
    return false;
}

bool RequestHistory::exec(const char *sql)
{
    return m_db && check(sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr), "update");
}

bool RequestHistory::append(const QList<RequestRecord> &records)
{
    if (!m_db || records.isEmpty())
        return false;
    if (!exec("BEGIN"))
        return false;
    SqliteStatement q(m_db, "INSERT INTO requests(log_id, time_ms, client, method, target, api, kind, object_id, status, "
                  "cache_outcome, latency_ms, bytes, error_code, request_headers, response_headers, body_gzip) "
                  "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bool ok = check(q.rc(), "write");
    for (const RequestRecord &r : records) {
        if (!ok)
            break;
        q.bind(1, r.id);
        q.bind(2, r.timeMs);
        q.bind(3, r.client);
        q.bind(4, r.method);
        q.bind(5, r.target);
        q.bind(6, r.api);
        q.bind(7, r.kind);
        q.bind(8, r.objectId);
        q.bind(9, qint64(r.status));
        q.bind(10, r.cacheOutcome);
        q.bind(11, r.latencyMs);
        q.bind(12, r.bytes);
        q.bind(13, r.errorCode);
        q.bind(14, CacheEntry::serializeHeaders(r.requestHeaders));
        q.bind(15, CacheEntry::serializeHeaders(r.responseHeaders));
        q.bind(16, r.responseBody.isEmpty() ? QByteArray() : Gzip::compress(r.responseBody, 1));
        ok = check(q.step(), "write");
        q.reset();
    }
    if (!ok) {
        exec("ROLLBACK");
        return false;
    }
    return exec("COMMIT");
}

QList<RequestRecord> RequestHistory::recent(int limit, int withBodies)
{
    QList<RequestRecord> result;
    if (!m_db)
        return result;
    SqliteStatement q(m_db, "SELECT log_id, time_ms, client, method, target, api, kind, object_id, status, cache_outcome, "
                  "latency_ms, bytes, error_code, request_headers, response_headers, body_gzip "
                  "FROM requests ORDER BY id DESC LIMIT ?");
    if (!check(q.rc(), "read"))
        return result;
    q.bind(1, qint64(limit));
    while (q.step() == SQLITE_ROW) {
        RequestRecord r;
        r.id = q.integer(0);
        r.timeMs = q.integer(1);
        r.client = q.text(2);
        r.method = q.text(3);
        r.target = q.text(4);
        r.api = q.text(5);
        r.kind = q.text(6);
        r.objectId = q.text(7);
        r.status = int(q.integer(8));
        r.cacheOutcome = q.text(9);
        r.latencyMs = q.integer(10);
        r.bytes = q.integer(11);
        r.errorCode = q.text(12);
        r.requestHeaders = CacheEntry::parseHeaders(q.blob(13));
        r.responseHeaders = CacheEntry::parseHeaders(q.blob(14));
        const QByteArray body = result.size() < withBodies ? q.blob(15) : QByteArray();
        if (!body.isEmpty() && !Gzip::decompress(body, &r.responseBody, 1024 * 1024))
            r.responseBody.clear();
        result.prepend(std::move(r));
    }
    return result;
}

RequestHistory::Counts RequestHistory::countsSince(qint64 sinceMs)
{
    Counts counts;
    if (!m_db)
        return counts;
    SqliteStatement q(m_db, "SELECT count(*), "
                  "coalesce(sum(api != '' AND error_code = '' AND cache_outcome IN ('MISS', 'BYPASS', 'STALE')), 0), "
                  "coalesce(sum(cache_outcome IN ('HIT', 'COALESCED')), 0), "
                  "coalesce(sum(api != '' AND error_code = '' AND cache_outcome = 'MISS'), 0) "
                  "FROM requests WHERE time_ms >= ?");
    if (!check(q.rc(), "read"))
        return counts;
    q.bind(1, sinceMs);
    if (q.step() == SQLITE_ROW) {
        counts.requests = q.integer(0);
        counts.upstream = q.integer(1);
        counts.hits = q.integer(2);
        counts.misses = q.integer(3);
    }
    return counts;
}

int RequestHistory::prune(qint64 nowMs)
{
    if (!m_db)
        return 0;
    SqliteStatement q(m_db, "DELETE FROM requests WHERE time_ms < ?");
    q.bind(1, nowMs - qint64(m_retentionDays) * kDayMs);
    if (!check(q.step(), "delete"))
        return 0;
    const int removed = sqlite3_changes(m_db);
    if (removed > 0)
        qCInfo(lcHistory) << "Removed" << removed << "requests older than" << m_retentionDays << "days";
    return removed;
}

int RequestHistory::clear()
{
    if (!m_db)
        return 0;
    if (!exec("DELETE FROM requests"))
        return 0;
    return sqlite3_changes(m_db);
}

bool RequestHistory::wentUpstream(const RequestRecord &record)
{
    return !record.api.isEmpty() && record.errorCode.isEmpty()
        && (record.cacheOutcome == u"MISS" || record.cacheOutcome == u"BYPASS" || record.cacheOutcome == u"STALE");
}

bool RequestHistory::servedFromCache(const RequestRecord &record)
{
    return record.cacheOutcome == u"HIT" || record.cacheOutcome == u"COALESCED";
}

} // namespace vtrelay
