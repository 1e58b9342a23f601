// SPDX-License-Identifier: MIT
#include "CacheEntry.h"

namespace vtrelay {

QByteArray CacheEntry::serializeHeaders(const HttpHeaders &headers)
{
    QByteArray text;
    for (const auto &field : headers.fields())
        text += field.first + ": " + field.second + '\n';
    return text;
}

HttpHeaders CacheEntry::parseHeaders(const QByteArray &text)
{
    HttpHeaders headers;
    for (const QByteArray &line : text.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            headers.append(line.left(colon), line.mid(colon + 1).trimmed());
    }
    return headers;
}

} // namespace vtrelay
