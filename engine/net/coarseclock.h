#pragma once

#include <QtGlobal>

#include <atomic>
#include <time.h>

namespace CoarseClock {
// How far tests moved the clock on (advanceForTests); 0 in production.
inline std::atomic<qint64> testOffsetMs{0};

// Moves every coarse clock reading forward by `ms` (the runner's token expiry and "known down" probe, the
// upstream pool's idle times, deadlines when their timer next looks), so an expiry test takes no wall time.
inline void advanceForTests(qint64 ms)
{
    testOffsetMs.fetch_add(ms, std::memory_order_relaxed);
}
} // namespace CoarseClock

// Monotonic milliseconds from the kernel's coarse clock: a memory read, no timestamp counter, exact to a
// few milliseconds. For deadlines, idle times and expiries on the hot path; timings use QElapsedTimer.
inline qint64 coarseNowMs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000 + CoarseClock::testOffsetMs.load(std::memory_order_relaxed);
}
