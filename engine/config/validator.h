#pragma once

#include "problem.h"
#include "resourcekind.h"

#include <QJsonObject>

#include <functional>

// Schema and reference checks for routes, upstreams, services, plugin configs and global rules, as APISIX
// does them (apisix/schema_def.lua, apisix/admin/*.lua) for the fields RouteScope supports.
// The Admin API, `routescope validate` and the editors all call these.
namespace Validator {

// Answers whether an object exists, for references (upstream_id, service_id, plugin_config_id).
using Exists = std::function<bool(ResourceKind kind, const QString &id)>;
// The id of another global rule that has this plugin, or empty.
using GlobalRuleOf = std::function<QString(const QString &plugin)>;

// `customPlugins`: names the user's own config.yaml enables beyond the plugins APISIX ships.
Problems validateRoute(const QJsonObject &route, const Exists &exists, const QStringList &customPlugins = {});
Problems validateService(const QJsonObject &service, const Exists &exists, const QStringList &customPlugins = {});
Problems validatePluginConfig(const QJsonObject &config, const QStringList &customPlugins = {});
Problems validateGlobalRule(const QJsonObject &rule, const GlobalRuleOf &ruleOf, const QStringList &customPlugins = {});
Problems validateUpstream(const QJsonObject &upstream, const QString &pointer = {});
// The protocol name of the stream route `id`, an empty string when it has none, Undefined when it is not there.
using StreamProtocolOf = std::function<QJsonValue(const QString &id)>;
// A stream route (schema_def.lua stream_route, apisix/admin/stream_routes.lua check_conf) with the key `id`.
Problems validateStreamRoute(const QJsonObject &route, const QString &id, const Exists &exists, const StreamProtocolOf &protocolOf);

// Stored and exported, not run (validatorstored.cpp).
// The consumer key ("jack", or "jack/credentials/c1" for a credential) whose auth plugin has this value
// (plugin, its key attribute, value), or empty: for duplicate keys.
using ConsumerKeyOwner = std::function<QString(const QString &plugin, const QString &attribute, const QString &value)>;
// A consumer credential's key, as the consumers' map holds it (etcd's /consumers/<name>/credentials/<id>).
inline bool isCredentialKey(const QString &key) { return key.contains(QLatin1String("/credentials/")); }
// `key`: "<consumer>/credentials/<id>" (apisix/admin/credentials.lua; the consumer's existence is the store's check).
Problems validateCredential(const QJsonObject &credential, const QString &key, const ConsumerKeyOwner &owner, const QStringList &customPlugins = {});
// The attribute a consumer's auth plugin is looked up by (key-auth: "key"), or empty.
QString consumerKeyAttribute(const QString &plugin);
Problems validateConsumerGroup(const QJsonObject &group, const QStringList &customPlugins = {});
Problems validateConsumer(const QJsonObject &consumer, const Exists &exists, const ConsumerKeyOwner &owner, const QStringList &customPlugins = {});
// The plugins whose `type` is "auth" (apisix/plugins/*.lua): the only ones a credential may have.
bool isAuthPlugin(const QString &name);
Problems validateSsl(const QJsonObject &ssl);
Problems validateProto(const QJsonObject &proto);
Problems validateSecret(const QString &manager, const QJsonObject &secret); // manager: vault, aws, gcp
Problems validatePluginMetadata(const QString &plugin, const QJsonObject &metadata, const QStringList &customPlugins = {});
// Schema of ext-plugin-pre-req / -post-req / -post-resp (PROTOCOL.md section 11).
Problems validateExtPluginConf(const QString &pluginName, const QJsonValue &conf, const QString &pointer);

bool isExtPlugin(const QString &name);
// A plugin apache/apisix ships (apisix/plugins/*.lua).
bool isApisixPlugin(const QString &name);
// The ones APISIX's default config.yaml enables (apisix/cli/config.lua `plugins`), by priority, highest first.
const QStringList &defaultEnabledPlugins();
bool isEnabledByDefault(const QString &name);
// Its default `stream_plugins`.
const QStringList &defaultStreamPlugins();
bool isCidrOrIp(const QString &text);
// roundrobin, chash, ewma, least_conn: the balancers APISIX ships (its schema takes any `type`).
bool isKnownBalancer(const QString &type);
// An id as APISIX accepts it (in the path or the body): the Admin API's error text, or empty when valid.
QString checkId(const QString &id);
// The same for an id as it is in a body: a string as above, or an integer >= 1 (not -100, not 1.5).
QString checkIdValue(const QJsonValue &id);
// An id (or upstream_id) value as text: a string as it is, a number as its integer, empty for anything else.
QString idText(const QJsonValue &id);

} // namespace Validator
