#include "adminapi.h"

#include "configstore.h"
#include "dataencryption.h"
#include "pluginschemas.h"
#include "validator.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>

#include <algorithm>

namespace {
const QByteArray kPrefix = "/apisix/admin/";

AdminReply json(int status, const QJsonObject &body)
{
    return {status, QJsonDocument(body).toJson(QJsonDocument::Compact)};
}

AdminReply error(int status, const QString &message)
{
    return json(status, {{QStringLiteral("error_msg"), message}});
}

// What APISIX answers for a key etcd does not have (a GET, PATCH or DELETE of a missing object, the
// credentials of a consumer that has none): apisix/core/etcd.lua not_found, stripped to its message.
AdminReply keyNotFound()
{
    return json(404, {{QStringLiteral("message"), QStringLiteral("Key not found")}});
}

QString keyOf(ResourceKind kind, const QString &id)
{
    return QStringLiteral("/apisix/%1/%2").arg(resourcePlural(kind), id);
}

// What APISIX answers a GET with (etcd's node): the key, the value and its indexes.
QJsonObject envelope(ResourceKind kind, const QString &id, const StoredResource &res)
{
    QJsonObject value = res.value;
    if (kind == ResourceKind::Ssl) { // apisix/admin/resource.lua get: "not return private key for security"
        value.remove(QStringLiteral("key"));
        value.remove(QStringLiteral("keys"));
    }
    return {{QStringLiteral("key"), keyOf(kind, id)},
            {QStringLiteral("value"), value},
            {QStringLiteral("createdIndex"), qint64(res.order)},
            {QStringLiteral("modifiedIndex"), qint64(res.version)}};
}

// apisix/admin/resource.lua check_forbidden_properties (its message has the two spaces it has there).
QString forbiddenTimes(const QJsonObject &conf)
{
    for (const QString &where : {QString(), QStringLiteral("upstream"), QStringLiteral("plugins")}) {
        const QJsonObject in = where.isEmpty() ? conf : conf.value(where).toObject();
        for (const char *name : {"create_time", "update_time"}) {
            const QJsonValue v = in.value(QLatin1String(name));
            if (!v.isUndefined() && !v.isNull() && v != QJsonValue(false))
                return QStringLiteral("the property is forbidden:  %1%2").arg(where.isEmpty() ? QString() : where + QLatin1Char('.'), QLatin1String(name));
        }
    }
    return {};
}

// apisix/core/table.lua patch(): the value at a sub-path ("methods", "upstream/nodes") is replaced.
QString patchSubPath(QJsonObject &node, const QList<QByteArray> &path, const QJsonValue &value)
{
    if (path.size() == 1) {
        node.insert(QString::fromUtf8(path.first()), value);
        return {};
    }
    const QString name = QString::fromUtf8(path.first());
    QJsonValue child = node.value(name);
    if (child.isUndefined() || child.isNull())
        child = QJsonObject();
    if (!child.isObject())
        return QStringLiteral("invalid sub-path: /%1").arg(name);
    QJsonObject inner = child.toObject();
    if (const QString bad = patchSubPath(inner, path.mid(1), value); !bad.isEmpty())
        return QStringLiteral("invalid sub-path: /%1/%2").arg(name, bad.mid(QStringLiteral("invalid sub-path: /").size()));
    node.insert(name, inner);
    return {};
}

// apisix/admin/v3_adapter.lua: name and uri are regular expressions, label a key the labels must have,
// filter=k=v&… compares the fields the resource lists (routes: service_id, upstream_id) as stored.
bool listed(ResourceKind kind, const QJsonObject &value, const QUrlQuery &args)
{
    const auto matches = [](const QString &pattern, const QJsonValue &subject) {
        const QRegularExpression re(pattern);
        return subject.isString() && re.isValid() && re.match(subject.toString()).hasMatch();
    };
    if (args.hasQueryItem(QStringLiteral("name")) && !matches(args.queryItemValue(QStringLiteral("name"), QUrl::FullyDecoded), value.value(QStringLiteral("name"))))
        return false;
    if (args.hasQueryItem(QStringLiteral("label"))
        && !value.value(QStringLiteral("labels")).toObject().contains(args.queryItemValue(QStringLiteral("label"), QUrl::FullyDecoded)))
        return false;
    if (args.hasQueryItem(QStringLiteral("uri"))) {
        const QString pattern = args.queryItemValue(QStringLiteral("uri"), QUrl::FullyDecoded);
        bool any = matches(pattern, value.value(QStringLiteral("uri")));
        for (const QJsonValue u : value.value(QStringLiteral("uris")).toArray())
            any = any || matches(pattern, u);
        if (!any)
            return false;
    }
    if (args.hasQueryItem(QStringLiteral("filter"))) {
        const QUrlQuery filters(args.queryItemValue(QStringLiteral("filter"), QUrl::FullyDecoded));
        for (const auto &[key, wanted] : filters.queryItems(QUrl::FullyDecoded)) {
            const bool known = kind == ResourceKind::Route && (key == QLatin1String("service_id") || key == QLatin1String("upstream_id"));
            if (!known)
                continue; // APISIX logs and ignores a field the resource does not list
            const QJsonValue have = value.value(key);
            if (!have.isString() || have.toString() != filters.allQueryItemValues(key, QUrl::FullyDecoded).constLast())
                return false; // (a number never equals the text of the query, in Lua as here)
        }
    }
    return true;
}

struct BodyResult
{
    QJsonObject object;
    QString error;
};

BodyResult parseBody(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return {{}, QStringLiteral("invalid request body: empty request body")};
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError)
        return {{}, QStringLiteral("invalid request body: %1 at %2").arg(pe.errorString(), describeOffset(body, pe.offset))};
    if (!doc.isObject())
        return {{}, QStringLiteral("invalid request body: expected a JSON object")};
    return {doc.object(), {}};
}

// A delete: APISIX's error, or the {key, deleted} it answers.
AdminReply removed(ConfigStore *store, ResourceKind kind, const QString &id, bool force)
{
    const ConfigStore::Outcome outcome = store->remove(kind, id, force);
    if (outcome.status == 404)
        return keyNotFound();
    if (outcome.status >= 400)
        return error(outcome.status, outcome.error);
    return json(200, {{QStringLiteral("key"), keyOf(kind, id)}, {QStringLiteral("deleted"), QStringLiteral("1")}});
}

} // namespace

// A write's outcome: APISIX's error, or the key and the value as etcd keeps it (apisix/core/etcd.lua set()),
// its plugins' encrypt_fields encrypted.
AdminReply AdminApi::answerWrite(ResourceKind kind, const QString &id, const ConfigStore::Outcome &o) const
{
    if (o.status >= 400)
        return error(o.status, o.error);
    QJsonObject value = o.stored.value;
    if (!m_dataKey.isEmpty())
        DataEncryption::encryptObject(kind, id, value, m_dataKey);
    return json(o.status, {{QStringLiteral("key"), keyOf(kind, id)}, {QStringLiteral("value"), value}});
}

bool secretsEqual(QByteArrayView a, QByteArrayView b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype n = qMax(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        const char x = i < a.size() ? a[i] : 0;
        const char y = i < b.size() ? b[i] : 0;
        diff |= (unsigned char)(x ^ y);
    }
    return diff == 0 && !a.isEmpty();
}

QString describeOffset(const QByteArray &text, qsizetype offset)
{
    int line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return QStringLiteral("line %1, column %2").arg(line).arg(offset - lineStart + 1);
}

AdminApi::AdminApi(ConfigStore *store, QByteArray adminKey)
    : m_store(store), m_key(std::move(adminKey))
{
}

bool AdminApi::authorised(const HttpRequest &request) const
{
    QByteArray given = request.headers.value("x-api-key");
    if (given.isNull() && m_keyInQuery)
        given = keyInQuery(request);
    return secretsEqual(given, m_key);
}

QByteArray AdminApi::keyInQuery(const HttpRequest &request)
{
    if (request.query.isNull())
        return {};
    return QUrlQuery(QString::fromUtf8(request.query)).queryItemValue(QStringLiteral("api_key")).toUtf8();
}

bool isLoopbackHost(const QByteArray &host)
{
    const QByteArray h = host.toLower();
    if (h == "localhost" || h.endsWith(".localhost"))
        return true;
    const QByteArray bare = h.startsWith('[') && h.endsWith(']') ? h.mid(1, h.size() - 2) : h;
    const QHostAddress address(QString::fromLatin1(bare));
    return !address.isNull() && address.isLoopback();
}

namespace {
// `HEAD /apisix/admin`: what health checks and load balancers send.
bool isHeadProbe(const HttpRequest &r)
{
    return r.method == "HEAD" && r.path == "/apisix/admin";
}
} // namespace

AdminApi::Refusal AdminApi::checkHead(const HttpRequest &head) const
{
    if (m_loopbackOnly && head.headers.contains("host") && !isLoopbackHost(head.host()))
        return {403, QStringLiteral("the Admin API listens on loopback and answers only Host localhost, 127.0.0.1 or [::1]")};
    if (isHeadProbe(head))
        return {};
    if (!head.path.startsWith(kPrefix))
        return {404, QStringLiteral("not found: %1").arg(QString::fromUtf8(head.path))};
    if (!authorised(head)) {
        if (!m_keyInQuery && !head.headers.contains("x-api-key") && !keyInQuery(head).isEmpty())
            return {401, QStringLiteral("failed to check token: the key in ?api_key= is not taken here (a URL ends up in logs "
                                        "and histories); send X-API-KEY, or set \"admin_key_in_query\": true in the workspace")};
        return {401, QStringLiteral("failed to check token")};
    }
    if (const qint64 length = head.headers.value("content-length").toLongLong(); length > kMaxBodyBytes)
        return {400, QStringLiteral("invalid request body: request size %1 is greater than the maximum size %2 allowed")
                         .arg(length).arg(kMaxBodyBytes)};
    return {};
}

AdminReply AdminApi::handle(const HttpRequest &request) const
{
    if (const Refusal refused = checkHead(request); refused.status)
        return error(refused.status, refused.message);
    if (isHeadProbe(request))
        return {200, {}, false}; // admin/init.lua's HEAD route: 200, no key needed

    QList<QByteArray> parts = request.path.mid(kPrefix.size()).split('/');
    while (!parts.isEmpty() && parts.last().isEmpty())
        parts.removeLast();
    const QByteArray &method = request.method;

    if (parts.size() == 3 && parts[0] == "schema" && parts[1] == "validate") {
        if (method != "POST")
            return error(405, QStringLiteral("method %1 not allowed").arg(QString::fromLatin1(method)));
        const std::optional<ResourceKind> kind = resourceKindNamed(QString::fromUtf8(parts[2]));
        if (!kind)
            return error(404, QStringLiteral("no schema for %1").arg(QString::fromUtf8(parts[2])));
        const BodyResult body = parseBody(request.body);
        if (!body.error.isEmpty())
            return error(400, body.error);
        const Problems problems = m_store->check(*kind, body.object);
        if (hasErrors(problems))
            return error(400, firstErrorMessage(problems));
        return json(200, {});
    }

    if (parts.isEmpty())
        return error(404, QStringLiteral("not found"));
    if (parts.size() >= 2 && parts[0] == "plugins" && parts[1] == "list")
        return pluginList(request);
    if (parts.size() >= 2 && parts[0] == "schema" && parts[1] == "plugins") // admin/init.lua: the same as /plugins/<name>
        parts.removeFirst();
    if (parts[0] == "plugins") {
        AdminReply reply = method == "GET" ? pluginSchema(request, parts.value(1)) : error(404, QStringLiteral("not found"));
        reply.versioned = true;
        return reply;
    }
    const std::optional<ResourceKind> kind = resourceKindNamed(QString::fromUtf8(parts[0]));
    if (!kind)
        return error(404, QStringLiteral("Unsupported resource type: %1").arg(QString::fromUtf8(parts[0])));
    if (*kind == ResourceKind::StreamRoute && !m_streamMode)
        return error(400, QStringLiteral("stream mode is disabled, can not add stream routes"));
    AdminReply reply = resource(*kind, request, parts);
    reply.versioned = true;
    return reply;
}

AdminReply AdminApi::resource(ResourceKind kind, const HttpRequest &request, const QList<QByteArray> &parts) const
{
    const QByteArray &method = request.method;
    if (kind == ResourceKind::Consumer && parts.size() >= 3 && parts[2] == "credentials")
        return credential(request, parts);
    const QString noun = resourceNoun(kind);
    if (!resourceAllows(kind, method))
        return error(405, QStringLiteral("not supported `%1` method for %2").arg(QString::fromLatin1(method), noun));
    // A secret's key is two segments, `<manager>/<id>` (apisix/admin/resource.lua split_typ_and_id).
    const int idParts = resourceKeyShape(kind) == KeyShape::ManagerAndId ? 2 : 1;
    QString id = parts.size() >= 2 ? QString::fromUtf8(parts[1]) : QString();
    if (idParts == 2 && parts.size() >= 3)
        id += QLatin1Char('/') + QString::fromUtf8(parts[2]);
    const QList<QByteArray> subPath = parts.mid(1 + idParts);
    const QUrlQuery args(QString::fromUtf8(request.query));
    if (!subPath.isEmpty() && method != "PATCH")
        return error(404, QStringLiteral("not found: %1").arg(QString::fromUtf8(request.path)));
    if (idParts == 2 && !id.isEmpty() && !id.contains(QLatin1Char('/')) && method != "GET")
        return error(400, method == "PATCH" ? QStringLiteral("no secret id") : QStringLiteral("missing secret id"));

    if (method == "GET") {
        const auto snap = m_store->snapshot();
        const auto &map = snap->of(kind);
        if (id.isEmpty() || (idParts == 2 && !id.contains(QLatin1Char('/'))))
            return list(kind, map, args, id.isEmpty() ? QString() : id + QLatin1Char('/'));
        const auto it = map.constFind(id);
        if (it == map.constEnd())
            return keyNotFound();
        return json(200, envelope(kind, id, *it));
    }
    if (method == "DELETE") {
        if (id.isEmpty())
            return error(400, QStringLiteral("missing %1 id").arg(noun));
        return removed(m_store, kind, id, args.queryItemValue(QStringLiteral("force")) == QLatin1String("true"));
    }
    if (method != "PUT" && method != "POST" && method != "PATCH")
        return error(405, QStringLiteral("method %1 not allowed").arg(QString::fromLatin1(method)));

    if (method == "PATCH" && !subPath.isEmpty()) {
        // Any JSON at a sub-path: PATCH /routes/1/methods with ["POST"].
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson("[" + request.body + "]", &pe);
        if (request.body.trimmed().isEmpty() || pe.error != QJsonParseError::NoError || doc.array().size() != 1)
            return error(400, QStringLiteral("invalid request body: %1").arg(request.body.trimmed().isEmpty() ? QStringLiteral("empty request body") : pe.errorString()));
        const auto snap = m_store->snapshot();
        const auto &map = snap->of(kind);
        const auto it = map.constFind(id);
        if (it == map.constEnd())
            return keyNotFound();
        QJsonObject value = it->value;
        if (const QString bad = patchSubPath(value, subPath, doc.array().first()); !bad.isEmpty())
            return error(400, bad);
        return answerWrite(kind, id, m_store->put(kind, id, value));
    }

    const BodyResult body = parseBody(request.body);
    if (!body.error.isEmpty())
        return error(400, body.error);
    const QJsonValue bodyId = body.object.value(QStringLiteral("id"));
    if (method == "PATCH") {
        if (id.isEmpty())
            return error(400, QStringLiteral("missing %1 id").arg(noun));
        const ConfigStore::Outcome patched = m_store->patch(kind, id, body.object);
        return patched.status == 404 ? keyNotFound() : answerWrite(kind, id, patched);
    }
    if (const QString forbidden = forbiddenTimes(body.object); !forbidden.isEmpty())
        return error(400, forbidden);
    QJsonObject value = body.object;
    QString putId = id;
    const KeyShape shape = resourceKeyShape(kind);
    if (shape == KeyShape::Username) { // the key is the body's username; one in the path must be the same (the store's check)
        if (putId.isEmpty())
            putId = value.value(QStringLiteral("username")).toString();
    } else if (shape == KeyShape::PluginName) {
        if (id.isEmpty())
            return error(400, QStringLiteral("missing plugin name"));
    } else if (shape == KeyShape::ManagerAndId) {
        if (id.isEmpty())
            return error(400, QStringLiteral("missing secret type"));
    } else if (method == "POST") {
        if (!id.isEmpty() || !bodyId.isUndefined())
            return error(400, QStringLiteral("wrong %1 id, do not need it").arg(noun));
        putId = m_store->generateId();
    } else if (putId.isEmpty()) { // PUT: the id comes from the path, or from the body (then kept as given)
        if (bodyId.isUndefined() || bodyId.isNull())
            return error(400, QStringLiteral("missing %1 id").arg(noun));
        putId = Validator::idText(bodyId); // (its type and range are the store's check)
    } else if (!bodyId.isUndefined()) {
        if (Validator::idText(bodyId) != id)
            return error(400, QStringLiteral("wrong %1 id").arg(noun));
        value.insert(QStringLiteral("id"), id); // the path's id, as APISIX stores it
    }
    return answerWrite(kind, putId, m_store->put(kind, putId, value));
}

// /apisix/admin/consumers/<name>/credentials[/<id>] (apisix/admin/credentials.lua): kept among the
// consumers under the key <name>/credentials/<id>, as etcd keeps them.
AdminReply AdminApi::credential(const HttpRequest &request, const QList<QByteArray> &parts) const
{
    const QByteArray &method = request.method;
    if (method == "POST" || method == "PATCH")
        return error(405, QStringLiteral("not supported `%1` method for credential").arg(QString::fromLatin1(method)));
    if (parts.size() > 4)
        return error(404, QStringLiteral("not found: %1").arg(QString::fromUtf8(request.path)));
    const QString prefix = QString::fromUtf8(parts[1]) + QStringLiteral("/credentials/");
    const QString id = parts.size() == 4 ? prefix + QString::fromUtf8(parts[3]) : QString();
    const auto snap = m_store->snapshot();
    if (method == "GET") {
        const auto it = id.isEmpty() ? snap->consumers.lowerBound(prefix) : snap->consumers.constFind(id);
        if (it == snap->consumers.constEnd() || !it.key().startsWith(prefix))
            return keyNotFound(); // (etcd has no directory key for credentials: a consumer without any has nothing)
        return id.isEmpty() ? list(ResourceKind::Consumer, snap->consumers, QUrlQuery(QString::fromUtf8(request.query)), prefix)
                            : json(200, envelope(ResourceKind::Consumer, id, *it));
    }
    if (id.isEmpty())
        return error(400, QStringLiteral("missing credential id"));
    if (method == "DELETE")
        return removed(m_store, ResourceKind::Consumer, id, false);
    if (method != "PUT")
        return error(405, QStringLiteral("method %1 not allowed").arg(QString::fromLatin1(method)));
    const BodyResult body = parseBody(request.body);
    if (!body.error.isEmpty())
        return error(400, body.error);
    if (const QString forbidden = forbiddenTimes(body.object); !forbidden.isEmpty())
        return error(400, forbidden);
    return answerWrite(ResourceKind::Consumer, id, m_store->put(ResourceKind::Consumer, id, body.object));
}

namespace {
// ?subsystem= of the plugin endpoints: http (also when absent) or stream; false for anything else.
bool knownSubsystem(const QString &subsystem)
{
    return subsystem.isEmpty() || subsystem == QLatin1String("http") || subsystem == QLatin1String("stream");
}
} // namespace

// GET /apisix/admin/plugins/list (admin/init.lua get_plugins_list): the names of the plugins production's
// config.yaml enables, by priority (APISIX's default list, then the workspace's own); ?subsystem=stream for
// the stream ones.
AdminReply AdminApi::pluginList(const HttpRequest &request) const
{
    const QString subsystem = QUrlQuery(QString::fromUtf8(request.query)).queryItemValue(QStringLiteral("subsystem"));
    if (!knownSubsystem(subsystem))
        return {400, "invalid subsystem passed", false};
    QStringList names = subsystem == QLatin1String("stream") ? Validator::defaultStreamPlugins() : Validator::defaultEnabledPlugins();
    if (subsystem != QLatin1String("stream"))
        for (const QString &custom : m_store->customPlugins())
            if (!names.contains(custom))
                names << custom;
    return {200, QJsonDocument(QJsonArray::fromStringList(names)).toJson(QJsonDocument::Compact)};
}

// GET /apisix/admin/plugins/<name> and /apisix/admin/schema/plugins/<name> (admin/plugins.lua get): the
// plugin's schema as RouteScope checks it (without APISIX's descriptions); a plugin it has no schema of is
// said so rather than answered with a made-up one.
AdminReply AdminApi::pluginSchema(const HttpRequest &request, const QByteArray &name) const
{
    const QUrlQuery args(QString::fromUtf8(request.query));
    const QString subsystem = args.queryItemValue(QStringLiteral("subsystem"));
    if (!knownSubsystem(subsystem))
        return error(400, QStringLiteral("unsupported subsystem: ") + subsystem);
    const QString plugin = QString::fromUtf8(name);
    const bool stream = subsystem == QLatin1String("stream");
    const bool known = stream ? Validator::defaultStreamPlugins().contains(plugin)
                              : Validator::isEnabledByDefault(plugin) || m_store->customPlugins().contains(plugin);
    if (!known)
        return error(404, QStringLiteral("plugin not found in subsystem %1").arg(stream ? QStringLiteral("stream") : QStringLiteral("http")));
    const bool consumer = args.queryItemValue(QStringLiteral("schema_type")) == QLatin1String("consumer");
    const QJsonObject *schema = stream || consumer ? nullptr : pluginConfSchema(plugin);
    if (!schema)
        return error(501, QStringLiteral("RouteScope does not have the %1schema of plugin %2 (APISIX's Admin API serves it)")
                              .arg(consumer ? QStringLiteral("consumer ") : QString(), plugin));
    return json(200, *schema);
}

AdminReply AdminApi::list(ResourceKind kind, const QMap<QString, StoredResource> &map, const QUrlQuery &args, const QString &keyPrefix) const
{
    QList<QMap<QString, StoredResource>::const_iterator> items;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        // (GET /consumers lists consumers only, as apisix/consumer.lua filter_consumers_list leaves credentials out)
        if (it.key().startsWith(keyPrefix) && (!keyPrefix.isEmpty() || !Validator::isCredentialKey(it.key())) && listed(kind, it->value, args))
            items.append(it);
    const qsizetype total = items.size();
    // Paging (both page and page_size numbers) sorts by creation; without it the order is the keys'.
    bool pageOk = false, sizeOk = false;
    qint64 page = args.queryItemValue(QStringLiteral("page")).toLongLong(&pageOk);
    const qint64 pageSize = args.queryItemValue(QStringLiteral("page_size")).toLongLong(&sizeOk);
    if (pageOk && sizeOk) {
        if (pageSize < 10 || pageSize > 500)
            return {400, "page_size must be between 10 and 500", false};
        page = qMax<qint64>(page, 1);
        std::stable_sort(items.begin(), items.end(), [](auto a, auto b) { return a->order < b->order; });
        const qint64 from = (page - 1) * pageSize;
        items = from < items.size() ? items.mid(from, pageSize) : decltype(items)();
    }
    QJsonArray out;
    for (const auto &it : items)
        out.append(envelope(kind, it.key(), *it));
    return json(200, {{QStringLiteral("list"), out}, {QStringLiteral("total"), total}});
}
