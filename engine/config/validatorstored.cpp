// The kinds RouteScope stores, checks and exports as APISIX does but does not run: consumer groups,
// consumers, ssls, protos, secrets and plugin metadata (apisix/schema_def.lua, apisix/admin/*.lua).
#include "validator.h"
#include "validatorparts.h"
#include "pluginschemas.h"
#include "schemacheck.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace Validator {
using namespace detail;
namespace {
const QString kInvalid = QStringLiteral("invalid configuration: ");

void checkMeta(Checker &c, const QJsonObject &o)
{
    c.string(o, QStringLiteral("name"), 1, 256);
    c.string(o, QStringLiteral("desc"), 0, 256);
    checkLabels(c, o);
}

void checkPattern(Checker &c, const QJsonObject &o, const QString &key, const QRegularExpression &re, const QString &shown)
{
    const QJsonValue v = o.value(key);
    if (v.isString() && !re.match(v.toString()).hasMatch())
        c.error(key, QStringLiteral("failed to match pattern \"%1\" with \"%2\"").arg(shown, v.toString()));
}

// lua-nginx-module's ngx_http_lua_ffi_parse_pem_cert / _priv_key: what APISIX's ssl.lua validate() calls.
QString pemProblem(const QString &cert, const QString *key)
{
    const QByteArray certBytes = cert.toUtf8();
    BIO *bio = BIO_new_mem_buf(certBytes.constData(), int(certBytes.size()));
    X509 *x = bio ? PEM_read_bio_X509_AUX(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    if (!x)
        return QStringLiteral("failed to parse cert: PEM_read_bio_X509_AUX() failed");
    X509_free(x);
    if (!key)
        return {};
    const QByteArray keyBytes = key->toUtf8();
    bio = BIO_new_mem_buf(keyBytes.constData(), int(keyBytes.size()));
    EVP_PKEY *k = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    if (!k)
        return QStringLiteral("failed to parse key: PEM_read_bio_PrivateKey() failed");
    EVP_PKEY_free(k);
    return {};
}

// certificate_scheme / private_key_schema: strings of 128 (cert) or 64 (key) to 64 KiB characters.
void checkPemArray(Checker &c, const QJsonObject &o, const QString &key, int minLen)
{
    checkStringArray(c, o, key, [minLen](const QString &text) { return lengthProblem(text, minLen, 64 * 1024); }, false);
}

// A value APISIX resolves at run time ($secret://…, $env://…): apisix/secret.lua check_secret_uri.
bool isSecretRef(const QJsonValue &v)
{
    const QString s = v.toString();
    return s.startsWith(QLatin1String("$secret://")) || s.startsWith(QLatin1String("$env://"));
}
} // namespace

Problems validateConsumerGroup(const QJsonObject &g, const QStringList &customPlugins)
{
    Problems out;
    Checker c(out, QString(), kInvalid);
    checkFields(c, g, {"id", "name", "desc", "labels", "create_time", "update_time", "plugins"}, {});
    checkMeta(c, g);
    requirePlugins(c, g);
    checkPlugins(out, c, g, customPlugins);
    return out;
}

QString consumerKeyAttribute(const QString &plugin)
{
    // apisix/consumer.lua plugin_unique_key_attrs: what find_consumer() looks a request's credential up by.
    static const QHash<QString, QString> attrs = {{"key-auth", "key"},         {"basic-auth", "username"}, {"jwt-auth", "key"},
                                                  {"hmac-auth", "key_id"},     {"ldap-auth", "user_dn"},   {"ldap-auth-advanced", "user_dn"}};
    return attrs.value(plugin);
}

bool isAuthPlugin(const QString &name)
{
    static const QStringList auth = {"basic-auth", "hmac-auth", "jwe-decrypt", "jwt-auth", "key-auth", "ldap-auth-advanced", "ldap-auth", "multi-auth", "wolf-rbac"};
    return auth.contains(name);
}

namespace {
// apisix/consumer.lua check_duplicate_key: a credential value another consumer (or another's credential)
// has already; a consumer never conflicts with itself or its own credentials, a credential not with itself.
Problems duplicateKeys(const QJsonObject &plugins, const QString &key, const ConsumerKeyOwner &owner)
{
    const bool credential = isCredentialKey(key);
    const QString consumer = key.section(QLatin1Char('/'), 0, 0);
    for (auto it = plugins.begin(); owner && it != plugins.end(); ++it) {
        const QString attr = consumerKeyAttribute(it.key());
        const QJsonValue value = it.value().toObject().value(attr);
        if (attr.isEmpty() || !value.isString() || isSecretRef(value))
            continue;
        const QString other = owner(it.key(), attr, value.toString());
        const bool self = credential ? other == key : other.section(QLatin1Char('/'), 0, 0) == consumer;
        if (other.isEmpty() || self)
            continue;
        const QString desc = isCredentialKey(other)
            ? QStringLiteral("credential: %1 of consumer: %2").arg(other.section(QLatin1Char('/'), 2), other.section(QLatin1Char('/'), 0, 0))
            : QStringLiteral("consumer: %1").arg(other);
        return {{Problem::Severity::Error, QStringLiteral("/plugins/") + pointerToken(it.key()) + QLatin1Char('/') + attr,
                 QStringLiteral("duplicate %1 of plugin %2 found with %3").arg(attr, it.key(), desc)}};
    }
    return {};
}
} // namespace

// plugin.check_schema(plugins, TYPE_CONSUMER) as apisix/admin/consumers.lua and credentials.lua call it:
// each auth plugin's consumer_schema (apisix/plugins/<name>.lua), which the Admin API answers with
// "invalid plugins configuration: …". The other plugins' schemas are not checked here (a warning says so).
Problems checkConsumerSchemas(const QJsonObject &plugins)
{
    Problems out;
    for (auto it = plugins.begin(); it != plugins.end(); ++it) {
        if (!it.value().isObject())
            continue; // (said already)
        const QString name = it.key();
        const QJsonObject o = it.value().toObject();
        Checker c(out, QStringLiteral("/plugins/") + pointerToken(name),
                  QStringLiteral("invalid plugins configuration: failed to check the configuration of plugin %1 err: ").arg(name));
        if (name == QLatin1String("key-auth")) {
            c.required(o, {"key"});
            c.string(o, QStringLiteral("key"), 0, 0);
        } else if (name == QLatin1String("basic-auth")) {
            c.required(o, {"username", "password"});
            c.string(o, QStringLiteral("username"), 0, 0);
            c.string(o, QStringLiteral("password"), 0, 0);
        } else if (name == QLatin1String("hmac-auth")) {
            c.required(o, {"key_id", "secret_key"});
            c.string(o, QStringLiteral("key_id"), 1, 256);
            c.string(o, QStringLiteral("secret_key"), 1, 256);
        } else if (name == QLatin1String("jwt-auth")) {
            c.required(o, {"key"});
            c.string(o, QStringLiteral("key"), 1, 0);
            c.string(o, QStringLiteral("secret"), 1, 0);
            static const QStringList hmac = {"HS256", "HS384", "HS512"};
            static const QStringList keyPair = {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"};
            checkEnum(c, o, QStringLiteral("algorithm"), hmac + keyPair);
            c.integer(o, QStringLiteral("exp"), 1, kNoMaximum);
            if (const QJsonValue b = o.value(QStringLiteral("base64_secret")); !b.isUndefined() && !b.isBool())
                c.wrongType(QStringLiteral("base64_secret"), QStringLiteral("boolean"), b);
            c.integer(o, QStringLiteral("lifetime_grace_period"), 0, kNoMaximum);
            // dependencies.algorithm: an HMAC algorithm, or a key-pair one with its public_key (oneOf).
            const QJsonValue algorithm = o.value(QStringLiteral("algorithm"));
            if (!hasErrors(out) && algorithm.isString()) {
                const QJsonValue key = o.value(QStringLiteral("public_key"));
                const bool secret = hmac.contains(algorithm.toString());
                const bool pair = keyPair.contains(algorithm.toString()) && key.isString() && !key.toString().isEmpty();
                if (!secret && !pair)
                    c.errorRaw(QString(), QStringLiteral("failed to validate dependent schema for \"algorithm\": value should match only one schema, but matches none"));
            }
        }
        if (hasErrors(out))
            return out; // the first plugin that fails is the answer
    }
    return out;
}

Problems validateCredential(const QJsonObject &credential, const QString &key, const ConsumerKeyOwner &owner, const QStringList &customPlugins)
{
    Problems out;
    Checker c(out, QString(), kInvalid);
    checkFields(c, credential, {"id", "name", "desc", "labels", "create_time", "update_time", "plugins"}, {});
    checkMeta(c, credential);
    const QJsonValue plugins = credential.value(QStringLiteral("plugins"));
    if (plugins.isObject() && plugins.toObject().size() > 1)
        c.error(QStringLiteral("plugins"), QStringLiteral("expect object to have at most 1 properties"));
    checkPlugins(out, c, credential, customPlugins, true);
    if (hasErrors(out))
        return out;
    if (const Problems schemas = checkConsumerSchemas(plugins.toObject()); !schemas.isEmpty())
        return schemas;
    for (const QString &name : plugins.toObject().keys())
        if (!isAuthPlugin(name))
            return {{Problem::Severity::Error, QStringLiteral("/plugins/") + pointerToken(name), QStringLiteral("only supports auth type plugins in consumer credential")}};
    out.append(duplicateKeys(plugins.toObject(), key, owner));
    return out;
}

Problems validateConsumer(const QJsonObject &consumer, const Exists &exists, const ConsumerKeyOwner &owner, const QStringList &customPlugins)
{
    Problems out;
    Checker c(out, QString(), kInvalid);
    checkFields(c, consumer, {"id", "username", "desc", "labels", "create_time", "update_time", "group_id", "plugins"}, {});
    if (!consumer.contains(QStringLiteral("username")))
        c.errorRaw(QString(), QStringLiteral("property \"username\" is required"));
    else if (c.string(consumer, QStringLiteral("username"), 1, 256)) {
        static const QRegularExpression re(QStringLiteral("^[a-zA-Z0-9_\\-]+$"));
        checkPattern(c, consumer, QStringLiteral("username"), re, QStringLiteral("^[a-zA-Z0-9_\\\\-]+$"));
    }
    c.string(consumer, QStringLiteral("desc"), 0, 256);
    checkLabels(c, consumer);
    checkPlugins(out, c, consumer, customPlugins, true);
    if (hasErrors(out))
        return out;
    // apisix/admin/consumers.lua check_conf: after the schema, the plugins' consumer schemas, the duplicate
    // credentials, then the group.
    if (const Problems schemas = checkConsumerSchemas(consumer.value(QStringLiteral("plugins")).toObject()); !schemas.isEmpty()) {
        out.append(schemas);
        return out;
    }
    if (const Problems dup = duplicateKeys(consumer.value(QStringLiteral("plugins")).toObject(), consumer.value(QStringLiteral("username")).toString(), owner);
        !dup.isEmpty())
        return dup;
    const QJsonValue group = consumer.value(QStringLiteral("group_id"));
    if (!group.isUndefined()) {
        if (!checkIdValue(group).isEmpty())
            c.error(QStringLiteral("group_id"), QStringLiteral("object matches none of the required"));
        else if (exists && !exists(ResourceKind::ConsumerGroup, idText(group)))
            out.append({Problem::Severity::Error, QStringLiteral("/group_id"),
                        QStringLiteral("failed to fetch consumer group info by consumer group id [%1], response code: 404").arg(idText(group))});
    }
    return out;
}

Problems validateSsl(const QJsonObject &s)
{
    Problems out;
    Checker c(out, QString(), kInvalid);
    checkFields(c, s, {"id", "desc", "labels", "create_time", "update_time", "type", "cert", "key", "sni", "snis", "certs", "keys",
                       "client", "status", "ssl_protocols"}, {});
    c.string(s, QStringLiteral("desc"), 0, 256);
    checkLabels(c, s);
    checkEnum(c, s, QStringLiteral("type"), {QStringLiteral("server"), QStringLiteral("client")});
    c.string(s, QStringLiteral("cert"), 128, 64 * 1024);
    c.string(s, QStringLiteral("key"), 64, 64 * 1024);
    if (c.string(s, QStringLiteral("sni"), 0, 0)) {
        if (const QString why = checkHost(s.value(QStringLiteral("sni")).toString()); !why.isEmpty())
            c.error(QStringLiteral("sni"), why);
    }
    checkStringArray(c, s, QStringLiteral("snis"), checkHost);
    checkPemArray(c, s, QStringLiteral("certs"), 128);
    checkPemArray(c, s, QStringLiteral("keys"), 64);
    const QJsonValue client = s.value(QStringLiteral("client"));
    if (!client.isUndefined()) {
        if (!client.isObject())
            c.wrongType(QStringLiteral("client"), QStringLiteral("object"), client);
        else if (!client.toObject().contains(QStringLiteral("ca")))
            c.error(QStringLiteral("client"), QStringLiteral("property \"ca\" is required"));
        else {
            Checker cc(out, QStringLiteral("/client"), kInvalid + QStringLiteral("property \"client\" validation failed: "));
            cc.string(client.toObject(), QStringLiteral("ca"), 128, 64 * 1024);
            cc.integer(client.toObject(), QStringLiteral("depth"), 0, 1e9);
        }
    }
    const QJsonValue status = s.value(QStringLiteral("status"));
    if (!status.isUndefined() && status != QJsonValue(1) && status != QJsonValue(0))
        c.error(QStringLiteral("status"), status.isDouble() ? QStringLiteral("matches none of the enum values")
                                                           : QStringLiteral("wrong type: expected integer, got %1").arg(typeName(status)));
    checkStringArray(c, s, QStringLiteral("ssl_protocols"), [](const QString &p) {
        return QStringList{"TLSv1.1", "TLSv1.2", "TLSv1.3"}.contains(p) ? QString() : QStringLiteral("matches none of the enum values");
    });
    if (hasErrors(out))
        return out;
    // The schema's if/then/else: a server certificate names its sni or snis; every one needs cert and key.
    const bool server = s.value(QStringLiteral("type")).toString(QStringLiteral("server")) == QLatin1String("server");
    const bool hasPair = s.contains(QStringLiteral("cert")) && s.contains(QStringLiteral("key"));
    if (server && (!hasPair || s.contains(QStringLiteral("sni")) == s.contains(QStringLiteral("snis")))) {
        c.errorRaw(QString(), QStringLiteral("then clause did not match"));
        return out;
    }
    if (!server && !hasPair) {
        c.errorRaw(QString(), QStringLiteral("else clause did not match"));
        return out;
    }
    // apisix/ssl.lua check_ssl_conf: the PEM texts parse (unless they are secret references).
    const QString cert = s.value(QStringLiteral("cert")).toString(), key = s.value(QStringLiteral("key")).toString();
    if (!isSecretRef(cert) && !isSecretRef(key)) {
        if (const QString bad = pemProblem(cert, &key); !bad.isEmpty())
            return {{Problem::Severity::Error, bad.contains(QLatin1String("cert")) ? QStringLiteral("/cert") : QStringLiteral("/key"), bad}};
    }
    if (!server)
        return out;
    const QJsonArray certs = s.value(QStringLiteral("certs")).toArray(), keys = s.value(QStringLiteral("keys")).toArray();
    if (certs.size() != keys.size())
        return {{Problem::Severity::Error, QStringLiteral("/keys"), QStringLiteral("mismatched number of certs and keys")}};
    for (int i = 0; i < certs.size(); ++i) {
        if (isSecretRef(certs[i]) || isSecretRef(keys[i]))
            continue;
        const QString k = keys[i].toString();
        if (const QString bad = pemProblem(certs[i].toString(), &k); !bad.isEmpty())
            return {{Problem::Severity::Error, QStringLiteral("/certs/%1").arg(i), QStringLiteral("failed to handle cert-key pair[%1]: %2").arg(i + 1).arg(bad)}};
    }
    if (client.isObject() && !isSecretRef(client.toObject().value(QStringLiteral("ca")))) {
        if (const QString bad = pemProblem(client.toObject().value(QStringLiteral("ca")).toString(), nullptr); !bad.isEmpty())
            return {{Problem::Severity::Error, QStringLiteral("/client/ca"), QStringLiteral("failed to validate client_cert: ") + bad}};
    }
    out.append({Problem::Severity::Warning, QString(), QStringLiteral("RouteScope's proxy speaks plain HTTP: this certificate is kept and exported, not served")});
    return out;
}

Problems validateProto(const QJsonObject &p)
{
    Problems out;
    Checker c(out, QString(), kInvalid);
    checkFields(c, p, {"id", "name", "desc", "labels", "create_time", "update_time", "content"}, {});
    checkMeta(c, p);
    if (!p.contains(QStringLiteral("content")))
        c.errorRaw(QString(), QStringLiteral("property \"content\" is required"));
    else if (c.string(p, QStringLiteral("content"), 1, 1024 * 1024))
        out.append({Problem::Severity::Warning, QStringLiteral("/content"),
                    QStringLiteral("the .proto text is not compiled here: APISIX refuses one that does not compile (\"invalid content: …\")")});
    return out;
}

Problems validateSecret(const QString &manager, const QJsonObject &s)
{
    Problems out;
    Checker c(out, QString(), kInvalid);
    // apisix/secret/<manager>.lua schema; `id`, create_time and update_time are what the Admin API adds.
    const auto uri = [&c, &s](const QString &key) {
        static const QRegularExpression re(QStringLiteral("^[^\\/]+:\\/\\/([\\da-zA-Z.-]+|\\[[\\da-fA-F:]+\\])(:\\d+)?"));
        if (c.string(s, key, 0, 0))
            checkPattern(c, s, key, re, QStringLiteral("^[^\\\\/]+:\\\\/\\\\/([\\\\da-zA-Z.-]+|\\\\[[\\\\da-fA-F:]+\\\\])(:\\\\d+)?"));
    };
    if (manager == QLatin1String("vault")) {
        if (!c.required(s, {"uri", "prefix", "token"}))
            return out;
        uri(QStringLiteral("uri"));
        for (const char *k : {"prefix", "token", "namespace"})
            c.string(s, QLatin1String(k), 0, 0);
    } else if (manager == QLatin1String("aws")) {
        if (!c.required(s, {"access_key_id", "secret_access_key"}))
            return out;
        for (const char *k : {"access_key_id", "secret_access_key", "session_token", "region"})
            c.string(s, QLatin1String(k), 0, 0);
        uri(QStringLiteral("endpoint_url"));
    } else if (manager == QLatin1String("gcp")) {
        if (s.contains(QStringLiteral("auth_config")) == s.contains(QStringLiteral("auth_file")))
            c.errorRaw(QString(), QStringLiteral("value should match only one schema, but matches %1").arg(s.contains(QStringLiteral("auth_file")) ? QStringLiteral("both") : QStringLiteral("none")));
        const QJsonValue auth = s.value(QStringLiteral("auth_config"));
        if (auth.isObject()) {
            for (const char *k : {"client_email", "private_key", "project_id"})
                if (!auth.toObject().contains(QLatin1String(k))) {
                    c.error(QStringLiteral("auth_config"), QStringLiteral("property \"%1\" is required").arg(QLatin1String(k)));
                    break;
                }
        } else if (!auth.isUndefined())
            c.wrongType(QStringLiteral("auth_config"), QStringLiteral("object"), auth);
        c.string(s, QStringLiteral("auth_file"), 0, 0);
    } else {
        return {{Problem::Severity::Error, QString(), QStringLiteral("invalid secret manager: %1").arg(manager)}};
    }
    return out;
}

Problems validatePluginMetadata(const QString &plugin, const QJsonObject &m, const QStringList &customPlugins)
{
    // apisix/admin/plugin_metadata.lua check_conf: the plugin must exist; its metadata_schema is its own.
    if (plugin.isEmpty())
        return {{Problem::Severity::Error, QString(), QStringLiteral("missing plugin name")}};
    if (!isApisixPlugin(plugin) && !customPlugins.contains(plugin))
        return {{Problem::Severity::Error, QString(), QStringLiteral("invalid plugin name")}};
    // The loggers' metadata_schema (apisix/plugins/*-logger.lua and the like): log_format and
    // log_format_extra objects; the batch-processor ones add max_pending_entries (batch-processor-manager.lua
    // wrap_metadata_schema), file-logger a path.
    static const QStringList batchLoggers = {"clickhouse-logger", "elasticsearch-logger", "google-cloud-logging", "http-logger",
                                             "kafka-logger", "loki-logger", "rocketmq-logger", "skywalking-logger", "sls-logger",
                                             "splunk-hec-logging", "syslog", "tcp-logger", "tencent-cloud-cls", "udp-logger"};
    const bool batch = batchLoggers.contains(plugin);
    if (const QJsonObject *schema = pluginMetadataSchema(plugin)) {
        if (const std::optional<SchemaFailure> f = checkAgainstSchema(m, *schema))
            return {{Problem::Severity::Error, f->pointer, kInvalid + f->message}};
        return {};
    }
    if (!batch && plugin != QLatin1String("file-logger"))
        return {{Problem::Severity::Warning, QString(),
                 QStringLiteral("%1's metadata_schema is not checked here: APISIX checks it when this is written").arg(plugin)}};
    Problems out;
    Checker c(out, QString(), kInvalid);
    for (const char *key : {"log_format", "log_format_extra"}) {
        const QJsonValue v = m.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isObject())
            c.wrongType(QLatin1String(key), QStringLiteral("object"), v);
    }
    if (batch)
        c.integer(m, QStringLiteral("max_pending_entries"), 1, kNoMaximum);
    else
        c.string(m, QStringLiteral("path"), 0, 0);
    return out;
}

} // namespace Validator
