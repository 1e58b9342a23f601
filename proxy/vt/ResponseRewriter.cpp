// SPDX-License-Identifier: MIT
#include "ResponseRewriter.h"

#include <QRegularExpression>

namespace vtrelay {

ResponseRewriter::ResponseRewriter(QList<QByteArray> upstreamOrigins, QByteArray relayOrigin, QByteArray apiKey)
    : m_upstreamOrigins(std::move(upstreamOrigins))
    , m_relayOrigin(std::move(relayOrigin))
    , m_apiKey(std::move(apiKey))
{
}

QByteArray ResponseRewriter::rewrite(const QByteArray &body) const
{
    QByteArray result = body;
    for (const QByteArray &origin : m_upstreamOrigins) {
        // JSON may escape the slashes of a URL as "\/".
        QByteArray escaped = origin;
        escaped.replace("/", "\\/");
        result.replace(origin + '/', m_relayOrigin + '/');
        result.replace(escaped + "\\/", m_relayOrigin + '/');
        result.replace('"' + origin + '"', '"' + m_relayOrigin + '"');
    }
    if (!m_apiKey.isEmpty() && result.contains(m_apiKey)) {
        // An apikey=... parameter goes as a whole; any other echo becomes a placeholder.
        result.replace("apikey=" + m_apiKey + '&', QByteArray());
        result.replace("?apikey=" + m_apiKey, QByteArray());
        result.replace("&apikey=" + m_apiKey, QByteArray());
        result.replace(m_apiKey, "<redacted>");
    }
    return result;
}

} // namespace vtrelay
