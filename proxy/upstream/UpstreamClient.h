// SPDX-License-Identifier: MIT
#pragma once

#include "http/HttpHeaders.h"

#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

class QIODevice;
class QNetworkAccessManager;
class QNetworkReply;

namespace vtrelay {

// Sends requests to VirusTotal (or the --upstream URL) through one QNetworkAccessManager, so
// connections and TLS sessions are reused. TLS peers are always verified.
class UpstreamClient : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QUrl baseUrl = QUrl(QStringLiteral("https://www.virustotal.com"));
        QString extraCaFile; // PEM file with more trusted CAs, for tests
        int lookupTimeoutMs = 120'000;
        int uploadTimeoutMs = 15 * 60'000;
    };

    explicit UpstreamClient(QObject *parent = nullptr);

    // Validates and applies settings; returns false with a message a user can act on.
    bool configure(const Settings &settings, QString *error);
    const Settings &settings() const { return m_settings; }

    // Checks that url may serve as upstream: https, or plain http on a loopback host only.
    static bool validateBaseUrl(const QUrl &url, QString *error);

    // Sends one request. pathAndQuery starts with '/'. body may be null; bodySize -1 means
    // the body's size is unknown (then body must not be sequential). The caller owns the reply.
    QNetworkReply *send(const QByteArray &method, const QByteArray &pathAndQuery, const HttpHeaders &headers,
                        QIODevice *body, qint64 bodySize);

    // Headers from a client request that may go upstream: no hop-by-hop fields, no Host,
    // no credentials, no cookies and no browser context.
    static HttpHeaders forwardableHeaders(const HttpHeaders &clientHeaders);

private:
    QNetworkAccessManager *m_network;
    Settings m_settings;
    QSslConfiguration m_ssl;
};

} // namespace vtrelay
