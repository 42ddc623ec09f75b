#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

// The workspace's routes and upstreams for production APISIX.
namespace ConfigExport {

enum class Format { ApisixYaml, ApisixJson, AdminCurl };
// "apisix-yaml", "apisix-json", "admin-curl"; nullopt for anything else.
std::optional<Format> formatFromName(const QString &name);

// Standalone mode's apisix.yaml (ends with "#END", as APISIX requires), or its JSON form.
QByteArray toApisixYaml(const QJsonObject &routes, const QJsonObject &upstreams);
QByteArray toApisixJson(const QJsonObject &routes, const QJsonObject &upstreams);
// A shell script of Admin API calls (upstreams first, so routes can refer to them); the key comes
// from $ADMIN_KEY and the address from $APISIX_ADMIN (default http://127.0.0.1:9180).
QByteArray toAdminCurl(const QJsonObject &routes, const QJsonObject &upstreams);

QByteArray render(Format format, const QJsonObject &routes, const QJsonObject &upstreams);

} // namespace ConfigExport
