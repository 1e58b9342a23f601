// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>

class QLocalServer;

namespace vtrelay {

// Keeps one tray instance per user. The first instance listens on a local socket whose name
// includes the user. A second launch connects to it, requests that it show its window and exits.
class SingleInstanceGuard : public QObject
{
    Q_OBJECT
public:
    explicit SingleInstanceGuard(const QString &name = defaultName(), QObject *parent = nullptr);
    ~SingleInstanceGuard() override;

    // Returns true when this process is the first instance, which then listens for later ones.
    // When another instance runs, requests that it show its window and returns false.
    bool claim();
    QString name() const { return m_name; }

    // "vtrelay-<user>", made safe for a socket name.
    static QString defaultName();

signals:
    // A later launch asked this instance to bring up its window.
    void activationRequested();

private:
    bool askRunningInstance();
    void onNewConnection();

    QString m_name;
    QLocalServer *m_server = nullptr;
};

} // namespace vtrelay
