#include "router.h"

#include "jsonnumber.h"

#include <QJsonArray>

#include <algorithm>

bool Router::precedes(const CompiledRoute *a, const CompiledRoute *b)
{
    if (a->priority != b->priority)
        return a->priority > b->priority;
    return a->source.order < b->source.order;
}

namespace {

QList<QByteArray> stringList(const QJsonObject &o, const char *single, const char *many, bool lower)
{
    QList<QByteArray> out;
    auto add = [&](const QJsonValue &v) {
        QByteArray s = v.toString().toUtf8();
        out.append(lower ? s.toLower() : s);
    };
    if (o.contains(QLatin1String(single)))
        add(o.value(QLatin1String(single)));
    for (const QJsonValue &v : o.value(QLatin1String(many)).toArray())
        add(v);
    return out;
}
} // namespace

QString notRunNote(const QJsonObject &plugins)
{
    // The auth plugins that look a consumer up (apisix/plugins/*-auth.lua and the like, type = 'auth').
    static const QStringList auth = {"key-auth", "basic-auth", "jwt-auth", "hmac-auth", "ldap-auth", "ldap-auth-advanced", "wolf-rbac",
                                     "openid-connect", "authz-keycloak", "authz-casdoor", "cas-auth", "forward-auth", "multi-auth", "jwe-decrypt"};
    QStringList consumers, others, disabled;
    for (auto it = plugins.begin(); it != plugins.end(); ++it) {
        if (pluginDisabled(it.value()))
            disabled << it.key();
        else if (!it.key().startsWith(QLatin1String("ext-plugin-")))
            (auth.contains(it.key()) ? consumers : others) << it.key();
    }
    QStringList parts;
    if (!disabled.isEmpty())
        parts << QStringLiteral("not run, as in production: %1 (_meta.disable)").arg(disabled.join(QStringLiteral(", ")));
    if (!consumers.isEmpty())
        parts << QStringLiteral("consumer auth not run here (%1): production checks the request's credential against its consumers "
                                "and answers 401 without a valid one").arg(consumers.join(QStringLiteral(", ")));
    if (!others.isEmpty())
        parts << QStringLiteral("not run here: %1 (production runs them; RouteScope runs only the ext-plugin-* phases)").arg(others.join(QStringLiteral(", ")));
    return parts.join(QStringLiteral("; "));
}

std::shared_ptr<const CompiledRoute> compileRoute(const QString &id, const QJsonObject &o, const RouteSource &source,
                                                  std::shared_ptr<const UpstreamSpec> upstream)
{
    auto r = std::make_shared<CompiledRoute>();
    r->id = id;
    r->name = o.value(QStringLiteral("name")).toString();
    r->uris = stringList(o, "uri", "uris", false);
    r->methods = stringList(o, "__none__", "methods", false);
    r->hosts = stringList(o, "host", "hosts", true);
    for (const QByteArray &a : stringList(o, "remote_addr", "remote_addrs", false)) {
        const QString text = QString::fromUtf8(a);
        if (text.contains(QLatin1Char('/')))
            r->remoteAddrs.append(QHostAddress::parseSubnet(text));
        else {
            const QHostAddress addr(text);
            r->remoteAddrs.append({addr, addr.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32});
        }
    }
    if (o.value(QStringLiteral("vars")).isArray()) {
        QString error; // (validated: it compiles)
        r->vars = VarsExpr::compile(o.value(QStringLiteral("vars")).toArray(), &error);
    }
    r->priority = clampedInt<qint64>(o.value(QStringLiteral("priority")).toDouble());
    r->enabled = o.value(QStringLiteral("status")).toInt(1) != 0;
    r->source = source;
    r->upstream = std::move(upstream);
    r->plugins = o.value(QStringLiteral("plugins")).toObject();
    r->ext = extPluginsOf(r->plugins);
    r->notRun = notRunNote(r->plugins);
    // The route's own fields production uses and RouteScope keeps without running (the validator warns too).
    QStringList fields;
    if (o.contains(QStringLiteral("filter_func")))
        fields << QStringLiteral("filter_func (production calls it after matching and passes the route over when it returns false)");
    if (o.contains(QStringLiteral("script")))
        fields << QStringLiteral("script (production runs it in place of the route's plugins)");
    if (o.contains(QStringLiteral("timeout")))
        fields << QStringLiteral("timeout (production uses it for the upstream call in place of the upstream's)");
    if (!fields.isEmpty())
        r->notRun += (r->notRun.isEmpty() ? QString() : QStringLiteral("; ")) + QStringLiteral("not run here: the route's ") + fields.join(QStringLiteral(", "));
    // apisix/init.lua: conf_type "route" or "route&service", conf_id "<route>" or "<route>&<service>",
    // conf_version the route's modifiedIndex, "#<plugin config's>" after a plugin config merge (apisix/
    // plugin_config.lua), then "&<service's>".
    QString confType = QStringLiteral("route"), confId = id;
    QByteArray confVersion = QByteArray::number(source.version);
    if (source.pluginConfigVersion)
        confVersion += '#' + QByteArray::number(source.pluginConfigVersion);
    if (source.serviceVersion) {
        confType += QStringLiteral("&service");
        confId += QLatin1Char('&') + source.serviceId;
        confVersion += '&' + QByteArray::number(source.serviceVersion);
    }
    for (std::optional<ExtPluginConfig> *p : {&r->ext.preReq, &r->ext.postReq, &r->ext.postResp})
        if (*p)
            (*p)->tokenKey = confTokenKey(confType, confId, (*p)->name, confVersion);
    return r;
}

void Router::UriIndex::add(const CompiledRoute *route)
{
    for (const QByteArray &uri : route->uris) {
        if (uri.endsWith('*'))
            building[uri.size() - 1][{uri.chopped(1)}].append(route);
        else
            exact[{uri}].append(route);
    }
}

void Router::UriIndex::finish()
{
    for (auto &list : exact)
        std::sort(list.begin(), list.end(), precedes);
    for (auto level = building.begin(); level != building.end(); ++level) {
        for (auto &list : *level)
            std::sort(list.begin(), list.end(), precedes);
        prefixLevels.append({level.key(), std::move(*level)});
    }
    building.clear();
    std::sort(prefixLevels.begin(), prefixLevels.end(), [](const PrefixLevel &a, const PrefixLevel &b) { return a.length > b.length; });
}

Router::Router(QList<std::shared_ptr<const CompiledRoute>> routes)
    : m_routes(std::move(routes))
{
    QHash<ConfigKey<QByteArray>, UriIndex> wildcards;
    for (const auto &route : std::as_const(m_routes)) {
        if (!route->enabled)
            continue;
        m_usesVars = m_usesVars || route->vars;
        if (route->hosts.isEmpty())
            m_anyHost.add(route.get());
        for (const QByteArray &host : route->hosts) {
            if (host.startsWith('*'))
                wildcards[{host.mid(1)}].add(route.get());
            else
                m_hosts[{host}].add(route.get());
        }
    }
    m_anyHost.finish();
    for (UriIndex &index : m_hosts)
        index.finish();
    for (auto it = wildcards.begin(); it != wildcards.end(); ++it) {
        it->finish();
        m_wildcards.append({it.key().value, std::move(*it)});
    }
    std::sort(m_wildcards.begin(), m_wildcards.end(), [](const auto &a, const auto &b) { return a.first.size() > b.first.size(); });
}

bool Router::hostMatches(QByteArrayView pattern, QByteArrayView host)
{
    if (pattern.startsWith('*')) {
        const QByteArrayView suffix = pattern.sliced(1); // ".example.com"
        return host.size() > suffix.size()
            && host.sliced(host.size() - suffix.size()).compare(suffix, Qt::CaseInsensitive) == 0;
    }
    return pattern.compare(host, Qt::CaseInsensitive) == 0;
}

bool Router::accepts(const CompiledRoute &r, const MatchInput &in)
{
    if (!r.methods.isEmpty()
        && std::none_of(r.methods.begin(), r.methods.end(), [&](const QByteArray &m) { return m == in.method; }))
        return false;
    if (!r.hosts.isEmpty()
        && std::none_of(r.hosts.begin(), r.hosts.end(), [&](const QByteArray &h) { return hostMatches(h, in.host); }))
        return false;
    if (!r.remoteAddrs.isEmpty()
        && std::none_of(r.remoteAddrs.begin(), r.remoteAddrs.end(),
                        [&](const auto &net) { return in.remoteAddr.isInSubnet(net.first, net.second); }))
        return false;
    if (r.vars && (!in.vars || !r.vars->matches(*in.vars)))
        return false;
    return true;
}

const CompiledRoute *Router::UriIndex::match(const MatchInput &in) const
{
    const auto found = exact.constFind({QByteArray::fromRawData(in.path.data(), in.path.size())});
    if (found != exact.constEnd()) {
        for (const CompiledRoute *r : *found)
            if (accepts(*r, in))
                return r;
    }
    for (const PrefixLevel &level : prefixLevels) {
        if (level.length > in.path.size())
            continue;
        const auto atLength = level.routes.constFind({QByteArray::fromRawData(in.path.data(), level.length)});
        if (atLength == level.routes.constEnd())
            continue;
        for (const CompiledRoute *r : *atLength)
            if (accepts(*r, in))
                return r;
    }
    return nullptr;
}

const CompiledRoute *Router::match(const MatchInput &in) const
{
    if (!m_hosts.isEmpty() || !m_wildcards.isEmpty()) {
        char lower[256];
        if (in.host.size() <= qsizetype(sizeof lower)) { // (a longer host matches no host of a route)
            for (qsizetype i = 0; i < in.host.size(); ++i)
                lower[i] = in.host[i] >= 'A' && in.host[i] <= 'Z' ? char(in.host[i] - 'A' + 'a') : in.host[i];
            const QByteArrayView host(lower, in.host.size());
            const auto exactHost = m_hosts.constFind({QByteArray::fromRawData(lower, host.size())});
            if (exactHost != m_hosts.constEnd()) {
                if (const CompiledRoute *r = exactHost->match(in))
                    return r;
            }
            for (const auto &[suffix, index] : m_wildcards) {
                if (host.size() > suffix.size() && host.endsWith(suffix)) {
                    if (const CompiledRoute *r = index.match(in))
                        return r;
                }
            }
        }
    }
    return m_anyHost.match(in);
}
