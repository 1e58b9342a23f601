// SPDX-License-Identifier: MIT
#include "vt/MultipartFieldFilter.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using namespace vtrelay;

namespace {
const QByteArray kBoundary = "----vtrelayBoundary7MA4YWxk";
const QByteArray kClientKey = "client-key-0123";
constexpr quint32 kSeed = 20240611;

// Chunk sizes for feeding the filter: 0 feeds everything at once, -1 random sizes.
constexpr int kWhole = 0;
constexpr int kRandom = -1;

struct Part
{
    QByteArray name;
    QByteArray filename; // empty for a plain field
    QByteArray content;
};

struct ParsedPart
{
    QByteArray headers;
    QByteArray content;
};

// File content that tries to trip the filter: every byte value, CRLFs, dashes and boundary prefixes.
QByteArray trickyFileContent()
{
    QByteArray content;
    for (int i = 0; i < 256; ++i)
        content += char(i);
    content += "\r\n--";
    content += "\r\n--" + kBoundary.left(kBoundary.size() - 1) + "X";
    content += "\r\n-";
    content += "x--" + kBoundary + "\r\n";
    content += "\r\n\r\n";
    QRandomGenerator random(kSeed);
    for (int i = 0; i < 5000; ++i)
        content += char(random.bounded(256));
    content += "\r\n--" + kBoundary.left(5);
    content += "\r"; // a lone CR right before the real delimiter
    return content;
}

QByteArray buildBody(const QList<Part> &parts, const QByteArray &preamble = {})
{
    QByteArray body = preamble;
    for (const Part &part : parts) {
        body += "--" + kBoundary + "\r\n";
        body += "Content-Disposition: form-data; name=\"" + part.name + '"';
        if (!part.filename.isEmpty())
            body += "; filename=\"" + part.filename + "\"\r\nContent-Type: application/octet-stream";
        body += "\r\n\r\n" + part.content + "\r\n";
    }
    body += "--" + kBoundary + "--\r\n";
    return body;
}

// A deliberately simple parser, independent of the filter, that checks the output is well formed.
bool parseBody(const QByteArray &body, QList<ParsedPart> *parts)
{
    const QByteArray dashBoundary = "--" + kBoundary;
    const QByteArray delimiter = "\r\n" + dashBoundary;
    qsizetype pos = body.indexOf(dashBoundary);
    if (pos != 0 && (pos < 2 || body.mid(pos - 2, 2) != "\r\n"))
        return false;
    pos += dashBoundary.size();
    for (;;) {
        if (body.mid(pos, 2) == "--")
            return body.mid(pos + 2) == "\r\n";
        if (body.mid(pos, 2) != "\r\n")
            return false;
        pos += 2;
        const qsizetype next = body.indexOf(delimiter, pos);
        if (next < 0)
            return false;
        const QByteArray part = body.mid(pos, next - pos);
        const qsizetype headersEnd = part.indexOf("\r\n\r\n");
        if (headersEnd < 0)
            return false;
        parts->append({part.left(headersEnd), part.mid(headersEnd + 4)});
        pos = next + delimiter.size();
    }
}

QByteArray fieldName(const ParsedPart &part)
{
    static const QRegularExpression re(QStringLiteral(";\\s*name=\"([^\"]*)\""));
    return re.match(QString::fromLatin1(part.headers)).captured(1).toLatin1();
}

QByteArray filterBody(MultipartFieldFilter &filter, const QByteArray &body, int chunkSize)
{
    QByteArray out;
    QRandomGenerator random(kSeed);
    qsizetype pos = 0;
    while (pos < body.size()) {
        qsizetype size = body.size();
        if (chunkSize > 0)
            size = chunkSize;
        else if (chunkSize == kRandom)
            size = random.bounded(1, 97);
        out += filter.process(body.mid(pos, size));
        pos += size;
    }
    out += filter.finish();
    return out;
}

QList<Part> withoutField(const QList<Part> &parts, const QByteArray &name)
{
    QList<Part> kept;
    for (const Part &part : parts) {
        if (part.name != name)
            kept.append(part);
    }
    return kept;
}
} // namespace

Q_DECLARE_METATYPE(QList<Part>)

class TestMultipartFieldFilter : public QObject
{
    Q_OBJECT

private slots:
    void dropsKeyPart_data()
    {
        QTest::addColumn<QList<Part>>("parts");
        QTest::addColumn<QByteArray>("preamble");
        QTest::addColumn<int>("chunkSize");

        const Part key{"apikey", {}, kClientKey};
        const Part file{"file", "sample.bin", trickyFileContent()};
        const Part notes{"notes", {}, "password: infected"};
        const QList<QPair<const char *, QList<Part>>> layouts{
            {"key first", {key, file}},
            {"key middle", {notes, key, file}},
            {"key last", {file, notes, key}},
            {"key only", {key}},
            {"two keys", {key, file, key}},
            {"no key", {notes, file}},
        };
        const QList<QPair<const char *, int>> chunkings{
            {"whole", kWhole}, {"byte by byte", 1}, {"random chunks", kRandom}};

        for (const auto &[layoutName, parts] : layouts) {
            for (const auto &[chunkingName, chunkSize] : chunkings) {
                QTest::addRow("%s, %s", layoutName, chunkingName) << parts << QByteArray() << chunkSize;
            }
        }
        QTest::newRow("preamble, whole") << QList<Part>{key, file} << QByteArray("ignored preamble\r\n") << kWhole;
        QTest::newRow("preamble, byte by byte") << QList<Part>{key, file} << QByteArray("ignored preamble\r\n") << 1;
    }

    void dropsKeyPart()
    {
        QFETCH(QList<Part>, parts);
        QFETCH(QByteArray, preamble);
        QFETCH(int, chunkSize);

        const QList<Part> keptParts = withoutField(parts, "apikey");
        MultipartFieldFilter filter(kBoundary, "apikey");
        const QByteArray out = filterBody(filter, buildBody(parts, preamble), chunkSize);

        QCOMPARE(filter.droppedParts(), int(parts.size() - keptParts.size()));
        QVERIFY(!out.contains(kClientKey));
        QVERIFY(out.startsWith(preamble));

        QList<ParsedPart> parsed;
        QVERIFY2(parseBody(out, &parsed), out.left(200).constData());
        QCOMPARE(parsed.size(), keptParts.size());
        for (qsizetype i = 0; i < parsed.size(); ++i) {
            QCOMPARE(fieldName(parsed.at(i)), keptParts.at(i).name);
            // QCOMPARE on large byte arrays prints little, so compare sizes first.
            QCOMPARE(parsed.at(i).content.size(), keptParts.at(i).content.size());
            QVERIFY(parsed.at(i).content == keptParts.at(i).content);
        }
        // Apart from the dropped parts, every byte passes through unchanged.
        QVERIFY(out == buildBody(keptParts, preamble));
    }

    void keepsSimilarNames_data()
    {
        QTest::addColumn<QByteArray>("disposition");

        QTest::newRow("field apikey2") << QByteArray("form-data; name=\"apikey2\"");
        QTest::newRow("field x-apikey") << QByteArray("form-data; name=\"x-apikey\"");
        QTest::newRow("field my_apikey") << QByteArray("form-data; name=\"my_apikey\"");
        QTest::newRow("file apikey.txt") << QByteArray("form-data; name=\"file\"; filename=\"apikey.txt\"");
        QTest::newRow("file apikey") << QByteArray("form-data; name=\"file\"; filename=\"apikey\"");
        QTest::newRow("filename first") << QByteArray("form-data; filename=\"apikey\"; name=\"file\"");
        QTest::newRow("filename with name=apikey")
            << QByteArray("form-data; name=\"file\"; filename=\"a; name=apikey\"");
        QTest::newRow("filename with escaped quote")
            << QByteArray("form-data; name=\"file\"; filename=\"a\\\"; name=apikey\"");
    }

    void keepsSimilarNames()
    {
        QFETCH(QByteArray, disposition);

        const QByteArray body = "--" + kBoundary + "\r\nContent-Disposition: " + disposition
                                + "\r\n\r\napikey=" + kClientKey + "\r\n--" + kBoundary + "--\r\n";
        MultipartFieldFilter filter(kBoundary, "apikey");
        const QByteArray out = filterBody(filter, body, kWhole);

        QCOMPARE(filter.droppedParts(), 0);
        QCOMPARE(out, body);
    }

    void dropsHeaderVariants_data()
    {
        QTest::addColumn<QByteArray>("headers");

        QTest::newRow("quoted") << QByteArray("Content-Disposition: form-data; name=\"apikey\"");
        QTest::newRow("unquoted") << QByteArray("Content-Disposition: form-data; name=apikey");
        QTest::newRow("lower-case header") << QByteArray("content-disposition: form-data; name=\"apikey\"");
        QTest::newRow("no space") << QByteArray("Content-Disposition: form-data;name=\"apikey\"");
        QTest::newRow("after filename")
            << QByteArray("Content-Disposition: form-data; filename=\"k; x\"; name=\"apikey\"");
        QTest::newRow("disposition second")
            << QByteArray("Content-Type: text/plain\r\nContent-Disposition: form-data; name=\"apikey\"");
        // Found by fuzz/fuzz_multipart: form parsers accept these, so the filter must too.
        QTest::newRow("blanks around =") << QByteArray("Content-Disposition: form-data; name = \"apikey\"");
        QTest::newRow("empty parameter") << QByteArray("Content-Disposition:;;name=\"apikey\"");
        QTest::newRow("parameter without =") << QByteArray("Content-Disposition: form-data; x; name=apikey");
        QTest::newRow("bare CR") << QByteArray("Content-Disposition: form-data\r; name=\"apikey\"");
        QTest::newRow("backslash before ;") << QByteArray("Content-Disposition: form-data\\; name=\"apikey\"");
    }

    void dropsHeaderVariants()
    {
        QFETCH(QByteArray, headers);

        const QByteArray file = "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
                                "filename=\"a.bin\"\r\n\r\nMZ\x90\r\n";
        const QByteArray body = "--" + kBoundary + "\r\n" + headers + "\r\n\r\n" + kClientKey + "\r\n" + file + "--"
                                + kBoundary + "--\r\n";
        MultipartFieldFilter filter(kBoundary, "apikey");
        const QByteArray out = filterBody(filter, body, kWhole);

        QCOMPARE(filter.droppedParts(), 1);
        QCOMPARE(out, file + "--" + kBoundary + "--\r\n");
    }

    // "--boundary" followed by other text than blanks and CRLF is no delimiter (RFC 2046), so a
    // part that follows it must still be read as a part. Found by fuzz/fuzz_multipart.
    void delimiterNeedsLineEnd()
    {
        const QByteArray file = "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
                                "filename=\"a.bin\"\r\n\r\nMZ\r\n";
        const QByteArray body = "--" + kBoundary + "\r[\r\n\r\n--" + kBoundary
                                + "\r\nContent-Disposition: form-data; name=\"apikey\"\r\n\r\n" + kClientKey + "\r\n"
                                + file + "--" + kBoundary + "--\r\n";
        for (int chunk : {kWhole, 1}) {
            MultipartFieldFilter filter(kBoundary, "apikey");
            const QByteArray out = filterBody(filter, body, chunk);
            QCOMPARE(filter.droppedParts(), 1);
            QVERIFY(!out.contains(kClientKey));
            QVERIFY(out.endsWith(file + "--" + kBoundary + "--\r\n"));
        }
    }

    // Form parsers end an empty part body at a "--boundary" that follows its headers at once,
    // so the part after it must be read too. Found by fuzz/fuzz_multipart.
    void emptyBodyEndsAtNextDelimiter()
    {
        const QByteArray body = "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n--" + kBoundary
                                + "\r\nContent-Disposition: form-data; name=\"apikey\"\r\n\r\n" + kClientKey + "\r\n--"
                                + kBoundary + "--\r\n";
        for (int chunk : {kWhole, 1}) {
            MultipartFieldFilter filter(kBoundary, "apikey");
            const QByteArray out = filterBody(filter, body, chunk);
            QCOMPARE(filter.droppedParts(), 1);
            QVERIFY(!out.contains(kClientKey));
            QVERIFY(out.endsWith("--" + kBoundary + "--\r\n"));
        }
    }

    void boundaryOf_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("boundary");

        QTest::newRow("unquoted") << QByteArray("multipart/form-data; boundary=abc123") << QByteArray("abc123");
        QTest::newRow("quoted") << QByteArray("multipart/form-data; boundary=\"abc 123\"") << QByteArray("abc 123");
        QTest::newRow("quoted with colon") << QByteArray("multipart/form-data; boundary=\"a:b=c\"")
                                           << QByteArray("a:b=c");
        QTest::newRow("upper-case name") << QByteArray("multipart/form-data; BOUNDARY=xyz") << QByteArray("xyz");
        QTest::newRow("followed by parameter") << QByteArray("multipart/form-data; boundary=abc; charset=utf-8")
                                               << QByteArray("abc");
        QTest::newRow("after parameter") << QByteArray("multipart/form-data; charset=utf-8; boundary=abc")
                                         << QByteArray("abc");
        QTest::newRow("dashes") << "multipart/form-data; boundary=" + kBoundary << kBoundary;
        QTest::newRow("missing") << QByteArray("multipart/form-data") << QByteArray();
        QTest::newRow("not multipart") << QByteArray("application/json") << QByteArray();
    }

    void boundaryOf()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, boundary);

        QCOMPARE(MultipartFieldFilter::boundaryOf(contentType), boundary);
    }
};

QTEST_GUILESS_MAIN(TestMultipartFieldFilter)
#include "tst_multipartfieldfilter.moc"
