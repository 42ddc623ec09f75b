#pragma once

#include <QTimer>

#include <functional>

// One deadline at a time on one timer, re-armed only when a deadline comes closer than the time the
// timer fires: a steady stream of calls with the same timeout costs no timer operations at all.
class Deadline
{
public:
    // `expired` runs once the deadline last armed has passed; the timer lives in `owner`'s thread.
    Deadline(QObject *owner, std::function<void()> expired);
    void arm(int timeoutMs);

private:
    void check();

    QTimer m_timer;
    std::function<void()> m_expired;
    qint64 m_deadlineMs = 0;
    qint64 m_firesMs = 0; // when the running timer fires; 0 when it is not running
};
