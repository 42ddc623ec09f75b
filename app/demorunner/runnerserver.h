#pragma once

#include "demoplugins.h"
#include "frame.h"

#include <QHash>
#include <QLocalServer>

#include <memory>

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
        std::shared_ptr<const DemoPlugins::Conf> conf;
        qint64 expiresAtMs = 0;
    };
    class Session;

    // The conf behind a token, or null when it is unknown or has expired.
    std::shared_ptr<const DemoPlugins::Conf> conf(quint32 token) const;
    quint32 store(DemoPlugins::Conf conf);

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
};
