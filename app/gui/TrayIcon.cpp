// SPDX-License-Identifier: MIT
#include "TrayIcon.h"

#include "AppState.h"

#include <QAction>
#include <QLoggingCategory>
#include <QMenu>
#include <QSystemTrayIcon>

Q_LOGGING_CATEGORY(lcTray, "vtrelay.gui.tray")

namespace vtrelay {

TrayIcon::TrayIcon(AppState *state, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_tray(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
{
    QAction *open = m_menu->addAction(tr("Open VT Relay"));
    connect(open, &QAction::triggered, this, &TrayIcon::showWindowRequested);
    m_pauseAction = m_menu->addAction(tr("Pause relay"));
    connect(m_pauseAction, &QAction::triggered, m_state, &AppState::togglePaused);
    QAction *copy = m_menu->addAction(tr("Copy relay address"));
    connect(copy, &QAction::triggered, m_state, &AppState::copyAddress);
    m_menu->addSeparator();
    QAction *quit = m_menu->addAction(tr("Quit VT Relay"));
    connect(quit, &QAction::triggered, this, &TrayIcon::quitRequested);
    m_tray->setContextMenu(m_menu);

    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger)
            emit toggleWindowRequested();
    });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, &TrayIcon::showWindowRequested);
    connect(m_state, &AppState::statusChanged, this, &TrayIcon::update);
    connect(m_state, &AppState::countersChanged, this, &TrayIcon::update);
    update();
}

TrayIcon::~TrayIcon()
{
    delete m_menu;
}

bool TrayIcon::isAvailable()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayIcon::show()
{
    m_tray->show();
}

QIcon TrayIcon::iconFor(int status)
{
    switch (AppState::Status(status)) {
    case AppState::Status::Serving: return QIcon(QStringLiteral(":/vtrelay/icons/tray-serving.png"));
    case AppState::Status::Paused: return QIcon(QStringLiteral(":/vtrelay/icons/tray-paused.png"));
    case AppState::Status::Problem: break;
    }
    return QIcon(QStringLiteral(":/vtrelay/icons/tray-problem.png"));
}

QString TrayIcon::toolTip() const
{
    return tr("VT Relay: %1\n%2 upstream calls today, %3 answered from the cache")
        .arg(m_state->statusText())
        .arg(m_state->upstreamToday())
        .arg(m_state->savedToday());
}

void TrayIcon::update()
{
    m_tray->setIcon(iconFor(int(m_state->status())));
    m_tray->setToolTip(toolTip());
    m_pauseAction->setText(m_state->isPaused() ? tr("Resume relay") : tr("Pause relay"));
    m_pauseAction->setEnabled(m_state->isRunning());
}

void TrayIcon::notify(const QString &title, const QString &message)
{
    qCDebug(lcTray).noquote() << "Notification:" << title;
    m_tray->showMessage(title, message, QSystemTrayIcon::Warning, 15000);
}

} // namespace vtrelay
