#pragma once

#include <QtGlobal>

#include <atomic>
#include <time.h>

namespace CoarseClock {
// How far tests moved the clock on (advanceForTests); 0 in production.
inline std::atomic<qint64> testOffsetMs{0};

// Tests, Envoy's simulated time: from now on every Deadline made moves with the clock, so that
// advanceForTests() makes it expire at once when the move takes it past its time. Call it before the
// objects under test are made (initTestCase).
void simulateForTests();

// Moves every coarse clock reading forward by `ms` (the runner's token expiry and "known down" probe, the
// upstream pool's idle times, deadlines), so an expiry or timeout test takes no wall time. With
// simulateForTests(), each deadline the move made due expires in its owner's thread as soon as that
// thread's event loop runs, and the others are re-timed to what is left of them.
void advanceForTests(qint64 ms);
} // namespace CoarseClock

// Monotonic milliseconds from the kernel's coarse clock: a memory read, no timestamp counter, exact to a
// few milliseconds. For deadlines, idle times and expiries on the hot path; timings use QElapsedTimer.
inline qint64 coarseNowMs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000 + CoarseClock::testOffsetMs.load(std::memory_order_relaxed);
}
