#include "resourcekind.h"

QString resourcePlural(ResourceKind kind)
{
    switch (kind) {
    case ResourceKind::Route: return QStringLiteral("routes");
    case ResourceKind::Upstream: return QStringLiteral("upstreams");
    case ResourceKind::Service: return QStringLiteral("services");
    case ResourceKind::PluginConfig: return QStringLiteral("plugin_configs");
    case ResourceKind::GlobalRule: return QStringLiteral("global_rules");
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
