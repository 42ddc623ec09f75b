#include "capturestore.h"

CaptureStore::CaptureStore(Settings settings, QObject *parent)
    : QObject(parent), m_settings(settings)
{
    qRegisterMetaType<ExchangePtr>();
    qRegisterMetaType<QList<ExchangePtr>>();
    qRegisterMetaType<QList<quint64>>();
    m_timer.setParent(this);
    m_timer.setInterval(m_settings.batchIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &CaptureStore::flush);
    m_timer.start();
}

void CaptureStore::add(ExchangePtr exchange)
{
    m_seen.fetch_add(1, std::memory_order_relaxed);
    const qint64 size = exchange->memoryBytes();
    QMutexLocker lock(&m_mutex);
    m_used += size;
    m_kept.push_back(exchange);
    m_pending.append(std::move(exchange));
    while (m_used > m_settings.budgetBytes && m_kept.size() > 1) {
        const ExchangePtr &oldest = m_kept.front();
        m_used -= oldest->memoryBytes();
        const bool stillPending = !m_pending.isEmpty() && m_pending.first() == oldest;
        if (stillPending)
            m_pending.removeFirst(); // never announced: nobody has to forget it
        else
            m_evictedSinceFlush.append(oldest->id);
        m_kept.pop_front();
        m_dropped.fetch_add(1, std::memory_order_relaxed);
    }
}

qint64 CaptureStore::memoryUsed() const
{
    QMutexLocker lock(&m_mutex);
    return m_used;
}

QList<ExchangePtr> CaptureStore::all() const
{
    QMutexLocker lock(&m_mutex);
    return QList<ExchangePtr>(m_kept.begin(), m_kept.end() - m_pending.size());
}

void CaptureStore::clear()
{
    {
        QMutexLocker lock(&m_mutex);
        m_kept.clear();
        m_pending.clear();
        m_used = 0;
        m_evictedSinceFlush.clear();
        m_dropped.store(0, std::memory_order_relaxed);
    }
    Q_EMIT cleared();
}

void CaptureStore::flush()
{
    QList<ExchangePtr> batch;
    QList<quint64> evicted;
    {
        QMutexLocker lock(&m_mutex);
        batch.swap(m_pending);
        evicted.swap(m_evictedSinceFlush);
    }
    if (!evicted.isEmpty())
        Q_EMIT exchangesEvicted(evicted);
    if (!batch.isEmpty())
        Q_EMIT exchangesAdded(batch);
}
