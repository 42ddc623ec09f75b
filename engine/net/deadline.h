#pragma once

#include <QObject>

#include <functional>

class QTimerEvent;

// One deadline at a time on one timer of its owner's, re-armed only when a deadline comes closer than the
// time the timer fires: a steady stream of calls with the same timeout costs no timer operations at all.
// The timer is the owner's own (QObject::startTimer), not a QTimer: an idle keep-alive connection keeps
// no timer object and no signal connection (about 0.4 KB each). The owner hands its timer events to
// timerEvent().
class Deadline
{
public:
    // `expired` runs once the deadline last armed has passed, in `owner`'s thread.
    Deadline(QObject *owner, std::function<void()> expired);
    ~Deadline();
    void arm(int timeoutMs);
    // From the owner's QObject::timerEvent: true when the event was this deadline's.
    bool timerEvent(QTimerEvent *event);

private:
    void start(int ms);

    QObject *m_owner;
    std::function<void()> m_expired;
    int m_timerId = 0;
    qint64 m_deadlineMs = 0;
    qint64 m_firesMs = 0; // when the running timer fires; 0 when it is not running
};
