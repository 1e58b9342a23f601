// SPDX-License-Identifier: MIT
// libFuzzer target for MultipartFieldFilter. After the split header (see FuzzSplit.h) the input
// contains one line with the Content-Type value, then the body. The body goes through the filter
// whole and in the pieces the split header chooses; both outputs must match, and no part of
// the output may be a form field named apikey.
#include "FuzzSplit.h"

#include "vt/MultipartFieldFilter.h"

#include <QByteArray>
#include <QList>

#include <cstddef>
#include <cstdint>

using namespace vtrelay;

namespace {

// The filter passes on untouched a part whose headers run past its 16 KB limit.
constexpr qsizetype kMaxCheckedHeaderBytes = 15 * 1024;

void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

// Returns the values of the name parameters of a Content-Disposition value, parsed as Python's
// cgi.parse_header parses them. A ';' inside an odd number of quotes does not split, names and
// values are trimmed, and a quoted value loses its quotes and the escapes \\ and \".
QList<QByteArray> nameParameters(const QByteArray &value)
{
    QList<QByteArray> params;
    qsizetype start = 0;
    int quotes = 0;
    for (qsizetype i = 0; i <= value.size(); ++i) {
        if (i < value.size() && value[i] == '"' && (i == 0 || value[i - 1] != '\\'))
            ++quotes;
        if (i == value.size() || (value[i] == ';' && quotes % 2 == 0)) {
            params.append(value.mid(start, i - start));
            start = i + 1;
        }
    }

    QList<QByteArray> names;
    for (qsizetype p = 1; p < params.size(); ++p) { // the first one is the disposition type
        const qsizetype eq = params[p].indexOf('=');
        if (eq < 0 || params[p].left(eq).trimmed().compare("name", Qt::CaseInsensitive) != 0)
            continue;
        QByteArray name = params[p].mid(eq + 1).trimmed();
        if (name.size() >= 2 && name.startsWith('"') && name.endsWith('"'))
            name = name.mid(1, name.size() - 2).replace("\\\\", "\\").replace("\\\"", "\"");
        names.append(name);
    }
    return names;
}

bool namesApikey(const QByteArray &partHeaders)
{
    for (const QByteArray &line : partHeaders.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon < 0 || line.left(colon).compare("content-disposition", Qt::CaseInsensitive) != 0)
            continue;
        QByteArray value = line.mid(colon + 1);
        if (value.endsWith('\r'))
            value.chop(1);
        for (const QByteArray &name : nameParameters(value)) {
            if (name.compare("apikey", Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}

// Walks the parts of a multipart body as a server would (RFC 2046 delimiters: "--" boundary
// at the start of a line, optional blanks, CRLF) and checks each part's headers.
void checkNoApikeyPart(const QByteArray &body, const QByteArray &boundary)
{
    const QByteArray dashBoundary = "--" + boundary;
    qsizetype from = 0;
    for (;;) {
        qsizetype at = body.indexOf(dashBoundary, from);
        if (at < 0)
            return;
        from = at + 1;
        if (at != 0 && (at < 2 || body[at - 2] != '\r' || body[at - 1] != '\n'))
            continue; // not at the start of a line
        qsizetype i = at + dashBoundary.size();
        if (body.mid(i, 2) == "--")
            return; // the close delimiter; the rest is the epilogue
        while (i < body.size() && (body[i] == ' ' || body[i] == '\t'))
            ++i;
        if (body.mid(i, 2) != "\r\n")
            continue;
        const qsizetype headersStart = i + 2;
        qsizetype headersEnd = body.mid(headersStart, 2) == "\r\n" ? headersStart
                                                                   : body.indexOf("\r\n\r\n", headersStart);
        if (headersEnd < 0)
            return; // a part whose headers never end is not a form field
        if (headersEnd - headersStart > kMaxCheckedHeaderBytes)
            continue;
        check(!namesApikey(body.mid(headersStart, headersEnd - headersStart)));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::Splitter split(data, size);
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype lineEnd = input.indexOf('\n');
    if (lineEnd < 0)
        return 0;
    const QByteArray boundary = MultipartFieldFilter::boundaryOf(input.left(lineEnd));
    if (boundary.isEmpty())
        return 0; // the relay filters only bodies with a boundary
    const QByteArray body = input.mid(lineEnd + 1);

    MultipartFieldFilter whole(boundary, "apikey");
    const QByteArray wholeOutput = whole.process(body) + whole.finish();

    MultipartFieldFilter pieces(boundary, "apikey");
    QByteArray piecesOutput;
    for (qsizetype offset = 0; offset < body.size();) {
        const qsizetype piece = qsizetype(split.next(size_t(body.size() - offset)));
        piecesOutput += pieces.process(body.mid(offset, piece));
        offset += piece;
    }
    piecesOutput += pieces.finish();

    check(wholeOutput == piecesOutput);
    check(whole.droppedParts() == pieces.droppedParts());
    check(wholeOutput.size() <= body.size());
    checkNoApikeyPart(wholeOutput, boundary);
    return 0;
}
