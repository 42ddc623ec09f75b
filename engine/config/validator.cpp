#include "validator.h"

#include "extplugin.h"
#include "jsonpath.h"
#include "luacompile.h"
#include "pluginchecks.h"
#include "validatorparts.h"

#include "jsonnumber.h"
#include "pluginschemas.h"
#include "schemacheck.h"

#include <QHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <optional>

QString pointerToken(const QString &key)
{
    QString t = key;
    t.replace(QLatin1Char('~'), QLatin1String("~0"));
    t.replace(QLatin1Char('/'), QLatin1String("~1"));
    return t;
}

QString firstErrorMessage(const Problems &problems)
{
    for (const Problem &p : problems)
        if (p.isError())
            return p.message;
    return {};
}

namespace Validator {
using namespace detail;
namespace detail {

QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("boolean");
    case QJsonValue::Double: return QStringLiteral("number");
    case QJsonValue::String: return QStringLiteral("string");
    case QJsonValue::Array: // Lua has one type for both, and APISIX's checker names it
    case QJsonValue::Object: return QStringLiteral("table");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("undefined");
}

bool isInteger(const QJsonValue &v)
{
    if (!v.isDouble())
        return false;
    return isWholeNumber(v.toDouble());
}

const QRegularExpression &hostPattern()
{
    static const QRegularExpression re(QStringLiteral("^\\*$|^\\*?[0-9a-zA-Z\\-._\\[\\]:]+$"));
    return re;
}

void checkStringArray(Checker &c, const QJsonObject &o, const QString &key, const std::function<QString(const QString &)> &itemCheck, bool nonEmptyUnique)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined())
        return;
    if (!v.isArray()) {
        c.wrongType(key, QStringLiteral("array"), v);
        return;
    }
    const QJsonArray a = v.toArray();
    if (a.isEmpty() && nonEmptyUnique) {
        c.error(key, QStringLiteral("expect array to have at least 1 items"));
        return;
    }
    QHash<QString, int> seen; // an item and where it first is
    for (int i = 0; i < a.size(); ++i) {
        if (!a[i].isString()) {
            c.error(key, QStringLiteral("failed to validate item %1: wrong type: expected string, got %2").arg(i + 1).arg(typeName(a[i])));
            return;
        }
        const QString s = a[i].toString();
        if (const QString why = itemCheck(s); !why.isEmpty()) {
            c.error(key, QStringLiteral("failed to validate item %1: %2").arg(i + 1).arg(why));
            return;
        }
        if (nonEmptyUnique && seen.contains(s)) {
            c.error(key, QStringLiteral("expected unique items but items %1 and %2 are equal").arg(seen.value(s) + 1).arg(i + 1));
            return;
        }
        seen.insert(s, i);
    }
}

QString lengthProblem(const QString &text, int minLen, int maxLen)
{
    // jsonschema's utf8_len: characters, not bytes (Lua's #) nor UTF-16 units (QString::size)
    const qsizetype length = QStringView(text).toUcs4().size();
    if (length < minLen)
        return QStringLiteral("string too short, expected at least %1, got %2").arg(minLen).arg(length);
    if (maxLen > 0 && length > maxLen)
        return QStringLiteral("string too long, expected at most %1, got %2").arg(maxLen).arg(length);
    return {};
}

QString checkUri(const QString &s)
{
    return lengthProblem(s, 1, 4096);
}

QString checkHost(const QString &s)
{
    if (!hostPattern().match(s).hasMatch())
        return QStringLiteral("failed to match pattern \"^\\\\*$|^\\\\*?[0-9a-zA-Z-._\\\\[\\\\]:]+$\" with \"%1\"").arg(s);
    return {};
}

QString checkMethod(const QString &s)
{
    static const QSet<QString> methods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE", "PURGE"};
    return methods.contains(s) ? QString() : QStringLiteral("matches none of the enum values");
}

// schema_def.lua's ip_def (an IPv4 or IPv6 address, or a CIDR by its patterns): what the schemas of a
// route's remote_addr and a stream route's take. Its IPv6 CIDR pattern lets through text that is no
// address (":/8"); addrNoAddress() says so.
QString checkAddr(const QString &s)
{
    const std::optional<SchemaFailure> f = checkAgainstSchema(s, *fieldSchema(QStringLiteral("ip_def")));
    return f ? f->message : QString();
}

bool addrNoAddress(const QJsonValue &v)
{
    return v.isString() && checkAddr(v.toString()).isEmpty() && !isCidrOrIp(v.toString());
}

void checkLabels(Checker &c, const QJsonObject &o)
{
    const QJsonValue v = o.value(QStringLiteral("labels"));
    if (v.isUndefined())
        return;
    if (!v.isObject()) {
        c.wrongType(QStringLiteral("labels"), QStringLiteral("object"), v);
        return;
    }
    // schema_def.lua labels_def: every value a string of 1..256 non-space characters.
    static const QRegularExpression noSpace(QStringLiteral("^\\S+$"));
    const QJsonObject labels = v.toObject();
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        const QString at = QStringLiteral("failed to validate %1 (matching \".*\"): ").arg(it.key());
        const QString value = it.value().toString();
        if (!it.value().isString())
            c.error(QStringLiteral("labels"), at + QStringLiteral("wrong type: expected string, got %1").arg(typeName(it.value())));
        else if (value.isEmpty())
            c.error(QStringLiteral("labels"), at + QStringLiteral("string too short, expected at least 1, got 0"));
        else if (value.size() > 256)
            c.error(QStringLiteral("labels"), at + QStringLiteral("string too long, expected at most 256, got %1").arg(value.size()));
        else if (!noSpace.match(value).hasMatch())
            c.error(QStringLiteral("labels"), at + QStringLiteral("failed to match pattern \"^\\\\S+$\" with \"%1\"").arg(value));
        else
            continue;
        return;
    }
}

// schema_def.lua's nodes_schema is an anyOf of the hash form and the array form: whatever fails inside
// either, APISIX says "object matches none of the required"; what failed is the hint. After the schema,
// apisix/upstream.lua check_upstream_conf refuses a hash-form port outside 1..65535.
void checkNodes(Checker &c, const QJsonObject &u)
{
    const QString key = QStringLiteral("nodes");
    const QJsonValue v = u.value(key);
    if (v.isUndefined()) {
        c.errorRaw(QString(), QStringLiteral("property \"nodes\" is required"));
        return;
    }
    if (v.isObject()) {
        const QJsonObject nodes = v.toObject();
        if (nodes.isEmpty())
            c.warning(QStringLiteral("/nodes"), QStringLiteral("upstream has no nodes: requests will get 502"));
        for (auto it = nodes.begin(); it != nodes.end(); ++it) {
            if (!isInteger(it.value()) || it.value().toDouble() < 0) {
                c.noneMatches(key, QStringLiteral("the weight of %1 must be an integer >= 0, got %2").arg(it.key(), it.value().isDouble() ? QString::number(it.value().toDouble()) : typeName(it.value())));
                return;
            }
        }
        for (auto it = nodes.begin(); it != nodes.end(); ++it) {
            const QString addr = it.key();
            const qsizetype colon = addr.lastIndexOf(QLatin1Char(':'));
            bool numeric = false;
            const int port = colon > 0 && !addr.endsWith(QLatin1Char(']')) ? addr.mid(colon + 1).toInt(&numeric) : 0;
            if (numeric && (port < 1 || port > 65535)) {
                c.errorBare(QStringLiteral("/nodes"), QStringLiteral("invalid port %1").arg(port));
                return;
            }
            if (addr.isEmpty() || (colon > 0 && !numeric && !addr.endsWith(QLatin1Char(']')))) {
                c.error(key, QStringLiteral("invalid node address \"%1\": expected host:port").arg(addr));
                return;
            }
        }
        return;
    }
    if (!v.isArray()) {
        c.noneMatches(key, QStringLiteral("an object of \"host:port\": weight, or an array of nodes, not %1").arg(typeName(v)));
        return;
    }
    const QJsonArray nodes = v.toArray();
    if (nodes.isEmpty())
        c.warning(QStringLiteral("/nodes"), QStringLiteral("upstream has no nodes: requests will get 502"));
    for (int i = 0; i < nodes.size(); ++i) {
        const QJsonObject n = nodes[i].toObject();
        const QString item = QStringLiteral("node %1: ").arg(i + 1);
        if (!nodes[i].isObject()) {
            c.noneMatches(key, item + QStringLiteral("expected an object, got %1").arg(typeName(nodes[i])));
            return;
        }
        const QJsonValue host = n.value(QStringLiteral("host"));
        if (!host.isString()) {
            c.noneMatches(key, item + QStringLiteral("\"host\" is required, a string"));
            return;
        }
        if (const QString why = checkHost(host.toString()); !why.isEmpty()) {
            c.noneMatches(key, item + QStringLiteral("\"host\": ") + why);
            return;
        }
        const QJsonValue port = n.value(QStringLiteral("port"));
        if (!port.isUndefined() && (!isInteger(port) || port.toDouble() < 1 || port.toDouble() > 65535)) {
            c.noneMatches(key, item + QStringLiteral("\"port\" must be an integer from 1 to 65535"));
            return;
        }
        const QJsonValue weight = n.value(QStringLiteral("weight"));
        if (!isInteger(weight) || weight.toDouble() < 0) {
            c.noneMatches(key, item + QStringLiteral("\"weight\" is required, an integer >= 0"));
            return;
        }
    }
    for (int i = 0; i < nodes.size(); ++i) {
        const QString host = nodes[i].toObject().value(QStringLiteral("host")).toString();
        if (!host.startsWith(QLatin1Char('[')) && host.contains(QLatin1Char(':'))
            && QHostAddress(host).protocol() == QAbstractSocket::IPv6Protocol) {
            c.errorRaw(QString(), QStringLiteral("IPv6 address must be enclosed with '[' and ']'"));
            return;
        }
    }
}

// schema_def.lua's health_checker ("upstream.checks" in pluginschemas.json): checked, kept, not run.
void checkHealthChecks(Checker &c, const QJsonObject &u)
{
    const QJsonValue checks = u.value(QStringLiteral("checks"));
    if (checks.isUndefined())
        return;
    if (const std::optional<SchemaFailure> f = checkAgainstSchema(checks, *fieldSchema(QStringLiteral("upstream.checks"))))
        c.errorRaw(QStringLiteral("/checks") + f->pointer, QStringLiteral("property \"checks\" validation failed: ") + f->message);
}

void checkTimeout(Checker &c, const QJsonObject &u)
{
    const QJsonValue v = u.value(QStringLiteral("timeout"));
    if (v.isUndefined())
        return;
    if (!v.isObject()) {
        c.wrongType(QStringLiteral("timeout"), QStringLiteral("object"), v);
        return;
    }
    const QJsonObject t = v.toObject();
    for (const char *k : {"connect", "send", "read"}) {
        const QString key = QLatin1String(k);
        const QJsonValue x = t.value(key);
        if (x.isUndefined()) {
            c.error(QStringLiteral("timeout"), QStringLiteral("property \"%1\" is required").arg(key));
            return;
        }
        if (!x.isDouble()) {
            c.error(QStringLiteral("timeout"), QStringLiteral("property \"%1\" validation failed: wrong type: expected number, got %2").arg(key, typeName(x)));
            return;
        }
        if (x.toDouble() <= 0) {
            c.error(QStringLiteral("timeout"), QStringLiteral("property \"%1\" validation failed: expected %2 to be greater than 0").arg(key, QString::number(x.toDouble())));
            return;
        }
    }
}

// apisix/upstream.lua check_upstream_conf: a chash key, unless on the consumer, is required and, for vars,
// header and cookie, matches schema_def.lua's patterns.
void checkChashKey(Checker &c, const QJsonObject &u)
{
    const QString hashOn = u.value(QStringLiteral("hash_on")).toString(QStringLiteral("vars"));
    const QJsonValue key = u.value(QStringLiteral("key"));
    if (hashOn != QLatin1String("consumer") && key.isUndefined()) {
        c.errorBare(QString(), QStringLiteral("missing key")); // without "invalid configuration: ", as APISIX says it
        return;
    }
    static const QString varsPattern = QStringLiteral("^((uri|server_name|server_addr|request_uri|remote_port|remote_addr|query_string|host|hostname|mqtt_client_id)|arg_[0-9a-zA-z_-]+)$");
    static const QString headerPattern = QStringLiteral("^[a-zA-Z0-9-_]+$");
    QString pattern;
    if (hashOn == QLatin1String("vars"))
        pattern = varsPattern;
    else if (hashOn == QLatin1String("header") || hashOn == QLatin1String("cookie"))
        pattern = headerPattern;
    if (pattern.isEmpty() || !key.isString())
        return;
    if (!QRegularExpression(pattern).match(key.toString()).hasMatch()) {
        QString shown = pattern;
        shown.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
        c.errorRaw(QString(), QStringLiteral("failed to match pattern \"%1\" with \"%2\"").arg(shown, key.toString()));
    }
}

void checkEnum(Checker &c, const QJsonObject &o, const QString &key, const QStringList &allowed)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined())
        return;
    if (!v.isString()) {
        c.wrongType(key, QStringLiteral("string"), v);
        return;
    }
    if (!allowed.contains(v.toString()))
        c.error(key, QStringLiteral("matches none of the enum values"));
}

} // namespace

QString checkId(const QString &id)
{
    // APISIX's id_schema: a string of 1..64 of [a-zA-Z0-9-_.], or an integer >= 1 (which is also such a
    // string once it is in the path); the error is the schema checker's.
    static const QRegularExpression pattern(QStringLiteral("^[a-zA-Z0-9\\-_.]{1,64}$"));
    if (pattern.match(id).hasMatch())
        return {};
    return QStringLiteral("invalid configuration: property \"id\" validation failed: object matches none of the required");
}

QString checkIdValue(const QJsonValue &id)
{
    if (id.isString())
        return checkId(id.toString());
    const double n = id.toDouble();
    if (id.isDouble() && n >= 1 && isWholeNumber(n))
        return {};
    return checkId(QString()); // the schema checker's text
}

bool isKnownBalancer(const QString &type)
{
    // The balancers APISIX 3.x ships (apisix/balancer/*.lua).
    static const QStringList known = {"roundrobin", "chash", "ewma", "least_conn"};
    return known.contains(type);
}

QString idText(const QJsonValue &id)
{
    return id.isString() ? id.toString() : id.isDouble() ? QString::number(clampedInt<qint64>(id.toDouble())) : QString();
}

bool isExtPlugin(const QString &name)
{
    return name == QLatin1String("ext-plugin-pre-req") || name == QLatin1String("ext-plugin-post-req")
        || name == QLatin1String("ext-plugin-post-resp");
}

const QStringList &defaultEnabledPlugins()
{
    // apisix/cli/config.lua's `plugins`, in its order (by priority, highest first).
    static const QStringList enabled = {
        "real-ip", "ai", "client-control", "proxy-buffering", "proxy-control", "request-id", "zipkin",
        "ext-plugin-pre-req", "fault-injection", "mocking", "serverless-pre-function", "cors", "ip-restriction",
        "ua-restriction", "referer-restriction", "csrf", "uri-blocker", "request-validation", "chaitin-waf",
        "multi-auth", "openid-connect", "saml-auth", "cas-auth", "authz-casbin", "authz-casdoor", "wolf-rbac",
        "ldap-auth-advanced", "ldap-auth", "hmac-auth", "basic-auth", "jwt-auth", "jwe-decrypt", "key-auth",
        "dingtalk-auth", "feishu-auth", "acl", "consumer-restriction", "attach-consumer-label", "forward-auth",
        "opa", "authz-keycloak", "data-mask", "proxy-cache", "body-transformer", "ai-prompt-template",
        "ai-prompt-decorator", "ai-prompt-guard", "ai-rag", "ai-rate-limiting", "ai-proxy-multi", "ai-proxy",
        "ai-cache", "ai-aws-content-moderation", "ai-aliyun-content-moderation", "ai-lakera-guard", "proxy-mirror",
        "graphql-proxy-cache", "proxy-rewrite", "workflow", "api-breaker", "graphql-limit-count", "limit-conn",
        "limit-count", "limit-req", "gzip", "server-info", "traffic-label", "traffic-split", "redirect",
        "response-rewrite", "oas-validator", "mcp-bridge", "degraphql", "kafka-proxy", "grpc-transcode", "grpc-web",
        "http-dubbo", "public-api", "prometheus", "datadog", "lago", "loki-logger", "elasticsearch-logger", "echo",
        "loggly", "http-logger", "splunk-hec-logging", "skywalking-logger", "google-cloud-logging", "sls-logger",
        "tcp-logger", "kafka-logger", "rocketmq-logger", "syslog", "udp-logger", "file-logger", "clickhouse-logger",
        "tencent-cloud-cls", "inspect", "example-plugin", "aws-lambda", "azure-functions", "openwhisk",
        "openfunction", "serverless-post-function", "ext-plugin-post-req", "ext-plugin-post-resp",
        "ai-request-rewrite"};
    return enabled;
}

namespace {
// Shipped (apisix/plugins/*.lua of apache/apisix 3.18), but not in the default `plugins`.
const QSet<QString> &shippedNotEnabled()
{
    static const QSet<QString> off = {"batch-requests", "brotli", "dubbo-proxy", "error-log-logger", "error-page", "exit-transformer",
                                      "gm", "log-rotate", "node-status", "ocsp-stapling", "opentelemetry", "skywalking"};
    return off;
}

const QSet<QString> &enabledByDefault()
{
    static const QSet<QString> enabled(defaultEnabledPlugins().cbegin(), defaultEnabledPlugins().cend());
    return enabled;
}
} // namespace

bool isApisixPlugin(const QString &name)
{
    // Others need the workspace's "apisix.plugins".
    return enabledByDefault().contains(name) || shippedNotEnabled().contains(name);
}

bool isEnabledByDefault(const QString &name)
{
    return enabledByDefault().contains(name);
}

const QStringList &defaultStreamPlugins()
{
    static const QStringList stream = {"ip-restriction", "limit-conn", "mqtt-proxy", "syslog", "traffic-split"};
    return stream;
}

bool isCidrOrIp(const QString &text)
{
    // schema_def.lua ip_def: an IPv4 or IPv6 address, or one with a prefix length (IPv4 0..32).
    const qsizetype slash = text.indexOf(QLatin1Char('/'));
    const QHostAddress address(slash < 0 ? text : text.left(slash));
    if (address.isNull())
        return false;
    if (slash < 0)
        return true;
    const QString prefix = text.mid(slash + 1);
    bool ok = false;
    const int bits = prefix.toInt(&ok);
    const int most = address.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128;
    return ok && !prefix.isEmpty() && prefix.size() <= 3 && prefix.front().isDigit() && bits >= 0 && bits <= most;
}

Problems validateExtPluginConf(const QString &pluginName, const QJsonValue &conf, const QString &pointer)
{
    Problems out;
    const QString prefix = QStringLiteral("failed to check the configuration of plugin %1 err: ").arg(pluginName);
    Checker c(out, pointer, prefix);
    if (!conf.isObject()) {
        c.errorRaw(QString(), QStringLiteral("wrong type: expected object, got %1").arg(typeName(conf)));
        return out;
    }
    const QJsonObject o = conf.toObject();
    const QJsonValue degradation = o.value(QStringLiteral("allow_degradation"));
    if (!degradation.isUndefined() && !degradation.isBool())
        c.wrongType(QStringLiteral("allow_degradation"), QStringLiteral("boolean"), degradation);
    const QJsonValue list = o.value(QStringLiteral("conf"));
    if (list.isUndefined())
        return out;
    if (!list.isArray()) {
        c.wrongType(QStringLiteral("conf"), QStringLiteral("array"), list);
        return out;
    }
    const QJsonArray items = list.toArray();
    if (items.isEmpty()) {
        c.error(QStringLiteral("conf"), QStringLiteral("expect array to have at least 1 items"));
        return out;
    }
    for (int i = 0; i < items.size(); ++i) {
        const QString item = QStringLiteral("failed to validate item %1: ").arg(i + 1);
        const QString at = QStringLiteral("/conf/%1").arg(i);
        if (!items[i].isObject()) {
            out.append({Problem::Severity::Error, pointer + at, prefix + QStringLiteral("property \"conf\" validation failed: ") + item + QStringLiteral("wrong type: expected object, got %1").arg(typeName(items[i]))});
            continue;
        }
        const QJsonObject entry = items[i].toObject();
        const QJsonValue name = entry.value(QStringLiteral("name"));
        const QString fail = prefix + QStringLiteral("property \"conf\" validation failed: ") + item;
        if (name.isUndefined())
            out.append({Problem::Severity::Error, pointer + at, fail + QStringLiteral("property \"name\" is required")});
        else if (!name.isString())
            out.append({Problem::Severity::Error, pointer + at + QStringLiteral("/name"), fail + QStringLiteral("property \"name\" validation failed: wrong type: expected string, got %1").arg(typeName(name))});
        else if (name.toString().isEmpty() || name.toString().size() > 128)
            out.append({Problem::Severity::Error, pointer + at + QStringLiteral("/name"), fail + QStringLiteral("property \"name\" validation failed: string length must be from 1 to 128")});
        const QJsonValue value = entry.value(QStringLiteral("value"));
        if (value.isUndefined())
            out.append({Problem::Severity::Error, pointer + at, fail + QStringLiteral("property \"value\" is required")});
        else if (!value.isString())
            out.append({Problem::Severity::Error, pointer + at + QStringLiteral("/value"), fail + QStringLiteral("property \"value\" validation failed: wrong type: expected string, got %1").arg(typeName(value))});
    }
    return out;
}

Problems validateUpstream(const QJsonObject &u, const QString &pointer)
{
    Problems out;
    Checker c(out, pointer, QStringLiteral("invalid configuration: "));
    static const QStringList known = {"id", "name", "desc", "labels", "nodes", "type", "hash_on", "key", "scheme",
                                      "pass_host", "upstream_host", "timeout", "retries", "retry_timeout",
                                      "keepalive_pool", "create_time", "update_time"};
    static const QStringList notRun = {"checks", "discovery_type", "service_name", "tls", "discovery_args"};
    for (auto it = u.begin(); it != u.end(); ++it) {
        if (notRun.contains(it.key()))
            c.warning(QLatin1Char('/') + it.key(), QStringLiteral("\"%1\" is kept and exported but not run by RouteScope").arg(it.key()));
        else if (!known.contains(it.key()))
            c.errorRaw(QString(), QStringLiteral("additional properties forbidden, found %1").arg(it.key()));
    }
    c.string(u, QStringLiteral("name"), 1, 256);
    c.string(u, QStringLiteral("desc"), 0, 256);
    checkLabels(c, u);
    checkNodes(c, u);
    // `type` is any string in APISIX's schema; at run time apisix/balancer.lua loads apisix.balancer.<type>.
    c.string(u, QStringLiteral("type"), 0, 0);
    const QString type = u.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("ewma") || type == QLatin1String("least_conn"))
        c.warning(QStringLiteral("/type"), QStringLiteral("\"%1\" runs as roundrobin in RouteScope").arg(type));
    else if (u.value(QStringLiteral("type")).isString() && !isKnownBalancer(type))
        c.warning(QStringLiteral("/type"), QStringLiteral("APISIX has no balancer \"%1\": requests get 500 (invalid balancer type)").arg(type));
    checkEnum(c, u, QStringLiteral("hash_on"), {"vars", "header", "cookie", "consumer", "vars_combinations"});
    c.string(u, QStringLiteral("key"), 0, 0);
    if (type == QLatin1String("chash"))
        checkChashKey(c, u);
    checkEnum(c, u, QStringLiteral("scheme"), {"grpc", "grpcs", "http", "https", "tcp", "tls", "udp", "kafka"});
    if (const QString scheme = u.value(QStringLiteral("scheme")).toString(QStringLiteral("http"));
        scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        c.warning(QStringLiteral("/scheme"), QStringLiteral("RouteScope speaks HTTP/1.1 to every upstream: a \"%1\" upstream is kept and exported, but not reached here as production reaches it").arg(scheme));
    checkHealthChecks(c, u);
    checkEnum(c, u, QStringLiteral("pass_host"), {"pass", "node", "rewrite"});
    if (c.string(u, QStringLiteral("upstream_host"), 1, 0) && !hostPattern().match(u.value(QStringLiteral("upstream_host")).toString()).hasMatch())
        c.error(QStringLiteral("upstream_host"), checkHost(u.value(QStringLiteral("upstream_host")).toString()));
    if (u.value(QStringLiteral("pass_host")).toString() == QLatin1String("rewrite") && !u.contains(QStringLiteral("upstream_host")))
        c.errorRaw(QString(), QStringLiteral("property \"upstream_host\" is required when \"pass_host\" is \"rewrite\""));
    checkTimeout(c, u);
    c.integer(u, QStringLiteral("retries"), 0, 1e9);
    const QJsonValue retryTimeout = u.value(QStringLiteral("retry_timeout"));
    c.number(u, QStringLiteral("retry_timeout"), 0);
    const QJsonValue pool = u.value(QStringLiteral("keepalive_pool"));
    if (!pool.isUndefined()) {
        if (!pool.isObject()) {
            c.wrongType(QStringLiteral("keepalive_pool"), QStringLiteral("object"), pool);
        } else {
            Checker pc(out, pointer + QStringLiteral("/keepalive_pool"), QStringLiteral("invalid configuration: property \"keepalive_pool\" validation failed: "));
            pc.integer(pool.toObject(), QStringLiteral("size"), 1, 1e9);
            pc.integer(pool.toObject(), QStringLiteral("requests"), 1, 1e12);
            pc.number(pool.toObject(), QStringLiteral("idle_timeout"), 0);
        }
    }
    return out;
}

namespace detail {
// `plugins` as apisix/admin/plugins.lua check_schema checks it: every name known, ext-plugin confs checked.
// apisix/plugin.lua check_single_plugin_schema: a conf that is not an object, shown as JSON.
QString notAPluginConf(const QString &name, const QJsonValue &conf)
{
    const QByteArray shown = QJsonDocument(QJsonArray{conf}).toJson(QJsonDocument::Compact).chopped(1).mid(1);
    return QStringLiteral("invalid plugin conf %1 for plugin [%2]").arg(QString::fromUtf8(shown), name);
}

// One plugin's conf (an object) as apisix/plugin.lua check_single_plugin_schema checks it: its schema with
// `_meta`, then the plugin's own checks; a plugin disabled by `_meta.disable` is kept whatever they say;
// then `_meta.filter` compiles as vars do.
void checkPluginOf(Problems &out, const QString &name, const QJsonValue &conf, const QString &at, const QString &prefix, bool consumer)
{
    Problems found;
    const QString failed = QStringLiteral("failed to check the configuration of plugin %1 err: ").arg(name);
    if (isExtPlugin(name)) {
        found = validateExtPluginConf(name, conf, at);
        if (const std::optional<SchemaFailure> f = hasErrors(found) ? std::nullopt : checkPluginMeta(conf))
            found.append({Problem::Severity::Error, at + f->pointer, failed + f->message});
    } else if (const std::optional<SchemaFailure> f = consumer && isAuthPlugin(name) ? checkPluginMeta(conf) : checkPluginConf(name, conf)) {
        Problem problem{Problem::Severity::Error, at + f->pointer, prefix + failed + f->message};
        problem.hint = f->hint;
        found.append(problem);
    }
    const bool disabled = pluginDisabled(conf);
    if (disabled) {
        const auto error = std::find_if(found.cbegin(), found.cend(), [](const Problem &p) { return p.isError(); });
        if (error != found.cend())
            found = {{Problem::Severity::Warning, error->pointer,
                      QStringLiteral("plugin \"%1\" is disabled (_meta.disable), so APISIX keeps it without refusing its conf: %2").arg(name, error->message)}};
        found.append({Problem::Severity::Warning, at, QStringLiteral("plugin \"%1\" is disabled (_meta.disable): not run, as in APISIX").arg(name)});
    }
    out.append(found);
    if (hasErrors(found))
        return;
    const QJsonObject meta = conf.toObject().value(QStringLiteral("_meta")).toObject();
    if (const QJsonValue filter = meta.value(QStringLiteral("filter")); filter.isArray()) {
        if (const QString bad = expressionProblem(filter.toArray()); !bad.isEmpty()) {
            out.append({Problem::Severity::Error, at + QStringLiteral("/_meta/filter"), bad});
            return;
        }
    }
    if (const QJsonValue pre = meta.value(QStringLiteral("pre_function")); pre.isString()) {
        if (const QString bad = luaLoadProblem(pre.toString().toUtf8(), "meta pre_function"); !bad.isEmpty()) {
            out.append({Problem::Severity::Error, at + QStringLiteral("/_meta/pre_function"),
                        QStringLiteral("failed to load _meta.pre_function in plugin %1: %2").arg(name, bad)});
            return;
        }
        out.append({Problem::Severity::Warning, at + QStringLiteral("/_meta/pre_function"),
                    QStringLiteral("_meta.pre_function is kept and exported but not run by RouteScope")});
    }
    if (!isExtPlugin(name) && !disabled)
        out.append({Problem::Severity::Warning, at, QStringLiteral("plugin \"%1\" is kept and exported but not run by RouteScope").arg(name)});
}

void checkPlugins(Problems &out, Checker &c, const QJsonObject &r, const QStringList &customPlugins, bool consumer)
{
    // apisix/admin/consumers.lua and credentials.lua put their words before the plugin's.
    const QString prefix = consumer ? QStringLiteral("invalid plugins configuration: ") : QString();
    const QJsonValue plugins = r.value(QStringLiteral("plugins"));
    if (!plugins.isUndefined()) {
        if (!plugins.isObject()) {
            c.wrongType(QStringLiteral("plugins"), QStringLiteral("object"), plugins);
        } else {
            const QJsonObject p = plugins.toObject();
            for (auto it = p.begin(); it != p.end(); ++it) {
                const QString at = QStringLiteral("/plugins/") + pointerToken(it.key());
                if (isApisixPlugin(it.key()) && !isEnabledByDefault(it.key()) && !customPlugins.contains(it.key()))
                    out.append({Problem::Severity::Warning, at,
                                QStringLiteral("APISIX ships \"%1\" but its default config.yaml does not enable it: production answers "
                                               "\"unknown plugin [%1]\" unless its config.yaml lists it (say so in the workspace's apisix.plugins)").arg(it.key())});
                if (!isApisixPlugin(it.key()) && !customPlugins.contains(it.key())) // apisix/plugin.lua check_single_plugin_schema
                    out.append({Problem::Severity::Error, at, QStringLiteral("unknown plugin [%1]").arg(it.key())});
                else if (!it.value().isObject())
                    out.append({Problem::Severity::Error, at, prefix + notAPluginConf(it.key(), it.value())});
                else
                    checkPluginOf(out, it.key(), it.value(), at, prefix, consumer);
            }
            if (p.contains(QStringLiteral("ext-plugin-post-resp"))) {
                for (const char *clash : {"proxy-control", "proxy-mirror", "proxy-cache", "grpc-transcode"}) {
                    if (p.contains(QLatin1String(clash)))
                        out.append({Problem::Severity::Warning, QStringLiteral("/plugins/ext-plugin-post-resp"), QStringLiteral("ext-plugin-post-resp cannot be combined with %1 in APISIX").arg(QLatin1String(clash))});
                }
            }
        }
    }

}

// `upstream` and `upstream_id` of a route or a service.
void checkUpstreamOf(Problems &out, Checker &c, const QJsonObject &r, const Exists &exists)
{
    const QJsonValue upstream = r.value(QStringLiteral("upstream"));
    if (!upstream.isUndefined()) {
        if (!upstream.isObject())
            c.wrongType(QStringLiteral("upstream"), QStringLiteral("object"), upstream);
        else {
            Problems up = validateUpstream(upstream.toObject(), QStringLiteral("/upstream"));
            // The schema's own findings are the route's property "upstream"; what apisix/upstream.lua checks
            // after the schema (IPv6 brackets, the chash key) keeps its words.
            static const QStringList afterSchema = {QStringLiteral("invalid configuration: IPv6 address"),
                                                    QStringLiteral("invalid configuration: failed to match pattern")};
            for (Problem &p : up)
                if (p.isError() && p.message.startsWith(QLatin1String("invalid configuration: "))
                    && !std::any_of(afterSchema.begin(), afterSchema.end(), [&p](const QString &a) { return p.message.startsWith(a); }))
                    p.message.replace(0, qstrlen("invalid configuration: "), QStringLiteral("invalid configuration: property \"upstream\" validation failed: "));
            out.append(up);
        }
    }
    const QJsonValue upstreamId = r.value(QStringLiteral("upstream_id"));
    if (!upstreamId.isUndefined()) {
        if (!checkIdValue(upstreamId).isEmpty()) // id_schema (t/admin/services.t: "upstream_id": "invalid$")
            c.error(QStringLiteral("upstream_id"), QStringLiteral("object matches none of the required"));
        else {
            const QString id = idText(upstreamId);
            if (exists && !exists(ResourceKind::Upstream, id))
                out.append({Problem::Severity::Error, QStringLiteral("/upstream_id"), QStringLiteral("failed to fetch upstream info by upstream id [%1], response code: 404").arg(id)});
        }
    }
}

// A route's or a service's `script` (schema_def.lua: 10 to 102400 characters) compiles as their
// check_conf loadstring()s it.
void checkScript(Problems &out, Checker &c, const QJsonObject &o)
{
    if (c.string(o, QStringLiteral("script"), 10, 102400))
        if (const QString bad = luaLoadProblem(o.value(QStringLiteral("script")).toString().toUtf8()); !bad.isEmpty())
            out.append({Problem::Severity::Error, QStringLiteral("/script"), QStringLiteral("failed to load 'script' string: ") + bad});
}

// apisix/admin/routes.lua validate_post_arg: the JSONPath of the first `post_arg.*` condition met, walking
// the vars tree; empty when it parses.
QString postArgPathProblem(const QJsonValue &node)
{
    const QJsonArray a = node.toArray();
    if (const QString key = a.at(0).toString(); a.size() >= 3 && key.startsWith(QLatin1String("post_arg.")))
        return jsonPathProblem(QStringLiteral("$.") + key.mid(qstrlen("post_arg.")));
    for (const QJsonValue child : a)
        if (const QString problem = postArgPathProblem(child); !problem.isEmpty())
            return problem;
    return {};
}

// A `service_id` or `plugin_config_id`: its type, and that it exists (apisix/admin/routes.lua check_conf).
void checkReference(Problems &out, Checker &c, const QJsonObject &r, const QString &key, ResourceKind kind, const Exists &exists)
{
    const QJsonValue v = r.value(key);
    if (v.isUndefined())
        return;
    if (!checkIdValue(v).isEmpty()) { // id_schema
        c.error(key, QStringLiteral("object matches none of the required"));
        return;
    }
    const QString id = idText(v);
    if (exists && !exists(kind, id))
        out.append({Problem::Severity::Error, QLatin1Char('/') + key,
                    QStringLiteral("failed to fetch %1 info by %1 id [%2], response code: 404").arg(resourceNoun(kind), id)});
}
} // namespace

Problems validateRoute(const QJsonObject &r, const Exists &exists, const QStringList &customPlugins)
{
    Problems out;
    // apisix/admin/routes.lua check_conf: these come before the schema, in its words.
    if (r.contains(QStringLiteral("host")) && r.contains(QStringLiteral("hosts")))
        return {{Problem::Severity::Error, QStringLiteral("/hosts"), QStringLiteral("only one of host or hosts is allowed")}};
    if (r.contains(QStringLiteral("remote_addr")) && r.contains(QStringLiteral("remote_addrs")))
        return {{Problem::Severity::Error, QStringLiteral("/remote_addrs"), QStringLiteral("only one of remote_addr or remote_addrs is allowed")}};
    Checker c(out, QString(), QStringLiteral("invalid configuration: "));
    static const QStringList known = {"id", "uri", "uris", "name", "desc", "methods", "host", "hosts", "remote_addr",
                                      "remote_addrs", "priority", "status", "labels", "plugins", "upstream",
                                      "upstream_id", "service_id", "plugin_config_id", "vars", "create_time", "update_time"};
    static const QStringList notRun = { "filter_func", "script",
                                       "enable_websocket", "timeout", "script_id"};
    for (auto it = r.begin(); it != r.end(); ++it) {
        if (notRun.contains(it.key()))
            c.warning(QLatin1Char('/') + it.key(), QStringLiteral("\"%1\" is kept and exported but not run by RouteScope").arg(it.key()));
        else if (!known.contains(it.key()))
            c.errorRaw(QString(), QStringLiteral("additional properties forbidden, found %1").arg(it.key()));
    }
    // The schema's allOf 1 is a oneOf of uri and uris; its `not` forbids a script beside plugins.
    if (!r.contains(QStringLiteral("uri")) && !r.contains(QStringLiteral("uris")))
        c.errorRaw(QString(), QStringLiteral("allOf 1 failed: value should match only one schema, but matches none"), QStringLiteral("\"uri\" or \"uris\" is required"));
    if (r.contains(QStringLiteral("uri")) && r.contains(QStringLiteral("uris")))
        c.errorRaw(QString(), QStringLiteral("allOf 1 failed: value should match only one schema, but matches both schemas 1 and 2"), QStringLiteral("set \"uri\" or \"uris\", not both"));
    if (r.contains(QStringLiteral("script")) && (r.contains(QStringLiteral("plugins")) || r.contains(QStringLiteral("plugin_config_id"))))
        c.errorRaw(QString(), QStringLiteral("value wasn't supposed to match schema"), QStringLiteral("a route with a \"script\" has no \"plugins\" or \"plugin_config_id\""));
    // Any 1..4096 characters, as APISIX's schema says; one without its "/" can never match a request path.
    if (c.string(r, QStringLiteral("uri"), 1, 4096) && !r.value(QStringLiteral("uri")).toString().startsWith(QLatin1Char('/')))
        c.warning(QStringLiteral("/uri"), QStringLiteral("a uri without a leading \"/\" never matches a request (APISIX accepts it)"));
    checkStringArray(c, r, QStringLiteral("uris"), checkUri);
    c.string(r, QStringLiteral("name"), 1, 256);
    c.string(r, QStringLiteral("desc"), 0, 256);
    checkStringArray(c, r, QStringLiteral("methods"), checkMethod);
    if (c.string(r, QStringLiteral("host"), 1, 0)) {
        if (const QString why = checkHost(r.value(QStringLiteral("host")).toString()); !why.isEmpty())
            c.error(QStringLiteral("host"), why);
    }
    checkStringArray(c, r, QStringLiteral("hosts"), checkHost);
    if (c.string(r, QStringLiteral("remote_addr"), 1, 0)) {
        if (const QString why = checkAddr(r.value(QStringLiteral("remote_addr")).toString()); !why.isEmpty())
            c.error(QStringLiteral("remote_addr"), why);
    }
    checkStringArray(c, r, QStringLiteral("remote_addrs"), checkAddr);
    QJsonArray addrs = r.value(QStringLiteral("remote_addrs")).toArray();
    addrs.prepend(r.value(QStringLiteral("remote_addr")));
    for (const QJsonValue addr : std::as_const(addrs))
        if (addrNoAddress(addr))
            c.warning(r.contains(QStringLiteral("remote_addr")) ? QStringLiteral("/remote_addr") : QStringLiteral("/remote_addrs"),
                      QStringLiteral("\"%1\" is no address or CIDR: APISIX's schema takes it, and the route then matches no client").arg(addr.toString()));
    c.integer(r, QStringLiteral("priority"), -1e12, 1e12);
    c.integer(r, QStringLiteral("status"), 0, 1);
    checkLabels(c, r);
    checkTimeout(c, r); // timeout_def, as an upstream's (kept, not run: warned above)
    // The schema's anyOf: something to do with a matched request (the uri or uris is required above).
    const bool hasPath = r.contains(QStringLiteral("uri")) || r.contains(QStringLiteral("uris"));
    if (hasPath && !r.contains(QStringLiteral("plugins")) && !r.contains(QStringLiteral("upstream"))
        && !r.contains(QStringLiteral("upstream_id")) && !r.contains(QStringLiteral("service_id")) && !r.contains(QStringLiteral("script")))
        c.errorRaw(QString(), QStringLiteral("object matches none of the required: [\"plugins\",\"uri\"] or [\"upstream\",\"uri\"] or "
                                             "[\"upstream_id\",\"uri\"] or [\"service_id\",\"uri\"] or [\"plugins\",\"uris\"] or "
                                             "[\"upstream\",\"uris\"] or [\"upstream_id\",\"uris\"] or [\"service_id\",\"uris\"] or "
                                             "[\"script\",\"uri\"] or [\"script\",\"uris\"]"));

    const QJsonValue vars = r.value(QStringLiteral("vars"));
    if (!vars.isUndefined()) {
        if (!vars.isArray())
            c.wrongType(QStringLiteral("vars"), QStringLiteral("array"), vars);
        else if (QString bad = expressionProblem(vars.toArray()); !bad.isEmpty()) // apisix/admin/routes.lua check_conf
            out.append({Problem::Severity::Error, QStringLiteral("/vars"), bad});
        else if (!(bad = postArgPathProblem(vars)).isEmpty()) // its validate_post_arg
            out.append({Problem::Severity::Error, QStringLiteral("/vars"), QStringLiteral("failed to validate the 'vars' expression: ") + bad});
    }
    checkPlugins(out, c, r, customPlugins);
    checkUpstreamOf(out, c, r, exists);
    checkReference(out, c, r, QStringLiteral("service_id"), ResourceKind::Service, exists);
    checkReference(out, c, r, QStringLiteral("plugin_config_id"), ResourceKind::PluginConfig, exists);
    // apisix/admin/routes.lua check_conf, last: the Lua of filter_func and script compiles.
    if (c.string(r, QStringLiteral("filter_func"), 10, 0)) {
        if (const QString f = r.value(QStringLiteral("filter_func")).toString(); !f.startsWith(QLatin1String("function")))
            c.error(QStringLiteral("filter_func"), QStringLiteral("failed to match pattern \"^function\" with \"%1\"").arg(f));
        else if (const QString bad = luaLoadProblem("return " + f.toUtf8()); !bad.isEmpty())
            out.append({Problem::Severity::Error, QStringLiteral("/filter_func"), QStringLiteral("failed to load 'filter_func' string: ") + bad});
    }
    checkScript(out, c, r);
    const QJsonValue upstream = r.value(QStringLiteral("upstream"));
    const QJsonValue upstreamId = r.value(QStringLiteral("upstream_id"));
    if (upstream.isUndefined() && upstreamId.isUndefined() && !r.contains(QStringLiteral("service_id")))
        c.warning(QString(), QStringLiteral("route has no upstream: matching requests get 503"));
    return out;
}

} // namespace Validator

namespace Validator {
using namespace detail;
namespace detail {
// The fields a kind's schema lists (apisix/schema_def.lua): others are "additional properties forbidden";
// `notRun` ones are kept and exported with a warning.
void checkFields(Checker &c, const QJsonObject &o, const QStringList &known, const QStringList &notRun)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (notRun.contains(it.key()))
            c.warning(QLatin1Char('/') + it.key(), QStringLiteral("\"%1\" is kept and exported but not run by RouteScope").arg(it.key()));
        else if (!known.contains(it.key()))
            c.errorRaw(QString(), QStringLiteral("additional properties forbidden, found %1").arg(it.key()));
    }
}

void requirePlugins(Checker &c, const QJsonObject &o)
{
    if (!o.contains(QStringLiteral("plugins")))
        c.errorRaw(QString(), QStringLiteral("property \"plugins\" is required"));
}
} // namespace

Problems validateService(const QJsonObject &s, const Exists &exists, const QStringList &customPlugins)
{
    Problems out;
    Checker c(out, QString(), QStringLiteral("invalid configuration: "));
    checkFields(c, s, {"id", "name", "desc", "labels", "create_time", "update_time", "plugins", "upstream", "upstream_id", "hosts"},
                {"script", "enable_websocket"});
    c.string(s, QStringLiteral("name"), 1, 256);
    c.string(s, QStringLiteral("desc"), 0, 256);
    checkLabels(c, s);
    checkStringArray(c, s, QStringLiteral("hosts"), checkHost);
    checkPlugins(out, c, s, customPlugins);
    checkUpstreamOf(out, c, s, exists);
    checkScript(out, c, s); // apisix/admin/services.lua check_conf
    return out;
}

Problems validateStreamRoute(const QJsonObject &r, const QString &id, const Exists &exists, const StreamProtocolOf &protocolOf)
{
    Problems out;
    Checker c(out, QString(), QStringLiteral("invalid configuration: "));
    checkFields(c, r, {"id", "name", "desc", "labels", "create_time", "update_time", "remote_addr", "server_addr", "server_port",
                       "sni", "upstream", "upstream_id", "service_id", "plugins", "protocol"}, {});
    c.string(r, QStringLiteral("name"), 1, 256);
    c.string(r, QStringLiteral("desc"), 0, 256);
    checkLabels(c, r);
    for (const char *key : {"remote_addr", "server_addr"})
        if (c.string(r, QLatin1String(key), 0, 0))
            if (const QString why = checkAddr(r.value(QLatin1String(key)).toString()); !why.isEmpty())
                c.error(QLatin1String(key), why);
    c.integer(r, QStringLiteral("server_port"), 1, 65535);
    if (c.string(r, QStringLiteral("sni"), 0, 0))
        if (const QString why = checkHost(r.value(QStringLiteral("sni")).toString()); !why.isEmpty())
            c.error(QStringLiteral("sni"), why);
    if (const QJsonValue protocol = r.value(QStringLiteral("protocol")); !protocol.isUndefined())
        if (const std::optional<SchemaFailure> f = checkAgainstSchema(protocol, *fieldSchema(QStringLiteral("stream_route.protocol"))))
            c.errorRaw(QStringLiteral("/protocol") + f->pointer, QStringLiteral("property \"protocol\" validation failed: ") + f->message);
    if (hasErrors(out))
        return out;
    // apisix/stream/router/ip_port.lua stream_route_checker, after the schema
    for (const char *key : {"remote_addr", "server_addr"})
        if (addrNoAddress(r.value(QLatin1String(key))))
            return {{Problem::Severity::Error, QLatin1Char('/') + QLatin1String(key),
                     QStringLiteral("invalid %1: %2").arg(QLatin1String(key), r.value(QLatin1String(key)).toString())}};
    checkUpstreamOf(out, c, r, exists);
    checkReference(out, c, r, QStringLiteral("service_id"), ResourceKind::Service, exists);
    if (hasErrors(out))
        return out;
    // The superior of a subordinate (xRPC) route: not itself, there, of the same protocol.
    const QJsonObject protocol = r.value(QStringLiteral("protocol")).toObject();
    if (const QString superior = idText(protocol.value(QStringLiteral("superior_id"))); !superior.isEmpty()) {
        if (superior == id)
            return {{Problem::Severity::Error, QStringLiteral("/protocol/superior_id"), QStringLiteral("stream route can not set itself as superior_id")}};
        const QJsonValue superiorProtocol = protocolOf(superior);
        if (superiorProtocol.isUndefined())
            return {{Problem::Severity::Error, QStringLiteral("/protocol/superior_id"), QStringLiteral("failed to fetch stream routes[%1], response code: 404").arg(superior)}};
        if (!superiorProtocol.toString().isEmpty() && superiorProtocol != protocol.value(QStringLiteral("name")))
            return {{Problem::Severity::Error, QStringLiteral("/protocol/superior_id"),
                     QStringLiteral("protocol mismatch: subordinate protocol [%1] does not match superior protocol [%2]")
                         .arg(protocol.value(QStringLiteral("name")).toString(), superiorProtocol.toString())}};
    }
    // apisix/stream/router/ip_port.lua stream_route_checker: only the stream plugins APISIX's default
    // config.yaml enables (apisix/cli/config.lua stream_plugins).
    const QJsonValue plugins = r.value(QStringLiteral("plugins"));
    if (!plugins.isUndefined() && !plugins.isObject())
        c.wrongType(QStringLiteral("plugins"), QStringLiteral("object"), plugins);
    const QJsonObject p = plugins.toObject();
    for (auto it = p.begin(); it != p.end(); ++it) {
        const QString at = QStringLiteral("/plugins/") + pointerToken(it.key());
        if (!defaultStreamPlugins().contains(it.key()))
            out.append({Problem::Severity::Error, at, QStringLiteral("unknown plugin [%1]").arg(it.key())});
        else if (!it.value().isObject())
            out.append({Problem::Severity::Error, at, notAPluginConf(it.key(), it.value())});
    }
    // apisix/stream/xrpc.lua check_schema: a protocol of the ones APISIX ships (production's xrpc.protocols
    // in config.yaml must also list it).
    if (const QJsonValue name = protocol.value(QStringLiteral("name")); name.isString() && name != QLatin1String("redis") && name != QLatin1String("dubbo"))
        out.append({Problem::Severity::Error, QStringLiteral("/protocol/name"), QStringLiteral("unknown protocol [%1]").arg(name.toString())});
    if (!hasErrors(out))
        out.append({Problem::Severity::Warning, QString(), QStringLiteral("RouteScope proxies HTTP only: this stream route is kept and exported, not run")});
    return out;
}

Problems validatePluginConfig(const QJsonObject &p, const QStringList &customPlugins)
{
    Problems out;
    Checker c(out, QString(), QStringLiteral("invalid configuration: "));
    checkFields(c, p, {"id", "name", "desc", "labels", "create_time", "update_time", "plugins"}, {});
    c.string(p, QStringLiteral("name"), 0, 0);
    c.string(p, QStringLiteral("desc"), 0, 256);
    checkLabels(c, p);
    requirePlugins(c, p);
    checkPlugins(out, c, p, customPlugins);
    return out;
}

Problems validateGlobalRule(const QJsonObject &g, const GlobalRuleOf &ruleOf, const QStringList &customPlugins)
{
    Problems out;
    Checker c(out, QString(), QStringLiteral("invalid configuration: "));
    checkFields(c, g, {"id", "create_time", "update_time", "plugins"}, {});
    requirePlugins(c, g);
    checkPlugins(out, c, g, customPlugins);
    if (hasErrors(out) || !ruleOf)
        return out;
    // apisix/admin/global_rules.lua check_conf: a plugin is in one global rule only.
    const QJsonObject plugins = g.value(QStringLiteral("plugins")).toObject();
    for (auto it = plugins.begin(); it != plugins.end(); ++it) {
        if (const QString other = ruleOf(it.key()); !other.isEmpty()) {
            out.append({Problem::Severity::Error, QStringLiteral("/plugins/") + pointerToken(it.key()),
                        QStringLiteral("plugin '%1' already exists in global rule with id '%2'").arg(it.key(), other)});
            break;
        }
    }
    return out;
}

} // namespace Validator
