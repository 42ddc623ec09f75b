#pragma once

#include "configkey.h"
#include "extplugin.h"
#include "upstreamspec.h"
#include "varsexpr.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>

// What a compiled route was made from: when any of it changes, the route is compiled again. It also
// gives the conf-token keys of its ext plugins, as apisix/init.lua sets conf_type, conf_id and conf_version.
struct RouteSource
{
    quint64 version = 0;             // bumps on every change of the route
    qint64 order = 0;                // creation order, the last tie-breaker
    quint64 serviceVersion = 0;      // of its service_id's service; 0: none
    quint64 pluginConfigVersion = 0; // of its plugin_config_id's plugin config; 0: none
    QString serviceId;
    // Named but gone (deleted with ?force=true): APISIX answers 503 (plugin config) or 404 (service).
    bool pluginConfigMissing = false;
    bool serviceMissing = false;

    bool operator==(const RouteSource &) const = default;
};

// A route compiled for matching: the route with its plugin config and service merged in.
struct CompiledRoute
{
    QString id;
    QString name;
    QList<QByteArray> uris;            // as written: "/a" exact, "/a/*" or "/a*" prefix
    QList<QByteArray> methods;         // empty: any
    QList<QByteArray> hosts;           // lower case; "*.x.com" wildcards; empty: any
    QList<std::pair<QHostAddress, int>> remoteAddrs; // empty: any
    std::shared_ptr<const VarsExpr> vars;          // null: none
    qint64 priority = 0;
    bool enabled = true;
    RouteSource source;
    std::shared_ptr<const UpstreamSpec> upstream; // null: the route has none
    QJsonObject plugins;
    ExtPlugins ext;                    // the ext-plugin-* of `plugins`, ready to run
    QString notRun;                    // what production runs of `plugins` that RouteScope does not, said plainly (or empty)
};

// The plain words an exchange shows for the plugins RouteScope keeps but does not run (consumer auth
// first, as it changes the answer most), or empty when every plugin is an ext-plugin.
QString notRunNote(const QJsonObject &plugins);

struct MatchInput
{
    QByteArrayView method;
    QByteArrayView path;
    QByteArrayView host;      // without port
    QHostAddress remoteAddr;
    const VarsExpr::Lookup *vars = nullptr; // the request's variables, for routes with `vars` (Router::usesVars())
};

// Finds the route for a request the way APISIX 3.x's default router, radixtree_host_uri, does: the routes
// with a host or hosts first, the most specific host first (exact, then the longest wildcard suffix), and
// only when none of them takes the request the routes without a host. Among a host's routes (or the
// host-less ones): an exact uri wins over a prefix, a longer prefix over a shorter one; among routes with
// the same uri, higher priority first, then creation order. Methods and remote_addrs filter; disabled
// routes never match.
// Why a route took a request or did not (Router::explain), for the window's "why this route".
struct RouteVerdict
{
    enum class Outcome { Matched, AlsoMatches, Skipped };
    QString routeId;
    QString routeName;
    Outcome outcome = Outcome::Skipped;
    QString reason; // "uri /a/* covers /a/b", "method POST is not GET", "disabled (status 0)", ...
};

class Router
{
public:
    Router() = default;
    explicit Router(QList<std::shared_ptr<const CompiledRoute>> routes);

    // This router with one route added (`old` null), replaced, or removed (`now` null): only the index
    // entries of those two change, the rest is shared with this one. What an Admin API write of one route
    // costs, instead of building every index again (routerchange.cpp).
    Router with(const std::shared_ptr<const CompiledRoute> &old, const std::shared_ptr<const CompiledRoute> &now) const;

    const CompiledRoute *match(const MatchInput &in) const;
    // Every route, in the order match() looks at them (the routes its uri and host reach first, then the
    // rest): the one that matches, those that would too but come after it, and why each other does not.
    // Not for the hot path (routeexplain.cpp).
    QList<RouteVerdict> explain(const MatchInput &in) const;
    qsizetype size() const { return m_routes.size(); }
    bool usesVars() const { return m_usesVars; }

    static bool hostMatches(QByteArrayView pattern, QByteArrayView host);

private:
    // The prefixes of one length, by text: a request path is looked up once per distinct prefix length,
    // longest first, instead of being compared with every prefix route.
    struct PrefixLevel
    {
        qsizetype length = 0;
        QHash<ConfigKey<QByteArray>, QList<const CompiledRoute *>> routes; // each list in precedence order
    };
    // The uri precedence among one set of routes (one host's, or the host-less ones).
    struct UriIndex
    {
        QHash<ConfigKey<QByteArray>, QList<const CompiledRoute *>> exact;
        QList<PrefixLevel> prefixLevels; // longest first
        QHash<qsizetype, QHash<ConfigKey<QByteArray>, QList<const CompiledRoute *>>> building; // prefixes by length, until finish()
        void add(const CompiledRoute *route);
        void finish();
        void insert(const CompiledRoute *route); // into a finished index, in precedence order
        void remove(const CompiledRoute *route);
        bool isEmpty() const { return exact.isEmpty() && prefixLevels.isEmpty(); }
        // This router with one route added (`old` null), replaced, or removed (`now` null): only the index
    // entries of those two change, the rest is shared with this one. What an Admin API write of one route
    // costs, instead of building every index again (routerchange.cpp).
    Router with(const std::shared_ptr<const CompiledRoute> &old, const std::shared_ptr<const CompiledRoute> &now) const;

    const CompiledRoute *match(const MatchInput &in) const;
    // Every route, in the order match() looks at them (the routes its uri and host reach first, then the
    // rest): the one that matches, those that would too but come after it, and why each other does not.
    // Not for the hot path (routeexplain.cpp).
    QList<RouteVerdict> explain(const MatchInput &in) const;
    };
    static bool precedes(const CompiledRoute *a, const CompiledRoute *b); // among routes of one uri: priority, then creation
    void index(const CompiledRoute *route, bool add);
    static bool accepts(const CompiledRoute &r, const MatchInput &in);
    // Why accepts() is false ("method POST is not GET"), or empty when it is true.
    static QString refusal(const CompiledRoute &r, const MatchInput &in);
    // The routes of one index that the path reaches, in its precedence order, each with the uri that did.
    static void reached(const UriIndex &index, const MatchInput &in, QList<std::pair<const CompiledRoute *, QByteArray>> *out);

    QList<std::shared_ptr<const CompiledRoute>> m_routes;
    QHash<ConfigKey<QByteArray>, UriIndex> m_hosts;                 // exact host (lower case)
    QList<std::pair<QByteArray, UriIndex>> m_wildcards;  // "*.example.com" as ".example.com", longest first
    UriIndex m_anyHost;
    bool m_usesVars = false;
};

// Compiles a validated route object, its plugin config and service already merged in. `upstream` is the
// one it uses (its own, the referenced one, or its service's).
std::shared_ptr<const CompiledRoute> compileRoute(const QString &id, const QJsonObject &route, const RouteSource &source,
                                                  std::shared_ptr<const UpstreamSpec> upstream);
