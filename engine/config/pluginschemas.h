#pragma once

#include <QJsonObject>
#include <QString>

// The schemas (pluginschemas.json, built in as a resource) of the APISIX plugins whose confs and metadata
// RouteScope checks, and of fields of APISIX's objects it checks with a schema ("upstream.checks"); null
// for one that is not there.
const QJsonObject *pluginConfSchema(const QString &plugin);
const QJsonObject *pluginMetadataSchema(const QString &plugin);
const QJsonObject *fieldSchema(const QString &field);
