#pragma once

#include "resourcekind.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

// Production configuration into a workspace: APISIX standalone apisix.yaml or apisix.json (what
// ConfigExport writes, and what APISIX users keep in conf/). Every entry is accounted for in the report:
// imported, refused with the reason and where it is in the file, or stored but not run here.
namespace ConfigImport {

struct Report
{
    QString error;             // the file cannot be read: nothing is imported
    ResourceObjects objects;   // what validated, by kind and id
    QStringList imported;      // "route 1 (line 3, column 5)"
    QStringList refused;       // "route 2 (line 9, column 5): <why>"
    QStringList notRun;        // "route 1: plugin limit-count is stored, not run here (…)"
    QStringList warnings;      // about the file as a whole (no #END, …)
    int count() const;         // objects imported
};

// Adc: ADC's declarative YAML, taken apart as api7/adc's APISIX backend does (FromADC): each service
// becomes a service and, for its upstream, an upstream with the service's id; its routes get its
// service_id; global_rules become one global rule per plugin, named after it; ids left out are ADC's
// (sha1 of the name, "service.route" for a route).
// AdminCurl: the Admin API script `routescope export --format admin-curl` writes, one PUT a line.
enum class Format { ApisixYaml, ApisixJson, Adc, AdminCurl };

// Parses and validates `text` on its own, or over `existing` (the workspace's objects, which imported
// entries may refer to and replace). `customPlugins`: the workspace's apisix.plugins.
Report read(Format format, const QByteArray &text, const ResourceObjects &existing = {},
            const QStringList &customPlugins = {});
// The same for objects read elsewhere (a running Admin API): `origin` stands where a file has line and column.
Report readObjects(const ResourceObjects &incoming, const QString &origin, const ResourceObjects &existing = {},
                   const QStringList &customPlugins = {});
// The format a file is in: by its name (.json / .yaml / .yml), else by its first character.
Format formatOf(const QString &fileName, const QByteArray &text);

// A one-screen account of the report, for the command line and the window.
QString summary(const Report &report);

} // namespace ConfigImport
