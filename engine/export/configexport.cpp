#include "configexport.h"

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
        if (d == double(qint64(d)))
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

QJsonArray listOf(const QJsonObject &byId)
{
    QJsonArray out;
    for (auto it = byId.begin(); it != byId.end(); ++it) {
        QJsonObject o = exportable(it.value().toObject());
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
    if (name == QLatin1String("apisix-json"))
        return Format::ApisixJson;
    if (name == QLatin1String("admin-curl"))
        return Format::AdminCurl;
    return std::nullopt;
}

namespace {
// The kinds a standalone file lists: routes and upstreams always, the others when there are any.
QList<ResourceKind> fileKinds(const ResourceObjects &objects)
{
    QList<ResourceKind> kinds = {ResourceKind::Route, ResourceKind::Upstream};
    for (ResourceKind kind : {ResourceKind::Service, ResourceKind::PluginConfig, ResourceKind::GlobalRule})
        if (!objects.of(kind).isEmpty())
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
        emitValue(out, listOf(objects.of(kind)));
    }
    out << YAML::EndMap;
    return QByteArray("# Exported by RouteScope for APISIX standalone mode (conf/apisix.yaml)\n") + out.c_str() + "\n#END\n";
}

QByteArray toApisixJson(const ResourceObjects &objects)
{
    QJsonObject file;
    for (ResourceKind kind : fileKinds(objects))
        file.insert(resourcePlural(kind), listOf(objects.of(kind)));
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

QByteArray render(Format format, const ResourceObjects &objects)
{
    switch (format) {
    case Format::ApisixYaml: return toApisixYaml(objects);
    case Format::ApisixJson: return toApisixJson(objects);
    case Format::AdminCurl: return toAdminCurl(objects);
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
            if (v.toObject().value(QStringLiteral("upstream_id")).toVariant().toString() == demo)
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
