// SPDX-License-Identifier: MIT
#include "ErrorSink.h"

#include <QLoggingCategory>

#include <algorithm>

Q_LOGGING_CATEGORY(lcErrors, "vtrelay.gui.errors")

namespace vtrelay {

ErrorSink::ErrorSink(QObject *parent)
    : QObject(parent)
{
}

QString ErrorSink::titleOf(Problem problem)
{
    switch (problem) {
    case Problem::RelayStopped: return tr("VT Relay is not running");
    case Problem::KeyRejected: return tr("VirusTotal rejected the API key");
    case Problem::NoKey: return tr("No VirusTotal API key");
    case Problem::QuotaExhausted: return tr("VirusTotal quota exhausted");
    case Problem::UpstreamUnreachable: return tr("VirusTotal is unreachable");
    case Problem::Keychain: return tr("Keychain problem");
    case Problem::Storage: return tr("Cache or history problem");
    case Problem::OriginRejected: return tr("A web page was refused");
    }
    return QString();
}

void ErrorSink::raise(Problem problem, const QString &message, bool quiet)
{
    const auto existing = m_open.constFind(problem);
    if (existing != m_open.constEnd() && existing->message == message)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_open.insert(problem, Entry{problem, titleOf(problem), message, now});
    qCWarning(lcErrors).noquote() << titleOf(problem) + u':' << message;
    emit changed();

    if (quiet)
        return;
    QHash<QString, QDateTime> &shown = m_notified[problem];
    const auto last = shown.constFind(message);
    if (last != shown.constEnd() && last->secsTo(now) < m_renotifySeconds)
        return;
    shown.insert(message, now);
    emit notify(titleOf(problem), message);
}

void ErrorSink::resolve(Problem problem)
{
    if (!m_open.remove(problem))
        return;
    qCInfo(lcErrors).noquote() << "Resolved:" << titleOf(problem);
    emit changed();
}

ErrorSink::Entry ErrorSink::current() const
{
    const QList<Entry> all = entries();
    return all.isEmpty() ? Entry{} : all.constFirst();
}

QList<ErrorSink::Entry> ErrorSink::entries() const
{
    QList<Entry> all = m_open.values();
    std::sort(all.begin(), all.end(), [](const Entry &a, const Entry &b) { return a.problem < b.problem; });
    return all;
}

} // namespace vtrelay
