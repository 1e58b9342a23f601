// SPDX-License-Identifier: MIT
#include "TrayApplication.h"

#include "AppState.h"
#include "ErrorSink.h"
#include "LoginItem.h"
#include "RelayHost.h"
#include "SettingsViewModel.h"
#include "TrayIcon.h"
#include "keys/ApiKeyProvider.h"

#include <QGuiApplication>
#include <QLoggingCategory>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTimer>

Q_LOGGING_CATEGORY(lcTrayApp, "vtrelay.gui.app")

namespace vtrelay {

TrayApplication::TrayApplication(const RelaySettings &relay, bool listenGiven, KeyStore *keyStore, Options options,
                                 QObject *parent)
    : QObject(parent)
    , m_keys(std::make_unique<ApiKeyProvider>())
    , m_errors(std::make_unique<ErrorSink>())
    , m_keyStore(keyStore)
    , m_options(std::move(options))
    , m_relaySettings(relay)
{
    if (!m_options.settings)
        m_options.settings = std::make_unique<QSettings>();
    SettingsViewModel::applyStored(*m_options.settings, &m_relaySettings, listenGiven);
}

TrayApplication::~TrayApplication()
{
    // The window goes first, then the models it shows, then the relay threads.
    m_tray.reset();
    m_engine.reset();
    if (m_host)
        m_host->stop();
    if (AppState::instance() == m_state.get())
        AppState::setInstance(nullptr);
}

bool TrayApplication::start()
{
    m_host = std::make_unique<RelayHost>(m_relaySettings, m_keys.get());
    auto settingsModel = std::make_unique<SettingsViewModel>(std::move(m_options.settings),
                                                             std::make_unique<LoginItem>(m_options.autostartDirectory),
                                                             m_host.get());
    m_host->setHistoryRetentionDays(settingsModel->historyDays());

    QString error;
    const bool running = m_host->start(&error);
    if (!running)
        qCCritical(lcTrayApp).noquote() << error;

    m_state = std::make_unique<AppState>(m_host.get(), m_errors.get(), m_keyStore, std::move(settingsModel));
    AppState::setInstance(m_state.get());
    m_state->initialize(running, error);

    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    m_engine->load(QUrl(QStringLiteral("qrc:/qt/qml/VtRelay/Main.qml")));
    const QList<QObject *> roots = m_engine->rootObjects();
    m_window = roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.constFirst());
    if (!m_window) {
        qCCritical(lcTrayApp) << "The window could not be loaded; see the QML errors above";
        return false;
    }

    if (m_options.useTray && TrayIcon::isAvailable()) {
        createTray();
    } else {
        qCInfo(lcTrayApp) << "No system tray here; the window stays open and closing it quits VT Relay";
        QGuiApplication::setQuitOnLastWindowClosed(true);
        if (m_options.useTray)
            waitForTray();
    }
    connect(m_state.get(), &AppState::showWindowRequested, this, &TrayApplication::showWindow);

    if (!m_tray || m_options.showWindow || !running) {
        showWindow();
    } else {
        // On a first launch there is no key yet: open the window so the analyst can set one.
        auto *key = m_state->key();
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(key, &KeyViewModel::keyStateChanged, this, [this, key, connection] {
            QObject::disconnect(*connection);
            if (!key->hasKey()) {
                m_state->setCurrentPage(AppState::KeyPage);
                showWindow();
            }
        });
    }
    return true;
}

void TrayApplication::createTray()
{
    m_tray = std::make_unique<TrayIcon>(m_state.get());
    connect(m_tray.get(), &TrayIcon::toggleWindowRequested, this, &TrayApplication::toggleWindow);
    connect(m_tray.get(), &TrayIcon::showWindowRequested, this, &TrayApplication::showWindow);
    connect(m_tray.get(), &TrayIcon::quitRequested, qApp, &QCoreApplication::quit, Qt::QueuedConnection);
    connect(m_errors.get(), &ErrorSink::notify, m_tray.get(), &TrayIcon::notify);
    m_tray->show();
    // The relay keeps running while the window is closed; the tray menu quits.
    QGuiApplication::setQuitOnLastWindowClosed(false);
}

void TrayApplication::waitForTray()
{
    // Started at login, VT Relay may run before the desktop's panel offers a tray. It checks
    // again for a while and moves to the tray once one appears.
    constexpr int kIntervalMs = 2000;
    constexpr int kAttempts = 30;
    auto *timer = new QTimer(this);
    timer->setInterval(kIntervalMs);
    connect(timer, &QTimer::timeout, this, [this, timer, attempts = 0]() mutable {
        if (TrayIcon::isAvailable()) {
            qCInfo(lcTrayApp) << "A system tray appeared; closing the window now keeps VT Relay running";
            createTray();
            timer->deleteLater();
        } else if (++attempts >= kAttempts) {
            timer->deleteLater();
        }
    });
    timer->start();
}

void TrayApplication::showWindow()
{
    if (!m_window)
        return;
    m_window->show();
    // The offscreen and minimal platforms (tests, no display) cannot raise windows.
    if (!QGuiApplication::platformName().startsWith(u"offscreen")
        && !QGuiApplication::platformName().startsWith(u"minimal")) {
        m_window->raise();
        m_window->requestActivate();
    }
}

void TrayApplication::toggleWindow()
{
    if (!m_window)
        return;
    // Activity is no guide here: clicking the tray icon takes the focus from the window first.
    if (m_window->isVisible() && m_window->visibility() != QWindow::Minimized)
        m_window->hide();
    else
        showWindow();
}

} // namespace vtrelay
