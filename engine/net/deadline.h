#pragma once

#include <QObject>

#include <functional>

class QTimerEvent;

// One deadline at a time on one timer of its owner's, re-armed only when a deadline comes closer than the
// time the timer fires: a steady stream of calls with the same timeout costs no timer operations at all.
// The timer is the owner's own (QObject::startTimer), not a QTimer: an idle keep-alive connection keeps
// no timer object and no signal connection (about 0.4 KB each). The owner hands its timer events to
// timerEvent(). Under simulated time (CoarseClock::simulateForTests) the clock's owner also hands it a
// "clock moved" event, a QTimerEvent with kClockMovedTimerId.
class Deadline
{
public:
    // `expired` runs once the deadline last armed has passed, in `owner`'s thread.
    Deadline(QObject *owner, std::function<void()> expired);
    ~Deadline();
    void arm(int timeoutMs);
    // From the owner's QObject::timerEvent: true when the event was this deadline's.
    bool timerEvent(QTimerEvent *event);

    // Qt's timer ids are positive: this one is the simulated clock's word that it moved on.
    static constexpr int kClockMovedTimerId = -1;
    // CoarseClock's test hooks: keep every deadline made from now on; tell those kept that the clock moved.
    static void watchForTests();
    static void clockMovedForTests();

private:
    void start(int ms);
    void expireIfDue();

    QObject *m_owner;
    std::function<void()> m_expired;
    int m_timerId = 0;
    bool m_watched = false; // known to clockMovedForTests()
    qint64 m_deadlineMs = 0;
    qint64 m_firesMs = 0; // when the running timer fires; 0 when it is not running
};
