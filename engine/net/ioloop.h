#pragma once

#include <QObject>

#include <sys/epoll.h>

class QSocketNotifier;

// One epoll set per thread for the proxy's sockets. On a thread running the EpollDispatcher it is the
// dispatcher's own set (one epoll_wait() per turn); on any other thread it is driven from Qt's event
// loop by a single notifier on the epoll descriptor. Sockets are registered once, edge-triggered, and
// events reach their client by a direct call: no notifier per socket.
class IoLoop : public QObject
{
    Q_OBJECT
public:
    class Client
    {
    public:
        virtual ~Client() = default;
        virtual void ioReady(quint32 events) = 0;
        // Sends what was held back for the end of the batch (see flushAfterBatch()).
        virtual void ioFlush() {}
    };

    // The loop of the calling thread, created on first use; it lives as long as the thread's event
    // dispatcher.
    static IoLoop *current();
    // The calling thread's loop if it still exists.
    static IoLoop *existing();

    // Watches `fd` for input and hang-up, and for output when `output` is set, edge-triggered.
    bool add(int fd, Client *client, bool output, QString *error);
    // Starts or stops watching `fd` for output. A Unix socket reports output readiness every time its
    // peer reads, so a stream watches only while something waits to be sent (or a connect to finish):
    // otherwise each message would wake its sender once more for nothing.
    bool watchOutput(int fd, Client *client, bool output);
    // Delivers fetched events (the EpollDispatcher's, when the thread runs on it).
    void deliver(epoll_event *events, int count);
    // Drops events already fetched for `client`; call before it closes its descriptor or goes away.
    void forget(Client *client);
    // True while events are being delivered; writes made then can wait for the end of the batch.
    bool isDispatching() const { return m_dispatching; }
    // Calls client->ioFlush() once the events of this batch are all delivered. Writes gathered like
    // this leave together, so the peer wakes once for many of them.
    void flushAfterBatch(Client *client) { m_flushes.append(client); }

private:
    IoLoop();
    ~IoLoop() override;
    void dispatch();

    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
    static constexpr int kBatch = 128;
    epoll_event m_events[kBatch];
    epoll_event *m_batch = nullptr;
    int m_count = 0;
    int m_next = 0;
    bool m_dispatching = false;
    QList<Client *> m_flushes;
};
