#pragma once

#include <QAbstractEventDispatcher>
#include <QAtomicInt>
#include <QHash>
#include <QList>

// A Qt event dispatcher on one epoll set, for engine threads and the demo runner: socket notifiers and
// the IoLoop share the set, so a turn of the loop is one epoll_wait() (Qt's own dispatcher rebuilds a
// poll() list and calls poll() first). Timers are kept in a small list; none fires early.
class EpollDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollDispatcher(QObject *parent = nullptr);
    ~EpollDispatcher() override;

    int epollDescriptor() const { return m_epoll; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

private:
    struct Watch
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
    };
    struct Timer
    {
        int id;
        qint64 intervalMs;
        Qt::TimerType type;
        QObject *object;
        qint64 dueUs;
        bool firing;
    };

    void updateWatch(int fd);
    void activate(int fd, quint32 events);
    bool fireTimers();
    int waitMs() const;

    int m_epoll = -1;
    int m_wakeFd = -1;
    QAtomicInt m_wakeUps;
    QAtomicInt m_interrupted;
    QHash<int, Watch> m_watches;
    QList<Timer> m_timers;
};
