#pragma once

#include "plugincatalogue.h"
#include "problem.h"
#include "validator.h"

// What the route editor reports as the user types: APISIX's own schema checks (Validator), plus
// what APISIX does not say about ext-plugin confs: a value that is not JSON, a name twice in one
// conf, an empty conf, a name the runner is not known to serve, a value against its catalogue schema.
namespace EditorChecks {

Problems checkRoute(const QJsonObject &route, const Validator::Exists &exists, const PluginCatalogue &catalogue,
                    const QStringList &customPlugins = {});
Problems checkExtPluginConfs(const QJsonObject &route, const PluginCatalogue &catalogue);
// A value string against a catalogue schema; messages name the place inside the value.
Problems checkValueAgainstSchema(const QByteArray &value, const QJsonObject &schema, const QString &pointer, const QString &pluginName);

} // namespace EditorChecks
