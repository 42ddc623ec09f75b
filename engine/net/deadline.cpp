#include "deadline.h"

#include "coarseclock.h"

Deadline::Deadline(QObject *owner, std::function<void()> expired)
    : m_expired(std::move(expired))
{
    m_timer.setParent(owner); // so that moveToThread() takes the timer along
    m_timer.setSingleShot(true);
    QObject::connect(&m_timer, &QTimer::timeout, owner, [this] { check(); });
}

void Deadline::arm(int timeoutMs)
{
    m_deadlineMs = coarseNowMs() + timeoutMs;
    if (!m_firesMs || m_firesMs > m_deadlineMs) {
        m_timer.start(timeoutMs);
        m_firesMs = m_deadlineMs;
    }
}

void Deadline::check()
{
    m_firesMs = 0; // the single-shot timer is no longer running
    const qint64 now = coarseNowMs();
    if (now < m_deadlineMs) { // pushed back since the timer was started
        m_timer.start(int(m_deadlineMs - now));
        m_firesMs = m_deadlineMs;
        return;
    }
    m_expired();
}
