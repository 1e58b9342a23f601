// SPDX-License-Identifier: MIT
#include "TeamConfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <cmath>

namespace vtrelay {

namespace {
const QString kFormat = QStringLiteral("format");
const QString kVersionField = QStringLiteral("version");
const QString kSettings = QStringLiteral("settings");
const QString kKey = QStringLiteral("key");
const QString kQuota = QStringLiteral("quota");
const QString kPerMinute = QStringLiteral("perMinute");
const QString kPerDay = QStringLiteral("perDay");
const QString kPerMonth = QStringLiteral("perMonth");
const QString kMaxQueueWait = QStringLiteral("maxQueueWaitSeconds");
const QString kCacheTtl = QStringLiteral("cacheTtlSeconds");
const QString kObject = QStringLiteral("object");
const QString kCollection = QStringLiteral("collection");
const QString kComment = QStringLiteral("comment");
const QString kNotFound = QStringLiteral("notFound");
const QString kAnalysis = QStringLiteral("analysis");
const QString kAllowedOrigins = QStringLiteral("allowedOrigins");
const QString kListenPort = QStringLiteral("listenPort");

// Shows a JSON value the way it appears in the file, shortened for an error message.
QString describeJson(const QJsonValue &value)
{
    if (value.isUndefined())
        return QStringLiteral("nothing");
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    QString text = QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
    if (text.size() > 60)
        text = text.left(57) + QStringLiteral("...");
    return text;
}

bool readObject(const QJsonObject &parent, const QString &name, const QString &path, QJsonObject *out,
                QString *error)
{
    const QJsonValue value = parent.value(name);
    if (value.isUndefined()) {
        *error = QStringLiteral("The field %1 is missing.").arg(path);
        return false;
    }
    if (!value.isObject()) {
        *error = QStringLiteral("The field %1 must be a JSON object, not %2.").arg(path, describeJson(value));
        return false;
    }
    *out = value.toObject();
    return true;
}

bool readInteger(const QJsonObject &parent, const QString &name, const QString &path, qint64 min, qint64 max,
                 qint64 *out, QString *error)
{
    const QJsonValue value = parent.value(name);
    if (value.isUndefined()) {
        *error = QStringLiteral("The field %1 is missing.").arg(path);
        return false;
    }
    const double number = value.toDouble(std::nan(""));
    if (!value.isDouble() || std::floor(number) != number || number < double(min) || number > double(max)) {
        *error = QStringLiteral("The field %1 must be a whole number from %2 to %3, not %4.")
                     .arg(path)
                     .arg(min)
                     .arg(max)
                     .arg(describeJson(value));
        return false;
    }
    *out = qint64(number);
    return true;
}

// Rejects fields this version does not read, so a misspelt or newer setting is not silently dropped.
bool rejectUnknownFields(const QJsonObject &object, const QString &path, const QStringList &known,
                         QString *error)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("%1 contains the unknown field \"%2\"; this VT Relay reads only %3.")
                         .arg(path, it.key(), known.join(QStringLiteral(", ")));
            return false;
        }
    }
    return true;
}

bool readFormatAndVersion(const QJsonObject &document, QString *error)
{
    const QJsonValue format = document.value(kFormat);
    if (format.isUndefined()) {
        *error = QStringLiteral("This is not a VT Relay team configuration: the field format is missing.");
        return false;
    }
    if (format.toString() != TeamConfig::formatName()) {
        *error = QStringLiteral("This is not a VT Relay team configuration: the field format is %1, "
                                "expected \"%2\".")
                     .arg(describeJson(format), TeamConfig::formatName());
        return false;
    }
    const QJsonValue version = document.value(kVersionField);
    if (version.isUndefined()) {
        *error = QStringLiteral("The field version is missing.");
        return false;
    }
    const double number = version.toDouble(std::nan(""));
    if (!version.isDouble() || std::floor(number) != number) {
        *error = QStringLiteral("The field version must be a whole number, not %1.").arg(describeJson(version));
        return false;
    }
    if (number != TeamConfig::kVersion) {
        *error = QStringLiteral("The file's format version %1 is not supported by this VT Relay (supports %2); "
                                "update VT Relay to import it.")
                     .arg(describeJson(version))
                     .arg(TeamConfig::kVersion);
        return false;
    }
    return true;
}

bool readQuota(const QJsonObject &settings, TeamConfig *config, QString *error)
{
    QJsonObject quota;
    if (!readObject(settings, kQuota, QStringLiteral("settings.quota"), &quota, error))
        return false;
    const QString path = QStringLiteral("settings.quota.");
    return rejectUnknownFields(quota, QStringLiteral("settings.quota"),
                               {kPerMinute, kPerDay, kPerMonth, kMaxQueueWait}, error)
           && readInteger(quota, kPerMinute, path + kPerMinute, 1, TeamConfig::kMaxQuota, &config->quotaPerMinute,
                          error)
           && readInteger(quota, kPerDay, path + kPerDay, 1, TeamConfig::kMaxQuota, &config->quotaPerDay, error)
           && readInteger(quota, kPerMonth, path + kPerMonth, 1, TeamConfig::kMaxQuota, &config->quotaPerMonth,
                          error)
           && readInteger(quota, kMaxQueueWait, path + kMaxQueueWait, 0, TeamConfig::kMaxQueueWaitSeconds,
                          &config->maxQueueWaitSeconds, error);
}

bool readCacheTtl(const QJsonObject &settings, TeamConfig *config, QString *error)
{
    QJsonObject ttl;
    if (!readObject(settings, kCacheTtl, QStringLiteral("settings.cacheTtlSeconds"), &ttl, error))
        return false;
    const QString path = QStringLiteral("settings.cacheTtlSeconds.");
    const qint64 max = TeamConfig::kMaxTtlSeconds;
    CachePolicy::Settings &out = config->cacheTtl;
    // A TTL of 0 is valid and means that responses of that kind are never cached.
    return rejectUnknownFields(ttl, QStringLiteral("settings.cacheTtlSeconds"),
                               {kObject, kCollection, kComment, kNotFound, kAnalysis}, error)
           && readInteger(ttl, kObject, path + kObject, 0, max, &out.objectTtlSeconds, error)
           && readInteger(ttl, kCollection, path + kCollection, 0, max, &out.collectionTtlSeconds, error)
           && readInteger(ttl, kComment, path + kComment, 0, max, &out.commentTtlSeconds, error)
           && readInteger(ttl, kNotFound, path + kNotFound, 0, max, &out.notFoundTtlSeconds, error)
           && readInteger(ttl, kAnalysis, path + kAnalysis, 0, max, &out.analysisTtlSeconds, error);
}

bool readOrigins(const QJsonObject &settings, TeamConfig *config, QString *error)
{
    const QJsonValue value = settings.value(kAllowedOrigins);
    if (value.isUndefined()) {
        *error = QStringLiteral("The field settings.allowedOrigins is missing.");
        return false;
    }
    if (!value.isArray()) {
        *error = QStringLiteral("The field settings.allowedOrigins must be a list of origins, not %1.")
                     .arg(describeJson(value));
        return false;
    }
    QStringList origins;
    const QJsonArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString path = QStringLiteral("settings.allowedOrigins[%1]").arg(i);
        const QJsonValue item = array.at(i);
        QString reason;
        if (!item.isString()) {
            *error = QStringLiteral("The field %1 must be a string, not %2.").arg(path, describeJson(item));
            return false;
        }
        if (!TeamConfig::isValidOrigin(item.toString(), &reason)) {
            *error = QStringLiteral("The field %1 is invalid: %2").arg(path, reason);
            return false;
        }
        if (origins.contains(item.toString())) {
            *error = QStringLiteral("The field %1 repeats the origin %2; list each origin once.")
                         .arg(path, item.toString());
            return false;
        }
        origins.append(item.toString());
    }
    config->allowedOrigins = origins;
    return true;
}

QString changeLine(const QString &label, qint64 from, qint64 to, const QString &unit = QString())
{
    return QStringLiteral("%1: %2%4 → %3%4").arg(label).arg(from).arg(to).arg(unit);
}
} // namespace

bool TeamConfig::operator==(const TeamConfig &other) const
{
    const CachePolicy::Settings &a = cacheTtl;
    const CachePolicy::Settings &b = other.cacheTtl;
    return quotaPerMinute == other.quotaPerMinute && quotaPerDay == other.quotaPerDay
           && quotaPerMonth == other.quotaPerMonth && maxQueueWaitSeconds == other.maxQueueWaitSeconds
           && a.objectTtlSeconds == b.objectTtlSeconds && a.collectionTtlSeconds == b.collectionTtlSeconds
           && a.commentTtlSeconds == b.commentTtlSeconds && a.notFoundTtlSeconds == b.notFoundTtlSeconds
           && a.analysisTtlSeconds == b.analysisTtlSeconds && allowedOrigins == other.allowedOrigins
           && listenPort == other.listenPort;
}

QJsonObject TeamConfig::toJson() const
{
    const QJsonObject quota{{kPerMinute, quotaPerMinute},
                            {kPerDay, quotaPerDay},
                            {kPerMonth, quotaPerMonth},
                            {kMaxQueueWait, maxQueueWaitSeconds}};
    const QJsonObject ttl{{kObject, cacheTtl.objectTtlSeconds},
                          {kCollection, cacheTtl.collectionTtlSeconds},
                          {kComment, cacheTtl.commentTtlSeconds},
                          {kNotFound, cacheTtl.notFoundTtlSeconds},
                          {kAnalysis, cacheTtl.analysisTtlSeconds}};
    const QJsonObject settings{{kQuota, quota},
                               {kCacheTtl, ttl},
                               {kAllowedOrigins, QJsonArray::fromStringList(allowedOrigins)},
                               {kListenPort, int(listenPort)}};
    return QJsonObject{{kFormat, formatName()}, {kVersionField, kVersion}, {kSettings, settings}};
}

bool TeamConfig::fromJson(const QJsonObject &document, TeamConfig *config, QString *error)
{
    if (!readFormatAndVersion(document, error))
        return false;
    if (!rejectUnknownFields(document, QStringLiteral("The file"), {kFormat, kVersionField, kSettings, kKey}, error))
        return false;

    QJsonObject settings;
    if (!readObject(document, kSettings, kSettings, &settings, error))
        return false;
    if (!rejectUnknownFields(settings, kSettings, {kQuota, kCacheTtl, kAllowedOrigins, kListenPort}, error))
        return false;

    TeamConfig parsed;
    qint64 port = 0;
    if (!readQuota(settings, &parsed, error) || !readCacheTtl(settings, &parsed, error)
        || !readOrigins(settings, &parsed, error)
        || !readInteger(settings, kListenPort, QStringLiteral("settings.listenPort"), 1, 65535, &port, error))
        return false;
    parsed.listenPort = quint16(port);
    *config = parsed;
    return true;
}

bool TeamConfig::isValidOrigin(const QString &origin, QString *error)
{
    if (origin == u"*" || origin == u"null") {
        // Either value would let any web page, or any sandboxed one, spend the team's quota.
        *error = QStringLiteral("\"%1\" would allow every web page; list each origin, for example "
                                "https://tool.example.")
                     .arg(origin);
        return false;
    }
    const QUrl url(origin, QUrl::StrictMode);
    const bool hasExtraParts = !url.userInfo().isEmpty() || !url.path().isEmpty() || url.hasQuery()
                               || url.hasFragment() || origin.endsWith(u'/');
    if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty() || hasExtraParts) {
        *error = QStringLiteral("\"%1\" is not a browser origin; write scheme://host or scheme://host:port "
                                "with no path, for example https://tool.example.")
                     .arg(origin);
        return false;
    }
    const bool defaultPort = (url.scheme() == u"https" && url.port() == 443)
                             || (url.scheme() == u"http" && url.port() == 80);
    // FullyEncoded writes an international host name in its ASCII (punycode) form, as browsers do.
    QUrl::FormattingOptions options = QUrl::FullyEncoded;
    if (defaultPort)
        options |= QUrl::RemovePort;
    const QString canonical = url.toString(options);
    if (canonical != origin) {
        // Browsers send the origin in this form, and origins are compared as exact strings.
        *error = QStringLiteral("\"%1\" is not written the way browsers send it; write %2.").arg(origin, canonical);
        return false;
    }
    return true;
}

QStringList TeamConfig::diff(const TeamConfig &current, const TeamConfig &incoming)
{
    QStringList lines;
    const auto compare = [&lines](const QString &label, qint64 from, qint64 to, const QString &unit) {
        if (from != to)
            lines.append(changeLine(label, from, to, unit));
    };
    const QString none;
    const QString seconds = QStringLiteral(" s");
    compare(QStringLiteral("Quota per minute"), current.quotaPerMinute, incoming.quotaPerMinute, none);
    compare(QStringLiteral("Quota per day"), current.quotaPerDay, incoming.quotaPerDay, none);
    compare(QStringLiteral("Quota per month"), current.quotaPerMonth, incoming.quotaPerMonth, none);
    compare(QStringLiteral("Maximum queue wait"), current.maxQueueWaitSeconds, incoming.maxQueueWaitSeconds,
            seconds);

    const CachePolicy::Settings &from = current.cacheTtl;
    const CachePolicy::Settings &to = incoming.cacheTtl;
    compare(QStringLiteral("Cache TTL for object reports"), from.objectTtlSeconds, to.objectTtlSeconds, seconds);
    compare(QStringLiteral("Cache TTL for relationships and searches"), from.collectionTtlSeconds,
            to.collectionTtlSeconds, seconds);
    compare(QStringLiteral("Cache TTL for comments and votes"), from.commentTtlSeconds, to.commentTtlSeconds,
            seconds);
    compare(QStringLiteral("Cache TTL for not-found answers"), from.notFoundTtlSeconds, to.notFoundTtlSeconds,
            seconds);
    compare(QStringLiteral("Cache TTL for analyses"), from.analysisTtlSeconds, to.analysisTtlSeconds, seconds);

    for (const QString &origin : incoming.allowedOrigins) {
        if (!current.allowedOrigins.contains(origin))
            lines.append(QStringLiteral("Allowed browser origin added: %1").arg(origin));
    }
    for (const QString &origin : current.allowedOrigins) {
        if (!incoming.allowedOrigins.contains(origin))
            lines.append(QStringLiteral("Allowed browser origin removed: %1").arg(origin));
    }

    compare(QStringLiteral("Listen port"), current.listenPort, incoming.listenPort, none);
    return lines;
}

} // namespace vtrelay
