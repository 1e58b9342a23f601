// SPDX-License-Identifier: MIT
#pragma once

#include "relay/Relay.h"

#include <QObject>
#include <QPointer>
#include <QQuickWindow>
#include <QSettings>

#include <memory>

class QQmlApplicationEngine;

namespace vtrelay {

class ApiKeyProvider;
class AppState;
class ErrorSink;
class KeyStore;
class LoginItem;
class RelayHost;
class TrayIcon;

// The tray application: the relay on its own thread, the view-models, the QML window and the
// tray icon, wired together. Tests create it without a tray and inspect its models.
class TrayApplication : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        bool useTray = true;                 // false: never create a tray icon (tests)
        bool showWindow = false;             // show the window at start even with a tray icon
        std::unique_ptr<QSettings> settings; // null: the user's settings
        QString autostartDirectory;          // empty: the platform's autostart location
    };

    TrayApplication(const RelaySettings &relay, bool listenGiven, KeyStore *keyStore, Options options,
                    QObject *parent = nullptr);
    ~TrayApplication() override;

    // Starts the relay and loads the window; false when the window could not be loaded. A relay
    // that cannot start is not a failure here: the window shows why and what to do.
    bool start();

    AppState *state() const { return m_state.get(); }
    RelayHost *host() const { return m_host.get(); }
    ErrorSink *errors() const { return m_errors.get(); }
    QQuickWindow *window() const { return m_window; }
    bool hasTray() const { return m_tray != nullptr; }

    void showWindow();
    void toggleWindow();

private:
    void createTray();
    void waitForTray();

    std::unique_ptr<ApiKeyProvider> m_keys;
    std::unique_ptr<ErrorSink> m_errors;
    std::unique_ptr<RelayHost> m_host;
    std::unique_ptr<AppState> m_state;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    std::unique_ptr<TrayIcon> m_tray;
    QPointer<QQuickWindow> m_window;
    KeyStore *m_keyStore;
    Options m_options;
    RelaySettings m_relaySettings;
};

} // namespace vtrelay
