// SPDX-License-Identifier: MIT
#pragma once

#include "http/HttpHeaders.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

namespace vtrelay {

// Rules for which clients may use the relay. The Host header must name the loopback address
// the relay listens on, which defeats DNS rebinding. Browser pages must come from an allowed origin (CORS). When relay
// tokens are required, every client presents one of the relay's tokens as its key.
class AccessPolicy
{
public:
    struct Settings
    {
        quint16 port = 8684;
        QStringList allowedOrigins; // exact origins, e.g. "http://127.0.0.1:3000"
        bool requireTokens = false;
        QHash<QByteArray, QString> tokens; // SHA-256 hex of a token -> the token's name
    };

    AccessPolicy() = default;
    explicit AccessPolicy(Settings settings) : m_settings(std::move(settings)) {}

    const Settings &settings() const { return m_settings; }
    void setSettings(const Settings &settings) { m_settings = settings; }

    // Whether host (the Host header) names 127.0.0.1, localhost or [::1] with the listening
    // port. An absent Host is accepted: only HTTP/1.0 clients omit it, and browsers never do.
    bool isHostAllowed(const QByteArray &host) const;
    bool isOriginAllowed(const QByteArray &origin) const;
    // Headers that let a page from origin read the response.
    static HttpHeaders corsResponseHeaders(const QByteArray &origin);
    // Headers of the answer to an allowed CORS preflight request.
    static HttpHeaders preflightHeaders(const QByteArray &origin);

    // The name of the token presented, or an empty string when it is not a relay token.
    QString tokenName(const QByteArray &presented) const;
    static QByteArray hashToken(const QByteArray &token);
    // A new random token: 32 bytes from the system's secure generator, hex-encoded.
    static QByteArray generateToken();

private:
    Settings m_settings;
};

} // namespace vtrelay
