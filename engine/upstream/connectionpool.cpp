#include "connectionpool.h"

#include "coarseclock.h"

ConnectionPool::ConnectionPool(QObject *parent)
    : QObject(parent)
{
    m_sweep.setParent(this); // so that moveToThread() takes the timer along
    m_sweep.setInterval(1000);
    connect(&m_sweep, &QTimer::timeout, this, &ConnectionPool::sweep);
}

UpstreamConnection *ConnectionPool::take(const QByteArray &key, bool tls)
{
    auto it = m_idle.find({key});
    while (it != m_idle.end() && !it->isEmpty()) {
        UpstreamConnection *c = it->takeLast().conn;
        if (c->isOpen() && c->input().isEmpty())
            return c;
        c->discard();
    }
    return new UpstreamConnection(key, tls, this);
}

void ConnectionPool::give(UpstreamConnection *conn, int maxIdle, int idleTimeoutMs, int maxUses)
{
    auto &list = m_idle[{conn->key()}];
    if (!conn->isOpen() || list.size() >= maxIdle || conn->uses >= maxUses || idleTimeoutMs <= 0) {
        conn->discard();
        return;
    }
    conn->setHolder(this);
    conn->idleSince = coarseNowMs();
    list.append({conn, idleTimeoutMs});
    if (!m_sweep.isActive())
        m_sweep.start();
}

qsizetype ConnectionPool::idleCount() const
{
    qsizetype n = 0;
    for (const auto &list : m_idle)
        n += list.size();
    return n;
}

void ConnectionPool::drop(UpstreamConnection *c)
{
    auto it = m_idle.find({c->key()});
    if (it != m_idle.end())
        it->removeIf([c](const Idle &i) { return i.conn == c; });
    c->discard();
}

void ConnectionPool::sweep()
{
    const qint64 now = coarseNowMs();
    for (auto &list : m_idle) {
        list.removeIf([now](const Idle &i) {
            if (now - i.conn->idleSince < i.idleTimeoutMs)
                return false;
            i.conn->discard();
            return true;
        });
    }
    if (idleCount() == 0)
        m_sweep.stop();
}
