// SPDX-License-Identifier: MIT
#include "MultipartFieldFilter.h"

#include <QRegularExpression>

namespace vtrelay {

namespace {
// Part headers longer than this are passed through without inspection.
constexpr qsizetype kMaxPartHeaderBytes = 16 * 1024;
} // namespace

MultipartFieldFilter::MultipartFieldFilter(const QByteArray &boundary, const QByteArray &fieldName)
    : m_delimiter("\r\n--" + boundary)
    , m_fieldName(fieldName)
    , m_pending("\r\n") // lets the first delimiter, which has no CRLF before it, match too
{
}

QByteArray MultipartFieldFilter::boundaryOf(const QByteArray &contentType)
{
    static const QRegularExpression re(QStringLiteral("boundary=(\"([^\"]+)\"|([^;\\s]+))"),
                                       QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = re.match(QString::fromLatin1(contentType));
    if (!m.hasMatch())
        return {};
    return (m.captured(2).isEmpty() ? m.captured(3) : m.captured(2)).toLatin1();
}

QByteArray MultipartFieldFilter::emitBytes(const QByteArray &bytes)
{
    if (m_skipOutput == 0)
        return bytes;
    const qsizetype skip = qMin<qsizetype>(m_skipOutput, bytes.size());
    m_skipOutput -= int(skip);
    return bytes.mid(skip);
}

bool MultipartFieldFilter::isDroppedField(const QByteArray &partHeaders) const
{
    // The parameters before name are matched whole, quoted strings included, so that a filename
    // such as "a; name=apikey" is not taken for the field name. Empty parameters, parameters
    // without '=' and blanks around '=' match too, because form parsers accept them. Outside
    // quotes only \" is an escape, as in Python's cgi.parse_header.
    const QString parameterText = QStringLiteral("(?:\\\\\"|[^;\"\\r\\n]|\"(?:[^\"\\\\\\r\\n]|\\\\.)*\")*");
    const QRegularExpression re(QStringLiteral("^content-disposition:%1(?:;%1)*"
                                               ";\\s*name\\s*=\\s*\"?%2\"?\\s*(;|\\r|$)")
                                    .arg(parameterText, QRegularExpression::escape(QString::fromLatin1(m_fieldName))),
                                QRegularExpression::CaseInsensitiveOption | QRegularExpression::MultilineOption);
    // Only CRLF ends a header line. A bare CR counts as a blank, as in some form parsers.
    QByteArray lines = partHeaders;
    lines.replace("\r\n", "\n").replace('\r', ' ');
    return re.match(QString::fromLatin1(lines)).hasMatch();
}

QByteArray MultipartFieldFilter::process(const QByteArray &input)
{
    m_pending.append(input);
    QByteArray out;

    for (;;) {
        if (m_mode == Mode::Epilogue) {
            out += emitBytes(m_pending);
            m_pending.clear();
            return out;
        }

        if (m_mode == Mode::Body) {
            const qsizetype at = m_pending.indexOf(m_delimiter);
            if (at < 0) {
                // Keep a tail that could be the start of a delimiter split across reads.
                const qsizetype safe = m_pending.size() - (m_delimiter.size() - 1);
                if (safe > 0) {
                    if (m_keep)
                        out += emitBytes(m_pending.left(safe));
                    m_pending.remove(0, safe);
                }
                return out;
            }
            if (m_keep)
                out += emitBytes(m_pending.left(at));
            m_pending.remove(0, at);
            m_mode = Mode::PartHeaders;
        }

        // m_pending starts with a delimiter.
        const qsizetype afterDelimiter = m_delimiter.size();
        if (m_pending.size() < afterDelimiter + 2)
            return out;
        if (m_pending.mid(afterDelimiter, 2) == "--") {
            m_keep = true;
            m_mode = Mode::Epilogue;
            continue;
        }
        // A delimiter line ends in optional blanks and CRLF (RFC 2046). Anything else is body
        // text to a server, so it must not end the part here either.
        qsizetype lineEnd = afterDelimiter;
        while (lineEnd < m_pending.size() && (m_pending.at(lineEnd) == ' ' || m_pending.at(lineEnd) == '\t'))
            ++lineEnd;
        if (lineEnd + 2 > m_pending.size() && m_pending.size() <= kMaxPartHeaderBytes)
            return out;
        if (m_pending.mid(lineEnd, 2) != "\r\n") {
            if (m_keep)
                out += emitBytes(m_pending.left(1));
            m_pending.remove(0, 1);
            m_mode = Mode::Body;
            continue;
        }
        const qsizetype headersEnd = m_pending.indexOf("\r\n\r\n", lineEnd);
        if (headersEnd < 0) {
            if (m_pending.size() <= kMaxPartHeaderBytes)
                return out;
            m_keep = true; // not a form part we understand; pass it on untouched
            out += emitBytes(m_pending);
            m_pending.clear();
            m_mode = Mode::Body;
            continue;
        }
        const qsizetype partStart = headersEnd + 4;
        m_keep = !isDroppedField(m_pending.mid(lineEnd + 2, partStart - lineEnd - 2));
        // The headers' last CRLF stays pending, because form parsers also end an empty body at a
        // "--boundary" that follows the headers at once.
        const qsizetype consumed = partStart - 2;
        if (m_keep)
            out += emitBytes(m_pending.left(consumed));
        else
            ++m_dropped;
        m_pending.remove(0, consumed);
        m_mode = Mode::Body;
    }
}

QByteArray MultipartFieldFilter::finish()
{
    QByteArray out;
    if (m_keep || m_mode == Mode::Epilogue)
        out = emitBytes(m_pending);
    m_pending.clear();
    return out;
}

} // namespace vtrelay
