#include "configexport.h"

#include "jsonnumber.h"
#include "validator.h"

#include <QCryptographicHash>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <yaml-cpp/yaml.h>

namespace ConfigExport {
namespace {
// What APISIX keeps itself and does not take back.
QJsonObject exportable(QJsonObject o)
{
    o.remove(QStringLiteral("create_time"));
    o.remove(QStringLiteral("update_time"));
    return o;
}

void emitValue(YAML::Emitter &out, const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Object: {
        out << YAML::BeginMap;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            out << YAML::Key << it.key().toStdString() << YAML::Value;
            emitValue(out, it.value());
        }
        out << YAML::EndMap;
        break;
    }
    case QJsonValue::Array:
        out << YAML::BeginSeq;
        for (const QJsonValue &item : v.toArray())
            emitValue(out, item);
        out << YAML::EndSeq;
        break;
    case QJsonValue::String:
        // Quoted, so "1", "true" or "01" stay strings for APISIX.
        out << YAML::DoubleQuoted << v.toString().toStdString();
        break;
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (isWholeNumber(d))
            out << qint64(d);
        else
            out << d;
        break;
    }
    case QJsonValue::Bool:
        out << v.toBool();
        break;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out << YAML::Null;
        break;
    }
}

// A standalone file's list of one kind. A consumer has no `id` there (one would make it a credential,
// apisix/admin/config_validate.lua): its username is its key.
QJsonArray listOf(ResourceKind kind, const QJsonObject &byId)
{
    QJsonArray out;
    for (auto it = byId.begin(); it != byId.end(); ++it) {
        QJsonObject o = exportable(it.value().toObject());
        if (kind != ResourceKind::Consumer || Validator::isCredentialKey(it.key())) // a credential: "jack/credentials/c1"
            o.insert(QStringLiteral("id"), it.key());
        out.append(o);
    }
    return out;
}

QString shellQuoted(const QByteArray &text)
{
    QString q = QString::fromUtf8(text);
    q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}
} // namespace

std::optional<Format> formatFromName(const QString &name)
{
    if (name == QLatin1String("apisix-yaml"))
        return Format::ApisixYaml;
    if (name == QLatin1String("apisix-json") || name == QLatin1String("apisix-configs"))
        return Format::ApisixJson;
    if (name == QLatin1String("admin-curl"))
        return Format::AdminCurl;
    if (name == QLatin1String("adc"))
        return Format::Adc;
    return std::nullopt;
}

namespace {
// The kinds a standalone file lists: routes and upstreams always, the others when there are any.
QList<ResourceKind> fileKinds(const ResourceObjects &objects)
{
    QList<ResourceKind> kinds = {ResourceKind::Route, ResourceKind::Upstream};
    for (ResourceKind kind : kResourceKinds)
        if (!kinds.contains(kind) && !objects.of(kind).isEmpty())
            kinds.append(kind);
    return kinds;
}
} // namespace

QByteArray toApisixYaml(const ResourceObjects &objects)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    for (ResourceKind kind : fileKinds(objects)) {
        out << YAML::Key << resourcePlural(kind).toStdString() << YAML::Value;
        emitValue(out, listOf(kind, objects.of(kind)));
    }
    out << YAML::EndMap;
    return QByteArray("# Exported by RouteScope for APISIX standalone mode (conf/apisix.yaml)\n") + out.c_str() + "\n#END\n";
}

QByteArray toApisixJson(const ResourceObjects &objects)
{
    QJsonObject file;
    for (ResourceKind kind : fileKinds(objects))
        file.insert(resourcePlural(kind), listOf(kind, objects.of(kind)));
    return QJsonDocument(file).toJson(QJsonDocument::Indented);
}

QByteArray toAdminCurl(const ResourceObjects &objects)
{
    QString out = QStringLiteral("#!/bin/sh\n# Exported by RouteScope: the workspace as APISIX Admin API calls.\n"
                                 "set -e\n: \"${ADMIN_KEY:?set ADMIN_KEY to the APISIX admin key}\"\n"
                                 "APISIX_ADMIN=\"${APISIX_ADMIN:-http://127.0.0.1:9180}\"\n");
    for (ResourceKind kind : kResourceKinds) { // what is referred to before what refers to it
        const QJsonObject &byId = objects.of(kind);
        for (auto it = byId.begin(); it != byId.end(); ++it) {
            QJsonObject o = exportable(it.value().toObject());
            o.remove(QStringLiteral("id"));
            out += QStringLiteral("curl -sS -f \"$APISIX_ADMIN/apisix/admin/%1/%2\" -H \"X-API-KEY: $ADMIN_KEY\" -X PUT -d %3\n")
                       .arg(resourcePlural(kind), it.key(), shellQuoted(QJsonDocument(o).toJson(QJsonDocument::Compact)));
        }
    }
    return out.toUtf8();
}

namespace {
// Copies the fields `keys` of `from` that are there; "desc" becomes ADC's "description".
void copyFields(QJsonObject &to, const QJsonObject &from, std::initializer_list<const char *> keys)
{
    for (const char *key : keys) {
        const QString name = QLatin1String(key);
        if (from.contains(name))
            to.insert(name == QLatin1String("desc") ? QStringLiteral("description") : name, from.value(name));
    }
}

QJsonObject adcUpstream(const QJsonObject &u)
{
    QJsonObject out;
    copyFields(out, u, {"name", "desc", "labels", "type", "hash_on", "key", "checks", "scheme", "retries", "retry_timeout", "timeout",
                        "tls", "keepalive_pool", "pass_host", "upstream_host", "service_name", "discovery_type", "discovery_args"});
    const QJsonValue nodes = u.value(QStringLiteral("nodes"));
    if (nodes.isObject()) { // {"host:port": weight} as ADC's list of {host, port, weight}
        static const QHash<QString, int> defaultPorts{{QStringLiteral("http"), 80}, {QStringLiteral("https"), 443},
                                                      {QStringLiteral("grpc"), 80}, {QStringLiteral("grpcs"), 443}};
        QJsonArray list;
        const QJsonObject map = nodes.toObject();
        for (auto it = map.begin(); it != map.end(); ++it) {
            const qsizetype colon = it.key().lastIndexOf(QLatin1Char(':'));
            const bool hasPort = colon > 0 && !it.key().endsWith(QLatin1Char(']'));
            const int port = hasPort ? it.key().mid(colon + 1).toInt() : defaultPorts.value(u.value(QStringLiteral("scheme")).toString(), 80);
            list.append(QJsonObject{{QStringLiteral("host"), hasPort ? it.key().left(colon) : it.key()},
                                    {QStringLiteral("port"), port}, {QStringLiteral("weight"), it.value()}});
        }
        out.insert(QStringLiteral("nodes"), list);
    } else if (nodes.isArray()) {
        out.insert(QStringLiteral("nodes"), nodes);
    }
    return out;
}
} // namespace

QString adcId(const QString &name)
{
    return QString::fromLatin1(QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha1).toHex());
}

namespace {
// ADC's consumers, ssls and plugin_metadata (api7/adc's types); consumer groups, protos and secrets it has not.
void addAdcStoredKinds(QJsonObject &file, const ResourceObjects &objects, QStringList *notes)
{
    // ADC's credentials, by consumer: a name, the auth plugin as its type, that plugin's conf as its config.
    QHash<QString, QJsonArray> credentials;
    for (auto it = objects.consumers.begin(); it != objects.consumers.end(); ++it) {
        if (!Validator::isCredentialKey(it.key()))
            continue;
        const QJsonObject credential = it.value().toObject();
        const QJsonObject plugins = credential.value(QStringLiteral("plugins")).toObject();
        QJsonObject out{{QStringLiteral("name"), it.key().section(QLatin1Char('/'), 2)}};
        copyFields(out, credential, {"desc", "labels"});
        if (!plugins.isEmpty()) {
            out.insert(QStringLiteral("type"), plugins.begin().key());
            out.insert(QStringLiteral("config"), plugins.begin().value());
        }
        credentials[it.key().section(QLatin1Char('/'), 0, 0)].append(out);
    }
    QJsonArray consumers;
    for (auto it = objects.consumers.begin(); it != objects.consumers.end(); ++it) {
        const QJsonValue v = it.value();
        if (Validator::isCredentialKey(it.key()))
            continue;
        QJsonObject c;
        copyFields(c, v.toObject(), {"username", "desc", "labels", "plugins"});
        if (credentials.contains(it.key()))
            c.insert(QStringLiteral("credentials"), credentials.value(it.key()));
        consumers.append(c);
        if (notes && v.toObject().contains(QStringLiteral("group_id")))
            *notes << QStringLiteral("consumer %1: its group_id left out (ADC has no consumer groups)").arg(c.value(QStringLiteral("username")).toString());
    }
    if (!consumers.isEmpty())
        file.insert(QStringLiteral("consumers"), consumers);
    QJsonArray ssls;
    for (const QJsonValue v : objects.ssls) {
        const QJsonObject s = v.toObject();
        QJsonObject out{{QStringLiteral("id"), s.value(QStringLiteral("id"))}};
        copyFields(out, s, {"type", "labels", "client", "ssl_protocols"});
        QJsonArray snis = s.value(QStringLiteral("snis")).toArray();
        if (s.contains(QStringLiteral("sni")))
            snis.append(s.value(QStringLiteral("sni")));
        if (!snis.isEmpty())
            out.insert(QStringLiteral("snis"), snis);
        QJsonArray certificates{QJsonObject{{QStringLiteral("certificate"), s.value(QStringLiteral("cert"))}, {QStringLiteral("key"), s.value(QStringLiteral("key"))}}};
        const QJsonArray certs = s.value(QStringLiteral("certs")).toArray(), keys = s.value(QStringLiteral("keys")).toArray();
        for (int i = 0; i < certs.size() && i < keys.size(); ++i)
            certificates.append(QJsonObject{{QStringLiteral("certificate"), certs[i]}, {QStringLiteral("key"), keys[i]}});
        out.insert(QStringLiteral("certificates"), certificates);
        ssls.append(out);
    }
    if (!ssls.isEmpty())
        file.insert(QStringLiteral("ssls"), ssls);
    QJsonObject metadata;
    for (auto it = objects.pluginMetadata.begin(); it != objects.pluginMetadata.end(); ++it) {
        QJsonObject m = exportable(it.value().toObject());
        m.remove(QStringLiteral("id"));
        metadata.insert(it.key(), m);
    }
    if (!metadata.isEmpty())
        file.insert(QStringLiteral("plugin_metadata"), metadata);
    for (ResourceKind kind : {ResourceKind::ConsumerGroup, ResourceKind::Proto, ResourceKind::Secret})
        if (notes && !objects.of(kind).isEmpty())
            *notes << QStringLiteral("%1 left out: ADC has no %2 (export apisix-yaml or admin-curl for them)")
                          .arg(resourcePlural(kind), resourceNoun(kind) + QLatin1Char('s'));
    if (notes && !objects.streamRoutes.isEmpty()) // (ADC keeps them in their services: not written here yet)
        *notes << QStringLiteral("stream_routes left out: not written to ADC's file by RouteScope (export apisix-yaml or admin-curl for them)");
}
} // namespace

QByteArray toAdcYaml(const ResourceObjects &objects, QStringList *notes)
{
    const auto upstreamOf = [&](const QJsonObject &o) -> std::optional<QJsonObject> {
        if (o.contains(QStringLiteral("upstream")))
            return adcUpstream(o.value(QStringLiteral("upstream")).toObject());
        if (o.contains(QStringLiteral("upstream_id")))
            return adcUpstream(objects.upstreams.value(Validator::idText(o.value(QStringLiteral("upstream_id")))).toObject());
        return std::nullopt;
    };
    QMap<QString, QJsonObject> services; // by id
    for (auto it = objects.services.begin(); it != objects.services.end(); ++it) {
        const QJsonObject s = it.value().toObject();
        QJsonObject out{{QStringLiteral("id"), it.key()}, {QStringLiteral("name"), s.value(QStringLiteral("name")).toString(it.key())}};
        copyFields(out, s, {"desc", "labels", "hosts", "plugins"});
        if (const auto upstream = upstreamOf(s)) {
            QJsonObject inline_ = *upstream;
            inline_.remove(QStringLiteral("name")); // as ADC's fetcher unsets upstream.id and upstream.name
            out.insert(QStringLiteral("upstream"), inline_);
        }
        services.insert(it.key(), out);
    }
    for (auto it = objects.routes.begin(); it != objects.routes.end(); ++it) {
        const QJsonObject r = it.value().toObject();
        if (r.value(QStringLiteral("status")).toInt(1) == 0) {
            if (notes)
                *notes << QStringLiteral("route %1 left out: it is disabled, and ADC has no status (its routes are enabled)").arg(it.key());
            continue;
        }
        QJsonObject route{{QStringLiteral("id"), it.key()}, {QStringLiteral("name"), r.value(QStringLiteral("name")).toString(it.key())}};
        copyFields(route, r, {"desc", "labels", "priority", "timeout", "vars", "methods", "enable_websocket", "filter_func"});
        route.insert(QStringLiteral("uris"), r.contains(QStringLiteral("uri")) ? QJsonArray{r.value(QStringLiteral("uri"))} : r.value(QStringLiteral("uris")));
        if (r.contains(QStringLiteral("host")) || r.contains(QStringLiteral("hosts")))
            route.insert(QStringLiteral("hosts"), r.contains(QStringLiteral("host")) ? QJsonArray{r.value(QStringLiteral("host"))} : r.value(QStringLiteral("hosts")));
        if (r.contains(QStringLiteral("remote_addr")) || r.contains(QStringLiteral("remote_addrs")))
            route.insert(QStringLiteral("remote_addrs"), r.contains(QStringLiteral("remote_addr")) ? QJsonArray{r.value(QStringLiteral("remote_addr"))}
                                                                                                   : r.value(QStringLiteral("remote_addrs")));
        // ADC has no plugin configs: the route's plugins over its plugin config's, as APISIX merges them.
        QJsonObject plugins;
        if (r.contains(QStringLiteral("plugin_config_id"))) {
            const QString pc = Validator::idText(r.value(QStringLiteral("plugin_config_id")));
            plugins = objects.pluginConfigs.value(pc).toObject().value(QStringLiteral("plugins")).toObject();
            if (notes)
                *notes << QStringLiteral("route %1: plugin config %2 merged into its plugins (ADC has no plugin configs)").arg(it.key(), pc);
        }
        const QJsonObject own = r.value(QStringLiteral("plugins")).toObject();
        for (auto p = own.begin(); p != own.end(); ++p)
            plugins.insert(p.key(), p.value());
        if (!plugins.isEmpty())
            route.insert(QStringLiteral("plugins"), plugins);
        const QString serviceId = Validator::idText(r.value(QStringLiteral("service_id")));
        if (!serviceId.isEmpty() && services.contains(serviceId)) {
            if (notes && upstreamOf(r))
                *notes << QStringLiteral("route %1: its own upstream cannot be expressed in ADC (a route takes its service's); service %2's is used")
                              .arg(it.key(), serviceId);
            QJsonArray routes = services[serviceId].value(QStringLiteral("routes")).toArray();
            routes.append(route);
            services[serviceId].insert(QStringLiteral("routes"), routes);
            continue;
        }
        // A route of its own: wrapped in a service named after it, which holds its upstream.
        // Its id is the one ADC would give it, so an import of this file names it the same way; a name
        // already taken gets the route's id added.
        QString name = route.value(QStringLiteral("name")).toString();
        if (services.contains(adcId(name)))
            name += QStringLiteral(" (route %1)").arg(it.key());
        QJsonObject service{{QStringLiteral("id"), adcId(name)}, {QStringLiteral("name"), name}, {QStringLiteral("routes"), QJsonArray{route}}};
        if (const auto upstream = upstreamOf(r)) {
            QJsonObject inline_ = *upstream;
            inline_.remove(QStringLiteral("name"));
            service.insert(QStringLiteral("upstream"), inline_);
        }
        services.insert(adcId(name), service);
    }
    QJsonArray list; // by id, wrapped or not: the order an import and export again keeps
    for (const QJsonObject &s : std::as_const(services))
        list.append(s);
    QJsonObject globals;
    for (const QJsonValue g : objects.globalRules) {
        const QJsonObject plugins = g.toObject().value(QStringLiteral("plugins")).toObject();
        for (auto p = plugins.begin(); p != plugins.end(); ++p)
            globals.insert(p.key(), p.value());
    }
    QJsonObject file{{QStringLiteral("services"), list}};
    if (!globals.isEmpty())
        file.insert(QStringLiteral("global_rules"), globals);
    addAdcStoredKinds(file, objects, notes);
    YAML::Emitter out;
    emitValue(out, file);
    return QByteArray("# Exported by RouteScope for ADC (adc sync -f this-file)\n") + out.c_str() + "\n";
}

QByteArray render(Format format, const ResourceObjects &objects, QStringList *notes)
{
    switch (format) {
    case Format::ApisixYaml: return toApisixYaml(objects);
    case Format::ApisixJson: return toApisixJson(objects);
    case Format::AdminCurl: return toAdminCurl(objects);
    case Format::Adc: return toAdcYaml(objects, notes);
    }
    return {};
}

ResourceObjects forProduction(const ResourceObjects &objects, QStringList *leftOut)
{
    const QString demo = QStringLiteral("demo");
    ResourceObjects out = objects;
    if (out.routes.contains(demo)) {
        out.routes.remove(demo);
        *leftOut << QStringLiteral("route demo (RouteScope's demo route; export it with --include-demo)");
    }
    if (!out.upstreams.contains(demo))
        return out;
    for (ResourceKind kind : kResourceKinds)
        for (const QJsonValue v : out.of(kind))
            if (Validator::idText(v.toObject().value(QStringLiteral("upstream_id"))) == demo)
                return out; // still referred to: it goes with what refers to it
    out.upstreams.remove(demo);
    *leftOut << QStringLiteral("upstream demo (RouteScope's demo upstream on 127.0.0.1:1980; export it with --include-demo)");
    return out;
}

QByteArray configYamlSnippet(const ResourceObjects &objects, const QJsonObject &runner, const QStringList &customPlugins)
{
    bool usesExt = false;
    for (ResourceKind kind : kResourceKinds)
        for (const QJsonValue v : objects.of(kind))
            for (const QString &name : v.toObject().value(QStringLiteral("plugins")).toObject().keys())
                usesExt |= name.startsWith(QLatin1String("ext-plugin-"));
    QByteArray out;
    if (usesExt) {
        QStringList cmd;
        for (const QJsonValue part : runner.value(QStringLiteral("cmd")).toArray())
            cmd << QStringLiteral("\"%1\"").arg(part.toString().replace(QLatin1Char('"'), QStringLiteral("\\\"")));
        out += "ext-plugin:\n  # the runner this workspace uses; give its path on the APISIX host\n  cmd: [" + cmd.join(QStringLiteral(", ")).toUtf8() + "]\n";
    }
    if (!customPlugins.isEmpty()) {
        out += "plugins: # replaces APISIX's default list (apisix/cli/config.lua): keep the defaults you use, and add\n";
        for (const QString &name : customPlugins)
            out += "  - " + name.toUtf8() + "\n";
    }
    if (out.isEmpty())
        return "# conf/config.yaml needs nothing for this configuration beyond APISIX's defaults\n";
    return "# conf/config.yaml of the APISIX that takes this configuration:\n" + out;
}

} // namespace ConfigExport
