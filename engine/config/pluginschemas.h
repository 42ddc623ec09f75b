#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

// The schemas (pluginschemas.json, built in as a resource) of the APISIX plugins whose confs and metadata
// RouteScope checks, and of fields of APISIX's objects it checks with a schema ("upstream.checks"); null
// for one that is not there.
const QJsonObject *pluginConfSchema(const QString &plugin);
const QJsonObject *pluginMetadataSchema(const QString &plugin);
const QJsonObject *fieldSchema(const QString &field);

// Which of a plugin's schemas applies: a route's (and a service's, ...) conf, a consumer's or a credential's,
// or the plugin's metadata (apisix/core/schema.lua TYPE_CONSUMER, TYPE_METADATA).
enum class PluginSchemaType { Conf, Consumer, Metadata };
// The dotted paths the plugin's schema of that type lists as encrypt_fields; a consumer's plugin that has no
// consumer_schema goes by its schema's (apisix/plugin.lua get_plugin_schema_for_gde).
QStringList pluginEncryptFields(const QString &plugin, PluginSchemaType type);
