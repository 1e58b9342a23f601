// SPDX-License-Identifier: MIT
#include "UpstreamClient.h"

#include <QFile>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>

Q_LOGGING_CATEGORY(lcUpstream, "vtrelay.upstream")

namespace vtrelay {

namespace {
bool isLoopbackHost(const QString &host)
{
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}
} // namespace

UpstreamClient::UpstreamClient(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
    , m_ssl(QSslConfiguration::defaultConfiguration())
{
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network->setAutoDeleteReplies(false);
}

bool UpstreamClient::validateBaseUrl(const QUrl &url, QString *error)
{
    if (!url.isValid() || url.host().isEmpty()) {
        *error = QStringLiteral("The upstream URL \"%1\" is not valid. Use for example https://www.virustotal.com.")
                     .arg(url.toString());
        return false;
    }
    if (url.scheme() == u"https")
        return true;
    if (url.scheme() == u"http" && isLoopbackHost(url.host()))
        return true;
    if (url.scheme() == u"http") {
        *error = QStringLiteral("Plain http is accepted only for a loopback upstream (127.0.0.1, ::1 or "
                                "localhost), because the API key would cross the network unencrypted. "
                                "Use https://%1 instead.").arg(url.host());
        return false;
    }
    *error = QStringLiteral("The upstream URL must start with https:// (or http:// for a loopback host), not \"%1\".")
                 .arg(url.toString());
    return false;
}

bool UpstreamClient::configure(const Settings &settings, QString *error)
{
    if (!validateBaseUrl(settings.baseUrl, error))
        return false;
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (!settings.extraCaFile.isEmpty()) {
        QFile file(settings.extraCaFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("Cannot read the CA file %1: %2.").arg(settings.extraCaFile, file.errorString());
            return false;
        }
        const QList<QSslCertificate> certificates = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
        if (certificates.isEmpty()) {
            *error = QStringLiteral("The CA file %1 holds no PEM certificate.").arg(settings.extraCaFile);
            return false;
        }
        ssl.addCaCertificates(certificates);
    }
    ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_ssl = ssl;
    m_settings = settings;
    return true;
}

HttpHeaders UpstreamClient::forwardableHeaders(const HttpHeaders &clientHeaders)
{
    static const QByteArray dropped[] = {"host", "x-apikey", "apikey", "content-length", "accept-encoding",
                                         "cookie", "origin", "referer", "expect", "cache-control", "pragma",
                                         "authorization"};
    HttpHeaders headers;
    for (const auto &field : clientHeaders.fields()) {
        if (HttpHeaders::isHopByHop(field.first))
            continue;
        bool drop = false;
        for (const QByteArray &name : dropped)
            drop = drop || field.first.compare(name, Qt::CaseInsensitive) == 0;
        if (!drop)
            headers.append(field.first, field.second);
    }
    return headers;
}

QNetworkReply *UpstreamClient::send(const QByteArray &method, const QByteArray &pathAndQuery,
                                    const HttpHeaders &headers, QIODevice *body, qint64 bodySize)
{
    QUrl url = m_settings.baseUrl;
    const qsizetype q = pathAndQuery.indexOf('?');
    url.setPath(QString::fromUtf8(q < 0 ? pathAndQuery : pathAndQuery.left(q)), QUrl::TolerantMode);
    url.setQuery(q < 0 ? QString() : QString::fromUtf8(pathAndQuery.mid(q + 1)), QUrl::TolerantMode);

    QNetworkRequest request(url);
    request.setSslConfiguration(m_ssl);
    request.setTransferTimeout(body ? m_settings.uploadTimeoutMs : m_settings.lookupTimeoutMs);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    for (const auto &field : headers.fields())
        request.setRawHeader(field.first, field.second);

    // VirusTotal's front end compresses only for a non-browser User-Agent that says gzip,
    // and a Accept-Encoding set here stops Qt from decoding, so bodies pass through as sent.
    request.setRawHeader("Accept-Encoding", "gzip");
    QByteArray agent = headers.value("user-agent");
    if (!agent.contains("gzip"))
        agent = (agent.isEmpty() ? QByteArray("unknown") : agent) + "; vtrelay/" VTRELAY_VERSION "; gzip";
    request.setRawHeader("User-Agent", agent);
    if (body && bodySize >= 0)
        request.setHeader(QNetworkRequest::ContentLengthHeader, bodySize);

    // The path can hold the key (users/{key}), so only the method and host are logged.
    qCDebug(lcUpstream).noquote() << "Sending a" << method << "request to" << url.host();
    // A custom "HEAD" verb would make Qt wait for a body of Content-Length bytes.
    if (method == "HEAD")
        return m_network->head(request);
    return m_network->sendCustomRequest(request, method, body);
}

} // namespace vtrelay
