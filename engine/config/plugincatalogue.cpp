#include "plugincatalogue.h"

#include <QJsonDocument>

PluginCatalogue PluginCatalogue::fromJson(const QJsonArray &json)
{
    PluginCatalogue c;
    for (const QJsonValue &v : json) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("name")).toString().isEmpty())
            continue;
        c.m_plugins.append({o.value(QStringLiteral("name")).toString(), o.value(QStringLiteral("description")).toString(),
                            o.value(QStringLiteral("schema")).toObject()});
    }
    return c;
}

QJsonArray PluginCatalogue::toJson() const
{
    QJsonArray out;
    for (const CataloguePlugin &p : m_plugins) {
        QJsonObject o{{QStringLiteral("name"), p.name}};
        if (!p.description.isEmpty())
            o.insert(QStringLiteral("description"), p.description);
        if (!p.schema.isEmpty())
            o.insert(QStringLiteral("schema"), p.schema);
        out.append(o);
    }
    return out;
}

const CataloguePlugin *PluginCatalogue::find(const QString &name) const
{
    for (const CataloguePlugin &p : m_plugins)
        if (p.name == name)
            return &p;
    return nullptr;
}

QStringList PluginCatalogue::names() const
{
    QStringList out;
    for (const CataloguePlugin &p : m_plugins)
        out << p.name;
    return out;
}

PluginCatalogue PluginCatalogue::demoRunner()
{
    static const char json[] = R"json([
  {"name": "ext-plugin-A", "description": "Adds X-Ext-Plugin-A: executed and X-Ext-Plugin-A-Conf: <value>"},
  {"name": "response-headers", "description": "Sets and removes response headers",
   "schema": {"type": "object", "additionalProperties": false, "properties": {
     "set": {"type": "object", "additionalProperties": {"type": "string"}},
     "remove": {"type": "array", "items": {"type": "string"}}}}},
  {"name": "rewrite", "description": "Rewrites the request's path, headers, args or body (request phases)",
   "schema": {"type": "object", "additionalProperties": false, "properties": {
     "path": {"type": "string", "minLength": 1},
     "headers": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
     "args": {"type": "object"},
     "body": {"type": "string"}}}},
  {"name": "stop", "description": "Answers at once with a status, headers and body (request phases)",
   "schema": {"type": "object", "additionalProperties": false, "properties": {
     "status": {"type": "integer", "minimum": 100, "maximum": 599},
     "body": {"type": "string"},
     "headers": {"type": "object", "additionalProperties": {"type": "string"}}}}},
  {"name": "body", "description": "Replaces the response body, or appends to it (reads RespBody)",
   "schema": {"type": "object", "additionalProperties": false, "minProperties": 1, "maxProperties": 1,
     "properties": {"replace": {"type": "string"}, "append": {"type": "string"}}}},
  {"name": "status", "description": "Changes the response status",
   "schema": {"type": "object", "required": ["code"], "additionalProperties": false,
     "properties": {"code": {"type": "integer", "minimum": 100, "maximum": 599}}}},
  {"name": "vars", "description": "Asks ExtraInfo Var for each name; answers in X-Var-<name> headers",
   "schema": {"type": "object", "required": ["names"], "additionalProperties": false,
     "properties": {"names": {"type": "array", "items": {"type": "string"}}}}},
  {"name": "req-body", "description": "Asks ExtraInfo ReqBody; answers its length in X-Req-Body"},
  {"name": "noop", "description": "Changes nothing"}
])json";
    return fromJson(QJsonDocument::fromJson(json).array());
}
