#pragma once

#include <QtGlobal>

#include <time.h>

// Monotonic milliseconds from the kernel's coarse clock: a memory read, no timestamp counter, exact to a
// few milliseconds. For deadlines, idle times and expiries on the hot path; timings use QElapsedTimer.
inline qint64 coarseNowMs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}
