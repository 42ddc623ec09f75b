#include "pluginchecks.h"

#include "jsonpath.h"
#include "luacompile.h"
#include "pluginschemas.h"
#include "problem.h"
#include "validator.h"
#include "varsexpr.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <functional>

namespace {
// An ngx.re.sub replacement template as lua-nginx-module compiles it: `$$`, `$N` and `${N}` captures;
// empty when it compiles, else the reason it logs.
QString replaceTemplateProblem(const QString &tpl)
{
    const QString invalid = QStringLiteral("lua script: invalid capturing variable name found in \"%1\"").arg(tpl);
    for (qsizetype i = 0; i < tpl.size(); ++i) {
        if (tpl[i] != QLatin1Char('$'))
            continue;
        if (++i == tpl.size())
            return invalid;
        if (tpl[i] == QLatin1Char('$'))
            continue;
        const bool bracket = tpl[i] == QLatin1Char('{');
        if (bracket && ++i == tpl.size())
            return invalid;
        const qsizetype start = i;
        const bool number = tpl[i].isDigit();
        while (i < tpl.size() && (number ? tpl[i].isDigit() : (tpl[i].isLetterOrNumber() || tpl[i] == QLatin1Char('_'))))
            ++i;
        const QString name = tpl.mid(start, i - start);
        if (name.isEmpty())
            return invalid;
        if (bracket && (i == tpl.size() || tpl[i] != QLatin1Char('}')))
            return QStringLiteral("the closing bracket in \"%1\" variable is missing").arg(name);
        if (!number)
            return QStringLiteral("attempt to use named capturing variable \"%1\" (named captures not supported yet)").arg(name);
        if (!bracket)
            --i; // the character after the digits is read again
    }
    return {};
}

// Each pattern of the array `key` compiles (ngx.re / PCRE in APISIX); one that does not is worded by
// `words(pattern, why)`, by default as ngx.re words it (PCRE's reason there, Qt's here).
using RegexWords = std::function<QString(const QString &pattern, const QString &why)>;
std::optional<SchemaFailure> regexesCompile(const QJsonObject &conf, const char *key, const RegexWords &words = {})
{
    const QJsonArray rules = conf.value(QLatin1String(key)).toArray();
    for (int i = 0; i < rules.size(); ++i)
        if (const QRegularExpression re(rules[i].toString()); !re.isValid())
            return SchemaFailure{words ? words(rules[i].toString(), re.errorString())
                                       : QStringLiteral("pcre_compile() failed: %1 in \"%2\"").arg(re.errorString(), rules[i].toString()),
                                 QStringLiteral("/%1/%2").arg(QLatin1String(key)).arg(i)};
    return std::nullopt;
}

// apisix/plugins/multi-auth.lua check_schema: each {name: conf} of auth_plugins names an auth plugin, whose
// conf its own check_schema takes.
std::optional<SchemaFailure> authPluginsProblem(const QJsonArray &authPlugins)
{
    for (int i = 0; i < authPlugins.size(); ++i) {
        const QJsonObject entry = authPlugins[i].toObject();
        for (auto it = entry.begin(); it != entry.end(); ++it) {
            const QString at = QStringLiteral("/auth_plugins/%1/").arg(i) + pointerToken(it.key());
            if (!Validator::isApisixPlugin(it.key()))
                return SchemaFailure{it.key() + QStringLiteral(" plugin did not found"), at};
            if (!Validator::isAuthPlugin(it.key()))
                return SchemaFailure{it.key() + QStringLiteral(" plugin is not supported"), at};
            if (std::optional<SchemaFailure> f = checkPluginConf(it.key(), it.value()))
                return SchemaFailure{QStringLiteral("plugin %1 check schema failed: %2").arg(it.key(), f->message), at + f->pointer};
        }
    }
    return std::nullopt;
}
// apisix/plugins/traffic-split.lua: an inline upstream is schema_def.lua's upstream (checked as a route's is,
// in the words of the schema's path to it), then each match's vars compile.
std::optional<SchemaFailure> trafficSplitProblem(const QJsonArray &rules)
{
    for (int i = 0; i < rules.size(); ++i) {
        const QJsonArray upstreams = rules[i].toObject().value(QStringLiteral("weighted_upstreams")).toArray();
        for (int j = 0; j < upstreams.size(); ++j) {
            const QJsonValue upstream = upstreams[j].toObject().value(QStringLiteral("upstream"));
            const QString at = QStringLiteral("/rules/%1/weighted_upstreams/%2/upstream").arg(i).arg(j);
            const Problems found = upstream.isObject() ? Validator::validateUpstream(upstream.toObject(), at) : Problems();
            const auto error = std::find_if(found.cbegin(), found.cend(), [](const Problem &p) { return p.isError(); });
            if (error == found.cend())
                continue;
            QString message = error->message;
            if (message.startsWith(QLatin1String("invalid configuration: ")))
                message.remove(0, qstrlen("invalid configuration: "));
            return SchemaFailure{QStringLiteral("property \"rules\" validation failed: failed to validate item %1: property \"weighted_upstreams\" "
                                                "validation failed: failed to validate item %2: property \"upstream\" validation failed: %3")
                                     .arg(i + 1).arg(j + 1).arg(message),
                                 error->pointer};
        }
    }
    for (int i = 0; i < rules.size(); ++i) {
        const QJsonArray match = rules[i].toObject().value(QStringLiteral("match")).toArray();
        for (int j = 0; j < match.size(); ++j) {
            const QJsonValue vars = match[j].toObject().value(QStringLiteral("vars"));
            if (const QString bad = vars.isArray() ? expressionProblem(vars.toArray()) : QString(); !bad.isEmpty())
                return SchemaFailure{bad, QStringLiteral("/rules/%1/match/%2/vars").arg(i).arg(j)};
        }
    }
    return std::nullopt;
}

// apisix/plugins/limit-count/init.lua check_schema after the schema (a group's conf compared with the
// group's first conf seen is not: it depends on what the process saw before).
std::optional<SchemaFailure> limitCountProblem(const QJsonObject &conf)
{
    if (conf.contains(QStringLiteral("group")) && conf.contains(QStringLiteral("rules")))
        return SchemaFailure{QStringLiteral("group and rules cannot be specified at the same time"), QString()};
    const QString policy = conf.value(QStringLiteral("policy")).toString();
    const QJsonValue sync = conf.value(QStringLiteral("sync_interval"));
    if (policy.startsWith(QLatin1String("redis")) && sync.isDouble() && sync.toDouble() != -1) { // -1: NO_DELAYED_SYNC
        if (sync.toDouble() < 0.1)
            return SchemaFailure{QStringLiteral("sync_interval should not be smaller than 0.1"), QStringLiteral("/sync_interval")};
        if (const QJsonValue window = conf.value(QStringLiteral("time_window")); window.isDouble() && sync.toDouble() >= window.toDouble())
            return SchemaFailure{QStringLiteral("sync_interval should be smaller than time_window"), QStringLiteral("/sync_interval")};
    }
    QSet<QString> keys;
    const QJsonArray rules = conf.value(QStringLiteral("rules")).toArray();
    for (int i = 0; i < rules.size(); ++i) {
        const QString key = rules[i].toObject().value(QStringLiteral("key")).toString();
        if (keys.contains(key))
            return SchemaFailure{QStringLiteral("duplicate key '%1' in rules").arg(key), QStringLiteral("/rules/%1/key").arg(i)};
        keys.insert(key);
    }
    return std::nullopt;
}
} // namespace

QString expressionProblem(const QJsonArray &rules, const QString &what)
{
    QString error;
    return VarsExpr::compile(rules, &error) ? QString() : QStringLiteral("failed to validate the '%1' expression: %2").arg(what, error);
}

std::optional<SchemaFailure> checkPluginMeta(const QJsonValue &conf)
{
    const QJsonValue meta = conf.toObject().value(QStringLiteral("_meta"));
    if (meta.isUndefined())
        return std::nullopt;
    std::optional<SchemaFailure> f = checkAgainstSchema(meta, *fieldSchema(QStringLiteral("plugin._meta")));
    if (f)
        f = SchemaFailure{QStringLiteral("property \"_meta\" validation failed: ") + f->message, QStringLiteral("/_meta") + f->pointer};
    return f;
}

std::optional<SchemaFailure> checkPluginConf(const QString &name, const QJsonValue &given)
{
    const QJsonObject *schema = pluginConfSchema(name);
    if (!schema)
        return checkPluginMeta(given);
    if (name == QLatin1String("file-logger")) // its check_schema compiles `match` before the schema
        if (const QJsonValue match = given.toObject().value(QStringLiteral("match")); match.isArray())
            if (const QString bad = expressionProblem(match.toArray(), QStringLiteral("match")); !bad.isEmpty())
                return SchemaFailure{bad, QStringLiteral("/match")};
    std::optional<SchemaFailure> f = checkAgainstSchema(given, *schema);
    const QJsonObject conf = given.toObject();
    // apisix/plugins/limit-count/init.lua check_schema: its oneOf failing with both forms given.
    const bool bothForms = (conf.contains(QStringLiteral("count")) || conf.contains(QStringLiteral("time_window"))) && conf.contains(QStringLiteral("rules"));
    if (name == QLatin1String("limit-count") && bothForms && (!f || f->message.contains(QLatin1String("value should match only one schema"))))
        f = SchemaFailure{QStringLiteral("count/time_window and rules cannot be specified at the same time"), QString()};
    if (f)
        return f;
    // What the plugins' check_schema add after the schema (apisix/plugins/<name>.lua).
    const auto star = [&conf](const char *key) { return conf.value(QLatin1String(key)) == QLatin1String("*"); };
    if (name == QLatin1String("cors") && conf.value(QStringLiteral("allow_credential")).toBool()
        && (star("allow_origins") || star("allow_methods") || star("allow_headers") || star("expose_headers") || star("timing_allow_origins")))
        return SchemaFailure{QStringLiteral("you can not set '*' for other option when 'allow_credential' is true"), QString()};
    if (name == QLatin1String("redirect") && conf.value(QStringLiteral("http_to_https")).toBool() && conf.value(QStringLiteral("append_query_string")).toBool())
        return SchemaFailure{QStringLiteral("only one of `http_to_https` and `append_query_string` can be configured."), QString()};
    if (name == QLatin1String("proxy-rewrite")) {
        const QJsonArray regexUri = conf.value(QStringLiteral("regex_uri")).toArray();
        if (regexUri.size() % 2)
            return SchemaFailure{QStringLiteral("The length of regex_uri should be an even number"), QStringLiteral("/regex_uri")};
        for (int i = 0; i + 1 < regexUri.size(); i += 2) {
            const QString pattern = regexUri[i].toString(), replacement = regexUri[i + 1].toString();
            if (const QRegularExpression re(pattern); !re.isValid())
                return SchemaFailure{QStringLiteral("invalid regex_uri(%1, %2): %3").arg(pattern, replacement, re.errorString()),
                                     QStringLiteral("/regex_uri/%1").arg(i)};
            if (const QString why = replaceTemplateProblem(replacement); !why.isEmpty()) // ngx.re.sub's own words; the reason goes to its log
                return SchemaFailure{QStringLiteral("invalid regex_uri(%1, %2): failed to compile the replacement template").arg(pattern, replacement),
                                     QStringLiteral("/regex_uri/%1").arg(i + 1), why};
        }
        // Headers in the old form (a plain map, not add/set/remove): core.utils.validate_header_field/value.
        const QJsonObject headers = conf.value(QStringLiteral("headers")).toObject();
        const bool newForm = headers.value(QStringLiteral("add")).isObject() || headers.value(QStringLiteral("set")).isObject()
            || headers.value(QStringLiteral("remove")).isArray();
        for (auto it = headers.begin(); !newForm && it != headers.end(); ++it) {
            const QByteArray field = it.key().toUtf8(), value = it.value().toString().toUtf8();
            const QString at = QStringLiteral("/headers/") + pointerToken(it.key());
            if (field.isEmpty())
                return SchemaFailure{QStringLiteral("invalid field length in header"), at};
            if (std::any_of(field.cbegin(), field.cend(), [](char c) { return uchar(c) <= 32 || uchar(c) >= 127 || c == ':'; }))
                return SchemaFailure{QStringLiteral("invalid field character in header"), at};
            if (std::any_of(value.cbegin(), value.cend(), [](char c) { return uchar(c) < 32 || uchar(c) >= 127; }))
                return SchemaFailure{QStringLiteral("invalid value character in header"), at};
        }
    }
    if (name == QLatin1String("uri-blocker"))
        return regexesCompile(conf, "block_rules");
    if (name == QLatin1String("ua-restriction")) {
        if (std::optional<SchemaFailure> bad = regexesCompile(conf, "allowlist"))
            return bad;
        return regexesCompile(conf, "denylist");
    }
    if (name == QLatin1String("acl")) // jp.parse of the label field (its default: "groups")
        if (const QString bad = jsonPathProblem(conf.value(QStringLiteral("external_user_label_field")).toString(QStringLiteral("groups")));
            !bad.isEmpty())
            return SchemaFailure{QStringLiteral("invalid external_user_label_field: ") + bad, QStringLiteral("/external_user_label_field")};
    if (name == QLatin1String("request-validation")) // core.schema.valid of the schemas it is given
        for (const char *key : {"body_schema", "header_schema"})
            if (const QJsonValue s = conf.value(QLatin1String(key)); !s.isUndefined())
                if (const QString bad = schemaDefinitionProblem(s); !bad.isEmpty())
                    return SchemaFailure{bad, QLatin1Char('/') + QLatin1String(key)};
    if (name == QLatin1String("multi-auth"))
        return authPluginsProblem(conf.value(QStringLiteral("auth_plugins")).toArray());
    if (name == QLatin1String("limit-count"))
        return limitCountProblem(conf);
    if (name == QLatin1String("http-logger")) // log-util.lua check_log_schema
        for (const QString key : {QStringLiteral("include_req_body_expr"), QStringLiteral("include_resp_body_expr")})
            if (const QString bad = expressionProblem(conf.value(key).toArray(), key); !bad.isEmpty())
                return SchemaFailure{bad, QLatin1Char('/') + key};
    if (name == QLatin1String("ai-prompt-guard")) { // each pattern compiles (ngx.re, "jou"), in its own words
        if (std::optional<SchemaFailure> bad = regexesCompile(conf, "allow_patterns", [](const QString &p, const QString &) -> QString { return QStringLiteral("invalid allow_pattern: ") + p; }))
            return bad;
        return regexesCompile(conf, "deny_patterns", [](const QString &p, const QString &) -> QString { return QStringLiteral("invalid deny_pattern: ") + p; });
    }
    if (name == QLatin1String("mocking")) { // the content type it can mock (its default: application/json)
        const QString type = conf.value(QStringLiteral("content_type")).toString(QStringLiteral("application/json")).section(QLatin1Char(';'), 0, 0);
        static const QStringList supported = {"application/xml", "application/json", "text/plain", "text/html", "text/xml"};
        if (!supported.contains(type))
            return SchemaFailure{QStringLiteral("unsupported content type!"), QStringLiteral("/content_type")};
    }
    if (name == QLatin1String("traffic-split"))
        return trafficSplitProblem(conf.value(QStringLiteral("rules")).toArray());
    if (name == QLatin1String("serverless-pre-function") || name == QLatin1String("serverless-post-function")) {
        // apisix/plugins/serverless/init.lua: each function loadstring()s (whether it returns a function
        // is only known by running it, which RouteScope does not)
        const QJsonArray functions = conf.value(QStringLiteral("functions")).toArray();
        for (int i = 0; i < functions.size(); ++i)
            if (const QString bad = luaLoadProblem(functions[i].toString().toUtf8()); !bad.isEmpty())
                return SchemaFailure{QStringLiteral("failed to loadstring: ") + bad, QStringLiteral("/functions/%1").arg(i)};
    }
    return std::nullopt;
}
