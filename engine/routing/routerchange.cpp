// A router changed by one route, for an Admin API write: the indexes are copied (shared until changed)
// and only the entries of the route that goes and the one that comes are touched.
#include "router.h"

#include <algorithm>

namespace {
template <typename List, typename Less>
void insertSorted(List &list, const CompiledRoute *route, Less less)
{
    list.insert(std::upper_bound(list.begin(), list.end(), route, less) - list.begin(), route);
}

template <typename Hash>
void removeFrom(Hash &hash, const typename Hash::key_type &key, const CompiledRoute *route)
{
    const auto it = hash.find(key);
    if (it == hash.end())
        return;
    it->removeOne(route);
    if (it->isEmpty())
        hash.erase(it);
}
} // namespace

void Router::UriIndex::insert(const CompiledRoute *route)
{
    for (const QByteArray &uri : route->uris) {
        if (!uri.endsWith('*')) {
            insertSorted(exact[{uri}], route, precedes);
            continue;
        }
        const qsizetype length = uri.size() - 1;
        auto level = std::find_if(prefixLevels.begin(), prefixLevels.end(), [length](const PrefixLevel &l) { return l.length <= length; });
        if (level == prefixLevels.end() || level->length != length)
            level = prefixLevels.insert(level, PrefixLevel{length, {}}); // longest first
        insertSorted(level->routes[{uri.chopped(1)}], route, precedes);
    }
}

void Router::UriIndex::remove(const CompiledRoute *route)
{
    for (const QByteArray &uri : route->uris) {
        if (!uri.endsWith('*')) {
            removeFrom(exact, {uri}, route);
            continue;
        }
        const qsizetype length = uri.size() - 1;
        const auto level = std::find_if(prefixLevels.begin(), prefixLevels.end(), [length](const PrefixLevel &l) { return l.length == length; });
        if (level == prefixLevels.end())
            continue;
        removeFrom(level->routes, {uri.chopped(1)}, route);
        if (level->routes.isEmpty())
            prefixLevels.erase(level);
    }
}

void Router::index(const CompiledRoute *route, bool add)
{
    if (!route->enabled)
        return; // (disabled routes are in no index)
    const auto change = [route, add](UriIndex &index) { add ? index.insert(route) : index.remove(route); };
    if (route->hosts.isEmpty())
        change(m_anyHost);
    for (const QByteArray &host : route->hosts) {
        if (!host.startsWith('*')) {
            UriIndex &index = m_hosts[{host}];
            change(index);
            if (index.isEmpty())
                m_hosts.remove({host});
            continue;
        }
        const QByteArray suffix = host.mid(1);
        auto it = std::find_if(m_wildcards.begin(), m_wildcards.end(), [&suffix](const auto &w) { return w.first == suffix; });
        if (it == m_wildcards.end()) {
            if (!add)
                continue;
            // Longest first; among suffixes of one length the order does not matter (one host has one suffix of each length).
            it = std::find_if(m_wildcards.begin(), m_wildcards.end(), [&suffix](const auto &w) { return w.first.size() < suffix.size(); });
            it = m_wildcards.insert(it, {suffix, UriIndex()});
        }
        change(it->second);
        if (it->second.isEmpty())
            m_wildcards.erase(it);
    }
}

Router Router::with(const std::shared_ptr<const CompiledRoute> &old, const std::shared_ptr<const CompiledRoute> &now) const
{
    Router r = *this;
    // m_routes stays in id order, as a full build makes it (explain() lists the rest in that order).
    const auto byId = [](const std::shared_ptr<const CompiledRoute> &a, const QString &id) { return a->id < id; };
    if (old) {
        const auto it = std::find(r.m_routes.begin(), r.m_routes.end(), old);
        if (it != r.m_routes.end())
            r.m_routes.erase(it);
        r.index(old.get(), false);
    }
    if (now) {
        const auto at = std::lower_bound(r.m_routes.begin(), r.m_routes.end(), now->id, byId);
        r.m_routes.insert(at - r.m_routes.begin(), now);
        r.index(now.get(), true);
    }
    // Looked at again only when the route that went may have been the last one with vars.
    if (now && now->enabled && now->vars)
        r.m_usesVars = true;
    else if (old && old->enabled && old->vars)
        r.m_usesVars = std::any_of(r.m_routes.begin(), r.m_routes.end(), [](const auto &route) { return route->enabled && route->vars; });
    return r;
}
