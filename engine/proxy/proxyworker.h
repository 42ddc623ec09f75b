#pragma once

#include "balancer.h"
#include "clientsettings.h"
#include "configkey.h"
#include "connectionpool.h"
#include "exchange.h"
#include "requestparser.h"
#include "plugincall.h"
#include "runnerclient.h"
#include "upstreamcall.h"

#include <QHash>
#include <QObject>

#include <memory>

class CaptureStore;
class ConfigStore;

// Owns the client connections, upstream connection pool and balancer state of one engine thread.
class ProxyWorker : public QObject
{
    Q_OBJECT
public:
    ProxyWorker(ConfigStore *store, RequestParser::Limits limits, ClientSettings client,
                std::shared_ptr<RunnerEndpoint> runner, CaptureStore *capture);
    ~ProxyWorker() override;

    // Takes an accepted socket; call in this worker's thread. `ended` runs once it is closed.
    void addConnection(qintptr descriptor, std::function<void()> ended = {});

    ConfigStore *store() const { return m_store; }
    ConnectionPool *pool() { return &m_pool; }
    RequestParser::Limits limits() const { return m_limits; }
    const ClientSettings &clientSettings() const { return m_client; }
    Balancer *balancerFor(const UpstreamSpec &spec);
    RunnerClient *runner() { return &m_runner; }
    CaptureStore *capture() const { return m_capture; }
    // Who a new connection is from and to, the addresses as plain IPv4 where they are mapped ones. What is
    // the same as for the connection before (its local address always, its client often: a desktop
    // gateway's clients are this machine) is shared with it, not kept again by every idle connection.
    ConnectionInfo connectionInfo(const QHostAddress &peer, quint16 peerPort, const QHostAddress &local, quint16 localPort);
    // Unique across workers, increasing.
    static quint64 nextExchangeId();

    // The upstream call and the runner call of an exchange, lent to a connection while it has one in
    // progress: an idle keep-alive connection holds neither (their timers and parsers are KBs each).
    std::unique_ptr<UpstreamCall> takeUpstreamCall(UpstreamSink *sink);
    std::unique_ptr<PluginCall> takePluginCall();
    void giveBack(std::unique_ptr<UpstreamCall> call);
    void giveBack(std::unique_ptr<PluginCall> call);

private:
    struct BalancerState
    {
        quint64 version = 0;
        std::shared_ptr<Balancer> balancer;
    };

    ConfigStore *m_store;
    RequestParser::Limits m_limits;
    ClientSettings m_client;
    ConnectionPool m_pool;
    RunnerClient m_runner;
    CaptureStore *m_capture;
    QHash<ConfigKey<QString>, BalancerState> m_balancers;
    ConnectionInfo m_lastConnection;
    // After the pool and the runner client: the idle calls go first.
    std::vector<std::unique_ptr<UpstreamCall>> m_idleUpstreamCalls;
    std::vector<std::unique_ptr<PluginCall>> m_idlePluginCalls;
};
