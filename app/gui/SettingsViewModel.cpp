// SPDX-License-Identifier: MIT
#include "SettingsViewModel.h"

#include "LoginItem.h"
#include "RelayHost.h"
#include "SettingsStore.h"

#include <QLoggingCategory>

#include <climits>

Q_LOGGING_CATEGORY(lcSettingsView, "vtrelay.gui.settings")

namespace vtrelay {

namespace {
// Stored names, in one place; the port and lifetimes use the names SettingsStore uses for the
// team configuration, so an imported configuration shows up here.
const QString kListenPort = QStringLiteral("http/listenPort");
const QString kHistoryDays = QStringLiteral("history/retentionDays");
const QString kCacheLimitMb = QStringLiteral("cache/sizeLimitMb");
const QString kAllowedOrigins = QStringLiteral("http/allowedOrigins");
// An Origin header longer than this is truncated for display. Typical browser origins are far shorter.
constexpr qsizetype kMaxShownOriginLength = 200;

QString ttlName(qint64 CachePolicy::Settings::*field)
{
    if (field == &CachePolicy::Settings::objectTtlSeconds)
        return QStringLiteral("cache/objectTtlSeconds");
    if (field == &CachePolicy::Settings::collectionTtlSeconds)
        return QStringLiteral("cache/collectionTtlSeconds");
    if (field == &CachePolicy::Settings::commentTtlSeconds)
        return QStringLiteral("cache/commentTtlSeconds");
    if (field == &CachePolicy::Settings::notFoundTtlSeconds)
        return QStringLiteral("cache/notFoundTtlSeconds");
    return QStringLiteral("cache/analysisTtlSeconds");
}

constexpr qint64 CachePolicy::Settings::*kTtlFields[] = {
    &CachePolicy::Settings::objectTtlSeconds,   &CachePolicy::Settings::collectionTtlSeconds,
    &CachePolicy::Settings::commentTtlSeconds,  &CachePolicy::Settings::notFoundTtlSeconds,
    &CachePolicy::Settings::analysisTtlSeconds,
};
} // namespace

SettingsViewModel::SettingsViewModel(std::unique_ptr<QSettings> settings, std::unique_ptr<LoginItem> loginItem,
                                     RelayHost *host, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_loginItem(std::move(loginItem))
    , m_host(host)
{
}

SettingsViewModel::~SettingsViewModel() = default;

CachePolicy::Settings SettingsViewModel::storedPolicy(QSettings &settings)
{
    CachePolicy::Settings policy;
    for (auto field : kTtlFields)
        policy.*field = settings.value(ttlName(field), policy.*field).toLongLong();
    return policy;
}

void SettingsViewModel::applyStored(QSettings &settings, RelaySettings *relay, bool keepListen)
{
    QStringList warnings;
    const TeamConfig config = SettingsStore(&settings).load(&warnings);
    for (const QString &warning : std::as_const(warnings))
        qCWarning(lcSettingsView).noquote() << warning;
    // Only what is stored replaces the command line's values (or their defaults).
    const RelaySettings defaults;
    if (!keepListen && settings.contains(kListenPort))
        relay->port = config.listenPort;
    relay->cachePolicy = config.cacheTtl;
    const auto apply = [&settings](const QString &name, qint64 stored, int fallback, int current, int *target) {
        if (settings.contains(name) && current == fallback)
            *target = int(qMin<qint64>(stored, INT_MAX));
    };
    apply(QStringLiteral("quota/perMinute"), config.quotaPerMinute, defaults.quota.perMinute, relay->quota.perMinute,
          &relay->quota.perMinute);
    apply(QStringLiteral("quota/perDay"), config.quotaPerDay, defaults.quota.perDay, relay->quota.perDay,
          &relay->quota.perDay);
    apply(QStringLiteral("quota/perMonth"), config.quotaPerMonth, defaults.quota.perMonth, relay->quota.perMonth,
          &relay->quota.perMonth);
    apply(QStringLiteral("quota/maxQueueWaitSeconds"), config.maxQueueWaitSeconds, defaults.quota.maxWaitSeconds,
          relay->quota.maxWaitSeconds, &relay->quota.maxWaitSeconds);
}

void SettingsViewModel::applyToHost()
{
    if (!m_host)
        return;
    m_host->setHistoryRetentionDays(historyDays());
    m_host->setCacheSizeLimit(qint64(cacheSizeLimitMb()) * 1024 * 1024);
    m_host->setCachePolicy(storedPolicy(*m_settings));
    m_host->setAllowedOrigins(allowedOrigins());
}

void SettingsViewModel::reloadStored()
{
    applyToHost();
    emit listenPortChanged();
    emit ttlChanged();
    emit allowedOriginsChanged();
    const QStringList origins = allowedOrigins();
    if (!m_rejectedOrigin.isEmpty() && origins.contains(m_rejectedOrigin)) {
        m_rejectedOrigin.clear();
        emit rejectedOriginChanged();
    }
}

void SettingsViewModel::setMessage(const QString &message)
{
    if (m_message == message)
        return;
    m_message = message;
    emit messageChanged();
}

void SettingsViewModel::setOriginMessage(const QString &message)
{
    if (m_originMessage == message)
        return;
    m_originMessage = message;
    emit originMessageChanged();
}

QStringList SettingsViewModel::allowedOrigins() const
{
    QStringList warnings;
    return SettingsStore(m_settings.get()).load(&warnings).allowedOrigins;
}

// Writes only the origins, so that settings never stored keep following the command line.
bool SettingsViewModel::storeOrigins(const QStringList &origins)
{
    QString error;
    if (!SettingsStore(m_settings.get()).checkWritable(&error)) {
        setOriginMessage(error);
        return false;
    }
    m_settings->setValue(kAllowedOrigins, origins);
    m_settings->sync();
    if (m_settings->status() != QSettings::NoError) {
        setOriginMessage(tr("Writing the settings to %1 failed; check that the folder exists and is writable.")
                             .arg(m_settings->fileName()));
        return false;
    }
    if (m_host)
        m_host->setAllowedOrigins(origins);
    emit allowedOriginsChanged();
    return true;
}

bool SettingsViewModel::allowOrigin(const QString &text)
{
    const QString origin = text.trimmed();
    QString error;
    if (origin.isEmpty()) {
        setOriginMessage(tr("Enter an origin, for example https://tool.example or chrome-extension://<id>."));
        return false;
    }
    if (!TeamConfig::isValidOrigin(origin, &error)) {
        setOriginMessage(error);
        return false;
    }
    QStringList origins = allowedOrigins();
    if (origins.contains(origin)) {
        setOriginMessage(tr("%1 is already allowed.").arg(origin));
        if (origin == m_rejectedOrigin) {
            m_rejectedOrigin.clear();
            emit rejectedOriginChanged();
        }
        return false;
    }
    origins.append(origin);
    if (!storeOrigins(origins))
        return false;
    qCInfo(lcSettingsView).noquote() << "Allowed the browser origin" << origin;
    setOriginMessage(tr("Web pages from %1 may now call the relay.").arg(origin));
    if (origin == m_rejectedOrigin) {
        m_rejectedOrigin.clear();
        emit rejectedOriginChanged();
    }
    return true;
}

void SettingsViewModel::removeOrigin(const QString &origin)
{
    QStringList origins = allowedOrigins();
    if (!origins.removeAll(origin))
        return;
    if (!storeOrigins(origins))
        return;
    qCInfo(lcSettingsView).noquote() << "Removed the browser origin" << origin;
    setOriginMessage(tr("Web pages from %1 may no longer call the relay.").arg(origin));
}

void SettingsViewModel::noteRejectedOrigin(const QString &origin)
{
    QString truncated = origin;
    if (truncated.size() > kMaxShownOriginLength)
        truncated = truncated.left(kMaxShownOriginLength - 3) + QStringLiteral("...");
    if (truncated == m_rejectedOrigin)
        return;
    m_rejectedOrigin = truncated;
    emit rejectedOriginChanged();
}

int SettingsViewModel::listenPort() const
{
    int running = m_host ? int(m_host->port()) : 0;
    if (running == 0)
        running = m_host && m_host->settings().port ? int(m_host->settings().port) : RelaySettings().port;
    return m_settings->value(kListenPort, running).toInt();
}

bool SettingsViewModel::listenPortPending() const
{
    return m_host && m_host->port() != 0 && listenPort() != int(m_host->port());
}

void SettingsViewModel::setListenPort(int port)
{
    if (port < 1024 || port > 65535) {
        setMessage(tr("Choose a port between 1024 and 65535."));
        emit listenPortChanged();
        return;
    }
    if (port == listenPort())
        return;
    m_settings->setValue(kListenPort, port);
    setMessage(tr("The relay listens on port %1 after the next start of VT Relay; update your tools' "
                  "address then.").arg(port));
    emit listenPortChanged();
}

bool SettingsViewModel::startAtLoginSupported() const
{
    return m_loginItem && m_loginItem->isSupported();
}

bool SettingsViewModel::startAtLogin() const
{
    return m_loginItem && m_loginItem->isEnabled();
}

void SettingsViewModel::setStartAtLogin(bool enabled)
{
    if (!m_loginItem || enabled == startAtLogin())
        return;
    QString error;
    if (!m_loginItem->setEnabled(enabled, &error))
        setMessage(error);
    else
        setMessage(enabled ? tr("VT Relay starts when you log in.") : tr("VT Relay no longer starts at login."));
    emit startAtLoginChanged();
}

int SettingsViewModel::historyDays() const
{
    return m_settings->value(kHistoryDays, kDefaultHistoryDays).toInt();
}

void SettingsViewModel::setHistoryDays(int days)
{
    days = qBound(1, days, 365);
    if (days == historyDays())
        return;
    m_settings->setValue(kHistoryDays, days);
    if (m_host)
        m_host->setHistoryRetentionDays(days);
    emit historyDaysChanged();
}

int SettingsViewModel::cacheSizeLimitMb() const
{
    return m_settings->value(kCacheLimitMb, kDefaultCacheSizeLimitMb).toInt();
}

void SettingsViewModel::setCacheSizeLimitMb(int megabytes)
{
    megabytes = qBound(1, megabytes, 1024 * 1024);
    if (megabytes == cacheSizeLimitMb())
        return;
    m_settings->setValue(kCacheLimitMb, megabytes);
    if (m_host)
        m_host->setCacheSizeLimit(qint64(megabytes) * 1024 * 1024);
    emit cacheSizeLimitMbChanged();
}

int SettingsViewModel::ttlHours(qint64 CachePolicy::Settings::*field) const
{
    const CachePolicy::Settings policy = storedPolicy(*m_settings);
    return int(policy.*field / 3600);
}

void SettingsViewModel::setTtlHours(qint64 CachePolicy::Settings::*field, int hours)
{
    hours = qBound(0, hours, 24 * 365);
    if (hours == ttlHours(field))
        return;
    m_settings->setValue(ttlName(field), qint64(hours) * 3600);
    if (m_host)
        m_host->setCachePolicy(storedPolicy(*m_settings));
    qCInfo(lcSettingsView).noquote() << "Cache lifetime" << ttlName(field) << "set to" << hours << "hours";
    emit ttlChanged();
}

} // namespace vtrelay
