#include "deadline.h"

#include "coarseclock.h"

#include <QTimerEvent>

Deadline::Deadline(QObject *owner, std::function<void()> expired)
    : m_owner(owner), m_expired(std::move(expired))
{
}

Deadline::~Deadline()
{
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
    if (!m_timerId || event->timerId() != m_timerId)
        return false;
    m_owner->killTimer(m_timerId); // one shot
    m_timerId = 0;
    m_firesMs = 0;
    const qint64 now = coarseNowMs();
    if (now < m_deadlineMs) { // pushed back since the timer was started
        start(int(m_deadlineMs - now));
        m_firesMs = m_deadlineMs;
        return true;
    }
    m_expired();
    return true;
}
