#pragma once

#include "problem.h"
#include "resourcekind.h"
#include "router.h"

#include <QJsonObject>
#include <QMap>
#include <QMutex>
#include <QObject>

#include <memory>
#include <optional>

struct StoredResource
{
    QJsonObject value;    // exactly what the user gave, plus id, create_time, update_time
    quint64 version = 0;  // modifiedIndex-like: bumps on every change
    qint64 order = 0;     // creation order
};

// Per kind, the stored objects by id.
using ResourceMaps = PerKind<QMap<QString, StoredResource>>;

// One immutable, validated view of the configuration; workers read the current one per request.
struct ConfigSnapshot : ResourceMaps
{
    Router router;
    // The ext-plugin-* of every global rule, merged as APISIX merges them (apisix/plugin.lua
    // merge_global_rules): they run on every request, matched or not, before the route's own.
    ExtPlugins globalExt;
    QString globalNotRun; // the global rules' plugins RouteScope does not run, in plain words (notRunNote), or empty
    quint64 generation = 0;
    // What was compiled, by id: the next snapshot takes over whatever did not change (O(changes), not O(N)).
    QHash<QString, std::shared_ptr<const CompiledRoute>> compiledRoutes;
    QHash<QString, std::shared_ptr<const UpstreamSpec>> compiledUpstreams;
};

// The single place routes, upstreams, services, plugin configs and global rules change: the Admin API and the editors both write here.
// Every change is validated, then a new snapshot is compiled and swapped in atomically.
class ConfigStore : public QObject
{
    Q_OBJECT
public:
    struct Outcome
    {
        int status = 200;       // HTTP status as the Admin API answers it
        QString error;          // error_msg when status >= 400
        Problems problems;      // every finding (warnings too)
        StoredResource stored;  // the resource after the change (before it, for deletes)
        bool created = false;
    };

    explicit ConfigStore(QObject *parent = nullptr);

    std::shared_ptr<const ConfigSnapshot> snapshot() const;

    Outcome put(ResourceKind kind, const QString &id, QJsonObject value);
    Outcome patch(ResourceKind kind, const QString &id, const QJsonObject &mergePatch);
    // An object still referred to is refused (an upstream by a route or a service, a service or a plugin
    // config by a route), an upstream unless `force` (APISIX's `?force=true`): the route then answers 503
    // as in APISIX, its upstream being gone.
    Outcome remove(ResourceKind kind, const QString &id, bool force = false);
    // Validates without saving (and without requiring an id); `id`: the object it would replace.
    Problems check(ResourceKind kind, const QJsonObject &value, const QString &id = {}) const;
    // Plugin names the user's config.yaml enables beyond APISIX's own (the workspace's "apisix.plugins").
    void setCustomPlugins(const QStringList &names);
    QStringList customPlugins() const;
    QString generateId();

    // Replaces everything, e.g. from a workspace file; invalid entries are skipped and reported.
    Problems load(const ResourceObjects &objects);
    QJsonObject toJson(ResourceKind kind) const;
    ResourceObjects objects() const; // toJson() of every kind

Q_SIGNALS:
    void changed(ResourceKind kind, const QString &id);

private:
    QStringList m_customPlugins; // under m_mutex
    Outcome commit(ResourceKind kind, const QString &id, QJsonObject value);
    // `change`: the one object that changed, when it is one (a write or a delete): then only what depends on it is compiled.
    void swapIn(ResourceMaps objects, std::optional<std::pair<ResourceKind, QString>> change = std::nullopt);

    mutable QMutex m_mutex;          // guards m_current and the counters
    QMutex m_writeMutex;             // serialises writers end to end
    std::shared_ptr<const ConfigSnapshot> m_current;
    quint64 m_nextVersion = 1;
    qint64 m_nextOrder = 1;
    quint64 m_nextId = 0;
};

// RFC 7396 JSON merge patch.
QJsonObject mergePatch(QJsonObject target, const QJsonObject &patch);
