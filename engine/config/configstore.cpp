#include "configstore.h"

#include "validator.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSet>

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
const QString kUpstream = QStringLiteral("upstream");
const QString kUpstreamId = QStringLiteral("upstream_id");
const QString kPlugins = QStringLiteral("plugins");

// The route as APISIX runs it (apisix/init.lua): its plugin config merged in first (apisix/plugin_config.lua
// merge: the route's own plugins win), then its service (apisix/plugin.lua merge_service_route: the
// route's plugins, upstream or upstream_id, hosts and labels win; the rest comes from the service).
QJsonObject effectiveRoute(QJsonObject route, const StoredResource *pluginConfig, const StoredResource *service)
{
    if (pluginConfig) {
        QJsonObject plugins = route.value(kPlugins).toObject();
        const QJsonObject more = pluginConfig->value.value(kPlugins).toObject();
        for (auto it = more.begin(); it != more.end(); ++it)
            if (!plugins.contains(it.key()))
                plugins.insert(it.key(), it.value());
        route.insert(kPlugins, plugins);
    }
    if (!service)
        return route;
    QJsonObject merged = route;
    QJsonObject plugins = service->value.value(kPlugins).toObject();
    const QJsonObject own = route.value(kPlugins).toObject();
    for (auto it = own.begin(); it != own.end(); ++it)
        plugins.insert(it.key(), it.value());
    if (!plugins.isEmpty())
        merged.insert(kPlugins, plugins);
    if (!route.contains(kUpstream) && !route.contains(kUpstreamId)) {
        for (const QString &key : {kUpstream, kUpstreamId})
            if (service->value.contains(key))
                merged.insert(key, service->value.value(key));
    }
    if (!route.contains(QStringLiteral("hosts")) && !route.contains(QStringLiteral("host")) && service->value.contains(QStringLiteral("hosts")))
        merged.insert(QStringLiteral("hosts"), service->value.value(QStringLiteral("hosts")));
    return merged;
}

const StoredResource *referenced(const QMap<QString, StoredResource> &map, const QJsonObject &o, const QString &key)
{
    if (!o.contains(key))
        return nullptr;
    const auto it = map.constFind(Validator::idText(o.value(key)));
    return it == map.constEnd() ? nullptr : &*it;
}

// The plugins of every global rule in one set, as apisix/plugin.lua merge_global_rules builds its dummy
// rule: a plugin found in more than one rule is left out (the Admin API refuses that case anyway).
QJsonObject mergedGlobalPlugins(const QMap<QString, StoredResource> &rules)
{
    QJsonObject plugins;
    QSet<QString> seen;
    for (const StoredResource &rule : rules) {
        const QJsonObject own = rule.value.value(kPlugins).toObject();
        for (auto it = own.begin(); it != own.end(); ++it) {
            if (seen.contains(it.key()))
                plugins.remove(it.key());
            else
                plugins.insert(it.key(), it.value());
            seen.insert(it.key());
        }
    }
    return plugins;
}

bool sameVersions(const QMap<QString, StoredResource> &a, const QMap<QString, StoredResource> &b)
{
    if (a.size() != b.size())
        return false;
    for (auto i = a.cbegin(), j = b.cbegin(); i != a.cend(); ++i, ++j)
        if (i.key() != j.key() || i->version != j->version)
            return false;
    return true;
}

// One route compiled, or the previous snapshot's when neither it nor anything it names changed.
std::shared_ptr<const CompiledRoute> compileOne(const ResourceMaps &objects, const QString &id, const StoredResource &stored,
                                                const QHash<QString, std::shared_ptr<const UpstreamSpec>> &upstreams, const ConfigSnapshot *previous)
{
    const StoredResource *service = referenced(objects.services, stored.value, QStringLiteral("service_id"));
    const StoredResource *pluginConfig = referenced(objects.pluginConfigs, stored.value, QStringLiteral("plugin_config_id"));
    RouteSource source;
    source.version = stored.version;
    source.order = stored.order;
    source.serviceVersion = service ? service->version : 0;
    source.pluginConfigVersion = pluginConfig ? pluginConfig->version : 0;
    source.serviceMissing = !service && stored.value.contains(QStringLiteral("service_id"));
    source.pluginConfigMissing = !pluginConfig && stored.value.contains(QStringLiteral("plugin_config_id"));
    if (service)
        source.serviceId = Validator::idText(stored.value.value(QStringLiteral("service_id")));
    const QJsonObject r = service || pluginConfig ? effectiveRoute(stored.value, pluginConfig, service) : stored.value;
    const bool inline_ = r.value(kUpstream).isObject();
    std::shared_ptr<const UpstreamSpec> upstream;
    if (!inline_ && r.contains(kUpstreamId))
        upstream = upstreams.value(Validator::idText(r.value(kUpstreamId)));
    std::shared_ptr<const CompiledRoute> route = previous ? previous->compiledRoutes.value(id) : nullptr;
    // Kept when neither the route nor anything it names changed.
    if (route && route->source == source && (inline_ || route->upstream == upstream))
        return route;
    if (inline_) {
        const bool own = stored.value.value(kUpstream).isObject();
        upstream = compileUpstream(r.value(kUpstream).toObject(),
                                   own ? QStringLiteral("route/") + id : QStringLiteral("service/") + source.serviceId,
                                   own ? stored.version : service->version);
    }
    return compileRoute(id, r, source, std::move(upstream));
}

void compileGlobals(ConfigSnapshot &snap, const ResourceMaps &objects, quint64 generation, const ConfigSnapshot *previous)
{
    if (previous && sameVersions(previous->globalRules, objects.globalRules)) {
        snap.globalExt = previous->globalExt;
        snap.globalNotRun = previous->globalNotRun;
        return;
    }
    // apisix/plugin.lua run_global_rules: conf_type "global_rule", the dummy rule's id 1, and the
    // global rules' conf_version (here: the generation they last changed in).
    const QJsonObject globalPlugins = mergedGlobalPlugins(objects.globalRules);
    snap.globalExt = extPluginsOf(globalPlugins);
    if (const QString note = notRunNote(globalPlugins); !note.isEmpty())
        snap.globalNotRun = QStringLiteral("global rules: ") + note;
    for (std::optional<ExtPluginConfig> *p : {&snap.globalExt.preReq, &snap.globalExt.postReq, &snap.globalExt.postResp})
        if (*p) {
            (*p)->tokenKey = confTokenKey(QStringLiteral("global_rule"), QStringLiteral("1"), (*p)->name, QByteArray::number(generation));
            (*p)->global = true;
        }
}

// What one write or delete since `previous` changed, or nullopt for anything else (a load).
using Change = std::optional<std::pair<ResourceKind, QString>>;

// The routes and upstreams compiled for `objects`, taking over from `previous` whatever did not change:
// after a change of one route, its router is `previous`'s with that route's index entries changed,
// O(its uris) instead of O(routes); after a change of a kind routing does not read (consumers, ssls,
// global rules, ...) everything compiled is `previous`'s.
void compileRouting(ConfigSnapshot &snap, const ResourceMaps &objects, const ConfigSnapshot *previous, const Change &change)
{
    const bool routingReads = change && (change->first == ResourceKind::Route || change->first == ResourceKind::Upstream
                                         || change->first == ResourceKind::Service || change->first == ResourceKind::PluginConfig);
    if (previous && change && !routingReads) {
        snap.compiledUpstreams = previous->compiledUpstreams;
        snap.compiledRoutes = previous->compiledRoutes;
        snap.router = previous->router;
        return;
    }
    if (previous && change && change->first == ResourceKind::Route) {
        const QString &id = change->second;
        snap.compiledUpstreams = previous->compiledUpstreams;
        snap.compiledRoutes = previous->compiledRoutes;
        const std::shared_ptr<const CompiledRoute> old = previous->compiledRoutes.value(id);
        std::shared_ptr<const CompiledRoute> now;
        if (const auto it = objects.routes.constFind(id); it != objects.routes.constEnd())
            now = compileOne(objects, id, *it, snap.compiledUpstreams, previous);
        if (now)
            snap.compiledRoutes.insert(id, now);
        else
            snap.compiledRoutes.remove(id);
        snap.router = previous->router.with(old, now);
        return;
    }
    auto &shared = snap.compiledUpstreams;
    for (auto it = objects.upstreams.cbegin(); it != objects.upstreams.cend(); ++it) {
        std::shared_ptr<const UpstreamSpec> spec = previous ? previous->compiledUpstreams.value(it.key()) : nullptr;
        if (!spec || spec->version != it->version)
            spec = compileUpstream(it->value, QStringLiteral("upstream/") + it.key(), it->version);
        shared.insert(it.key(), std::move(spec));
    }
    QList<std::shared_ptr<const CompiledRoute>> compiled;
    compiled.reserve(objects.routes.size());
    snap.compiledRoutes.reserve(objects.routes.size());
    for (auto it = objects.routes.cbegin(); it != objects.routes.cend(); ++it) {
        std::shared_ptr<const CompiledRoute> route = compileOne(objects, it.key(), *it, shared, previous);
        snap.compiledRoutes.insert(it.key(), route);
        compiled.append(std::move(route));
    }
    snap.router = Router(std::move(compiled));
}

std::shared_ptr<const ConfigSnapshot> compile(ResourceMaps objects, quint64 generation, const ConfigSnapshot *previous, const Change &change = {})
{
    auto snap = std::make_shared<ConfigSnapshot>();
    compileRouting(*snap, objects, previous, change);
    compileGlobals(*snap, objects, generation, previous);
    static_cast<ResourceMaps &>(*snap) = std::move(objects);
    snap->generation = generation;
    return snap;
}

bool refersTo(const QJsonObject &o, const QString &key, const QString &id)
{
    const QJsonValue v = o.value(key);
    return (v.isString() || v.isDouble()) && Validator::idText(v) == id;
}

// apisix/admin/upstreams.lua delete_checker: kind by kind, each object's traffic-split rules naming the
// upstream in their weighted_upstreams, then (routes and services) its upstream_id; in APISIX's words for
// the kinds ("plugin_config", "global_rules").
QString upstreamStillUsed(const ResourceMaps &objects, const QString &id)
{
    const auto inTrafficSplit = [&id](const QJsonObject &o) {
        const QJsonArray rules = o.value(kPlugins).toObject().value(QStringLiteral("traffic-split")).toObject().value(QStringLiteral("rules")).toArray();
        for (const QJsonValue &rule : rules)
            for (const QJsonValue &weighted : rule.toObject().value(QStringLiteral("weighted_upstreams")).toArray())
                if (refersTo(weighted.toObject(), kUpstreamId, id))
                    return true;
        return false;
    };
    static const std::pair<ResourceKind, const char *> users[] = {
        {ResourceKind::Route, "route"}, {ResourceKind::Service, "service"}, {ResourceKind::PluginConfig, "plugin_config"},
        {ResourceKind::Consumer, "consumer"}, {ResourceKind::ConsumerGroup, "consumer_group"}, {ResourceKind::GlobalRule, "global_rules"}};
    for (const auto &[kind, word] : users) {
        const bool direct = kind == ResourceKind::Route || kind == ResourceKind::Service;
        const auto &map = objects.of(kind);
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            if (inTrafficSplit(it->value))
                return QStringLiteral("can not delete this upstream, plugin in %1 [%2] is still using it now").arg(QLatin1String(word), it.key());
            if (direct && refersTo(it->value, kUpstreamId, id))
                return QStringLiteral("can not delete this upstream, %1 [%2] is still using it now").arg(QLatin1String(word), it.key());
        }
    }
    return {};
}

// Why an object may not be deleted (apisix/admin/upstreams.lua, services.lua, plugin_config.lua
// delete_checker), or empty.
QString stillUsed(const ResourceMaps &objects, ResourceKind kind, const QString &id)
{
    // The first object of `userKind` whose `key` names it, as "<word> [<id>]" (word: the kind's noun).
    const auto user = [&](ResourceKind userKind, const QString &key, const QString &word = {}) -> QString {
        const auto &map = objects.of(userKind);
        for (auto it = map.cbegin(); it != map.cend(); ++it)
            if (refersTo(it->value, key, id))
                return (word.isEmpty() ? resourceNoun(userKind) : word) + QStringLiteral(" [") + it.key() + QLatin1Char(']');
        return {};
    };
    QString by;
    switch (kind) {
    case ResourceKind::Upstream:
        return upstreamStillUsed(objects, id);
    case ResourceKind::Service: // (apisix/admin/services.lua names a stream route "stream_route")
        by = user(ResourceKind::Route, QStringLiteral("service_id"));
        if (by.isEmpty())
            by = user(ResourceKind::StreamRoute, QStringLiteral("service_id"), QStringLiteral("stream_route"));
        return by.isEmpty() ? by : QStringLiteral("can not delete this service directly, %1 is still using it now").arg(by);
    case ResourceKind::StreamRoute: // apisix/admin/stream_routes.lua delete_checker: a subordinate's superior
        for (auto it = objects.streamRoutes.cbegin(); it != objects.streamRoutes.cend(); ++it)
            if (refersTo(it->value.value(QStringLiteral("protocol")).toObject(), QStringLiteral("superior_id"), id))
                return QStringLiteral("can not delete this stream route directly, stream route [%1] is still using it as superior_id").arg(it.key());
        break;
    case ResourceKind::PluginConfig:
        by = user(ResourceKind::Route, QStringLiteral("plugin_config_id"));
        return by.isEmpty() ? by : QStringLiteral("can not delete this plugin config, %1 is still using it now").arg(by);
    case ResourceKind::ConsumerGroup:
        by = user(ResourceKind::Consumer, QStringLiteral("group_id"));
        return by.isEmpty() ? by : QStringLiteral("can not delete this consumer group, %1 is still using it now").arg(by);
    case ResourceKind::Proto:
        // apisix/admin/proto.lua delete_checker: a route's or a service's grpc-transcode names it.
        for (ResourceKind userKind : {ResourceKind::Route, ResourceKind::Service}) {
            const auto &map = objects.of(userKind);
            for (auto it = map.cbegin(); it != map.cend(); ++it)
                if (refersTo(it->value.value(kPlugins).toObject().value(QStringLiteral("grpc-transcode")).toObject(), QStringLiteral("proto_id"), id))
                    return QStringLiteral("can not delete this proto, %1 [%2] is still using it now").arg(resourceNoun(userKind), it.key());
        }
        break;
    default:
        break;
    }
    return {};
}

Problems validate(const ResourceMaps &objects, ResourceKind kind, const QJsonObject &value, const QString &id, const QStringList &customPlugins)
{
    const Validator::Exists exists = [&objects](ResourceKind k, const QString &ref) { return objects.of(k).contains(ref); };
    switch (kind) {
    case ResourceKind::Route: return Validator::validateRoute(value, exists, customPlugins);
    case ResourceKind::Upstream: return Validator::validateUpstream(value);
    case ResourceKind::Service: return Validator::validateService(value, exists, customPlugins);
    case ResourceKind::PluginConfig: return Validator::validatePluginConfig(value, customPlugins);
    case ResourceKind::GlobalRule:
        return Validator::validateGlobalRule(value, [&objects, &id](const QString &plugin) {
            for (auto it = objects.globalRules.cbegin(); it != objects.globalRules.cend(); ++it)
                if (it.key() != id && it->value.value(kPlugins).toObject().contains(plugin))
                    return it.key();
            return QString();
        }, customPlugins);
    case ResourceKind::ConsumerGroup: return Validator::validateConsumerGroup(value, customPlugins);
    case ResourceKind::Consumer: {
        // Another consumer or credential with the value; whether it conflicts is the validator's to say. (One
        // that conflicts is the only other holder: the store never holds two that conflict.)
        const Validator::ConsumerKeyOwner owner = [&objects, &id](const QString &plugin, const QString &attr, const QString &key) {
            for (auto it = objects.consumers.cbegin(); it != objects.consumers.cend(); ++it)
                if (it.key() != id && it->value.value(kPlugins).toObject().value(plugin).toObject().value(attr) == QJsonValue(key))
                    return it.key();
            return QString();
        };
        if (Validator::isCredentialKey(id))
            return Validator::validateCredential(value, id, owner, customPlugins);
        return Validator::validateConsumer(value, exists, owner, customPlugins);
    }
    case ResourceKind::Ssl: return Validator::validateSsl(value);
    case ResourceKind::Proto: return Validator::validateProto(value);
    case ResourceKind::Secret: return Validator::validateSecret(id.section(QLatin1Char('/'), 0, 0), value);
    case ResourceKind::StreamRoute:
        return Validator::validateStreamRoute(value, id, exists, [&objects](const QString &superior) -> QJsonValue {
            const auto it = objects.streamRoutes.constFind(superior);
            if (it == objects.streamRoutes.cend())
                return QJsonValue(QJsonValue::Undefined);
            return it->value.value(QStringLiteral("protocol")).toObject().value(QStringLiteral("name")).toString();
        });
    case ResourceKind::PluginMetadata: break;
    }
    return Validator::validatePluginMetadata(id, value, customPlugins);
}

// The key's own checks, before the schema's (apisix/admin/resource.lua check_conf): an id as id_schema
// takes it; a consumer's key is its username; a secret's `<manager>/<id>`.
QString checkKey(ResourceKind kind, const QString &id, const QJsonObject &value)
{
    switch (resourceKeyShape(kind)) {
    case KeyShape::Id: break;
    case KeyShape::Username:
        if (Validator::isCredentialKey(id)) // <consumer>/credentials/<id>
            return id.section(QLatin1Char('/'), 2).isEmpty() ? QStringLiteral("missing credential id") : QString();
        return value.value(QStringLiteral("username")).isString() && value.value(QStringLiteral("username")).toString() != id
            ? QStringLiteral("wrong username") : QString();
    case KeyShape::ManagerAndId:
        return id.section(QLatin1Char('/'), 1).isEmpty() ? QStringLiteral("no secret id") : QString();
    case KeyShape::PluginName:
        return {};
    }
    if (const QString bad = Validator::checkId(id); !bad.isEmpty())
        return bad;
    const QJsonValue bodyId = value.value(QStringLiteral("id"));
    if (bodyId.isUndefined())
        return {};
    if (const QString bad = Validator::checkIdValue(bodyId); !bad.isEmpty())
        return bad;
    return Validator::idText(bodyId) != id ? QStringLiteral("wrong %1 id").arg(resourceNoun(kind)) : QString();
}

QString notFound(ResourceKind kind, const QString &id)
{
    return QStringLiteral("%1 %2 not found").arg(resourceNoun(kind), id);
}
} // namespace

ConfigStore::ConfigStore(QObject *parent)
    : QObject(parent), m_current(compile({}, 0, nullptr))
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

Problems ConfigStore::check(ResourceKind kind, const QJsonObject &value, const QString &id) const
{
    return validate(*snapshot(), kind, value, id, customPlugins());
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
    const auto &map = snap->of(kind);
    const auto it = map.constFind(id);
    if (it == map.constEnd())
        return {404, notFound(kind, id)};
    writer.unlock();
    return commit(kind, id, mergePatch(it->value, patchValue));
}

ConfigStore::Outcome ConfigStore::commit(ResourceKind kind, const QString &id, QJsonObject value)
{
    QMutexLocker writer(&m_writeMutex);
    Outcome out;
    if (const QString bad = checkKey(kind, id, value); !bad.isEmpty())
        return {400, bad};
    const QJsonValue bodyId = value.value(QStringLiteral("id"));
    if (kind == ResourceKind::Consumer && Validator::isCredentialKey(id) && !snapshot()->consumers.contains(id.section(QLatin1Char('/'), 0, 0)))
        return {404, QStringLiteral("consumer not found")}; // (apisix/admin/resource.lua put, for credentials)
    out.problems = check(kind, value, id);
    if (hasErrors(out.problems)) {
        out.status = 400;
        out.error = firstErrorMessage(out.problems);
        return out;
    }
    const auto snap = snapshot();
    ResourceMaps objects = *snap;
    auto &map = objects.of(kind);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto existing = map.constFind(id);
    StoredResource res;
    {
        QMutexLocker lock(&m_mutex);
        res.version = m_nextVersion++;
        res.order = existing != map.constEnd() ? existing->order : m_nextOrder++;
    }
    out.created = existing == map.constEnd();
    // An id given as a number stays a number, as APISIX stores it; a consumer has none (its key is its username).
    if (!bodyId.isDouble() && kind != ResourceKind::Consumer)
        value.insert(QStringLiteral("id"), id);
    else if (kind == ResourceKind::Consumer && Validator::isCredentialKey(id)) // a credential's own id, as APISIX answers it
        value.insert(QStringLiteral("id"), id.section(QLatin1Char('/'), 2));
    if (kind != ResourceKind::PluginMetadata) { // (apisix/admin/resource.lua put: no timestamps on plugin metadata)
        if (existing != map.constEnd() && existing->value.contains(QStringLiteral("create_time")))
            value.insert(QStringLiteral("create_time"), existing->value.value(QStringLiteral("create_time")));
        else if (!value.contains(QStringLiteral("create_time")))
            value.insert(QStringLiteral("create_time"), now);
        value.insert(QStringLiteral("update_time"), now);
    }
    res.value = value;
    map.insert(id, res);
    out.status = out.created ? 201 : 200;
    out.stored = res;
    swapIn(std::move(objects), std::pair{kind, id});
    writer.unlock();
    Q_EMIT changed(kind, id);
    return out;
}

ConfigStore::Outcome ConfigStore::remove(ResourceKind kind, const QString &id, bool force)
{
    QMutexLocker writer(&m_writeMutex);
    const auto snap = snapshot();
    ResourceMaps objects = *snap;
    auto &map = objects.of(kind);
    const auto it = map.constFind(id);
    if (it == map.constEnd())
        return {404, notFound(kind, id)};
    if (!force) { // apisix/admin/resource.lua delete: ?force=true skips every kind's delete_checker
        if (const QString used = stillUsed(objects, kind, id); !used.isEmpty())
            return {400, used};
    }
    Outcome out;
    out.stored = *it;
    map.erase(it);
    if (kind == ResourceKind::Consumer && !Validator::isCredentialKey(id)) { // its credentials go with it (etcd rmdir)
        const QString prefix = id + QStringLiteral("/credentials/");
        for (auto c = map.lowerBound(prefix); c != map.end() && c.key().startsWith(prefix);)
            c = map.erase(c);
    }
    swapIn(std::move(objects), std::pair{kind, id});
    writer.unlock();
    Q_EMIT changed(kind, id);
    return out;
}

Problems ConfigStore::load(const ResourceObjects &json)
{
    QMutexLocker writer(&m_writeMutex);
    Problems problems;
    ResourceMaps objects;
    const QStringList custom = customPlugins();
    for (ResourceKind kind : kResourceKinds) { // referred-to kinds first
        const QJsonObject &entries = json.of(kind);
        for (auto it = entries.begin(); it != entries.end(); ++it) {
            const QJsonObject value = it.value().toObject();
            Problems found = validate(objects, kind, value, it.key(), custom);
            const QString at = QLatin1Char('/') + resourcePlural(kind) + QLatin1Char('/') + pointerToken(it.key());
            for (Problem &p : found)
                p.pointer.prepend(at);
            problems.append(found);
            if (!it.value().isObject() || hasErrors(found))
                continue;
            QMutexLocker lock(&m_mutex);
            objects.of(kind).insert(it.key(), {value, m_nextVersion++, m_nextOrder++});
        }
    }
    swapIn(std::move(objects));
    writer.unlock();
    Q_EMIT changed(ResourceKind::Route, QString());
    return problems;
}

QJsonObject ConfigStore::toJson(ResourceKind kind) const
{
    const auto snap = snapshot();
    QJsonObject out;
    const auto &map = snap->of(kind);
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        out.insert(it.key(), it->value);
    return out;
}

ResourceObjects ConfigStore::objects() const
{
    ResourceObjects out;
    for (ResourceKind kind : kResourceKinds)
        out.of(kind) = toJson(kind);
    return out;
}

void ConfigStore::swapIn(ResourceMaps objects, std::optional<std::pair<ResourceKind, QString>> change)
{
    const auto previous = snapshot();
    auto next = compile(std::move(objects), previous->generation + 1, previous.get(), change);
    QMutexLocker lock(&m_mutex);
    m_current = std::move(next);
}
