#include "deadline.h"

#include "coarseclock.h"

#include <QCoreApplication>
#include <QTimerEvent>

#include <mutex>
#include <unordered_set>

namespace {
// Simulated time only: every deadline alive, so that a move of the clock reaches each owner's thread.
// Production never takes the lock (s_watching stays false).
std::atomic<bool> s_watching{false};
std::mutex s_watchedLock;
std::unordered_set<Deadline *> &watched()
{
    static std::unordered_set<Deadline *> all;
    return all;
}
} // namespace

void CoarseClock::simulateForTests()
{
    Deadline::watchForTests();
}

void CoarseClock::advanceForTests(qint64 ms)
{
    testOffsetMs.fetch_add(ms, std::memory_order_relaxed);
    Deadline::clockMovedForTests();
}

void Deadline::watchForTests()
{
    s_watching.store(true, std::memory_order_relaxed);
}

void Deadline::clockMovedForTests()
{
    const std::lock_guard lock(s_watchedLock);
    // A deadline goes (and its owner after it) only once it has the lock, so each owner here is alive; an
    // event still queued when its owner goes is dropped with it by Qt.
    for (Deadline *d : watched())
        QCoreApplication::postEvent(d->m_owner, new QTimerEvent(kClockMovedTimerId));
}

Deadline::Deadline(QObject *owner, std::function<void()> expired)
    : m_owner(owner), m_expired(std::move(expired))
{
    if (s_watching.load(std::memory_order_relaxed)) {
        const std::lock_guard lock(s_watchedLock);
        watched().insert(this);
        m_watched = true;
    }
}

Deadline::~Deadline()
{
    if (m_watched) {
        const std::lock_guard lock(s_watchedLock);
        watched().erase(this);
    }
    if (m_timerId)
        m_owner->killTimer(m_timerId);
}

void Deadline::start(int ms)
{
    if (m_timerId)
        m_owner->killTimer(m_timerId);
    m_timerId = m_owner->startTimer(qMax(ms, 0));
}

void Deadline::arm(int timeoutMs)
{
    m_deadlineMs = coarseNowMs() + timeoutMs;
    if (!m_firesMs || m_firesMs > m_deadlineMs) {
        start(timeoutMs);
        m_firesMs = m_deadlineMs;
    }
}

bool Deadline::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == kClockMovedTimerId) {
        if (m_timerId) // armed: due now, or its timer re-timed to what is left on the moved clock
            expireIfDue();
        return true;
    }
    if (!m_timerId || event->timerId() != m_timerId)
        return false;
    expireIfDue();
    return true;
}

void Deadline::expireIfDue()
{
    m_owner->killTimer(m_timerId); // one shot
    m_timerId = 0;
    m_firesMs = 0;
    const qint64 now = coarseNowMs();
    if (now < m_deadlineMs) { // pushed back since the timer was started
        start(int(m_deadlineMs - now));
        m_firesMs = m_deadlineMs;
        return;
    }
    m_expired();
}
