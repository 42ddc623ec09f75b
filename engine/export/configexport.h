#pragma once

#include "resourcekind.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

// The workspace's objects (routes, upstreams, services, plugin configs, global rules) for production APISIX.
namespace ConfigExport {

enum class Format { ApisixYaml, ApisixJson, AdminCurl, Adc };
// "apisix-yaml", "apisix-json", "admin-curl", "adc"; "apisix-configs" (the body of APISIX 3.x's
// PUT /apisix/admin/configs, which is apisix.json's text) is ApisixJson; nullopt for anything else.
std::optional<Format> formatFromName(const QString &name);

// Standalone mode's apisix.yaml (ends with "#END", as APISIX requires), or its JSON form.
QByteArray toApisixYaml(const ResourceObjects &objects);
QByteArray toApisixJson(const ResourceObjects &objects);
// A shell script of Admin API calls (what is referred to first: upstreams, services, plugin configs,
// routes, global rules); the key comes
// from $ADMIN_KEY and the address from $APISIX_ADMIN (default http://127.0.0.1:9180).
QByteArray toAdminCurl(const ResourceObjects &objects);

// ADC's declarative YAML (api7/adc, what `adc sync -f` takes), as its APISIX backend converts: each
// service with its routes and its upstream inline (upstream_id resolved), a route without a service
// wrapped in a service of its own named after it, a route's plugin config merged into its plugins, the
// global rules as one plugin map. What ADC cannot express (a disabled route, a route's own upstream under
// a service) is named in `notes`.
QByteArray toAdcYaml(const ResourceObjects &objects, QStringList *notes);
// The id ADC gives an object without one: the sha1 of its name ("service.route" for a route), in hex.
QString adcId(const QString &name);

// `notes`: what the format could not express (ADC), or nothing.
QByteArray render(Format format, const ResourceObjects &objects, QStringList *notes = nullptr);

// What production gets: the default workspace's demo route and demo upstream (id "demo", see
// Workspace::createDefault) are left out, the upstream only when nothing else exported refers to it.
// `leftOut` names what was.
ResourceObjects forProduction(const ResourceObjects &objects, QStringList *leftOut);

// The lines of conf/config.yaml the target APISIX needs for this configuration: ext-plugin.cmd for the
// workspace's runner (`runner`: the workspace's "runner" object) when an ext-plugin-* is used, and
// `plugins:` when the workspace uses plugins of its own (`customPlugins`, its apisix.plugins).
QByteArray configYamlSnippet(const ResourceObjects &objects, const QJsonObject &runner, const QStringList &customPlugins);

} // namespace ConfigExport
