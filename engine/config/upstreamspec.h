#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>

struct UpstreamNode
{
    QByteArray host;
    quint16 port = 80;
    int weight = 1;
    QByteArray poolKey; // "host:port" ("tls:host:port" for https): connections to it are pooled together
};

// An upstream object compiled for the proxy: typed fields with APISIX's defaults filled in.
struct UpstreamSpec
{
    enum class Type { RoundRobin, CHash };
    enum class PassHost { Pass, Node, Rewrite };

    QString identity;      // "upstream/<id>" or "route/<id>": keys per-worker balancer state
    quint64 version = 0;   // changes whenever the object changes
    QList<UpstreamNode> nodes;
    Type type = Type::RoundRobin;
    QString unknownType;   // a `type` APISIX has no balancer for: its requests get 500, as there
    QString hashOn = QStringLiteral("vars");
    QString hashKey = QStringLiteral("remote_addr");
    bool https = false;
    PassHost passHost = PassHost::Pass;
    QByteArray upstreamHost;
    int connectTimeoutMs = 60000;
    int sendTimeoutMs = 60000;
    int readTimeoutMs = 60000;
    int retries = -1;      // -1: as many as there are other nodes
    int keepaliveSize = 320;
    int keepaliveIdleMs = 60000;
    int keepaliveRequests = 1000;

    int effectiveRetries() const { return retries >= 0 ? retries : int(nodes.size()) - 1; }
};

// Builds a spec from an already validated upstream object.
std::shared_ptr<const UpstreamSpec> compileUpstream(const QJsonObject &upstream, const QString &identity, quint64 version);
