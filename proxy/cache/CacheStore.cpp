// SPDX-License-Identifier: MIT
#include "CacheStore.h"

#include "storage/SqliteStatement.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLoggingCategory>

#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcCache, "vtrelay.cache")

namespace vtrelay {

namespace {
constexpr int kHotCacheBytes = 64 * 1024 * 1024;
constexpr int kBusyTimeoutMs = 2000;

const char *const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS entries(
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers BLOB NOT NULL,
    body BLOB NOT NULL,
    stored_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS entries_by_object ON entries(kind, object_id);
CREATE INDEX IF NOT EXISTS entries_by_age ON entries(stored_at);
CREATE TABLE IF NOT EXISTS aliases(alias TEXT PRIMARY KEY, key TEXT NOT NULL);
)sql";


bool isCorruption(int rc)
{
    const int primary = rc & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

CacheEntry entryFromRow(const SqliteStatement &s)
{
    CacheEntry e;
    e.key = s.text(0);
    e.kind = s.text(1);
    e.objectId = s.text(2);
    e.status = int(s.integer(3));
    e.headers = CacheEntry::parseHeaders(s.blob(4));
    e.gzipBody = s.blob(5);
    e.storedAt = s.integer(6);
    e.expiresAt = s.integer(7);
    e.hits = s.integer(8);
    return e;
}
} // namespace

CacheStore::CacheStore(const QString &directory, QObject *parent)
    : QObject(parent)
    , m_directory(directory)
    , m_path(QDir(directory).filePath(QStringLiteral("cache.sqlite")))
    , m_hot(kHotCacheBytes)
{
}

CacheStore::~CacheStore()
{
    flush();
    closeFile();
}

bool CacheStore::open(QString *error)
{
    if (!QDir().mkpath(m_directory)) {
        *error = QStringLiteral("Cannot create the cache folder %1. Check its permissions or pass "
                                "another folder with --cache-dir.").arg(m_directory);
        return false;
    }
    bool corrupt = false;
    if (openFile(error, &corrupt))
        return true;
    if (!corrupt || !recoverFromCorruption(*error))
        return false;
    return openFile(error, &corrupt);
}

bool CacheStore::openFile(QString *error, bool *corrupt)
{
    closeFile();
    int rc = sqlite3_open_v2(QFile::encodeName(m_path).constData(), &m_db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(m_db, kBusyTimeoutMs);
        char *message = nullptr;
        rc = sqlite3_exec(m_db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, &message);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(m_db, kSchema, nullptr, nullptr, &message);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(m_db, "SELECT count(*) FROM entries", nullptr, nullptr, &message);
        sqlite3_free(message);
    }
    if (rc == SQLITE_OK)
        return true;

    *error = QStringLiteral("Cannot open the cache file %1: %2.")
                 .arg(m_path, QString::fromUtf8(m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc)));
    *corrupt = isCorruption(rc);
    closeFile();
    if (!*corrupt)
        *error += QStringLiteral(" Check the folder's permissions and free space.");
    return false;
}

void CacheStore::closeFile()
{
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

bool CacheStore::recoverFromCorruption(const QString &reason)
{
    closeFile();
    m_hot.clear();
    m_pendingHits.clear();
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QString movedTo = m_path + QStringLiteral(".corrupt-") + stamp;
    if (!QFile::rename(m_path, movedTo)) {
        qCCritical(lcCache).noquote() << reason << "Moving the file aside failed as well.";
        return false;
    }
    QFile::remove(m_path + QStringLiteral("-wal"));
    QFile::remove(m_path + QStringLiteral("-shm"));
    qCWarning(lcCache).noquote() << "The cache file was unreadable and was moved to" << movedTo
                                 << "- starting with an empty cache. Cause:" << reason;
    emit recovered(movedTo);
    return true;
}

bool CacheStore::checkResult(int rc, const char *what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
        return true;
    const QString message = QStringLiteral("Cache %1 failed: %2").arg(QLatin1String(what), QString::fromUtf8(sqlite3_errstr(rc)));
    if (isCorruption(rc)) {
        QString error;
        bool corrupt = false;
        if (recoverFromCorruption(message) && !openFile(&error, &corrupt))
            qCCritical(lcCache).noquote() << error;
        return false;
    }
    // Repeated failures (a full disk, say) are logged once per hundred to keep the log useful.
    if (m_writeFailures++ % 100 == 0) {
        qCWarning(lcCache).noquote() << message << "- the relay goes on without caching this answer"
                                     << QStringLiteral("(%1 failures so far).").arg(m_writeFailures);
    }
    emit writeFailed(message);
    return false;
}

bool CacheStore::exec(const char *sql)
{
    if (!m_db)
        return false;
    return checkResult(sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr), "update");
}

QString CacheStore::resolveAlias(const QString &key)
{
    if (!m_db)
        return key;
    SqliteStatement s(m_db, "SELECT key FROM aliases WHERE alias = ?");
    if (!s.ok())
        return key;
    s.bind(1, key);
    const int rc = s.step();
    if (rc == SQLITE_ROW)
        return s.text(0);
    checkResult(rc, "lookup");
    return key;
}

std::optional<CacheEntry> CacheStore::loadFromFile(const QString &key)
{
    if (!m_db)
        return std::nullopt;
    SqliteStatement s(m_db, "SELECT key, kind, object_id, status, headers, body, stored_at, expires_at, hits "
                      "FROM entries WHERE key = ?");
    if (!checkResult(s.rc(), "lookup"))
        return std::nullopt;
    s.bind(1, key);
    const int rc = s.step();
    if (rc == SQLITE_ROW)
        return entryFromRow(s);
    checkResult(rc, "lookup");
    return std::nullopt;
}

std::optional<CacheEntry> CacheStore::find(const QString &key)
{
    if (const CacheEntry *hot = m_hot.object(key))
        return *hot;
    const QString target = resolveAlias(key);
    if (target != key) {
        if (const CacheEntry *hot = m_hot.object(target))
            return *hot;
    }
    std::optional<CacheEntry> entry = loadFromFile(target);
    if (entry)
        m_hot.insert(entry->key, new CacheEntry(*entry), int(qMin<qint64>(entry->size(), kHotCacheBytes)));
    return entry;
}

bool CacheStore::store(const CacheEntry &entry)
{
    m_hot.insert(entry.key, new CacheEntry(entry), int(qMin<qint64>(entry.size(), kHotCacheBytes)));
    if (!m_db)
        return false;
    SqliteStatement s(m_db, "INSERT OR REPLACE INTO entries(key, kind, object_id, status, headers, body, "
                      "stored_at, expires_at, hits, size) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!checkResult(s.rc(), "write"))
        return false;
    s.bind(1, entry.key);
    s.bind(2, entry.kind);
    s.bind(3, entry.objectId);
    s.bind(4, qint64(entry.status));
    s.bind(5, CacheEntry::serializeHeaders(entry.headers));
    s.bind(6, entry.gzipBody);
    s.bind(7, entry.storedAt);
    s.bind(8, entry.expiresAt);
    s.bind(9, entry.hits);
    s.bind(10, entry.size());
    return checkResult(s.step(), "write");
}

bool CacheStore::remove(const QString &key)
{
    const QString target = resolveAlias(key);
    m_hot.remove(key);
    m_hot.remove(target);
    m_pendingHits.remove(target);
    if (!m_db)
        return false;
    SqliteStatement s(m_db, "DELETE FROM entries WHERE key = ?");
    s.bind(1, target);
    if (!checkResult(s.step(), "delete"))
        return false;
    const bool removed = sqlite3_changes(m_db) > 0;
    SqliteStatement a(m_db, "DELETE FROM aliases WHERE key = ?");
    a.bind(1, target);
    checkResult(a.step(), "delete");
    return removed;
}

int CacheStore::removeByPrefix(const QString &prefix)
{
    if (!m_db || prefix.isEmpty())
        return 0;
    QStringList keys;
    SqliteStatement s(m_db, "SELECT key FROM entries WHERE substr(key, 1, length(?1)) = ?1");
    s.bind(1, prefix);
    while (s.step() == SQLITE_ROW)
        keys.append(s.text(0));
    for (const QString &key : std::as_const(keys))
        remove(key);
    return int(keys.size());
}

int CacheStore::clear()
{
    m_hot.clear();
    m_pendingHits.clear();
    if (!m_db)
        return 0;
    const qint64 before = stats().entries;
    exec("DELETE FROM entries; DELETE FROM aliases;");
    return int(before);
}

void CacheStore::addAlias(const QString &alias, const QString &key)
{
    if (!m_db || alias == key)
        return;
    SqliteStatement s(m_db, "INSERT OR REPLACE INTO aliases(alias, key) VALUES(?, ?)");
    s.bind(1, alias);
    s.bind(2, key);
    checkResult(s.step(), "write");
}

void CacheStore::recordHit(const QString &key)
{
    ++m_pendingHits[key];
    if (CacheEntry *hot = m_hot.object(key))
        ++hot->hits;
}

void CacheStore::flush()
{
    if (!m_db || m_pendingHits.isEmpty())
        return;
    exec("BEGIN");
    SqliteStatement s(m_db, "UPDATE entries SET hits = hits + ? WHERE key = ?");
    for (auto it = m_pendingHits.cbegin(); it != m_pendingHits.cend(); ++it) {
        s.bind(1, it.value());
        s.bind(2, it.key());
        s.step();
        s.reset();
    }
    exec("COMMIT");
    m_pendingHits.clear();
}

CacheStore::Stats CacheStore::stats()
{
    Stats result;
    if (!m_db)
        return result;
    SqliteStatement s(m_db, "SELECT count(*), coalesce(sum(size), 0), coalesce(sum(hits), 0) FROM entries");
    if (s.ok() && s.step() == SQLITE_ROW) {
        result.entries = s.integer(0);
        result.bytes = s.integer(1);
        result.hits = s.integer(2);
    }
    for (auto it = m_pendingHits.cbegin(); it != m_pendingHits.cend(); ++it)
        result.hits += it.value();
    return result;
}

QList<CacheEntry> CacheStore::search(const QString &text, int limit)
{
    QList<CacheEntry> result;
    if (!m_db)
        return result;
    flush();
    SqliteStatement s(m_db, "SELECT key, kind, object_id, status, headers, body, stored_at, expires_at, hits "
                      "FROM entries WHERE ?1 = '' OR instr(lower(object_id), lower(?1)) > 0 "
                      "OR key IN (SELECT key FROM aliases WHERE instr(lower(alias), lower(?1)) > 0) "
                      "ORDER BY stored_at DESC LIMIT ?2");
    if (!s.ok())
        return result;
    s.bind(1, text.trimmed());
    s.bind(2, qint64(limit));
    while (s.step() == SQLITE_ROW)
        result.append(entryFromRow(s));
    return result;
}

int CacheStore::evictToSize(qint64 maxBytes)
{
    int evicted = 0;
    qint64 bytes = stats().bytes;
    while (m_db && bytes > maxBytes) {
        SqliteStatement s(m_db, "SELECT key, size FROM entries ORDER BY stored_at ASC LIMIT 64");
        QList<QPair<QString, qint64>> oldest;
        while (s.step() == SQLITE_ROW)
            oldest.append({s.text(0), s.integer(1)});
        if (oldest.isEmpty())
            break;
        // Stops within a batch once enough is gone, so that only the oldest entries needed are deleted.
        for (const auto &[key, size] : std::as_const(oldest)) {
            if (bytes <= maxBytes)
                break;
            if (!remove(key))
                return evicted;
            bytes -= size;
            ++evicted;
        }
    }
    return evicted;
}

} // namespace vtrelay
