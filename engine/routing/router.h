#pragma once

#include "extplugin.h"
#include "upstreamspec.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>

// A route compiled for matching.
struct CompiledRoute
{
    QString id;
    QString name;
    QList<QByteArray> uris;            // as written: "/a" exact, "/a/*" or "/a*" prefix
    QList<QByteArray> methods;         // empty: any
    QList<QByteArray> hosts;           // lower case; "*.x.com" wildcards; empty: any
    QList<std::pair<QHostAddress, int>> remoteAddrs; // empty: any
    qint64 priority = 0;
    bool enabled = true;
    quint64 version = 0;               // bumps on every change of the route
    qint64 order = 0;                  // creation order, the last tie-breaker
    std::shared_ptr<const UpstreamSpec> upstream; // null: the route has none
    QJsonObject plugins;
    ExtPlugins ext;                    // the ext-plugin-* of `plugins`, ready to run
};

struct MatchInput
{
    QByteArrayView method;
    QByteArrayView path;
    QByteArrayView host;      // without port
    QHostAddress remoteAddr;
};

// Finds the route for a request the way APISIX's radixtree_uri router does: an exact uri wins over a
// prefix, a longer prefix over a shorter one; among routes with the same uri, higher priority first,
// then creation order. Methods, hosts and remote_addrs filter; disabled routes never match.
class Router
{
public:
    Router() = default;
    explicit Router(QList<std::shared_ptr<const CompiledRoute>> routes);

    const CompiledRoute *match(const MatchInput &in) const;
    qsizetype size() const { return m_routes.size(); }

    static bool hostMatches(QByteArrayView pattern, QByteArrayView host);

private:
    // The prefixes of one length, by text: a request path is looked up once per distinct prefix length,
    // longest first, instead of being compared with every prefix route.
    struct PrefixLevel
    {
        qsizetype length = 0;
        QHash<QByteArray, QList<const CompiledRoute *>> routes; // each list in precedence order
    };
    static bool accepts(const CompiledRoute &r, const MatchInput &in);

    QList<std::shared_ptr<const CompiledRoute>> m_routes;
    QHash<QByteArray, QList<const CompiledRoute *>> m_exact;
    QList<PrefixLevel> m_prefixLevels; // longest first
};

// Compiles a validated route object. `upstream` is the route's own or the referenced one.
std::shared_ptr<const CompiledRoute> compileRoute(const QString &id, const QJsonObject &route, quint64 version,
                                                  qint64 order, std::shared_ptr<const UpstreamSpec> upstream);
