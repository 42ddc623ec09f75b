#pragma once

#include "upstreamspec.h"

#include <QList>

#include <memory>

// Picks upstream nodes. One balancer per upstream per worker, so no locking.
class Balancer
{
public:
    virtual ~Balancer() = default;
    // Index into spec.nodes, or -1 when no node is left. `tried` lists nodes already used by this
    // request (retries go to a different node while one is left).
    virtual int pick(QByteArrayView hashValue, const QList<int> &tried) = 0;

    static std::unique_ptr<Balancer> create(const UpstreamSpec &spec);
};

// nginx's smooth weighted round robin: over any window of sum(weights) picks, each node gets its weight.
class RoundRobinBalancer : public Balancer
{
public:
    explicit RoundRobinBalancer(const QList<UpstreamNode> &nodes);
    int pick(QByteArrayView hashValue, const QList<int> &tried) override;

private:
    QList<int> m_weights;
    QList<qint64> m_current;
};

// Consistent hashing on a ring with points proportional to weight.
class ConsistentHashBalancer : public Balancer
{
public:
    explicit ConsistentHashBalancer(const QList<UpstreamNode> &nodes);
    int pick(QByteArrayView hashValue, const QList<int> &tried) override;

private:
    QList<std::pair<quint32, int>> m_ring; // sorted by point
    int m_nodeCount = 0;
};
