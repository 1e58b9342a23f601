// SPDX-License-Identifier: MIT
#include "cache/CacheStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vtrelay;

namespace {
constexpr qint64 kStoredAt = 1700000000000; // fixed epoch milliseconds keep the test repeatable

CacheEntry makeEntry(const QString &key, const QString &objectId, qint64 storedAt, qsizetype bodySize = 64)
{
    CacheEntry entry;
    entry.key = key;
    entry.kind = QStringLiteral("file");
    entry.objectId = objectId;
    entry.status = 200;
    entry.headers = {{"Content-Type", "application/json"}, {"X-Test", "one"}};
    // Zero bytes and every byte value, to show the body is stored as a blob and not as text.
    for (qsizetype i = 0; i < bodySize; ++i)
        entry.gzipBody += char(i % 256);
    entry.storedAt = storedAt;
    entry.expiresAt = storedAt + 3600 * 1000;
    return entry;
}

QStringList keysOf(const QList<CacheEntry> &entries)
{
    QStringList keys;
    for (const CacheEntry &entry : entries)
        keys.append(entry.key);
    return keys;
}

std::unique_ptr<CacheStore> openStore(const QString &directory)
{
    auto store = std::make_unique<CacheStore>(directory);
    QString error;
    if (!store->open(&error)) {
        qWarning().noquote() << error;
        return nullptr;
    }
    return store;
}
} // namespace

class TestCacheStore : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<bool>("reopen");

        QTest::newRow("same store") << false;
        QTest::newRow("reopened store") << true;
    }

    void roundTrip()
    {
        QFETCH(bool, reopen);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());

        const CacheEntry original = makeEntry(QStringLiteral("v3:file:abc"), QStringLiteral("abc"), kStoredAt, 5000);
        auto store = openStore(dir.path());
        QVERIFY(store);
        QVERIFY(store->store(original));
        if (reopen) {
            store.reset();
            store = openStore(dir.path());
            QVERIFY(store);
        }

        const std::optional<CacheEntry> found = store->find(original.key);
        QVERIFY(found.has_value());
        QCOMPARE(found->key, original.key);
        QCOMPARE(found->kind, original.kind);
        QCOMPARE(found->objectId, original.objectId);
        QCOMPARE(found->status, original.status);
        QCOMPARE(found->headers.fields(), original.headers.fields());
        QCOMPARE(found->gzipBody.size(), original.gzipBody.size());
        QVERIFY(found->gzipBody == original.gzipBody);
        QCOMPARE(found->storedAt, original.storedAt);
        QCOMPARE(found->expiresAt, original.expiresAt);
        QCOMPARE(found->hits, original.hits);
        QVERIFY(!store->find(QStringLiteral("v3:file:other")).has_value());
    }

    void replacesEntry()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        QVERIFY(store);
        CacheEntry entry = makeEntry(QStringLiteral("k"), QStringLiteral("abc"), kStoredAt);
        QVERIFY(store->store(entry));
        entry.status = 404;
        QVERIFY(store->store(entry));
        store.reset();

        store = openStore(dir.path());
        QVERIFY(store);
        QCOMPARE(store->stats().entries, 1);
        QCOMPARE(store->find(QStringLiteral("k"))->status, 404);
    }

    void alias_data()
    {
        QTest::addColumn<bool>("reopen");

        QTest::newRow("same store") << false;
        QTest::newRow("reopened store") << true;
    }

    void alias()
    {
        QFETCH(bool, reopen);
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        QVERIFY(store);
        const QString key = QStringLiteral("v3:file:abc");
        const QString alias = QStringLiteral("v2:file/report:abc");
        QVERIFY(store->store(makeEntry(key, QStringLiteral("abc"), kStoredAt)));
        store->addAlias(alias, key);
        if (reopen) {
            store.reset();
            store = openStore(dir.path());
            QVERIFY(store);
        }

        const std::optional<CacheEntry> found = store->find(alias);
        QVERIFY(found.has_value());
        QCOMPARE(found->key, key);
        QVERIFY(!store->find(QStringLiteral("v2:file/report:other")).has_value());
    }

    void remove_data()
    {
        QTest::addColumn<bool>("byAlias");

        QTest::newRow("by key") << false;
        QTest::newRow("by alias") << true;
    }

    void remove()
    {
        QFETCH(bool, byAlias);
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        QVERIFY(store);
        const QString key = QStringLiteral("v3:file:abc");
        const QString alias = QStringLiteral("v2:file/report:abc");
        const QString other = QStringLiteral("v3:file:def");
        QVERIFY(store->store(makeEntry(key, QStringLiteral("abc"), kStoredAt)));
        QVERIFY(store->store(makeEntry(other, QStringLiteral("def"), kStoredAt)));
        store->addAlias(alias, key);

        QVERIFY(store->remove(byAlias ? alias : key));
        QVERIFY(!store->find(key).has_value());
        QVERIFY(!store->find(alias).has_value());
        QVERIFY(store->find(other).has_value());

        store.reset();
        store = openStore(dir.path());
        QVERIFY(store);
        QVERIFY(!store->find(key).has_value());
        QVERIFY(!store->find(alias).has_value());
        QVERIFY(store->find(other).has_value());
        QCOMPARE(store->stats().entries, 1);
    }

    void clear()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        QVERIFY(store);
        for (int i = 0; i < 3; ++i)
            QVERIFY(store->store(makeEntry(QStringLiteral("k%1").arg(i), QStringLiteral("id%1").arg(i), kStoredAt)));
        store->addAlias(QStringLiteral("alias"), QStringLiteral("k0"));

        QCOMPARE(store->clear(), 3);
        QCOMPARE(store->stats().entries, 0);
        QCOMPARE(store->stats().bytes, 0);
        QVERIFY(!store->find(QStringLiteral("k0")).has_value());
        QVERIFY(!store->find(QStringLiteral("alias")).has_value());

        store.reset();
        store = openStore(dir.path());
        QVERIFY(store);
        QCOMPARE(store->stats().entries, 0);
        QVERIFY(!store->find(QStringLiteral("k1")).has_value());
    }

    void search_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("keys");

        // Results come newest first.
        QTest::newRow("hash prefix") << QStringLiteral("275a") << QStringList{QStringLiteral("file1")};
        QTest::newRow("upper-case text") << QStringLiteral("275A02") << QStringList{QStringLiteral("file1")};
        QTest::newRow("middle of id") << QStringLiteral("ample")
                                      << QStringList{QStringLiteral("domain2"), QStringLiteral("domain1")};
        QTest::newRow("surrounding spaces") << QStringLiteral("  44d886 ") << QStringList{QStringLiteral("file2")};
        QTest::newRow("alias text") << QStringLiteral("report:abc") << QStringList{QStringLiteral("file2")};
        QTest::newRow("empty text") << QString()
                                    << QStringList{QStringLiteral("domain2"), QStringLiteral("domain1"),
                                                   QStringLiteral("file2"), QStringLiteral("file1")};
        QTest::newRow("no match") << QStringLiteral("zzz") << QStringList();
    }

    void search()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, keys);
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        QVERIFY(store);
        const QString sha256 = QStringLiteral("275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
        QVERIFY(store->store(makeEntry(QStringLiteral("file1"), sha256, kStoredAt + 1)));
        QVERIFY(store->store(makeEntry(QStringLiteral("file2"), QStringLiteral("44d88612fea8a8f36de82e1278abb02f"),
                                       kStoredAt + 2)));
        QVERIFY(store->store(makeEntry(QStringLiteral("domain1"), QStringLiteral("example.com"), kStoredAt + 3)));
        QVERIFY(store->store(makeEntry(QStringLiteral("domain2"), QStringLiteral("Example.ORG"), kStoredAt + 4)));
        store->addAlias(QStringLiteral("v2:file/report:abc"), QStringLiteral("file2"));

        QCOMPARE(keysOf(store->search(text, 10)), keys);
    }

    void searchLimit()
    {
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        QVERIFY(store);
        for (int i = 0; i < 5; ++i) {
            const QString suffix = QString::number(i);
            QVERIFY(store->store(makeEntry(u'k' + suffix, QStringLiteral("id") + suffix, kStoredAt + i)));
        }

        const QStringList newestTwo{QStringLiteral("k4"), QStringLiteral("k3")};
        QCOMPARE(keysOf(store->search(QStringLiteral("id"), 2)), newestTwo);
    }

    void hitsAfterFlush()
    {
        QTemporaryDir dir;
        auto writer = openStore(dir.path());
        QVERIFY(writer);
        const CacheEntry entry = makeEntry(QStringLiteral("k"), QStringLiteral("abc"), kStoredAt);
        QVERIFY(writer->store(entry));
        for (int i = 0; i < 3; ++i)
            writer->recordHit(entry.key);

        // Hits are counted in memory first, so a second connection reads none from the file yet.
        QCOMPARE(writer->stats().hits, 3);
        auto reader = openStore(dir.path());
        QVERIFY(reader);
        QCOMPARE(reader->search(QStringLiteral("abc"), 1).value(0).hits, 0);

        writer->flush();
        auto secondReader = openStore(dir.path());
        QVERIFY(secondReader);
        QCOMPARE(secondReader->search(QStringLiteral("abc"), 1).value(0).hits, 3);
        QCOMPARE(writer->stats().hits, 3);

        // A second flush adds only the hits recorded since the first.
        writer->recordHit(entry.key);
        writer->recordHit(entry.key);
        writer->flush();
        writer->flush();
        QCOMPARE(writer->stats().hits, 5);
        writer.reset();
        reader.reset();
        secondReader.reset();

        auto reopened = openStore(dir.path());
        QVERIFY(reopened);
        QCOMPARE(reopened->find(entry.key)->hits, 5);
        QCOMPARE(reopened->stats().hits, 5);
    }

    void evictToSize_data()
    {
        QTest::addColumn<qint64>("maxBytes");
        QTest::addColumn<int>("evicted");

        // Ten entries of 1002 bytes each: a 1000-byte body and a two-character key.
        QTest::newRow("under limit") << qint64(20000) << 0;
        QTest::newRow("exactly at limit") << qint64(10020) << 0;
        QTest::newRow("one byte over") << qint64(10019) << 1;
        QTest::newRow("room for eight") << qint64(8016) << 2;
        QTest::newRow("just under eight") << qint64(8015) << 3;
        QTest::newRow("room for one") << qint64(1002) << 9;
        QTest::newRow("zero") << qint64(0) << 10;
    }

    void evictToSize()
    {
        QFETCH(qint64, maxBytes);
        QFETCH(int, evicted);
        QTemporaryDir dir;
        auto store = openStore(dir.path());
        QVERIFY(store);
        // Stored out of age order, so that eviction has to go by stored_at and not by insertion.
        const QList<int> order{3, 7, 0, 9, 1, 5, 2, 8, 4, 6};
        for (int i : order) {
            const QString key = QStringLiteral("k%1").arg(i);
            QVERIFY(store->store(makeEntry(key, QStringLiteral("id"), kStoredAt + i * 1000, 1000)));
        }
        QCOMPARE(store->stats().bytes, 10020);

        QCOMPARE(store->evictToSize(maxBytes), evicted);
        QCOMPARE(store->stats().entries, 10 - evicted);
        QVERIFY(store->stats().bytes <= maxBytes);
        // The oldest go first, and only as many as needed.
        for (int i = 0; i < 10; ++i) {
            const QString key = QStringLiteral("k%1").arg(i);
            QVERIFY2(store->find(key).has_value() == (i >= evicted), qPrintable(key));
        }
    }

    void recoversCorruptFile_data()
    {
        QTest::addColumn<QByteArray>("garbage");

        QTest::newRow("text") << QByteArray("this is not a database\n").repeated(200);
        QByteArray random;
        QRandomGenerator generator(42);
        for (int i = 0; i < 8192; ++i)
            random += char(generator.bounded(256));
        QTest::newRow("random bytes") << random;
        // A valid SQLite header followed by pages of nonsense.
        QTest::newRow("damaged pages") << QByteArray("SQLite format 3", 16) + random;
    }

    void recoversCorruptFile()
    {
        QFETCH(QByteArray, garbage);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QCOMPARE(file.write(garbage), garbage.size());
        }

        CacheStore store(dir.path());
        QSignalSpy recovered(&store, &CacheStore::recovered);
        // The recovery is logged, with the name the old file was moved to.
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("unreadable and was moved to .*corrupt-")));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));

        QCOMPARE(recovered.count(), 1);
        const QString movedTo = recovered.at(0).at(0).toString();
        QVERIFY2(movedTo.startsWith(path + QStringLiteral(".corrupt-")), qPrintable(movedTo));
        QFile moved(movedTo);
        QVERIFY(moved.open(QIODevice::ReadOnly));
        QVERIFY(moved.readAll() == garbage);

        // The store works on its new, empty file.
        QCOMPARE(store.stats().entries, 0);
        QVERIFY(store.store(makeEntry(QStringLiteral("k"), QStringLiteral("abc"), kStoredAt)));
        QVERIFY(store.find(QStringLiteral("k")).has_value());
        auto reopened = openStore(dir.path());
        QVERIFY(reopened);
        QVERIFY(reopened->find(QStringLiteral("k")).has_value());
    }

    void unwritableFolder_data()
    {
        QTest::addColumn<QString>("setup");

        QTest::newRow("folder is a file") << QStringLiteral("folder is a file");
        QTest::newRow("cache file is a folder") << QStringLiteral("cache file is a folder");
        QTest::newRow("read-only folder") << QStringLiteral("read-only folder");
    }

    void unwritableFolder()
    {
        QFETCH(QString, setup);
        QTemporaryDir dir;
        QString cacheDir = dir.filePath(QStringLiteral("cache"));
        QVERIFY(QDir().mkpath(cacheDir));

        if (setup == u"folder is a file") {
            QFile file(dir.filePath(QStringLiteral("plain")));
            QVERIFY(file.open(QIODevice::WriteOnly));
            cacheDir = dir.filePath(QStringLiteral("plain/cache"));
        } else if (setup == u"cache file is a folder") {
            QVERIFY(QDir(cacheDir).mkdir(QStringLiteral("cache.sqlite")));
        } else {
            QVERIFY(QFile::setPermissions(cacheDir, QFile::ReadOwner | QFile::ExeOwner));
            QFile probe(QDir(cacheDir).filePath(QStringLiteral("probe")));
            if (probe.open(QIODevice::WriteOnly)) {
                probe.remove();
                QFile::setPermissions(cacheDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
                QSKIP("This user may write to read-only folders (root), so the case cannot be set up.");
            }
        }

        CacheStore store(cacheDir);
        QSignalSpy recovered(&store, &CacheStore::recovered);
        QString error;
        const bool opened = store.open(&error);
        QFile::setPermissions(cacheDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);

        QVERIFY(!opened);
        QVERIFY(!error.isEmpty());
        QVERIFY2(error.contains(cacheDir), qPrintable(error));
        QCOMPARE(recovered.count(), 0);
        QVERIFY(!store.store(makeEntry(QStringLiteral("k"), QStringLiteral("abc"), kStoredAt)));
    }
};

QTEST_GUILESS_MAIN(TestCacheStore)
#include "tst_cachestore.moc"
