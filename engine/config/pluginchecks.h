#pragma once

#include "schemacheck.h"

#include <QJsonValue>
#include <QString>

#include <optional>

// A plugin's conf as its apisix/plugins/<name>.lua check_schema checks it: against its schema
// (pluginschemas.json), then what the plugin checks after the schema (cors' '*' with credentials, regexes
// that compile, multi-auth's auth plugins, ...). Nothing for a plugin whose schema RouteScope lacks.
std::optional<SchemaFailure> checkPluginConf(const QString &name, const QJsonValue &conf);
