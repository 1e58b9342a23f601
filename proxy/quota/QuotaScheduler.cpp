// SPDX-License-Identifier: MIT
#include "QuotaScheduler.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <cmath>

Q_LOGGING_CATEGORY(lcQuota, "vtrelay.quota")

namespace vtrelay {

namespace {
QuotaScheduler::Limits sanitized(QuotaScheduler::Limits limits)
{
    limits.perMinute = qMax(1, limits.perMinute);
    limits.perDay = qMax(1, limits.perDay);
    limits.perMonth = qMax(1, limits.perMonth);
    limits.maxWaitSeconds = qMax(0, limits.maxWaitSeconds);
    return limits;
}

int secondsUntil(qint64 now, qint64 then)
{
    return qMax(1, int(std::ceil(double(then - now) / 1000.0)));
}
} // namespace

QuotaScheduler::QuotaScheduler(const Limits &limits, QObject *parent, Clock clock)
    : QObject(parent)
    , m_limits(sanitized(limits))
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &QuotaScheduler::pump);
    const qint64 now = m_clock();
    m_dayEnds = startOfNextDay(now);
    m_monthEnds = startOfNextMonth(now);
}

void QuotaScheduler::setLimits(const Limits &limits)
{
    m_limits = sanitized(limits);
    pump();
    emit stateChanged();
}

qint64 QuotaScheduler::startOfNextDay(qint64 now) const
{
    const QDate today = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).date();
    return QDateTime(today.addDays(1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

qint64 QuotaScheduler::startOfNextMonth(qint64 now) const
{
    const QDate today = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).date();
    const QDate first(today.year(), today.month(), 1);
    return QDateTime(first.addMonths(1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

void QuotaScheduler::rollWindows(qint64 now)
{
    while (!m_minuteSends.empty() && m_minuteSends.front() + m_limits.minuteWindowMs <= now)
        m_minuteSends.pop_front();
    if (now >= m_dayEnds) {
        m_usedDay = 0;
        m_dayEnds = startOfNextDay(now);
    }
    if (now >= m_monthEnds) {
        m_usedMonth = 0;
        m_monthEnds = startOfNextMonth(now);
    }
}

qint64 QuotaScheduler::predictStart(qint64 now, int cost) const
{
    // Replays the queue against the minute window: each call starts once the window has room
    // for its cost and the hold after an upstream rejection is over.
    std::deque<qint64> sends = m_minuteSends;
    qint64 at = qMax(now, m_holdUntil);
    auto place = [&](int units) {
        for (int i = 0; i < units; ++i) {
            while (int(sends.size()) >= m_limits.perMinute) {
                at = qMax(at, sends[sends.size() - size_t(m_limits.perMinute)] + m_limits.minuteWindowMs);
                while (!sends.empty() && sends.front() + m_limits.minuteWindowMs <= at)
                    sends.pop_front();
            }
            sends.push_back(at);
        }
    };
    for (const Job &job : m_queue)
        place(job.call.cost);
    place(cost);
    return at;
}

void QuotaScheduler::submit(Call call)
{
    const qint64 now = m_clock();
    rollWindows(now);
    call.cost = qMax(1, call.cost);

    int queuedCost = 0;
    for (const Job &job : m_queue)
        queuedCost += job.call.cost;
    const bool monthSpent = m_usedMonth + queuedCost + call.cost > m_limits.perMonth;
    const bool daySpent = m_usedDay + queuedCost + call.cost > m_limits.perDay;
    if (monthSpent || daySpent) {
        // Nothing frees a daily or monthly unit before the reset, so waiting cannot help.
        ++m_rejected;
        call.reject(secondsUntil(now, monthSpent ? m_monthEnds : m_dayEnds));
        emit stateChanged();
        return;
    }
    const qint64 deadline = call.deadlineMs > 0 ? call.deadlineMs : now + qint64(m_limits.maxWaitSeconds) * 1000;
    m_queue.push_back({deadline, std::move(call)});
    pump();
}

void QuotaScheduler::finished(quint64 token)
{
    m_running.removeIf([token](const Call &running) { return running.token == token; });
    pump();
}

void QuotaScheduler::requeueAfterReject(Call call)
{
    const qint64 now = m_clock();
    m_holdUntil = qMax(m_holdUntil, now + m_limits.holdAfterRejectMs);
    qCWarning(lcQuota).noquote() << "VirusTotal answered that the quota is exhausted; holding upstream calls for"
                                 << m_limits.holdAfterRejectMs / 1000 << "seconds";
    // Every unit of the current window is treated as spent, as VirusTotal says it is.
    while (int(m_minuteSends.size()) < m_limits.perMinute)
        m_minuteSends.push_back(now);
    const qint64 deadline = call.deadlineMs > 0 ? call.deadlineMs : now + qint64(m_limits.maxWaitSeconds) * 1000;
    m_queue.push_front({deadline, std::move(call)});
    pump();
    emit stateChanged();
}

QList<QuotaScheduler::Call> QuotaScheduler::takeQueued(const std::function<bool(const Call &)> &matches)
{
    QList<Call> taken;
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        if (matches(it->call)) {
            taken.append(std::move(it->call));
            it = m_queue.erase(it);
        } else {
            ++it;
        }
    }
    if (!taken.isEmpty()) {
        pump();
        emit stateChanged();
    }
    return taken;
}

void QuotaScheduler::learnUsage(int usedDay, int usedMonth)
{
    m_usedDay = qMax(m_usedDay, usedDay);
    m_usedMonth = qMax(m_usedMonth, usedMonth);
    emit stateChanged();
}

bool QuotaScheduler::conflictsWithRunning(const Call &call) const
{
    if (call.conflictGroup.isEmpty())
        return false;
    for (const auto &running : m_running) {
        if (running.conflictGroup == call.conflictGroup && running.conflictClass != call.conflictClass)
            return true;
    }
    return false;
}

void QuotaScheduler::pump()
{
    // start() and reject() answer clients, which may submit more calls; those land in the
    // queue and are handled by the loop below instead of by a nested pump.
    if (m_pumping) {
        m_pumpAgain = true;
        return;
    }
    m_pumping = true;
    do {
        m_pumpAgain = false;
        pumpOnce();
    } while (m_pumpAgain);
    m_pumping = false;
    emit stateChanged();
}

void QuotaScheduler::pumpOnce()
{
    const qint64 now = m_clock();
    rollWindows(now);

    // Calls whose maximum wait has passed are rejected, wherever they are in the queue.
    QList<Call> expired;
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        if (it->deadline <= now) {
            expired.append(std::move(it->call));
            it = m_queue.erase(it);
        } else {
            ++it;
        }
    }
    for (Call &call : expired) {
        ++m_rejected;
        call.reject(secondsUntil(now, predictStart(now, call.cost)));
    }

    qint64 wakeAt = 0;
    while (!m_queue.empty()) {
        if (now < m_holdUntil) {
            wakeAt = m_holdUntil;
            break;
        }
        Job &head = m_queue.front();
        const int room = m_limits.perMinute - int(m_minuteSends.size());
        if (head.call.cost > room && !m_minuteSends.empty()) {
            const size_t mustExpire = qMin(size_t(head.call.cost - room), m_minuteSends.size()) - 1;
            wakeAt = m_minuteSends[mustExpire] + m_limits.minuteWindowMs;
            break;
        }
        if (conflictsWithRunning(head.call))
            break; // pumped again by finished()
        Job job = std::move(head);
        m_queue.pop_front();
        if (!job.call.start())
            continue; // answered without upstream, so no quota is spent
        for (int i = 0; i < job.call.cost; ++i)
            m_minuteSends.push_back(now);
        m_usedDay += job.call.cost;
        m_usedMonth += job.call.cost;
        m_running.append(std::move(job.call));
    }

    if (!m_queue.empty()) {
        qint64 nextDeadline = m_queue.front().deadline;
        for (const Job &job : m_queue)
            nextDeadline = qMin(nextDeadline, job.deadline);
        wakeAt = wakeAt ? qMin(wakeAt, nextDeadline) : nextDeadline;
    }
    if (wakeAt)
        m_timer.start(int(qBound<qint64>(1, wakeAt - now, qint64(24) * 3600 * 1000)));
    else
        m_timer.stop();
}

QuotaScheduler::State QuotaScheduler::state() const
{
    State s;
    const qint64 now = m_clock();
    s.limits = m_limits;
    for (qint64 t : m_minuteSends)
        s.usedMinute += t + m_limits.minuteWindowMs > now ? 1 : 0;
    s.usedDay = now >= m_dayEnds ? 0 : m_usedDay;
    s.usedMonth = now >= m_monthEnds ? 0 : m_usedMonth;
    s.queued = int(m_queue.size());
    s.nextFreeSlotMs = predictStart(now, 1);
    s.holdUntilMs = m_holdUntil > now ? m_holdUntil : 0;
    s.rejected = m_rejected;
    return s;
}

} // namespace vtrelay
