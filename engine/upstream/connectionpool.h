#pragma once

#include <QHash>
#include <QObject>
#include <QTimer>

class QTcpSocket;

// An upstream connection with what the pool needs to know about it.
struct UpstreamSocket
{
    QTcpSocket *socket = nullptr;
    QByteArray key;        // "host:port" or "tls:host:port"
    int uses = 0;
    qint64 idleSince = 0;
};

// Idle keep-alive connections to upstreams, per worker thread. A connection that the upstream closes
// or writes to while idle is dropped.
class ConnectionPool : public QObject
{
    Q_OBJECT
public:
    explicit ConnectionPool(QObject *parent = nullptr);
    ~ConnectionPool() override;

    // An idle connection for `key`, or an empty one (socket == nullptr).
    UpstreamSocket take(const QByteArray &key);
    // Keeps the connection for reuse unless the pool for its key is full; takes ownership either way.
    void give(UpstreamSocket conn, int maxIdle, int idleTimeoutMs, int maxUses);
    qsizetype idleCount() const;

private:
    void drop(QTcpSocket *socket);
    void sweep();

    struct Idle
    {
        UpstreamSocket conn;
        int idleTimeoutMs = 0;
    };
    QHash<QByteArray, QList<Idle>> m_idle;
    QTimer m_sweep;
};
