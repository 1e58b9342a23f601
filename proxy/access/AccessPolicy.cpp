// SPDX-License-Identifier: MIT
#include "AccessPolicy.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace vtrelay {

namespace {
// Request headers a browser tool may send; x-apikey is accepted so that unchanged tools work,
// and the relay replaces its value anyway.
const QByteArrayList kAllowedRequestHeaders{"x-apikey", "content-type", "accept", "cache-control"};
} // namespace

bool AccessPolicy::isHostAllowed(const QByteArray &host) const
{
    if (host.isEmpty())
        return true;
    QByteArray name = host.toLower();
    QByteArray port;
    if (name.startsWith('[')) {
        const qsizetype close = name.indexOf(']');
        if (close < 0)
            return false;
        port = name.mid(close + 1);
        name = name.left(close + 1);
    } else {
        const qsizetype colon = name.lastIndexOf(':');
        if (colon >= 0) {
            port = name.mid(colon);
            name = name.left(colon);
        }
    }
    if (name != "127.0.0.1" && name != "localhost" && name != "[::1]")
        return false;
    if (port.isEmpty())
        return m_settings.port == 80;
    return port == ':' + QByteArray::number(m_settings.port);
}

bool AccessPolicy::isOriginAllowed(const QByteArray &origin) const
{
    return m_settings.allowedOrigins.contains(QString::fromUtf8(origin));
}

HttpHeaders AccessPolicy::corsResponseHeaders(const QByteArray &origin)
{
    return {{"Access-Control-Allow-Origin", origin},
            {"Access-Control-Expose-Headers", "X-Cache, Age, Retry-After"},
            {"Vary", "Origin, Accept-Encoding"}};
}

HttpHeaders AccessPolicy::preflightHeaders(const QByteArray &origin)
{
    return {{"Access-Control-Allow-Origin", origin},
            {"Access-Control-Allow-Methods", "GET, HEAD, POST, PATCH, DELETE"},
            {"Access-Control-Allow-Headers", kAllowedRequestHeaders.join(", ")},
            {"Access-Control-Max-Age", "600"},
            {"Vary", "Origin"}};
}

QString AccessPolicy::tokenName(const QByteArray &presented) const
{
    if (presented.isEmpty())
        return QString();
    return m_settings.tokens.value(hashToken(presented));
}

QByteArray AccessPolicy::hashToken(const QByteArray &token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex();
}

QByteArray AccessPolicy::generateToken()
{
    QByteArray bytes(32, '\0');
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(bytes.data()),
                                         reinterpret_cast<quint32 *>(bytes.data() + bytes.size()));
    return "vtr_" + bytes.toHex();
}

} // namespace vtrelay
