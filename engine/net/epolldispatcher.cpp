#include "epolldispatcher.h"

#include "ioloop.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace {
constexpr int kBatch = 128;
constexpr quint64 kNotifierTag = 1; // notifier events carry (fd << 1) | 1; IoLoop clients a pointer

// Microseconds, so that rounding never makes a timer fire before its interval has passed.
qint64 nowUs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}
} // namespace

EpollDispatcher::EpollDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
{
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("cannot set up the event dispatcher: %s", std::strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = (quint64(m_wakeFd) << 1) | kNotifierTag;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &ev);
}

EpollDispatcher::~EpollDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

bool EpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.storeRelaxed(0);
    emit awake();
    QCoreApplication::sendPostedEvents();

    const bool sockets = !(flags & QEventLoop::ExcludeSocketNotifiers);
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.loadRelaxed();
    const int timeout = canWait ? waitMs() : 0;
    if (canWait)
        emit aboutToBlock();
    epoll_event events[kBatch];
    int n = 0;
    if (sockets) {
        n = ::epoll_wait(m_epoll, events, kBatch, timeout);
        if (n < 0)
            n = 0; // EINTR: a turn without events
    } else if (timeout != 0) {
        // Sockets excluded: edge-triggered events must not be fetched and lost, so only sleep.
        const int ms = timeout < 0 ? 10 : timeout;
        timespec ts{ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, nullptr);
    }

    bool handled = false;
    epoll_event clients[kBatch];
    int clientCount = 0;
    for (int i = 0; i < n; ++i) {
        if (events[i].data.u64 & kNotifierTag)
            continue;
        clients[clientCount++] = events[i];
    }
    if (clientCount > 0) {
        if (IoLoop *loop = IoLoop::existing())
            loop->deliver(clients, clientCount);
        handled = true;
    }
    for (int i = 0; i < n; ++i) {
        if (!(events[i].data.u64 & kNotifierTag))
            continue;
        const int fd = int(events[i].data.u64 >> 1);
        if (fd == m_wakeFd) {
            quint64 count;
            while (::read(m_wakeFd, &count, sizeof(count)) > 0) {
            }
            m_wakeUps.storeRelease(0); // posted events are sent at the start of the next turn
            continue;
        }
        activate(fd, events[i].events);
        handled = true;
    }
    if (!(flags & QEventLoop::X11ExcludeTimers))
        handled |= fireTimers();
    return handled;
}

void EpollDispatcher::activate(int fd, quint32 events)
{
    // Looked up again before each delivery: a handler may remove or replace notifiers.
    const auto deliver = [this, fd](QSocketNotifier *Watch::*slot) {
        const auto it = m_watches.constFind(fd);
        if (it == m_watches.constEnd() || !((*it).*slot))
            return;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent((*it).*slot, &event);
    };
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        deliver(&Watch::read);
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
        deliver(&Watch::write);
    if (events & EPOLLPRI)
        deliver(&Watch::exception);
}

void EpollDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Watch &w = m_watches[fd];
    switch (notifier->type()) {
    case QSocketNotifier::Read: w.read = notifier; break;
    case QSocketNotifier::Write: w.write = notifier; break;
    case QSocketNotifier::Exception: w.exception = notifier; break;
    }
    updateWatch(fd);
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    if (it->read == notifier)
        it->read = nullptr;
    if (it->write == notifier)
        it->write = nullptr;
    if (it->exception == notifier)
        it->exception = nullptr;
    updateWatch(fd);
}

void EpollDispatcher::updateWatch(int fd)
{
    const auto it = m_watches.find(fd);
    quint32 mask = 0;
    if (it->read)
        mask |= EPOLLIN;
    if (it->write)
        mask |= EPOLLOUT;
    if (it->exception)
        mask |= EPOLLPRI;
    if (mask == 0) {
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); // may already be closed: then it is gone anyway
        m_watches.erase(it);
        return;
    }
    epoll_event ev{};
    ev.events = mask;
    ev.data.u64 = (quint64(fd) << 1) | kNotifierTag;
    if (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT)
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
}

void EpollDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    m_timers.append({timerId, interval, timerType, object, nowUs() + interval * 1000, false});
}

bool EpollDispatcher::unregisterTimer(int timerId)
{
    return m_timers.removeIf([timerId](const Timer &t) { return t.id == timerId; }) > 0;
}

bool EpollDispatcher::unregisterTimers(QObject *object)
{
    return m_timers.removeIf([object](const Timer &t) { return t.object == object; }) > 0;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> out;
    for (const Timer &t : m_timers)
        if (t.object == object)
            out.append(TimerInfo(t.id, int(t.intervalMs), t.type));
    return out;
}

int EpollDispatcher::remainingTime(int timerId)
{
    for (const Timer &t : std::as_const(m_timers))
        if (t.id == timerId)
            return int(qMax<qint64>(0, (t.dueUs - nowUs() + 999) / 1000));
    return -1;
}

int EpollDispatcher::waitMs() const
{
    if (m_timers.isEmpty())
        return -1;
    qint64 due = m_timers.constFirst().dueUs;
    for (const Timer &t : m_timers)
        due = qMin(due, t.dueUs);
    return int(qBound(qint64(0), (due - nowUs() + 999) / 1000, qint64(INT_MAX))); // rounded up
}

bool EpollDispatcher::fireTimers()
{
    const qint64 now = nowUs();
    QVarLengthArray<int, 16> due;
    for (const Timer &t : std::as_const(m_timers))
        if (t.dueUs <= now && !t.firing)
            due.append(t.id);
    const auto find = [this](int id) {
        return std::find_if(m_timers.begin(), m_timers.end(), [id](const Timer &t) { return t.id == id; });
    };
    for (int id : due) {
        auto it = find(id);
        if (it == m_timers.end())
            continue; // stopped by an earlier timer's handler
        it->dueUs += it->intervalMs * 1000;
        if (it->dueUs <= now)
            it->dueUs = now + it->intervalMs * 1000;
        it->firing = true; // not again from a nested loop while its handler runs
        QObject *object = it->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        it = find(id);
        if (it != m_timers.end())
            it->firing = false;
    }
    return !due.isEmpty();
}

void EpollDispatcher::wakeUp()
{
    if (m_wakeUps.testAndSetAcquire(0, 1)) {
        const quint64 one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_wakeFd, &one, sizeof(one));
    }
}

void EpollDispatcher::interrupt()
{
    m_interrupted.storeRelaxed(1);
    wakeUp();
}
