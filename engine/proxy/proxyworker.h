#pragma once

#include "balancer.h"
#include "clientsettings.h"
#include "connectionpool.h"
#include "requestparser.h"
#include "runnerclient.h"

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
    // Unique across workers, increasing.
    static quint64 nextExchangeId();

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
    QHash<QString, BalancerState> m_balancers;
};
