// SPDX-License-Identifier: MIT
#include "LoginItem.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>

namespace vtrelay {

namespace {
#ifdef Q_OS_WIN
const QString kRunKey = QStringLiteral("HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run");
#endif
const QString kEntryName = QStringLiteral("VT Relay");
} // namespace

LoginItem::LoginItem(QString location)
    : m_location(std::move(location))
{
    if (m_location.isEmpty()) {
        m_location = QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation))
                         .filePath(QStringLiteral("autostart"));
    }
}

QString LoginItem::desktopFilePath() const
{
    return QDir(m_location).filePath(QStringLiteral("vtrelay.desktop"));
}

bool LoginItem::isSupported() const
{
#if defined(Q_OS_WIN) || (defined(Q_OS_UNIX) && !defined(Q_OS_MACOS))
    return true;
#else
    return false;
#endif
}

bool LoginItem::isEnabled() const
{
#ifdef Q_OS_WIN
    return QSettings(kRunKey, QSettings::NativeFormat).contains(kEntryName);
#else
    return QFile::exists(desktopFilePath());
#endif
}

bool LoginItem::setEnabled(bool enabled, QString *error)
{
    const QString program = QDir::toNativeSeparators(QCoreApplication::applicationFilePath());
#ifdef Q_OS_WIN
    QSettings run(kRunKey, QSettings::NativeFormat);
    if (enabled)
        run.setValue(kEntryName, QStringLiteral("\"%1\"").arg(program));
    else
        run.remove(kEntryName);
    run.sync();
    if (run.status() != QSettings::NoError) {
        *error = QObject::tr("Windows did not accept the start-at-login setting. Try again, or add VT Relay to "
                             "the Startup folder yourself.");
        return false;
    }
    return true;
#else
    if (!enabled) {
        if (QFile::exists(desktopFilePath()) && !QFile::remove(desktopFilePath())) {
            *error = QObject::tr("Could not remove %1. Delete it yourself to stop VT Relay starting at login.")
                         .arg(desktopFilePath());
            return false;
        }
        return true;
    }
    QFile file(desktopFilePath());
    if (!QDir().mkpath(m_location) || !file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QObject::tr("Could not write %1. Check that the folder is writable.").arg(desktopFilePath());
        return false;
    }
    // Exec quoting per the Desktop Entry specification: quotes around the path, with \" and \\ escaped.
    QString quoted = program;
    quoted.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\"")).replace(u'$', QStringLiteral("\\$"));
    const QString text = QStringLiteral("[Desktop Entry]\nType=Application\nName=%1\nComment=Local caching proxy "
                                        "for the VirusTotal API\nExec=\"%2\"\nIcon=vtrelay\nTerminal=false\n"
                                        "X-GNOME-Autostart-enabled=true\n")
                             .arg(kEntryName, quoted);
    if (file.write(text.toUtf8()) < 0 || !file.flush()) {
        *error = QObject::tr("Could not write %1: %2.").arg(desktopFilePath(), file.errorString());
        return false;
    }
    return true;
#endif
}

} // namespace vtrelay
