#include "connectionpool.h"

#include <QDateTime>
#include <QTcpSocket>

ConnectionPool::ConnectionPool(QObject *parent)
    : QObject(parent)
{
    m_sweep.setParent(this); // so that moveToThread() takes the timer along
    m_sweep.setInterval(1000);
    connect(&m_sweep, &QTimer::timeout, this, &ConnectionPool::sweep);
}

ConnectionPool::~ConnectionPool()
{
    for (auto &list : m_idle)
        for (Idle &i : list)
            delete i.conn.socket;
}

UpstreamSocket ConnectionPool::take(const QByteArray &key)
{
    auto it = m_idle.find(key);
    while (it != m_idle.end() && !it->isEmpty()) {
        Idle idle = it->takeLast();
        QTcpSocket *s = idle.conn.socket;
        disconnect(s, nullptr, this, nullptr);
        if (s->state() == QAbstractSocket::ConnectedState && s->bytesAvailable() == 0)
            return idle.conn;
        s->deleteLater();
    }
    return {};
}

void ConnectionPool::give(UpstreamSocket conn, int maxIdle, int idleTimeoutMs, int maxUses)
{
    QTcpSocket *s = conn.socket;
    auto &list = m_idle[conn.key];
    if (s->state() != QAbstractSocket::ConnectedState || list.size() >= maxIdle || conn.uses >= maxUses
        || idleTimeoutMs <= 0) {
        s->disconnect();
        s->abort();
        s->deleteLater();
        return;
    }
    s->disconnect();
    s->setParent(this);
    conn.idleSince = QDateTime::currentMSecsSinceEpoch();
    connect(s, &QTcpSocket::readyRead, this, [this, s] { drop(s); });
    connect(s, &QTcpSocket::disconnected, this, [this, s] { drop(s); });
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

void ConnectionPool::drop(QTcpSocket *socket)
{
    for (auto &list : m_idle) {
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (list[i].conn.socket == socket) {
                list.removeAt(i);
                disconnect(socket, nullptr, this, nullptr);
                socket->abort();
                socket->deleteLater();
                return;
            }
        }
    }
}

void ConnectionPool::sweep()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (auto &list : m_idle) {
        list.removeIf([now, this](const Idle &i) {
            if (now - i.conn.idleSince < i.idleTimeoutMs)
                return false;
            disconnect(i.conn.socket, nullptr, this, nullptr);
            i.conn.socket->abort();
            i.conn.socket->deleteLater();
            return true;
        });
    }
    if (idleCount() == 0)
        m_sweep.stop();
}
