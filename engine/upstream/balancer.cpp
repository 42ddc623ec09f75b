#include "balancer.h"


#include <algorithm>

std::unique_ptr<Balancer> Balancer::create(const UpstreamSpec &spec)
{
    if (spec.type == UpstreamSpec::Type::CHash)
        return std::make_unique<ConsistentHashBalancer>(spec.nodes);
    return std::make_unique<RoundRobinBalancer>(spec.nodes);
}

RoundRobinBalancer::RoundRobinBalancer(const QList<UpstreamNode> &nodes)
{
    for (const UpstreamNode &n : nodes)
        m_weights.append(n.weight);
    m_current.fill(0, m_weights.size());
}

int RoundRobinBalancer::pick(QByteArrayView, const QList<int> &tried)
{
    int best = -1;
    qint64 total = 0;
    for (int i = 0; i < m_weights.size(); ++i) {
        if (m_weights[i] <= 0 || tried.contains(i))
            continue;
        m_current[i] += m_weights[i];
        total += m_weights[i];
        if (best < 0 || m_current[i] > m_current[best])
            best = i;
    }
    if (best >= 0)
        m_current[best] -= total;
    return best;
}

namespace {
quint32 point(QByteArrayView text)
{
    quint32 crc = 0xFFFFFFFFu;
    for (char ch : text) {
        crc ^= quint8(ch);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    // CRC32 of similar strings clusters; the murmur3 finaliser spreads the points over the ring.
    quint32 h = ~crc;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}
} // namespace

ConsistentHashBalancer::ConsistentHashBalancer(const QList<UpstreamNode> &nodes)
    : m_nodeCount(int(nodes.size()))
{
    for (int i = 0; i < nodes.size(); ++i) {
        const QByteArray base = nodes[i].host + ':' + QByteArray::number(nodes[i].port);
        for (int v = 0; v < nodes[i].weight * 40; ++v)
            m_ring.append({point(QByteArray(base + '#' + QByteArray::number(v))), i});
    }
    std::sort(m_ring.begin(), m_ring.end());
}

int ConsistentHashBalancer::pick(QByteArrayView hashValue, const QList<int> &tried)
{
    if (m_ring.isEmpty())
        return -1;
    const quint32 p = point(hashValue);
    auto it = std::lower_bound(m_ring.begin(), m_ring.end(), std::pair<quint32, int>{p, -1});
    for (qsizetype step = 0; step < m_ring.size(); ++step, ++it) {
        if (it == m_ring.end())
            it = m_ring.begin();
        if (!tried.contains(it->second))
            return it->second;
    }
    return -1;
}
