// SPDX-License-Identifier: MIT
#pragma once

#include <QIcon>
#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace vtrelay {

class AppState;

// The tray icon. Its picture shows serving, paused or problem. Its menu opens the window,
// pauses or resumes the relay, copies the relay address and quits. A click toggles the window.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    explicit TrayIcon(AppState *state, QObject *parent = nullptr);
    ~TrayIcon() override;

    static bool isAvailable();
    void show();
    // Shows a desktop notification (the ErrorSink already removed repeats).
    void notify(const QString &title, const QString &message);
    QString toolTip() const;

    static QIcon iconFor(int status);

signals:
    void toggleWindowRequested();
    void showWindowRequested();
    void quitRequested();

private:
    void update();

    AppState *m_state;
    QSystemTrayIcon *m_tray;
    QMenu *m_menu;
    QAction *m_pauseAction;
};

} // namespace vtrelay
