// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>

namespace vtrelay {

// Owns every upstream call: one FIFO queue and one budget per quota window (minute, day and
// month; the day and month reset at 00:00 UTC). A call waits at most maxWaitSeconds for its
// turn and is then rejected with the seconds after which a retry can succeed. After VirusTotal
// answers 429 (v3) or 204 (v2) anyway, sending stops for a while and the queue waits.
class QuotaScheduler : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        int perMinute = 4;
        int perDay = 500;
        int perMonth = 15'500;
        int maxWaitSeconds = 60;
        // Length of the minute window in ms: a little over 60 s, so that a call never lands in
        // VirusTotal's previous minute because of network delay or clock skew.
        qint64 minuteWindowMs = 61'000;
        // How long sending stops after an unexpected quota answer from upstream.
        qint64 holdAfterRejectMs = 61'000;
    };

    struct State
    {
        Limits limits;
        int usedMinute = 0;
        int usedDay = 0;
        int usedMonth = 0;
        int queued = 0;
        qint64 nextFreeSlotMs = 0; // when a call submitted now could start, ms since the epoch
        qint64 holdUntilMs = 0;    // non-zero while sending is held after a 429 or 204
        qint64 rejected = 0;       // calls rejected for quota since start
    };

    struct Call
    {
        quint64 token = 0;      // the caller's id for the call, passed back to finished()
        int cost = 1;           // quota units: a v2 batch costs one per item
        QString cacheKey;       // lets the relay answer a queued call once its entry exists
        // Calls of one group with different classes may concern the same object (a file asked
        // by MD5 and by SHA-256), so they never run at the same time.
        QString conflictGroup;
        QString conflictClass;
        // Starts the call. Returns false when the call turned out not to need upstream (for
        // example because the response reached the cache meanwhile), and then no quota is spent.
        std::function<bool()> start;
        std::function<void(int retryAfterSeconds)> reject;
        // When the call must start by, ms since the epoch; 0 means maxWaitSeconds from now.
        qint64 deadlineMs = 0;
    };

    using Clock = std::function<qint64()>;

    explicit QuotaScheduler(const Limits &limits, QObject *parent = nullptr, Clock clock = {});

    void setLimits(const Limits &limits);
    const Limits &limits() const { return m_limits; }

    // Queues a call. Either start or reject is called once, maybe before submit() returns,
    // unless takeQueued() hands the call back first.
    void submit(Call call);
    // Reports that the started call with this token has finished upstream.
    void finished(quint64 token);
    // Puts a call that upstream rejected with 429 or 204 back at the head of the queue and
    // holds all sending until the quota window has likely reset.
    void requeueAfterReject(Call call);
    // Removes the queued calls for which matches() is true and returns them, so the caller can
    // answer them another way (from the cache).
    QList<Call> takeQueued(const std::function<bool(const Call &)> &matches);
    void learnUsage(int usedDay, int usedMonth);

    State state() const;

signals:
    void stateChanged();

private:
    struct Job
    {
        qint64 deadline;
        Call call;
    };

    void pump();
    void pumpOnce();
    void rollWindows(qint64 now);
    bool conflictsWithRunning(const Call &call) const;
    qint64 predictStart(qint64 now, int cost) const;
    qint64 startOfNextDay(qint64 now) const;
    qint64 startOfNextMonth(qint64 now) const;

    Limits m_limits;
    Clock m_clock;
    std::deque<qint64> m_minuteSends; // start times inside the current minute window
    int m_usedDay = 0;
    int m_usedMonth = 0;
    qint64 m_dayEnds = 0;
    qint64 m_monthEnds = 0;
    qint64 m_holdUntil = 0;
    qint64 m_rejected = 0;
    std::deque<Job> m_queue;
    QList<Call> m_running;
    QTimer m_timer;
    bool m_pumping = false;
    bool m_pumpAgain = false;
};

} // namespace vtrelay
