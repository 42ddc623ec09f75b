#pragma once

#include "coarseclock.h"

#include <QByteArray>
#include <QtGlobal>

#include <atomic>

// At most one line a second for one kind of failure, counting the lines held back, so that a flood (a
// runner that is down under load) writes a line a second instead of megabytes. One per call site, as a
// function-local static; any thread.
class LogThrottle
{
public:
    // True when this line is to be written; `*held` then tells how many were held back before it.
    bool admit(quint64 *held)
    {
        const qint64 now = coarseNowMs();
        qint64 last = m_lastMs.load(std::memory_order_relaxed);
        if (now - last < 1000 || !m_lastMs.compare_exchange_strong(last, now)) {
            m_held.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        *held = m_held.exchange(0);
        return true;
    }

private:
    std::atomic<qint64> m_lastMs{-1000000};
    std::atomic<quint64> m_held{0};
};

// Writes the line `makeLine()` gives (built only when it is written) with qInfo, at most once a second
// for `throttle`, saying how many like it were held back. `makeLine` returns a QByteArray, declared as
// such (`[&]() -> QByteArray`): with QT_USE_QSTRINGBUILDER a deduced type would outlive its parts.
template<typename MakeLine>
void logThrottled(LogThrottle &throttle, MakeLine makeLine)
{
    quint64 held = 0;
    if (!throttle.admit(&held))
        return;
    const QByteArray line = makeLine();
    if (held)
        qInfo("%s (and %llu more like it since the last such line)", line.constData(), (unsigned long long)held);
    else
        qInfo("%s", line.constData());
}
