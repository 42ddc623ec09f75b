#include "configstore.h"

#include "validator.h"

#include <QDateTime>

QString resourcePlural(ResourceKind kind)
{
    return kind == ResourceKind::Route ? QStringLiteral("routes") : QStringLiteral("upstreams");
}

QJsonObject mergePatch(QJsonObject target, const QJsonObject &patch)
{
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        if (it.value().isNull())
            target.remove(it.key());
        else if (it.value().isObject() && target.value(it.key()).isObject())
            target.insert(it.key(), mergePatch(target.value(it.key()).toObject(), it.value().toObject()));
        else
            target.insert(it.key(), it.value());
    }
    return target;
}

namespace {
std::shared_ptr<const ConfigSnapshot> compile(QMap<QString, StoredResource> routes, QMap<QString, StoredResource> upstreams,
                                              quint64 generation, const ConfigSnapshot *previous)
{
    auto snap = std::make_shared<ConfigSnapshot>();
    auto &shared = snap->compiledUpstreams;
    for (auto it = upstreams.cbegin(); it != upstreams.cend(); ++it) {
        std::shared_ptr<const UpstreamSpec> spec = previous ? previous->compiledUpstreams.value(it.key()) : nullptr;
        if (!spec || spec->version != it->version)
            spec = compileUpstream(it->value, QStringLiteral("upstream/") + it.key(), it->version);
        shared.insert(it.key(), std::move(spec));
    }
    QList<std::shared_ptr<const CompiledRoute>> compiled;
    compiled.reserve(routes.size());
    for (auto it = routes.cbegin(); it != routes.cend(); ++it) {
        const QJsonObject &r = it->value;
        const bool inline_ = r.value(QStringLiteral("upstream")).isObject();
        std::shared_ptr<const UpstreamSpec> upstream;
        if (!inline_ && r.contains(QStringLiteral("upstream_id")))
            upstream = shared.value(Validator::idText(r.value(QStringLiteral("upstream_id"))));
        std::shared_ptr<const CompiledRoute> route = previous ? previous->compiledRoutes.value(it.key()) : nullptr;
        // Kept when neither the route nor the upstream it names changed.
        if (!route || route->version != it->version || route->order != it->order || (!inline_ && route->upstream != upstream)) {
            if (inline_)
                upstream = compileUpstream(r.value(QStringLiteral("upstream")).toObject(), QStringLiteral("route/") + it.key(), it->version);
            route = compileRoute(it.key(), r, it->version, it->order, std::move(upstream));
        }
        snap->compiledRoutes.insert(it.key(), route);
        compiled.append(std::move(route));
    }
    snap->router = Router(std::move(compiled));
    snap->routes = std::move(routes);
    snap->upstreams = std::move(upstreams);
    snap->generation = generation;
    return snap;
}

bool routeUsesUpstream(const QJsonObject &route, const QString &upstreamId)
{
    const QJsonValue v = route.value(QStringLiteral("upstream_id"));
    return (v.isString() && v.toString() == upstreamId) || (v.isDouble() && QString::number(qint64(v.toDouble())) == upstreamId);
}
} // namespace

ConfigStore::ConfigStore(QObject *parent)
    : QObject(parent), m_current(compile({}, {}, 0, nullptr))
{
}

std::shared_ptr<const ConfigSnapshot> ConfigStore::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_current;
}

QString ConfigStore::generateId()
{
    QMutexLocker lock(&m_mutex);
    // Like APISIX's etcd-derived ids: 20 digits, increasing.
    const quint64 now = quint64(QDateTime::currentMSecsSinceEpoch()) * 1000;
    m_nextId = qMax(m_nextId + 1, now);
    return QStringLiteral("%1").arg(m_nextId, 20, 10, QLatin1Char('0'));
}

Problems ConfigStore::check(ResourceKind kind, const QJsonObject &value) const
{
    if (kind == ResourceKind::Upstream)
        return Validator::validateUpstream(value);
    const auto snap = snapshot();
    return Validator::validateRoute(value, [&snap](const QString &id) { return snap->upstreams.contains(id); }, customPlugins());
}

void ConfigStore::setCustomPlugins(const QStringList &names)
{
    QMutexLocker lock(&m_mutex);
    m_customPlugins = names;
}

QStringList ConfigStore::customPlugins() const
{
    QMutexLocker lock(&m_mutex);
    return m_customPlugins;
}

ConfigStore::Outcome ConfigStore::put(ResourceKind kind, const QString &id, QJsonObject value)
{
    return commit(kind, id, std::move(value));
}

ConfigStore::Outcome ConfigStore::patch(ResourceKind kind, const QString &id, const QJsonObject &patchValue)
{
    QMutexLocker writer(&m_writeMutex);
    const auto snap = snapshot();
    const auto &map = kind == ResourceKind::Route ? snap->routes : snap->upstreams;
    const auto it = map.constFind(id);
    if (it == map.constEnd())
        return {404, QStringLiteral("%1 %2 not found").arg(kind == ResourceKind::Route ? QStringLiteral("route") : QStringLiteral("upstream"), id)};
    writer.unlock();
    return commit(kind, id, mergePatch(it->value, patchValue));
}

ConfigStore::Outcome ConfigStore::commit(ResourceKind kind, const QString &id, QJsonObject value)
{
    QMutexLocker writer(&m_writeMutex);
    Outcome out;
    if (const QString bad = Validator::checkId(id); !bad.isEmpty())
        return {400, bad};
    const QJsonValue bodyId = value.value(QStringLiteral("id"));
    if (!bodyId.isUndefined()) {
        if (const QString bad = Validator::checkIdValue(bodyId); !bad.isEmpty())
            return {400, bad};
        if (Validator::idText(bodyId) != id)
            return {400, QStringLiteral("wrong %1 id").arg(kind == ResourceKind::Route ? QStringLiteral("route") : QStringLiteral("upstream"))};
    }
    out.problems = check(kind, value);
    if (hasErrors(out.problems)) {
        out.status = 400;
        out.error = firstErrorMessage(out.problems);
        return out;
    }
    const auto snap = snapshot();
    auto routes = snap->routes;
    auto upstreams = snap->upstreams;
    auto &map = kind == ResourceKind::Route ? routes : upstreams;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto existing = map.constFind(id);
    StoredResource res;
    {
        QMutexLocker lock(&m_mutex);
        res.version = m_nextVersion++;
        res.order = existing != map.constEnd() ? existing->order : m_nextOrder++;
    }
    out.created = existing == map.constEnd();
    if (!bodyId.isDouble()) // an id given as a number stays a number, as APISIX stores it
        value.insert(QStringLiteral("id"), id);
    if (existing != map.constEnd() && existing->value.contains(QStringLiteral("create_time")))
        value.insert(QStringLiteral("create_time"), existing->value.value(QStringLiteral("create_time")));
    else if (!value.contains(QStringLiteral("create_time")))
        value.insert(QStringLiteral("create_time"), now);
    value.insert(QStringLiteral("update_time"), now);
    res.value = value;
    map.insert(id, res);
    out.status = out.created ? 201 : 200;
    out.stored = res;
    swapIn(std::move(routes), std::move(upstreams));
    writer.unlock();
    Q_EMIT changed(kind, id);
    return out;
}

ConfigStore::Outcome ConfigStore::remove(ResourceKind kind, const QString &id, bool force)
{
    QMutexLocker writer(&m_writeMutex);
    const auto snap = snapshot();
    auto routes = snap->routes;
    auto upstreams = snap->upstreams;
    auto &map = kind == ResourceKind::Route ? routes : upstreams;
    const auto it = map.constFind(id);
    if (it == map.constEnd())
        return {404, QStringLiteral("%1 %2 not found").arg(kind == ResourceKind::Route ? QStringLiteral("route") : QStringLiteral("upstream"), id)};
    if (kind == ResourceKind::Upstream && !force) {
        for (auto r = routes.cbegin(); r != routes.cend(); ++r) {
            if (routeUsesUpstream(r->value, id))
                return {400, QStringLiteral("can not delete this upstream, route [%1] is still using it now").arg(r.key())};
        }
    }
    Outcome out;
    out.stored = *it;
    map.erase(it);
    swapIn(std::move(routes), std::move(upstreams));
    writer.unlock();
    Q_EMIT changed(kind, id);
    return out;
}

Problems ConfigStore::load(const QJsonObject &routesJson, const QJsonObject &upstreamsJson)
{
    QMutexLocker writer(&m_writeMutex);
    Problems problems;
    QMap<QString, StoredResource> routes, upstreams;
    auto addAll = [&](const QJsonObject &json, QMap<QString, StoredResource> &into, ResourceKind kind) {
        for (auto it = json.begin(); it != json.end(); ++it) {
            const QJsonObject value = it.value().toObject();
            Problems found = kind == ResourceKind::Upstream
                ? Validator::validateUpstream(value)
                : Validator::validateRoute(value, [&](const QString &id) { return upstreams.contains(id); }, customPlugins());
            const QString at = QLatin1Char('/') + resourcePlural(kind) + QLatin1Char('/') + pointerToken(it.key());
            for (Problem &p : found)
                p.pointer.prepend(at);
            problems.append(found);
            if (!it.value().isObject() || hasErrors(found))
                continue;
            QMutexLocker lock(&m_mutex);
            into.insert(it.key(), {value, m_nextVersion++, m_nextOrder++});
        }
    };
    addAll(upstreamsJson, upstreams, ResourceKind::Upstream);
    addAll(routesJson, routes, ResourceKind::Route);
    swapIn(std::move(routes), std::move(upstreams));
    writer.unlock();
    Q_EMIT changed(ResourceKind::Route, QString());
    return problems;
}

QJsonObject ConfigStore::toJson(ResourceKind kind) const
{
    const auto snap = snapshot();
    QJsonObject out;
    const auto &map = kind == ResourceKind::Route ? snap->routes : snap->upstreams;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        out.insert(it.key(), it->value);
    return out;
}

void ConfigStore::swapIn(QMap<QString, StoredResource> routes, QMap<QString, StoredResource> upstreams)
{
    const auto previous = snapshot();
    auto next = compile(std::move(routes), std::move(upstreams), previous->generation + 1, previous.get());
    QMutexLocker lock(&m_mutex);
    m_current = std::move(next);
}
