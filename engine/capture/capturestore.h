#pragma once

#include "capturedexchange.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <deque>

// Completed exchanges, kept within a memory budget (oldest evicted first). Workers add from their own
// threads without waiting on anyone; listeners get new exchanges in batches a few times a second,
// never one signal per request. Lives on a thread with an event loop (the engine's control thread).
struct CaptureSettings
{
    qint64 budgetBytes = 256LL * 1024 * 1024;
    qint64 bodyCapBytes = 1024 * 1024;
    int batchIntervalMs = 250;
};

class CaptureStore : public QObject
{
    Q_OBJECT
public:
    using Settings = CaptureSettings;

    explicit CaptureStore(Settings settings = {}, QObject *parent = nullptr);

    // Any thread.
    void add(ExchangePtr exchange);
    bool isCapturing() const { return !m_paused.load(std::memory_order_relaxed); }
    void setPaused(bool paused) { m_paused.store(paused, std::memory_order_relaxed); }
    qint64 bodyCap() const { return m_settings.bodyCapBytes; }
    qint64 budget() const { return m_settings.budgetBytes; }
    qint64 memoryUsed() const;
    quint64 totalSeen() const { return m_seen.load(); }
    // How many exchanges were dropped (oldest first) to stay within the budget since the last clear.
    quint64 droppedForBudget() const { return m_dropped.load(std::memory_order_relaxed); }
    QList<ExchangePtr> all() const;
    void clear();
    // Publishes what is pending now (the timer does this on its own).
    void flush();

Q_SIGNALS:
    void exchangesAdded(const QList<ExchangePtr> &batch);
    // These exchanges (announced earlier) are gone, evicted for the budget, oldest first.
    void exchangesEvicted(const QList<quint64> &ids);
    void cleared();

private:
    Settings m_settings;
    std::atomic<bool> m_paused{false};
    std::atomic<quint64> m_seen{0};
    std::atomic<quint64> m_dropped{0};
    mutable QMutex m_mutex;
    QList<ExchangePtr> m_pending;
    std::deque<ExchangePtr> m_kept;
    qint64 m_used = 0;
    QList<quint64> m_evictedSinceFlush;
    QTimer m_timer;
};
