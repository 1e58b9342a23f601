// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

namespace vtrelay {

// The one place where problems go before they reach the user. Each problem has a kind, and
// raising the same kind again replaces its message. The window shows the most important open
// problem as a banner. The tray shows a notification at most once per kind and message within
// a quiet period, so a flapping upstream does not flood the desktop.
class ErrorSink : public QObject
{
    Q_OBJECT
public:
    // Ordered by importance, so a lower value wins the banner.
    enum class Problem { RelayStopped, KeyRejected, NoKey, QuotaExhausted, UpstreamUnreachable, Keychain, Storage,
                         OriginRejected };
    Q_ENUM(Problem)

    struct Entry
    {
        Problem problem;
        QString title;   // a few words, for the tray notification
        QString message; // what happened and what to do, in one or two sentences
        QDateTime raisedAt;
    };

    explicit ErrorSink(QObject *parent = nullptr);

    // quiet: show in the window but never as a desktop notification (for example on first launch).
    void raise(Problem problem, const QString &message, bool quiet = false);
    void resolve(Problem problem);
    bool has(Problem problem) const { return m_open.contains(problem); }
    bool isEmpty() const { return m_open.isEmpty(); }
    // Returns the most important open problem. Valid only when !isEmpty().
    Entry current() const;
    QList<Entry> entries() const;

    // After this many seconds the same problem and message may be notified again.
    void setRenotifyAfterSeconds(int seconds) { m_renotifySeconds = seconds; }

    static QString titleOf(Problem problem);

signals:
    void changed();
    void notify(const QString &title, const QString &message);

private:
    QHash<Problem, Entry> m_open;
    // When each message of each problem was last shown on the desktop.
    QHash<Problem, QHash<QString, QDateTime>> m_notified;
    int m_renotifySeconds = 15 * 60;
};

} // namespace vtrelay
