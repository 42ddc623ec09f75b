#include "benchmonitor.h"

#include "atomicfile.h"
#include "capturestore.h"
#include "exchangeview.h"
#include "trafficpanel.h"

#include <QTableView>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <sys/resource.h>

namespace {
qint64 threadCpuUs()
{
    struct rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return qint64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1'000'000 + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

qint64 residentKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}
} // namespace

BenchMonitor::BenchMonitor(CaptureStore *capture, TrafficPanel *traffic, QString reportPath, bool showLatest, QObject *parent)
    : QObject(parent), m_capture(capture), m_path(std::move(reportPath))
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(10);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        const qint64 now = m_clock.elapsed();
        const qint64 cpu = threadCpuUs();
        const qint64 stall = qMax<qint64>(0, now - m_lastMs - 10);
        m_stallsMs.append(stall);
        if (stall >= m_longestStallMs) {
            // How much of the longest stall the GUI thread spent working; the rest it waited for a core.
            m_longestStallMs = stall;
            m_longestStallCpuMs = (cpu - m_lastCpuUs) / 1000;
        }
        m_lastMs = now;
        m_lastCpuUs = cpu;
    });
    connect(capture, &CaptureStore::exchangesAdded, this, [this](const QList<ExchangePtr> &batch) { m_rowsAnnounced += batch.size(); });
    connect(capture, &CaptureStore::exchangesEvicted, this, [this](const QList<quint64> &ids) { m_evicted += ids.size(); });
    if (showLatest) {
        m_looker.setInterval(400);
        connect(&m_looker, &QTimer::timeout, this, [this, traffic] {
            const int rows = traffic->table()->model()->rowCount();
            if (rows == 0)
                return;
            static const ExchangeView::Tab tabs[] = {ExchangeView::Changes, ExchangeView::ClientResponse, ExchangeView::UpstreamResponse, ExchangeView::Runner};
            traffic->table()->selectRow(rows - 1);
            traffic->detail()->setCurrentIndex(tabs[m_lookedAt++ % std::size(tabs)]);
        });
        m_looker.start();
    }
    m_clock.start();
    m_timer.start();
}

QString BenchMonitor::writeReport() const
{
    QList<qint64> sorted = m_stallsMs;
    std::sort(sorted.begin(), sorted.end());
    auto pct = [&sorted](double p) { return sorted.isEmpty() ? 0 : sorted[qMin(sorted.size() - 1, qsizetype(p * sorted.size()))]; };
    struct rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const qint64 seen = qint64(m_capture->totalSeen());
    const QJsonObject report{
        {"seconds", m_clock.elapsed() / 1000.0},
        {"timer_ticks", sorted.size()},
        {"stall_p50_ms", pct(0.50)},
        {"stall_p99_ms", pct(0.99)},
        {"stall_max_ms", sorted.isEmpty() ? 0 : sorted.last()},
        {"stall_max_gui_cpu_ms", m_longestStallCpuMs},
        {"exchanges_seen", seen},
        {"exchanges_shown", m_rowsAnnounced},
        {"exchanges_evicted_for_budget", m_evicted},
        {"capture_budget_mib", m_capture->budget() / 1048576.0},
        {"capture_used_mib", m_capture->memoryUsed() / 1048576.0},
        {"rss_mib", residentKiB() / 1024.0},
        {"max_rss_mib", usage.ru_maxrss / 1024.0},
    };
    return writeFileAtomically(m_path, QJsonDocument(report).toJson());
}
