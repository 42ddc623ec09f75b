#include "proxyworker.h"

#include "proxyconnection.h"

ProxyWorker::ProxyWorker(ConfigStore *store, RequestParser::Limits limits, std::shared_ptr<RunnerEndpoint> runner)
    : m_store(store), m_limits(limits), m_pool(this), m_runner(std::move(runner), this)
{
}

void ProxyWorker::addConnection(qintptr descriptor)
{
    new ProxyConnection(descriptor, this);
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
