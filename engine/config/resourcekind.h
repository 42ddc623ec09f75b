#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

// The kinds of object the store holds, as APISIX's Admin API names them.
enum class ResourceKind { Route, Upstream, Service, PluginConfig, GlobalRule };

// In the order they can be loaded: an object only refers to kinds before it.
inline constexpr ResourceKind kResourceKinds[] = {ResourceKind::Upstream, ResourceKind::Service, ResourceKind::PluginConfig,
                                                  ResourceKind::Route, ResourceKind::GlobalRule};

QString resourcePlural(ResourceKind kind);     // "routes", "plugin_configs": the Admin API path and the workspace key
QString resourceNoun(ResourceKind kind);       // "route", "plugin config": as APISIX's messages name one
std::optional<ResourceKind> resourceKindNamed(QStringView plural);

// One T per kind, e.g. a JSON object of each kind's objects by id (a workspace file's "routes", "upstreams", ...).
template <typename T>
struct PerKind
{
    T routes, upstreams, services, pluginConfigs, globalRules;

    T &of(ResourceKind kind)
    {
        switch (kind) {
        case ResourceKind::Route: return routes;
        case ResourceKind::Upstream: return upstreams;
        case ResourceKind::Service: return services;
        case ResourceKind::PluginConfig: return pluginConfigs;
        case ResourceKind::GlobalRule: break;
        }
        return globalRules;
    }
    const T &of(ResourceKind kind) const { return const_cast<PerKind *>(this)->of(kind); }
};

using ResourceObjects = PerKind<QJsonObject>;
