#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

// The kinds of object the store holds, as APISIX's Admin API names them.
enum class ResourceKind {
    Route, Upstream, Service, PluginConfig, GlobalRule,
    // Stored, validated and exported as APISIX does; not run here (the exchange says so where it matters).
    ConsumerGroup, Consumer, Ssl, Proto, Secret, PluginMetadata,
    StreamRoute // APISIX's L4 routes: its Admin API takes them only with proxy_mode "stream" or "http&stream"
};

// In the order they can be loaded: an object only refers to kinds before it.
inline constexpr ResourceKind kResourceKinds[] = {ResourceKind::Upstream, ResourceKind::Proto, ResourceKind::Service,
                                                  ResourceKind::PluginConfig, ResourceKind::Route, ResourceKind::GlobalRule,
                                                  ResourceKind::ConsumerGroup, ResourceKind::Consumer, ResourceKind::Ssl,
                                                  ResourceKind::Secret, ResourceKind::PluginMetadata, ResourceKind::StreamRoute};

QString resourcePlural(ResourceKind kind);     // "routes", "plugin_configs": the Admin API path and the workspace key
QString resourceNoun(ResourceKind kind);       // "route", "plugin config": as APISIX's messages name one
std::optional<ResourceKind> resourceKindNamed(QStringView plural);

// What the kind's key is, as apisix/admin/resource.lua makes it: most kinds an `id`; a consumer its
// `username`; plugin metadata the plugin's name; a secret `<manager>/<id>` ("vault/1").
enum class KeyShape { Id, Username, PluginName, ManagerAndId };
KeyShape resourceKeyShape(ResourceKind kind);
// The methods a kind refuses with 405 (its `unsupported_methods`): "POST", "PATCH".
bool resourceAllows(ResourceKind kind, QByteArrayView method);

// One T per kind, e.g. a JSON object of each kind's objects by id (a workspace file's "routes", "upstreams", ...).
template <typename T>
struct PerKind
{
    T routes, upstreams, services, pluginConfigs, globalRules;
    T consumerGroups, consumers, ssls, protos, secrets, pluginMetadata, streamRoutes;

    T &of(ResourceKind kind)
    {
        switch (kind) {
        case ResourceKind::Route: return routes;
        case ResourceKind::Upstream: return upstreams;
        case ResourceKind::Service: return services;
        case ResourceKind::PluginConfig: return pluginConfigs;
        case ResourceKind::GlobalRule: return globalRules;
        case ResourceKind::ConsumerGroup: return consumerGroups;
        case ResourceKind::Consumer: return consumers;
        case ResourceKind::Ssl: return ssls;
        case ResourceKind::Proto: return protos;
        case ResourceKind::Secret: return secrets;
        case ResourceKind::StreamRoute: return streamRoutes;
        case ResourceKind::PluginMetadata: break;
        }
        return pluginMetadata;
    }
    const T &of(ResourceKind kind) const { return const_cast<PerKind *>(this)->of(kind); }
};

using ResourceObjects = PerKind<QJsonObject>;
