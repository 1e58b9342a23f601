// SPDX-License-Identifier: MIT
#include "TrayRunner.h"

#include "CommandLine.h"
#include "HeadlessRunner.h"
#include "KeychainKeyStore.h"
#include "SingleInstanceGuard.h"
#include "TrayApplication.h"

#include <QApplication>
#include <QLoggingCategory>
#include <QQuickStyle>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(VtRelayPlugin)

Q_LOGGING_CATEGORY(lcTrayRunner, "vtrelay.gui.runner")

namespace vtrelay {

bool hasDisplayForTray(QString *error)
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        *error = QStringLiteral("No display found (DISPLAY and WAYLAND_DISPLAY are unset), so the tray application "
                                "cannot start. Run `vtrelay --headless` on a server, or set QT_QPA_PLATFORM.");
        return false;
    }
#endif
    Q_UNUSED(error)
    return true;
}

int runTray(const CommandLine &commandLine)
{
    SingleInstanceGuard guard;
    if (!guard.claim())
        return 0;

    // Fusion follows the system palette, so the window is light or dark with the desktop.
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/vtrelay/icons/vtrelay.png")));
    QApplication::setApplicationDisplayName(QStringLiteral("VT Relay"));
    quitOnTerminationSignals();

    KeychainKeyStore keychain;
    // --listen on the command line wins over the port saved in the window.
    const bool listenGiven = commandLine.relay.port != RelaySettings().port
        || commandLine.relay.address != RelaySettings().address;
    TrayApplication app(commandLine.relay, listenGiven, &keychain, {});
    if (!app.start())
        return 1;
    QObject::connect(&guard, &SingleInstanceGuard::activationRequested, &app, &TrayApplication::showWindow);
    const int code = QApplication::exec();
    qCInfo(lcTrayRunner) << "VT Relay stopped";
    return code;
}

} // namespace vtrelay
