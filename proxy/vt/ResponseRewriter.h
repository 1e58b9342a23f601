// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>

namespace vtrelay {

// Rewrites a JSON answer so that clients stay on the relay: absolute VirusTotal URLs (links.next,
// links.self, upload URLs) point at the relay, and any echo of the API key is removed.
class ResponseRewriter
{
public:
    // upstreamOrigins are the origins to replace, such as "https://www.virustotal.com";
    // relayOrigin is what clients used to reach the relay, such as "http://127.0.0.1:8684".
    ResponseRewriter(QList<QByteArray> upstreamOrigins, QByteArray relayOrigin, QByteArray apiKey);

    QByteArray rewrite(const QByteArray &body) const;

private:
    QList<QByteArray> m_upstreamOrigins;
    QByteArray m_relayOrigin;
    QByteArray m_apiKey;
};

} // namespace vtrelay
