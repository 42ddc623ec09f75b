#include "proxyworker.h"

#include "proxyconnection.h"

#include <atomic>

ProxyWorker::ProxyWorker(ConfigStore *store, RequestParser::Limits limits, ClientSettings client,
                         std::shared_ptr<RunnerEndpoint> runner, CaptureStore *capture)
    : m_store(store), m_limits(limits), m_client(client), m_pool(this), m_runner(std::move(runner), this), m_capture(capture)
{
}

ProxyWorker::~ProxyWorker()
{
    // Connections use the pool and the runner client (members): they must go first, not after the
    // members as QObject's own clean-up of children would have it.
    qDeleteAll(findChildren<ProxyConnection *>(QString(), Qt::FindDirectChildrenOnly));
}

quint64 ProxyWorker::nextExchangeId()
{
    static std::atomic<quint64> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

void ProxyWorker::addConnection(qintptr descriptor, std::function<void()> ended)
{
    new ProxyConnection(descriptor, this, std::move(ended));
}

Balancer *ProxyWorker::balancerFor(const UpstreamSpec &spec)
{
    BalancerState &state = m_balancers[spec.identity];
    if (!state.balancer || state.version != spec.version) {
        state.balancer = Balancer::create(spec);
        state.version = spec.version;
    }
    return state.balancer.get();
}
