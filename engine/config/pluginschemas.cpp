#include "pluginschemas.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace {

// A {"$ref": "#/definitions/x"} anywhere in `v` replaced by definitions.x.
QJsonValue resolved(const QJsonValue &v, const QJsonObject &definitions)
{
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue &item : v.toArray())
            out.append(resolved(item, definitions));
        return out;
    }
    if (!v.isObject())
        return v;
    const QJsonObject o = v.toObject();
    if (const QString ref = o.value(QStringLiteral("$ref")).toString(); ref.startsWith(QLatin1String("#/definitions/")))
        return resolved(definitions.value(ref.mid(qstrlen("#/definitions/"))), definitions);
    QJsonObject out;
    for (auto it = o.begin(); it != o.end(); ++it)
        out.insert(it.key(), resolved(it.value(), definitions));
    return out;
}

struct Schemas
{
    QHash<QString, QJsonObject> conf, metadata, fields;
    QJsonObject encryptFields; // plugin -> {"schema": [...], "consumer_schema": [...], "metadata_schema": [...]}

    Schemas()
    {
        QFile file(QStringLiteral(":/schemas/pluginschemas.json"));
        file.open(QIODevice::ReadOnly);
        const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonObject definitions = root.value(QStringLiteral("definitions")).toObject();
        const QJsonObject plugins = root.value(QStringLiteral("plugins")).toObject();
        encryptFields = root.value(QStringLiteral("encrypt_fields")).toObject();
        const QJsonObject fieldSchemas = resolved(root.value(QStringLiteral("fields")), definitions).toObject();
        for (auto it = fieldSchemas.begin(); it != fieldSchemas.end(); ++it)
            fields.insert(it.key(), it.value().toObject());
        const QJsonValue meta = fields.value(QStringLiteral("plugin._meta"));
        for (auto it = plugins.begin(); it != plugins.end(); ++it) {
            const QJsonObject p = resolved(it.value(), definitions).toObject();
            if (p.contains(QStringLiteral("schema"))) { // with apisix/plugin.lua's injected `_meta`
                QJsonObject schema = p.value(QStringLiteral("schema")).toObject();
                QJsonObject properties = schema.value(QStringLiteral("properties")).toObject();
                properties.insert(QStringLiteral("_meta"), meta);
                // A logger's batch processor fields (batch-processor-manager.lua wrap_schema) and the body-logging
                // fields several loggers repeat: those the plugin does not define itself.
                for (const QString group : {QStringLiteral("batch_processor"), QStringLiteral("body_logging")}) {
                    if (!properties.contains(QLatin1Char('$') + group))
                        continue;
                    properties.remove(QLatin1Char('$') + group);
                    const QJsonObject fields = definitions.value(group).toObject();
                    for (auto f = fields.begin(); f != fields.end(); ++f)
                        if (!properties.contains(f.key()))
                            properties.insert(f.key(), f.value());
                }
                schema.insert(QStringLiteral("properties"), properties);
                conf.insert(it.key(), schema);
            }
            if (p.contains(QStringLiteral("metadata_schema")))
                metadata.insert(it.key(), p.value(QStringLiteral("metadata_schema")).toObject());
        }
    }
};

const Schemas &schemas()
{
    static const Schemas all;
    return all;
}

const QJsonObject *find(const QHash<QString, QJsonObject> &map, const QString &plugin)
{
    const auto it = map.constFind(plugin);
    return it == map.cend() ? nullptr : &*it;
}

} // namespace

const QJsonObject *pluginConfSchema(const QString &plugin)
{
    return find(schemas().conf, plugin);
}

const QJsonObject *pluginMetadataSchema(const QString &plugin)
{
    return find(schemas().metadata, plugin);
}

QStringList pluginEncryptFields(const QString &plugin, PluginSchemaType type)
{
    const QJsonObject lists = schemas().encryptFields.value(plugin).toObject();
    QJsonValue list = lists.value(QStringLiteral("schema"));
    if (type == PluginSchemaType::Metadata)
        list = lists.value(QStringLiteral("metadata_schema"));
    else if (type == PluginSchemaType::Consumer && lists.contains(QStringLiteral("consumer_schema")))
        list = lists.value(QStringLiteral("consumer_schema"));
    QStringList out;
    for (const QJsonValue v : list.toArray())
        out << v.toString();
    return out;
}

const QJsonObject *fieldSchema(const QString &field)
{
    return find(schemas().fields, field);
}
