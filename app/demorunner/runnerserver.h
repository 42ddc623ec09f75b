#pragma once

#include "demoplugins.h"
#include "frame.h"

#include <QElapsedTimer>
#include <QHash>
#include <QLocalServer>

// The runner side of the protocol: accepts the gateway's connections on the Unix socket, keeps the
// conf tokens (with APISIX_CONF_EXPIRE_TIME), answers calls, asking ExtraInfo as plugins need it.
class RunnerServer : public QObject
{
    Q_OBJECT
public:
    RunnerServer(int confExpireSeconds, QObject *parent = nullptr);
    // Listens at `path`, removing a stale socket first; returns an error text or empty.
    QString listen(const QString &path);
    void close();

private:
    struct Conf
    {
        TextPairs entries;
        qint64 expiresAtMs = 0;
    };
    class Session;

    std::optional<TextPairs> conf(quint32 token) const;
    quint32 store(const TextPairs &entries);

    // Hands each accepted descriptor to a Session on our own Stream (no QLocalSocket in between).
    class Listener : public QLocalServer
    {
    public:
        explicit Listener(RunnerServer *server) : m_server(server) {}
    protected:
        void incomingConnection(quintptr descriptor) override;
    private:
        RunnerServer *m_server;
    };

    Listener m_server{this};
    QString m_path;
    QHash<quint32, Conf> m_confs;
    quint32 m_nextToken = 0;
    int m_expireSeconds;
    QElapsedTimer m_clock;
};
