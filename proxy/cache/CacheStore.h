// SPDX-License-Identifier: MIT
#pragma once

#include "CacheEntry.h"

#include <QCache>
#include <QHash>
#include <QObject>
#include <QString>

#include <optional>

struct sqlite3;

namespace vtrelay {

// On-disk cache of VirusTotal answers in one SQLite file (WAL mode), with the most recently
// used entries also kept in memory. A corrupt file is moved aside and replaced by an empty
// one; a write that fails (for example on a full disk) is logged and skipped. Not
// thread-safe: use it from the relay thread only.
class CacheStore : public QObject
{
    Q_OBJECT
public:
    struct Stats
    {
        qint64 entries = 0;
        qint64 bytes = 0;
        qint64 hits = 0;
    };

    explicit CacheStore(const QString &directory, QObject *parent = nullptr);
    ~CacheStore() override;

    // Opens or creates the file; on failure returns false and sets error.
    bool open(QString *error);
    QString filePath() const { return m_path; }

    // The entry stored under key, or under the key an alias points to, fresh or not.
    std::optional<CacheEntry> find(const QString &key);
    bool store(const CacheEntry &entry);
    bool remove(const QString &key);
    // Removes every entry whose key starts with prefix; returns how many.
    int removeByPrefix(const QString &prefix);
    int clear();
    // Maps alias to key, so that a lookup by alias finds key's entry.
    void addAlias(const QString &alias, const QString &key);
    // Counts a hit in memory; counts reach the file on flush().
    void recordHit(const QString &key);
    void flush();

    Stats stats();
    QList<CacheEntry> search(const QString &text, int limit);
    // Deletes the oldest entries until the file holds at most maxBytes of bodies.
    int evictToSize(qint64 maxBytes);

signals:
    // Emitted after the file was found corrupt and replaced; movedTo is the old file's new name.
    void recovered(const QString &movedTo);
    void writeFailed(const QString &message);

private:
    bool openFile(QString *error, bool *corrupt);
    void closeFile();
    bool recoverFromCorruption(const QString &reason);
    bool exec(const char *sql);
    bool checkResult(int rc, const char *what);
    std::optional<CacheEntry> loadFromFile(const QString &key);
    QString resolveAlias(const QString &key);

    QString m_directory;
    QString m_path;
    sqlite3 *m_db = nullptr;
    QCache<QString, CacheEntry> m_hot;
    QHash<QString, qint64> m_pendingHits;
    int m_writeFailures = 0;
};

} // namespace vtrelay
