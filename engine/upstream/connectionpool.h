#pragma once

#include "configkey.h"
#include "upstreamconnection.h"

#include <QHash>
#include <QObject>
#include <QTimer>

// Idle keep-alive connections to upstreams, per worker thread. A connection that the upstream closes
// or writes to while idle is dropped; one idle longer than its idle timeout is closed.
class ConnectionPool : public QObject, private UpstreamConnection::Holder
{
    Q_OBJECT
public:
    explicit ConnectionPool(QObject *parent = nullptr);

    // An idle open connection for `key`, or a new unopened one.
    UpstreamConnection *take(const QByteArray &key, bool tls);
    // Keeps the connection for reuse unless the pool for its key is full or it is worn out.
    void give(UpstreamConnection *conn, int maxIdle, int idleTimeoutMs, int maxUses);
    qsizetype idleCount() const;

private:
    void connectionReadable(UpstreamConnection *c) override { drop(c); }
    void connectionClosed(UpstreamConnection *c) override { drop(c); }
    void connectionFailed(UpstreamConnection *c) override { drop(c); }
    void drop(UpstreamConnection *c);
    void sweep();

    struct Idle
    {
        UpstreamConnection *conn;
        int idleTimeoutMs;
    };
    QHash<ConfigKey<QByteArray>, QList<Idle>> m_idle; // by node address
    QTimer m_sweep;
};
