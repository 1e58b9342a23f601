// SPDX-License-Identifier: MIT
#include "SettingsStore.h"

#include <QSettings>

namespace vtrelay {

namespace {
const QString kPerMinute = QStringLiteral("quota/perMinute");
const QString kPerDay = QStringLiteral("quota/perDay");
const QString kPerMonth = QStringLiteral("quota/perMonth");
const QString kMaxQueueWait = QStringLiteral("quota/maxQueueWaitSeconds");
const QString kObjectTtl = QStringLiteral("cache/objectTtlSeconds");
const QString kCollectionTtl = QStringLiteral("cache/collectionTtlSeconds");
const QString kCommentTtl = QStringLiteral("cache/commentTtlSeconds");
const QString kNotFoundTtl = QStringLiteral("cache/notFoundTtlSeconds");
const QString kAnalysisTtl = QStringLiteral("cache/analysisTtlSeconds");
const QString kAllowedOrigins = QStringLiteral("http/allowedOrigins");
const QString kListenPort = QStringLiteral("http/listenPort");

// Reads key into value when it contains a whole number from min to max. Otherwise value keeps
// its default, and a warning is added if the key exists.
void readInteger(const QSettings &settings, const QString &key, qint64 min, qint64 max, qint64 *value,
                 QStringList *warnings)
{
    if (!settings.contains(key))
        return;
    const QString text = settings.value(key).toString();
    bool ok = false;
    const qint64 stored = text.toLongLong(&ok);
    if (ok && stored >= min && stored <= max) {
        *value = stored;
        return;
    }
    if (warnings) {
        warnings->append(QStringLiteral("Ignoring the invalid setting %1=\"%2\" in %3: expected a whole number "
                                        "from %4 to %5, so the default %6 is used.")
                             .arg(key, text, settings.fileName())
                             .arg(min)
                             .arg(max)
                             .arg(*value));
    }
}

QStringList readOrigins(const QSettings &settings, QStringList *warnings)
{
    QStringList origins;
    for (const QString &origin : settings.value(kAllowedOrigins).toStringList()) {
        QString reason;
        if (!TeamConfig::isValidOrigin(origin, &reason)) {
            if (warnings)
                warnings->append(QStringLiteral("Ignoring an entry of %1 in %2: %3")
                                     .arg(kAllowedOrigins, settings.fileName(), reason));
            continue;
        }
        if (!origins.contains(origin))
            origins.append(origin);
    }
    return origins;
}
} // namespace

SettingsStore::SettingsStore(QSettings *settings)
    : m_settings(settings)
{
}

TeamConfig SettingsStore::load(QStringList *warnings) const
{
    const QSettings &settings = *m_settings;
    TeamConfig config;
    readInteger(settings, kPerMinute, 1, TeamConfig::kMaxQuota, &config.quotaPerMinute, warnings);
    readInteger(settings, kPerDay, 1, TeamConfig::kMaxQuota, &config.quotaPerDay, warnings);
    readInteger(settings, kPerMonth, 1, TeamConfig::kMaxQuota, &config.quotaPerMonth, warnings);
    readInteger(settings, kMaxQueueWait, 0, TeamConfig::kMaxQueueWaitSeconds, &config.maxQueueWaitSeconds,
                warnings);

    CachePolicy::Settings &ttl = config.cacheTtl;
    const qint64 maxTtl = TeamConfig::kMaxTtlSeconds;
    readInteger(settings, kObjectTtl, 0, maxTtl, &ttl.objectTtlSeconds, warnings);
    readInteger(settings, kCollectionTtl, 0, maxTtl, &ttl.collectionTtlSeconds, warnings);
    readInteger(settings, kCommentTtl, 0, maxTtl, &ttl.commentTtlSeconds, warnings);
    readInteger(settings, kNotFoundTtl, 0, maxTtl, &ttl.notFoundTtlSeconds, warnings);
    readInteger(settings, kAnalysisTtl, 0, maxTtl, &ttl.analysisTtlSeconds, warnings);

    config.allowedOrigins = readOrigins(settings, warnings);
    qint64 port = config.listenPort;
    readInteger(settings, kListenPort, 1, 65535, &port, warnings);
    config.listenPort = quint16(port);
    return config;
}

bool SettingsStore::checkWritable(QString *error) const
{
    if (m_settings->isWritable())
        return true;
    *error = QStringLiteral("The settings in %1 are read-only; make that file writable and try again.")
                 .arg(m_settings->fileName());
    return false;
}

bool SettingsStore::save(const TeamConfig &config, QString *error)
{
    if (!checkWritable(error))
        return false;
    QSettings &settings = *m_settings;
    settings.setValue(kPerMinute, config.quotaPerMinute);
    settings.setValue(kPerDay, config.quotaPerDay);
    settings.setValue(kPerMonth, config.quotaPerMonth);
    settings.setValue(kMaxQueueWait, config.maxQueueWaitSeconds);
    settings.setValue(kObjectTtl, config.cacheTtl.objectTtlSeconds);
    settings.setValue(kCollectionTtl, config.cacheTtl.collectionTtlSeconds);
    settings.setValue(kCommentTtl, config.cacheTtl.commentTtlSeconds);
    settings.setValue(kNotFoundTtl, config.cacheTtl.notFoundTtlSeconds);
    settings.setValue(kAnalysisTtl, config.cacheTtl.analysisTtlSeconds);
    settings.setValue(kAllowedOrigins, config.allowedOrigins);
    settings.setValue(kListenPort, int(config.listenPort));
    settings.sync();
    if (settings.status() != QSettings::NoError) {
        *error = QStringLiteral("Writing the settings to %1 failed (%2); check that the folder exists and is "
                                "writable.")
                     .arg(settings.fileName(),
                          settings.status() == QSettings::AccessError ? QStringLiteral("access denied")
                                                                      : QStringLiteral("format error"));
        return false;
    }
    return true;
}

} // namespace vtrelay
