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

namespace {
constexpr size_t kIdleCallsKept = 256;

QHostAddress plain(const QHostAddress &a)
{
    bool isV4 = false;
    const quint32 v4 = a.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : a;
}
} // namespace

ConnectionInfo ProxyWorker::connectionInfo(const QHostAddress &peer, quint16 peerPort, const QHostAddress &local, quint16 localPort)
{
    ConnectionInfo &last = m_lastConnection;
    if (const QHostAddress p = plain(peer); p != last.peer || last.peerText.isEmpty()) {
        last.peer = p;
        last.peerText = p.toString().toLatin1();
    }
    if (const QHostAddress l = plain(local); l != last.local || localPort != last.localPort || last.localPortText.isEmpty()) {
        last.local = l;
        last.localPort = localPort;
        last.localPortText = QByteArray::number(localPort);
    }
    last.peerPort = peerPort;
    return last; // (the addresses and texts are implicitly shared)
}

std::unique_ptr<UpstreamCall> ProxyWorker::takeUpstreamCall(UpstreamSink *sink)
{
    if (m_idleUpstreamCalls.empty())
        return std::make_unique<UpstreamCall>(&m_pool, sink);
    std::unique_ptr<UpstreamCall> call = std::move(m_idleUpstreamCalls.back());
    m_idleUpstreamCalls.pop_back();
    call->setSink(sink);
    return call;
}

std::unique_ptr<PluginCall> ProxyWorker::takePluginCall()
{
    if (m_idlePluginCalls.empty())
        return std::make_unique<PluginCall>(&m_runner);
    std::unique_ptr<PluginCall> call = std::move(m_idlePluginCalls.back());
    m_idlePluginCalls.pop_back();
    return call;
}

void ProxyWorker::giveBack(std::unique_ptr<UpstreamCall> call)
{
    call->abort();
    call->clear();
    call->setSink(nullptr);
    if (m_idleUpstreamCalls.size() < kIdleCallsKept)
        m_idleUpstreamCalls.push_back(std::move(call));
}

void ProxyWorker::giveBack(std::unique_ptr<PluginCall> call)
{
    call->abort();
    if (m_idlePluginCalls.size() < kIdleCallsKept)
        m_idlePluginCalls.push_back(std::move(call));
}

Balancer *ProxyWorker::balancerFor(const UpstreamSpec &spec)
{
    BalancerState &state = m_balancers[{spec.identity}];
    if (!state.balancer || state.version != spec.version) {
        state.balancer = Balancer::create(spec);
        state.version = spec.version;
    }
    return state.balancer.get();
}
