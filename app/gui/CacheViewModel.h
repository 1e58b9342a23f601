// SPDX-License-Identifier: MIT
#pragma once

#include "CacheEntryModel.h"

#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

class QNetworkAccessManager;

namespace vtrelay {

class RelayHost;

// The Cache page: statistics, search, and the actions on one entry or on all of them. Every
// cache access runs on the relay thread through RelayHost; results arrive asynchronously.
class CacheViewModel : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by AppState.cache")
    Q_PROPERTY(vtrelay::CacheEntryModel *entries READ entries CONSTANT)
    Q_PROPERTY(qint64 entryCount READ entryCount NOTIFY statsChanged)
    Q_PROPERTY(QString sizeText READ sizeText NOTIFY statsChanged)
    Q_PROPERTY(QString hitRatioText READ hitRatioText NOTIFY statsChanged)
    Q_PROPERTY(qint64 savedToday READ savedToday NOTIFY statsChanged)
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY searchTextChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
public:
    static constexpr int kSearchLimit = 500;

    explicit CacheViewModel(RelayHost *host, QObject *parent = nullptr);

    CacheEntryModel *entries() { return &m_entries; }
    qint64 entryCount() const { return m_entryCount; }
    QString sizeText() const;
    QString hitRatioText() const;
    qint64 savedToday() const { return m_hitsToday; }
    QString searchText() const { return m_searchText; }
    void setSearchText(const QString &text);
    bool isBusy() const { return m_pending > 0; }
    QString message() const { return m_message; }

    // Searches again because new responses may have reached the cache, at most every two seconds.
    void entriesMayHaveChanged();
    // Today's hits and cacheable misses, from the request log.
    void setTodayCounts(qint64 hits, qint64 misses);

    Q_INVOKABLE void search();
    Q_INVOKABLE void reloadStats();
    // Fetches the entry again from VirusTotal (through the relay, with Cache-Control: no-cache).
    Q_INVOKABLE void refreshEntry(const QString &key);
    Q_INVOKABLE void removeEntry(const QString &key);
    Q_INVOKABLE void clearAll();
    // Loads the cached JSON of key. jsonLoaded() delivers it, formatted.
    Q_INVOKABLE void loadJson(const QString &key);

    // The relay path that fetches the entry stored under key, or empty when there is none.
    static QString refreshPathFor(const QString &key);
    // The texts to look for when the user searches for text. A URL is also looked for as the
    // identifier VirusTotal's v3 API gives it: base64url of the URL without padding.
    static QStringList searchTermsFor(const QString &text);

signals:
    void statsChanged();
    void searchTextChanged();
    void busyChanged();
    void messageChanged();
    void jsonLoaded(const QString &key, const QString &json);

private:
    void setMessage(const QString &message);
    void begin();
    void end();

    RelayHost *m_host;
    CacheEntryModel m_entries;
    QNetworkAccessManager *m_network;
    QTimer m_searchDelay;
    QTimer m_changeThrottle;
    QString m_searchText;
    QString m_message;
    qint64 m_entryCount = 0;
    qint64 m_bytes = 0;
    qint64 m_hitsToday = 0;
    qint64 m_missesToday = 0;
    int m_pending = 0;
};

} // namespace vtrelay
