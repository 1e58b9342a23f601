// SPDX-License-Identifier: MIT
#include "cache/Gzip.h"

#include <QRandomGenerator>
#include <QTest>

using namespace vtrelay;

namespace {
QByteArray randomBytes(qsizetype size, quint32 seed)
{
    QByteArray bytes;
    bytes.reserve(size);
    QRandomGenerator generator(seed);
    for (qsizetype i = 0; i < size; ++i)
        bytes += char(generator.bounded(256));
    return bytes;
}

QByteArray allByteValues()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes += char(i);
    return bytes;
}

QByteArray jsonReport()
{
    const QByteArray item = R"({"data": {"type": "file", "attributes": {"last_analysis_results": {}}}})";
    return item.repeated(2000);
}

QByteArray inflateInChunks(GzipInflater &inflater, const QByteArray &compressed, qsizetype chunkSize)
{
    QByteArray out;
    for (qsizetype pos = 0; pos < compressed.size(); pos += chunkSize)
        out += inflater.inflate(compressed.mid(pos, chunkSize));
    return out;
}
} // namespace

class TestGzip : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<int>("level");

        QTest::newRow("empty") << QByteArray() << 6;
        QTest::newRow("short text") << QByteArray("hello") << 6;
        QTest::newRow("all byte values") << allByteValues() << 6;
        QTest::newRow("json report") << jsonReport() << 6;
        QTest::newRow("random 300 KiB") << randomBytes(300 * 1024, 7) << 6;
        QTest::newRow("zeros 2 MiB, level 9") << QByteArray(2 * 1024 * 1024, '\0') << 9;
        QTest::newRow("json report, level 1") << jsonReport() << 1;
    }

    void roundTrip()
    {
        QFETCH(QByteArray, data);
        QFETCH(int, level);

        const QByteArray compressed = Gzip::compress(data, level);
        QVERIFY(!compressed.isEmpty());
        QVERIFY(Gzip::looksCompressed(compressed));

        QByteArray decompressed("left over");
        QVERIFY(Gzip::decompress(compressed, &decompressed));
        QCOMPARE(decompressed.size(), data.size());
        QVERIFY(decompressed == data);
    }

    void compressesRepetitiveData()
    {
        const QByteArray data = jsonReport();
        QVERIFY(Gzip::compress(data).size() < data.size() / 10);
    }

    void outputLimit_data()
    {
        QTest::addColumn<qsizetype>("maxOutput");
        QTest::addColumn<bool>("ok");

        // The data is 1 MiB of zeros, which compresses to about 1 KiB.
        QTest::newRow("well above") << qsizetype(4 * 1024 * 1024) << true;
        QTest::newRow("exactly the size") << qsizetype(1024 * 1024) << true;
        QTest::newRow("one byte short") << qsizetype(1024 * 1024 - 1) << false;
        QTest::newRow("tiny") << qsizetype(10) << false;
    }

    void outputLimit()
    {
        QFETCH(qsizetype, maxOutput);
        QFETCH(bool, ok);

        const QByteArray data(1024 * 1024, '\0');
        QByteArray decompressed;
        QCOMPARE(Gzip::decompress(Gzip::compress(data), &decompressed, maxOutput), ok);
        if (ok)
            QVERIFY(decompressed == data);
    }

    void looksCompressed_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<bool>("expected");

        QTest::newRow("gzip output") << Gzip::compress("x") << true;
        QTest::newRow("magic only") << QByteArray("\x1f\x8b") << true;
        QTest::newRow("json") << QByteArray("{}") << false;
        QTest::newRow("one byte") << QByteArray("\x1f") << false;
        QTest::newRow("empty") << QByteArray() << false;
    }

    void looksCompressed()
    {
        QFETCH(QByteArray, data);
        QFETCH(bool, expected);

        QCOMPARE(Gzip::looksCompressed(data), expected);
    }

    void inflaterChunks_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<int>("chunkSize");

        const QByteArray json = jsonReport();
        const QByteArray random = randomBytes(200 * 1024, 11);
        QTest::newRow("json, 1 byte") << json << 1;
        QTest::newRow("json, 7 bytes") << json << 7;
        QTest::newRow("json, 4 KiB") << json << 4096;
        QTest::newRow("json, whole") << json << int(json.size());
        QTest::newRow("random, 13 bytes") << random << 13;
        QTest::newRow("random, 64 KiB") << random << 64 * 1024;
        // Expands far past the 64 KiB output buffer from a few input bytes.
        QTest::newRow("zeros 1 MiB, 5 bytes") << QByteArray(1024 * 1024, '\0') << 5;
        QTest::newRow("empty, 1 byte") << QByteArray() << 1;
    }

    void inflaterChunks()
    {
        QFETCH(QByteArray, data);
        QFETCH(int, chunkSize);

        const QByteArray compressed = Gzip::compress(data);
        QByteArray oneShot;
        QVERIFY(Gzip::decompress(compressed, &oneShot));

        GzipInflater inflater;
        const QByteArray streamed = inflateInChunks(inflater, compressed, chunkSize);
        QVERIFY(!inflater.hasError());
        QCOMPARE(streamed.size(), oneShot.size());
        QVERIFY(streamed == oneShot);
        QVERIFY(streamed == data);
    }

    void corruptInput_data()
    {
        QTest::addColumn<QByteArray>("input");

        const QByteArray good = Gzip::compress(jsonReport());
        QByteArray badCrc = good;
        badCrc[badCrc.size() - 8] = char(badCrc.at(badCrc.size() - 8) ^ 0x01); // first byte of the CRC-32 trailer
        QByteArray badLength = good;
        badLength[badLength.size() - 1] = char(badLength.at(badLength.size() - 1) ^ 0x40); // size modulo 2^32
        QByteArray badMethod = good;
        badMethod[2] = 7; // compression method must be 8, deflate

        QTest::newRow("not gzip") << QByteArray("{\"data\": {}}");
        QTest::newRow("random bytes") << randomBytes(4096, 3);
        QTest::newRow("bad crc") << badCrc;
        QTest::newRow("bad length") << badLength;
        QTest::newRow("bad method") << badMethod;
        QTest::newRow("zlib not gzip") << QByteArray::fromHex("789c4b040000620062");
    }

    void corruptInput()
    {
        QFETCH(QByteArray, input);

        QByteArray output;
        QVERIFY(!Gzip::decompress(input, &output));

        GzipInflater inflater;
        inflateInChunks(inflater, input, 100);
        QVERIFY(inflater.hasError());
        // Once in error, the inflater returns nothing more.
        QVERIFY(inflater.inflate(Gzip::compress("x")).isEmpty());
    }

    void truncatedInput_data()
    {
        QTest::addColumn<QByteArray>("input");

        const QByteArray good = Gzip::compress(randomBytes(100 * 1024, 5));
        QTest::newRow("header only") << good.left(10);
        QTest::newRow("half") << good.left(good.size() / 2);
        QTest::newRow("no trailer") << good.left(good.size() - 8);
        QTest::newRow("last byte missing") << good.left(good.size() - 1);
    }

    void truncatedInput()
    {
        QFETCH(QByteArray, input);

        QByteArray output;
        QVERIFY(!Gzip::decompress(input, &output));
    }
};

QTEST_GUILESS_MAIN(TestGzip)
#include "tst_gzip.moc"
