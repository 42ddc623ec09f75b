#include "resourcekind.h"

QString resourcePlural(ResourceKind kind)
{
    switch (kind) {
    case ResourceKind::Route: return QStringLiteral("routes");
    case ResourceKind::Upstream: return QStringLiteral("upstreams");
    case ResourceKind::Service: return QStringLiteral("services");
    case ResourceKind::PluginConfig: return QStringLiteral("plugin_configs");
    case ResourceKind::GlobalRule: return QStringLiteral("global_rules");
    case ResourceKind::ConsumerGroup: return QStringLiteral("consumer_groups");
    case ResourceKind::Consumer: return QStringLiteral("consumers");
    case ResourceKind::Ssl: return QStringLiteral("ssls");
    case ResourceKind::Proto: return QStringLiteral("protos");
    case ResourceKind::Secret: return QStringLiteral("secrets");
    case ResourceKind::PluginMetadata: return QStringLiteral("plugin_metadata");
    case ResourceKind::StreamRoute: return QStringLiteral("stream_routes");
    }
    return {};
}

QString resourceNoun(ResourceKind kind)
{
    switch (kind) {
    case ResourceKind::Route: return QStringLiteral("route");
    case ResourceKind::Upstream: return QStringLiteral("upstream");
    case ResourceKind::Service: return QStringLiteral("service");
    case ResourceKind::PluginConfig: return QStringLiteral("plugin config");
    case ResourceKind::GlobalRule: return QStringLiteral("global rule");
    case ResourceKind::ConsumerGroup: return QStringLiteral("consumer group");
    case ResourceKind::Consumer: return QStringLiteral("consumer");
    case ResourceKind::Ssl: return QStringLiteral("ssl");
    case ResourceKind::Proto: return QStringLiteral("proto");
    case ResourceKind::Secret: return QStringLiteral("secret");
    case ResourceKind::PluginMetadata: return QStringLiteral("plugin_metadata"); // APISIX's own word for it
    case ResourceKind::StreamRoute: return QStringLiteral("stream route");
    }
    return {};
}

std::optional<ResourceKind> resourceKindNamed(QStringView plural)
{
    for (ResourceKind kind : kResourceKinds)
        if (resourcePlural(kind) == plural)
            return kind;
    return std::nullopt;
}

KeyShape resourceKeyShape(ResourceKind kind)
{
    switch (kind) {
    case ResourceKind::Consumer: return KeyShape::Username;
    case ResourceKind::PluginMetadata: return KeyShape::PluginName;
    case ResourceKind::Secret: return KeyShape::ManagerAndId;
    default: break;
    }
    return KeyShape::Id;
}

bool resourceAllows(ResourceKind kind, QByteArrayView method)
{
    // apisix/admin/<kind>.lua unsupported_methods
    const bool post = method == "POST", patch = method == "PATCH";
    switch (kind) {
    case ResourceKind::PluginConfig:
    case ResourceKind::GlobalRule:
    case ResourceKind::ConsumerGroup:
    case ResourceKind::Secret: return !post;
    case ResourceKind::Consumer:
    case ResourceKind::PluginMetadata: return !post && !patch;
    case ResourceKind::Proto:
    case ResourceKind::StreamRoute: return !patch;
    default: break;
    }
    return true;
}
