// SPDX-License-Identifier: MIT
#pragma once

#include "cache/CachePolicy.h"

#include <QObject>
#include <QSettings>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace vtrelay {

class LoginItem;
class RelayHost;
struct RelaySettings;

// The settings part of the Key and settings page. Values are stored with QSettings and applied
// to the running relay at once, except the listen port, which applies at the next start.
class SettingsViewModel : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by AppState.settings")
    Q_PROPERTY(int listenPort READ listenPort WRITE setListenPort NOTIFY listenPortChanged)
    Q_PROPERTY(bool listenPortPending READ listenPortPending NOTIFY listenPortChanged)
    Q_PROPERTY(bool startAtLogin READ startAtLogin WRITE setStartAtLogin NOTIFY startAtLoginChanged)
    Q_PROPERTY(bool startAtLoginSupported READ startAtLoginSupported CONSTANT)
    Q_PROPERTY(int historyDays READ historyDays WRITE setHistoryDays NOTIFY historyDaysChanged)
    Q_PROPERTY(int cacheSizeLimitMb READ cacheSizeLimitMb WRITE setCacheSizeLimitMb NOTIFY cacheSizeLimitMbChanged)
    Q_PROPERTY(int objectTtlHours READ objectTtlHours WRITE setObjectTtlHours NOTIFY ttlChanged)
    Q_PROPERTY(int collectionTtlHours READ collectionTtlHours WRITE setCollectionTtlHours NOTIFY ttlChanged)
    Q_PROPERTY(int commentTtlHours READ commentTtlHours WRITE setCommentTtlHours NOTIFY ttlChanged)
    Q_PROPERTY(int notFoundTtlHours READ notFoundTtlHours WRITE setNotFoundTtlHours NOTIFY ttlChanged)
    Q_PROPERTY(int analysisTtlHours READ analysisTtlHours WRITE setAnalysisTtlHours NOTIFY ttlChanged)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    Q_PROPERTY(QStringList allowedOrigins READ allowedOrigins NOTIFY allowedOriginsChanged)
    Q_PROPERTY(QString originMessage READ originMessage NOTIFY originMessageChanged)
    Q_PROPERTY(QString rejectedOrigin READ rejectedOrigin NOTIFY rejectedOriginChanged)
public:
    static constexpr int kDefaultHistoryDays = 7;
    static constexpr int kDefaultCacheSizeLimitMb = 1024;

    // settings: the store to use (tests pass an INI file); loginItem: where start-at-login lives.
    SettingsViewModel(std::unique_ptr<QSettings> settings, std::unique_ptr<LoginItem> loginItem,
                      RelayHost *host, QObject *parent = nullptr);
    ~SettingsViewModel() override;

    // Fills the parts of relay that come from the stored settings; keepListen: --listen was given.
    static void applyStored(QSettings &settings, RelaySettings *relay, bool keepListen);
    // Applies the retention, size limit, TTLs and allowed origins to the running relay.
    void applyToHost();
    // After the stored settings changed behind this model (a team configuration was imported):
    // applies them to the running relay and tells the page to read them again.
    void reloadStored();
    QSettings *storage() const { return m_settings.get(); }

    int listenPort() const;
    void setListenPort(int port);
    bool listenPortPending() const;
    bool startAtLogin() const;
    void setStartAtLogin(bool enabled);
    bool startAtLoginSupported() const;
    int historyDays() const;
    void setHistoryDays(int days);
    int cacheSizeLimitMb() const;
    void setCacheSizeLimitMb(int megabytes);
    int objectTtlHours() const { return ttlHours(&CachePolicy::Settings::objectTtlSeconds); }
    void setObjectTtlHours(int hours) { setTtlHours(&CachePolicy::Settings::objectTtlSeconds, hours); }
    int collectionTtlHours() const { return ttlHours(&CachePolicy::Settings::collectionTtlSeconds); }
    void setCollectionTtlHours(int hours) { setTtlHours(&CachePolicy::Settings::collectionTtlSeconds, hours); }
    int commentTtlHours() const { return ttlHours(&CachePolicy::Settings::commentTtlSeconds); }
    void setCommentTtlHours(int hours) { setTtlHours(&CachePolicy::Settings::commentTtlSeconds, hours); }
    int notFoundTtlHours() const { return ttlHours(&CachePolicy::Settings::notFoundTtlSeconds); }
    void setNotFoundTtlHours(int hours) { setTtlHours(&CachePolicy::Settings::notFoundTtlSeconds, hours); }
    int analysisTtlHours() const { return ttlHours(&CachePolicy::Settings::analysisTtlSeconds); }
    void setAnalysisTtlHours(int hours) { setTtlHours(&CachePolicy::Settings::analysisTtlSeconds, hours); }
    QString message() const { return m_message; }

    // Browser origins whose pages may call the relay, as stored (http/allowedOrigins).
    QStringList allowedOrigins() const;
    // Checks origin with TeamConfig's rules, stores it and applies it to the running relay.
    // Returns false, with the reason in originMessage, when it is invalid or already allowed.
    Q_INVOKABLE bool allowOrigin(const QString &origin);
    Q_INVOKABLE void removeOrigin(const QString &origin);
    QString originMessage() const { return m_originMessage; }
    // The last origin the relay refused, until it is allowed; empty when there is none.
    QString rejectedOrigin() const { return m_rejectedOrigin; }
    void noteRejectedOrigin(const QString &origin);
    Q_INVOKABLE bool allowRejectedOrigin() { return allowOrigin(m_rejectedOrigin); }

    static CachePolicy::Settings storedPolicy(QSettings &settings);

signals:
    void listenPortChanged();
    void startAtLoginChanged();
    void historyDaysChanged();
    void cacheSizeLimitMbChanged();
    void ttlChanged();
    void messageChanged();
    void allowedOriginsChanged();
    void originMessageChanged();
    void rejectedOriginChanged();

private:
    int ttlHours(qint64 CachePolicy::Settings::*field) const;
    void setTtlHours(qint64 CachePolicy::Settings::*field, int hours);
    void setMessage(const QString &message);
    void setOriginMessage(const QString &message);
    bool storeOrigins(const QStringList &origins);

    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<LoginItem> m_loginItem;
    RelayHost *m_host;
    QString m_message;
    QString m_originMessage;
    QString m_rejectedOrigin;
};

} // namespace vtrelay
