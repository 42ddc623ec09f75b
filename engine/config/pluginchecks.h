#pragma once

#include "schemacheck.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QString>

#include <optional>

// A plugin's conf as its apisix/plugins/<name>.lua check_schema checks it: against its schema
// (pluginschemas.json), then what the plugin checks after the schema (cors' '*' with credentials, regexes
// that compile, multi-auth's auth plugins, ...). Nothing for a plugin whose schema RouteScope lacks.
// For a plugin whose schema RouteScope lacks, its `_meta` alone (every plugin's schema has it).
std::optional<SchemaFailure> checkPluginConf(const QString &name, const QJsonValue &conf);
// `_meta` as schema_def.lua's plugin_injected_schema has it (disable, error_response, priority, filter,
// pre_function), in the words a plugin's schema check gives: `property "_meta" validation failed: …`.
std::optional<SchemaFailure> checkPluginMeta(const QJsonValue &conf);
// An expression (vars, as lua-resty-expr compiles them) that does not compile, in the words APISIX's
// checks use: `failed to validate the '<what>' expression: <why>`; empty when it compiles.
QString expressionProblem(const QJsonArray &rules, const QString &what = QStringLiteral("vars"));
