#include "ioloop.h"

#include "epolldispatcher.h"

#include <QAbstractEventDispatcher>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace {
thread_local IoLoop *t_loop = nullptr;
}

IoLoop *IoLoop::current()
{
    if (!t_loop)
        t_loop = new IoLoop;
    return t_loop;
}

IoLoop *IoLoop::existing()
{
    return t_loop;
}

IoLoop::IoLoop()
    : QObject(QAbstractEventDispatcher::instance()) // goes with the thread's dispatcher
{
    if (auto *dispatcher = qobject_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance())) {
        m_epoll = dispatcher->epollDescriptor(); // one set for everything: it calls deliver()
        return;
    }
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0)
        qFatal("cannot create an epoll set: %s", std::strerror(errno));
    m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &IoLoop::dispatch);
}

IoLoop::~IoLoop()
{
    t_loop = nullptr;
    if (m_notifier) { // our own set
        delete m_notifier;
        ::close(m_epoll);
    }
}

namespace {
epoll_event eventFor(IoLoop::Client *client, bool output)
{
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (output ? EPOLLOUT : 0);
    ev.data.ptr = client;
    return ev;
}
} // namespace

bool IoLoop::add(int fd, Client *client, bool output, QString *error)
{
    epoll_event ev = eventFor(client, output);
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev) == 0)
        return true;
    if (error)
        *error = QString::fromLocal8Bit(std::strerror(errno));
    return false;
}

bool IoLoop::watchOutput(int fd, Client *client, bool output)
{
    // Modifying re-checks readiness: output that became possible meanwhile is reported, not lost.
    epoll_event ev = eventFor(client, output);
    return ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void IoLoop::forget(Client *client)
{
    for (int i = m_next; i < m_count; ++i)
        if (m_batch[i].data.ptr == client)
            m_batch[i].data.ptr = nullptr;
    for (Client *&c : m_flushes)
        if (c == client)
            c = nullptr;
}

void IoLoop::dispatch()
{
    if (m_dispatching)
        return; // a nested event loop; the notifier fires again once this batch is done
    int n;
    do
        n = ::epoll_wait(m_epoll, m_events, kBatch, 0);
    while (n < 0 && errno == EINTR);
    deliver(m_events, qMax(n, 0));
}

void IoLoop::deliver(epoll_event *events, int count)
{
    if (m_dispatching)
        return;
    m_dispatching = true;
    m_batch = events;
    m_count = count;
    for (m_next = 0; m_next < m_count;) {
        const epoll_event &ev = m_batch[m_next++];
        if (auto *client = static_cast<Client *>(ev.data.ptr))
            client->ioReady(ev.events);
    }
    m_count = m_next = 0;
    m_batch = nullptr;
    for (qsizetype i = 0; i < m_flushes.size(); ++i) // flushing may queue more: taken in order
        if (Client *c = m_flushes[i])
            c->ioFlush();
    m_flushes.resize(0);
    m_dispatching = false;
}
