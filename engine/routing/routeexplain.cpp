// Router::explain: the router's walk made visible, for the window (issue 16). Not on the hot path.
#include "router.h"

#include <QSet>

#include <algorithm>

namespace {
QString listText(const QList<QByteArray> &items)
{
    QStringList out;
    for (const QByteArray &i : items)
        out << QString::fromUtf8(i);
    return out.join(QStringLiteral(", "));
}

bool uriCovers(const QByteArray &uri, QByteArrayView path)
{
    return uri.endsWith('*') ? path.startsWith(QByteArrayView(uri).chopped(1)) : path == QByteArrayView(uri);
}
} // namespace

QString Router::refusal(const CompiledRoute &r, const MatchInput &in)
{
    if (!r.methods.isEmpty() && std::none_of(r.methods.begin(), r.methods.end(), [&](const QByteArray &m) { return m == in.method; }))
        return QStringLiteral("method %1 is not one of %2").arg(QString::fromUtf8(in.method.toByteArray()), listText(r.methods));
    if (!r.hosts.isEmpty() && std::none_of(r.hosts.begin(), r.hosts.end(), [&](const QByteArray &h) { return hostMatches(h, in.host); }))
        return QStringLiteral("host %1 is not one of %2").arg(QString::fromUtf8(in.host.toByteArray()), listText(r.hosts));
    if (!r.remoteAddrs.isEmpty()
        && std::none_of(r.remoteAddrs.begin(), r.remoteAddrs.end(), [&](const auto &net) { return in.remoteAddr.isInSubnet(net.first, net.second); })) {
        QStringList nets;
        for (const auto &[address, bits] : r.remoteAddrs)
            nets << QStringLiteral("%1/%2").arg(address.toString()).arg(bits);
        return QStringLiteral("client %1 is not in %2").arg(in.remoteAddr.toString(), nets.join(QStringLiteral(", ")));
    }
    if (r.vars && (!in.vars || !r.vars->matches(*in.vars)))
        return QStringLiteral("its vars do not hold for this request");
    return {};
}

void Router::reached(const UriIndex &index, const MatchInput &in, QList<std::pair<const CompiledRoute *, QByteArray>> *out)
{
    const QByteArray path = in.path.toByteArray();
    if (const auto found = index.exact.constFind({path}); found != index.exact.constEnd())
        for (const CompiledRoute *r : *found)
            out->append({r, path});
    for (const PrefixLevel &level : index.prefixLevels) {
        if (level.length > path.size())
            continue;
        if (const auto at = level.routes.constFind({path.left(level.length)}); at != level.routes.constEnd())
            for (const CompiledRoute *r : *at)
                out->append({r, path.left(level.length) + '*'});
    }
}

QList<RouteVerdict> Router::explain(const MatchInput &in) const
{
    // The walk of match(): the request's exact host, the wildcard hosts longest first, then the host-less routes.
    QList<std::pair<const CompiledRoute *, QByteArray>> walk;
    const QByteArray host = in.host.toByteArray().toLower();
    if (const auto exact = m_hosts.constFind({host}); exact != m_hosts.constEnd())
        reached(*exact, in, &walk);
    for (const auto &[suffix, index] : m_wildcards)
        if (host.size() > suffix.size() && host.endsWith(suffix))
            reached(index, in, &walk);
    reached(m_anyHost, in, &walk);

    QList<RouteVerdict> out;
    QSet<QString> seen;
    const CompiledRoute *winner = nullptr;
    for (const auto &[route, uri] : std::as_const(walk)) {
        if (seen.contains(route->id))
            continue;
        seen.insert(route->id);
        RouteVerdict v{route->id, route->name};
        const QString why = refusal(*route, in);
        const QString reach = QStringLiteral("uri %1 covers %2").arg(QString::fromUtf8(uri), QString::fromUtf8(in.path.toByteArray()));
        if (!why.isEmpty()) {
            v.reason = QStringLiteral("%1, but %2").arg(reach, why);
        } else if (!winner) {
            winner = route;
            v.outcome = RouteVerdict::Outcome::Matched;
            v.reason = reach + (route->hosts.isEmpty() ? QString() : QStringLiteral(" on host %1").arg(QString::fromUtf8(host)));
        } else {
            v.outcome = RouteVerdict::Outcome::AlsoMatches;
            v.reason = QStringLiteral("%1 too, but route %2 comes first (%3)")
                           .arg(reach, winner->id,
                                winner->priority != route->priority ? QStringLiteral("priority %1 over %2").arg(winner->priority).arg(route->priority)
                                : !winner->hosts.isEmpty() && route->hosts.isEmpty() ? QStringLiteral("routes with a host before those without")
                                                                                    : QStringLiteral("a more specific uri, or created earlier"));
        }
        out.append(v);
    }
    // The routes the walk did not reach, and why.
    for (const auto &route : m_routes) {
        if (seen.contains(route->id))
            continue;
        RouteVerdict v{route->id, route->name};
        const bool covers = std::any_of(route->uris.begin(), route->uris.end(), [&](const QByteArray &u) { return uriCovers(u, in.path); });
        if (!route->enabled)
            v.reason = QStringLiteral("disabled (status 0)");
        else if (!covers)
            v.reason = QStringLiteral("none of its uris (%1) covers %2").arg(listText(route->uris), QString::fromUtf8(in.path.toByteArray()));
        else
            v.reason = refusal(*route, in).isEmpty() ? QStringLiteral("not reached") : refusal(*route, in);
        out.append(v);
    }
    return out;
}
