#include "adminapi.h"

#include "configstore.h"
#include "validator.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

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

QJsonObject envelope(ResourceKind kind, const QString &id, const StoredResource &res)
{
    return {{QStringLiteral("key"), QStringLiteral("/apisix/%1/%2").arg(resourcePlural(kind), id)},
            {QStringLiteral("value"), res.value},
            {QStringLiteral("createdIndex"), qint64(res.order)},
            {QStringLiteral("modifiedIndex"), qint64(res.version)}};
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

AdminReply fromOutcome(ResourceKind kind, const QString &id, const ConfigStore::Outcome &o)
{
    if (o.status >= 400)
        return error(o.status, o.error);
    return json(o.status, envelope(kind, id, o.stored));
}
} // namespace

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
    if (given.isNull() && !request.query.isNull())
        given = QUrlQuery(QString::fromUtf8(request.query)).queryItemValue(QStringLiteral("api_key")).toUtf8();
    return secretsEqual(given, m_key);
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

AdminApi::Refusal AdminApi::checkHead(const HttpRequest &head) const
{
    if (m_loopbackOnly && head.headers.contains("host") && !isLoopbackHost(head.host()))
        return {403, QStringLiteral("the Admin API listens on loopback and answers only Host localhost, 127.0.0.1 or [::1]")};
    if (!head.path.startsWith(kPrefix))
        return {404, QStringLiteral("not found: %1").arg(QString::fromUtf8(head.path))};
    if (!authorised(head))
        return {401, QStringLiteral("failed to check token")};
    if (const qint64 length = head.headers.value("content-length").toLongLong(); length > kMaxBodyBytes)
        return {400, QStringLiteral("invalid request body: request size %1 is greater than the maximum size %2 allowed")
                         .arg(length).arg(kMaxBodyBytes)};
    return {};
}

AdminReply AdminApi::handle(const HttpRequest &request) const
{
    if (const Refusal refused = checkHead(request); refused.status)
        return error(refused.status, refused.message);

    QList<QByteArray> parts = request.path.mid(kPrefix.size()).split('/');
    while (!parts.isEmpty() && parts.last().isEmpty())
        parts.removeLast();
    const QByteArray &method = request.method;

    if (parts.size() == 3 && parts[0] == "schema" && parts[1] == "validate") {
        if (method != "POST")
            return error(405, QStringLiteral("method %1 not allowed").arg(QString::fromLatin1(method)));
        const ResourceKind kind = parts[2] == "upstreams" ? ResourceKind::Upstream : ResourceKind::Route;
        if (parts[2] != "routes" && parts[2] != "upstreams")
            return error(404, QStringLiteral("no schema for %1").arg(QString::fromUtf8(parts[2])));
        const BodyResult body = parseBody(request.body);
        if (!body.error.isEmpty())
            return error(400, body.error);
        const Problems problems = m_store->check(kind, body.object);
        if (hasErrors(problems))
            return error(400, firstErrorMessage(problems));
        return json(200, {});
    }

    if (parts.isEmpty() || parts.size() > 2 || (parts[0] != "routes" && parts[0] != "upstreams"))
        return error(404, QStringLiteral("not found: %1").arg(QString::fromUtf8(request.path)));
    const ResourceKind kind = parts[0] == "routes" ? ResourceKind::Route : ResourceKind::Upstream;
    const QString id = parts.size() == 2 ? QString::fromUtf8(parts[1]) : QString();
    const QString noun = kind == ResourceKind::Route ? QStringLiteral("route") : QStringLiteral("upstream");

    if (method == "GET") {
        const auto snap = m_store->snapshot();
        const auto &map = kind == ResourceKind::Route ? snap->routes : snap->upstreams;
        if (id.isEmpty()) {
            QJsonArray list;
            for (auto it = map.cbegin(); it != map.cend(); ++it)
                list.append(envelope(kind, it.key(), *it));
            return json(200, {{QStringLiteral("list"), list}, {QStringLiteral("total"), list.size()}});
        }
        const auto it = map.constFind(id);
        if (it == map.constEnd())
            return error(404, QStringLiteral("%1 %2 not found").arg(noun, id));
        return json(200, envelope(kind, id, *it));
    }
    if (method == "DELETE") {
        if (id.isEmpty())
            return error(400, QStringLiteral("missing %1 id").arg(noun));
        const auto outcome = m_store->remove(kind, id);
        if (outcome.status >= 400)
            return error(outcome.status, outcome.error);
        return json(200, {{QStringLiteral("key"), QStringLiteral("/apisix/%1/%2").arg(resourcePlural(kind), id)},
                          {QStringLiteral("deleted"), QStringLiteral("1")}});
    }
    if (method != "PUT" && method != "POST" && method != "PATCH")
        return error(405, QStringLiteral("method %1 not allowed").arg(QString::fromLatin1(method)));

    const BodyResult body = parseBody(request.body);
    if (!body.error.isEmpty())
        return error(400, body.error);
    if (method == "POST") {
        if (!id.isEmpty())
            return error(405, QStringLiteral("POST creates a %1 with a generated id: use PUT to choose the id").arg(noun));
        const QString newId = m_store->generateId();
        QJsonObject value = body.object;
        value.remove(QStringLiteral("id"));
        return fromOutcome(kind, newId, m_store->put(kind, newId, value));
    }
    if (method == "PATCH") {
        if (id.isEmpty())
            return error(400, QStringLiteral("missing %1 id").arg(noun));
        return fromOutcome(kind, id, m_store->patch(kind, id, body.object));
    }
    // PUT: the id comes from the path, or from the body (APISIX v3 accepts both).
    QString putId = id;
    if (putId.isEmpty()) {
        const QJsonValue bodyId = body.object.value(QStringLiteral("id"));
        putId = Validator::idText(bodyId);
        if (putId.isEmpty())
            return error(400, QStringLiteral("missing %1 id").arg(noun));
    }
    return fromOutcome(kind, putId, m_store->put(kind, putId, body.object));
}
