// SPDX-License-Identifier: MIT
#include "CacheViewModel.h"

#include "RelayHost.h"
#include "RequestLogModel.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

#include <algorithm>
#include <memory>

Q_LOGGING_CATEGORY(lcCacheView, "vtrelay.gui.cache")

namespace vtrelay {

namespace {
QString v3Collection(const QString &kind)
{
    static const QHash<QString, QString> collections{
        {QStringLiteral("file"), QStringLiteral("files")},
        {QStringLiteral("url"), QStringLiteral("urls")},
        {QStringLiteral("domain"), QStringLiteral("domains")},
        {QStringLiteral("ip_address"), QStringLiteral("ip_addresses")},
        {QStringLiteral("analysis"), QStringLiteral("analyses")},
    };
    return collections.value(kind);
}

QString v2IdParameter(const QString &endpoint)
{
    if (endpoint == u"domain/report")
        return QStringLiteral("domain");
    if (endpoint == u"ip-address/report")
        return QStringLiteral("ip");
    if (endpoint == u"file/report" || endpoint == u"url/report")
        return QStringLiteral("resource");
    return QString();
}
} // namespace

CacheViewModel::CacheViewModel(RelayHost *host, QObject *parent)
    : QObject(parent)
    , m_host(host)
    , m_network(new QNetworkAccessManager(this))
{
    m_searchDelay.setSingleShot(true);
    m_searchDelay.setInterval(250);
    connect(&m_searchDelay, &QTimer::timeout, this, &CacheViewModel::search);
    m_changeThrottle.setSingleShot(true);
    m_changeThrottle.setInterval(2000);
    connect(&m_changeThrottle, &QTimer::timeout, this, &CacheViewModel::search);
}

void CacheViewModel::entriesMayHaveChanged()
{
    if (!m_changeThrottle.isActive())
        m_changeThrottle.start();
}

QString CacheViewModel::sizeText() const
{
    return RequestLogModel::formatSize(m_bytes);
}

QString CacheViewModel::hitRatioText() const
{
    const qint64 total = m_hitsToday + m_missesToday;
    if (total == 0)
        return tr("no lookups today");
    return QStringLiteral("%1 %").arg(100.0 * double(m_hitsToday) / double(total), 0, 'f', 1);
}

void CacheViewModel::setTodayCounts(qint64 hits, qint64 misses)
{
    if (hits == m_hitsToday && misses == m_missesToday)
        return;
    m_hitsToday = hits;
    m_missesToday = misses;
    emit statsChanged();
}

void CacheViewModel::setSearchText(const QString &text)
{
    if (m_searchText == text)
        return;
    m_searchText = text;
    emit searchTextChanged();
    m_searchDelay.start();
}

void CacheViewModel::setMessage(const QString &message)
{
    if (m_message == message)
        return;
    m_message = message;
    emit messageChanged();
}

void CacheViewModel::begin()
{
    if (m_pending++ == 0)
        emit busyChanged();
}

void CacheViewModel::end()
{
    if (--m_pending == 0)
        emit busyChanged();
}

QStringList CacheViewModel::searchTermsFor(const QString &text)
{
    const QString trimmed = text.trimmed();
    QStringList terms{trimmed};
    if (trimmed.contains(QStringLiteral("://"))) {
        terms.append(QString::fromLatin1(
            trimmed.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)));
    }
    return terms;
}

void CacheViewModel::search()
{
    m_searchDelay.stop();
    begin();
    // Every term is one query on the relay thread; the rows are merged once all have arrived.
    const QStringList terms = searchTermsFor(m_searchText);
    auto merged = std::make_shared<QList<CacheSummary>>();
    auto remaining = std::make_shared<int>(int(terms.size()));
    for (const QString &term : terms) {
        m_host->searchCache(term, kSearchLimit, this, [this, merged, remaining](const QList<CacheSummary> &rows) {
            for (const CacheSummary &row : rows) {
                const bool known = std::any_of(merged->cbegin(), merged->cend(),
                                               [&row](const CacheSummary &other) { return other.key == row.key; });
                if (!known)
                    merged->append(row);
            }
            if (--*remaining > 0)
                return;
            std::sort(merged->begin(), merged->end(),
                      [](const CacheSummary &a, const CacheSummary &b) { return a.storedAt > b.storedAt; });
            m_entries.setEntries(*merged);
            end();
        });
    }
    reloadStats();
}

void CacheViewModel::reloadStats()
{
    m_host->cacheStats(this, [this](const CacheStore::Stats &stats) {
        if (stats.entries == m_entryCount && stats.bytes == m_bytes)
            return;
        m_entryCount = stats.entries;
        m_bytes = stats.bytes;
        emit statsChanged();
    });
}

QString CacheViewModel::refreshPathFor(const QString &key)
{
    const QStringList parts = key.split(u':');
    if (parts.size() < 3)
        return QString();
    const QString rest = key.section(u':', 2);
    if (parts.at(0) == u"v3") {
        const QString collection = v3Collection(parts.at(1));
        if (collection.isEmpty() || rest.isEmpty())
            return QString();
        return QStringLiteral("/api/v3/%1/%2").arg(collection, rest);
    }
    if (parts.at(0) == u"v2") {
        const QString endpoint = parts.at(1);
        const QString parameter = v2IdParameter(endpoint);
        if (parameter.isEmpty())
            return QString();
        const QString objectId = rest.section(u'?', 0, 0);
        const QString others = rest.section(u'?', 1);
        QString path = QStringLiteral("/vtapi/v2/%1?%2=%3")
                           .arg(endpoint, parameter, QString::fromLatin1(QUrl::toPercentEncoding(objectId)));
        if (!others.isEmpty())
            path += u'&' + others;
        return path;
    }
    return QString();
}

void CacheViewModel::refreshEntry(const QString &key)
{
    const QString path = refreshPathFor(key);
    if (path.isEmpty()) {
        setMessage(tr("This entry cannot be fetched on its own. Delete it; the next request fetches it again."));
        return;
    }
    QNetworkRequest request(QUrl(QStringLiteral("http://%1%2").arg(m_host->address(), path)));
    request.setRawHeader("Cache-Control", "no-cache");
    request.setRawHeader("User-Agent", "VT Relay window (refresh)");
    request.setTransferTimeout(120 * 1000);
    begin();
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 200 && status < 300)
            setMessage(tr("Refreshed the entry from VirusTotal."));
        else if (status > 0)
            setMessage(tr("VirusTotal answered %1; the Activity page shows the details.").arg(status));
        else
            setMessage(tr("The refresh failed: %1.").arg(reply->errorString()));
        end();
        search();
    });
}

void CacheViewModel::removeEntry(const QString &key)
{
    begin();
    m_host->removeCacheEntry(key, this, [this, key](const bool &removed) {
        m_entries.removeKey(key);
        setMessage(removed ? tr("Deleted the entry.") : tr("The entry could not be deleted. The log names the cause."));
        end();
        reloadStats();
    });
}

void CacheViewModel::clearAll()
{
    begin();
    m_host->clearCache(this, [this](const int &removed) {
        qCInfo(lcCacheView) << "Cleared the cache:" << removed << "entries";
        m_entries.setEntries({});
        setMessage(tr("Deleted %n cache entries.", nullptr, removed));
        end();
        reloadStats();
    });
}

void CacheViewModel::loadJson(const QString &key)
{
    m_host->cachedBody(key, this, [this, key](const QByteArray &body) {
        emit jsonLoaded(key, body.isEmpty() ? tr("(The entry is no longer in the cache.)")
                                            : RequestLogModel::formatBody(body));
    });
}

} // namespace vtrelay
