#include "adminsync.h"

#include "configexport.h"
#include "dataencryption.h"
#include "validator.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace AdminSync {
namespace {

// What the Admin API keeps itself: left out of comparisons and of what is written.
QJsonObject comparable(QJsonObject o)
{
    for (const char *key : {"create_time", "update_time", "id"})
        o.remove(QLatin1String(key));
    return o;
}

QString shortJson(const QJsonValue &v)
{
    QString text = v.isString() ? QStringLiteral("\"%1\"").arg(v.toString())
                                : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    if (text.size() > 60)
        text = text.left(57) + QStringLiteral("...");
    return text;
}

QStringList fieldDiff(const QJsonObject &from, const QJsonObject &to)
{
    QStringList out;
    QStringList keys = from.keys() + to.keys();
    keys.removeDuplicates();
    keys.sort();
    for (const QString &key : std::as_const(keys)) {
        if (!from.contains(key))
            out << QStringLiteral("+ %1: %2").arg(key, shortJson(to.value(key)));
        else if (!to.contains(key))
            out << QStringLiteral("- %1").arg(key);
        else if (from.value(key) != to.value(key))
            out << QStringLiteral("%1: %2 -> %3").arg(key, shortJson(from.value(key)), shortJson(to.value(key)));
    }
    return out;
}

bool hasLabel(const QJsonObject &o, const Label &label)
{
    return o.value(QStringLiteral("labels")).toObject().value(label.key).toString() == label.value;
}

} // namespace

std::optional<Label> labelFromText(const QString &text)
{
    const qsizetype eq = text.indexOf(QLatin1Char('='));
    if (eq <= 0)
        return std::nullopt;
    return Label{text.left(eq), text.mid(eq + 1)};
}

namespace {
// The seeds and, until nothing more is added, what they refer to.
ResourceObjects withReferences(const ResourceObjects &objects, QList<std::pair<ResourceKind, QString>> pending)
{
    ResourceObjects out;
    while (!pending.isEmpty()) {
        const auto [kind, id] = pending.takeFirst();
        if (out.of(kind).contains(id) || !objects.of(kind).contains(id))
            continue;
        const QJsonObject o = objects.of(kind).value(id).toObject();
        out.of(kind).insert(id, o);
        for (const auto &[field, referred] : {std::pair{"upstream_id", ResourceKind::Upstream}, std::pair{"service_id", ResourceKind::Service},
                                             std::pair{"plugin_config_id", ResourceKind::PluginConfig}})
            if (o.contains(QLatin1String(field)))
                pending.append({referred, Validator::idText(o.value(QLatin1String(field)))});
    }
    return out;
}
} // namespace

ResourceObjects selectByLabel(const ResourceObjects &objects, const Label &label)
{
    QList<std::pair<ResourceKind, QString>> chosen;
    for (ResourceKind kind : kResourceKinds)
        for (auto it = objects.of(kind).begin(); it != objects.of(kind).end(); ++it)
            if (hasLabel(it.value().toObject(), label))
                chosen.append({kind, it.key()});
    return withReferences(objects, chosen);
}

ResourceObjects selectByIds(const ResourceObjects &objects, const QStringList &ids, QStringList *unknown)
{
    QList<std::pair<ResourceKind, QString>> chosen;
    for (const QString &text : ids) {
        const qsizetype slash = text.indexOf(QLatin1Char('/'));
        std::optional<ResourceKind> kind = ResourceKind::Route;
        if (slash > 0) {
            kind = std::nullopt;
            for (ResourceKind k : kResourceKinds) // "route", "plugin_config" or "plugin config", "routes"
                if (text.left(slash) == resourceNoun(k) || text.left(slash) == resourcePlural(k)
                    || QString(text.left(slash)).replace(QLatin1Char('_'), QLatin1Char(' ')) == resourceNoun(k))
                    kind = k;
        }
        const QString id = slash > 0 ? text.mid(slash + 1) : text;
        if (!kind || !objects.of(*kind).contains(id)) {
            *unknown << text;
            continue;
        }
        chosen.append({*kind, id});
    }
    return withReferences(objects, chosen);
}

ResourceObjects select(const ResourceObjects &all, const Selection &selection, QStringList *leftOut, QStringList *unknown)
{
    ResourceObjects out = selection.includeDemo ? all : ConfigExport::forProduction(all, leftOut);
    if (selection.label)
        out = selectByLabel(out, *selection.label);
    if (selection.ids)
        out = selectByIds(out, *selection.ids, unknown);
    return out;
}

QString Change::title() const
{
    static const char *const verbs[] = {"create", "update", "delete"};
    return QStringLiteral("%1 %2 %3").arg(QLatin1String(verbs[int(action)]), resourceNoun(kind), id);
}

QString Change::text() const
{
    QString line = title();
    if (!fields.isEmpty())
        line += QStringLiteral(": ") + fields.join(QStringLiteral("; "));
    return line;
}

QString Plan::text() const
{
    if (changes.isEmpty())
        return QStringLiteral("nothing to do: the target holds the workspace's configuration");
    QStringList lines;
    for (const Change &c : changes)
        lines << c.text();
    return lines.join(QLatin1Char('\n'));
}

Plan planSync(const ResourceObjects &desired, const ResourceObjects &current, bool prune, const std::optional<Label> &label)
{
    Plan plan;
    for (ResourceKind kind : kResourceKinds) { // what is referred to first
        const QJsonObject &want = desired.of(kind);
        for (auto it = want.begin(); it != want.end(); ++it) {
            const QJsonObject value = comparable(it.value().toObject());
            if (!current.of(kind).contains(it.key())) {
                plan.changes.append({Change::Action::Create, kind, it.key(), {}, value});
                continue;
            }
            QJsonObject compared = value;
            if (kind == ResourceKind::Ssl) { // APISIX never answers an ssl's private keys: they cannot be compared
                compared.remove(QStringLiteral("key"));
                compared.remove(QStringLiteral("keys"));
            }
            const QStringList fields = fieldDiff(comparable(current.of(kind).value(it.key()).toObject()), compared);
            if (!fields.isEmpty())
                plan.changes.append({Change::Action::Update, kind, it.key(), fields, value});
        }
    }
    if (!prune)
        return plan;
    for (auto kind = std::rbegin(kResourceKinds); kind != std::rend(kResourceKinds); ++kind) { // users before what they use
        const QJsonObject &there = current.of(*kind);
        for (auto it = there.begin(); it != there.end(); ++it)
            if (!desired.of(*kind).contains(it.key()) && (!label || hasLabel(it.value().toObject(), *label)))
                plan.changes.append({Change::Action::Delete, *kind, it.key(), {}, {}});
    }
    return plan;
}

AdminClient::AdminClient(QUrl base, QByteArray key, int timeoutMs)
    : m_base(std::move(base)), m_key(std::move(key)), m_keyring(DataEncryption::defaultKeyring()), m_timeoutMs(timeoutMs),
      m_manager(std::make_unique<QNetworkAccessManager>())
{
}

AdminClient::~AdminClient() = default;

AdminClient::Reply AdminClient::request(const QByteArray &method, const QString &path, const QByteArray &body) const
{
    QUrl url = m_base;
    url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0) + path);
    QNetworkRequest req(url);
    req.setRawHeader("X-API-KEY", m_key);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setTransferTimeout(m_timeoutMs);
    QNetworkReply *reply = m_manager->sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Reply out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    if (out.status == 0)
        out.error = reply->errorString();
    reply->deleteLater();
    return out;
}

std::optional<ResourceObjects> AdminClient::fetchAll(QString *error) const
{
    ResourceObjects out;
    for (ResourceKind kind : kResourceKinds) {
        const Reply r = request("GET", QStringLiteral("/apisix/admin/") + resourcePlural(kind));
        if (kind == ResourceKind::StreamRoute && r.status == 400)
            continue; // "stream mode is disabled": production has none
        if (r.status != 200) {
            const QString why = r.status ? QJsonDocument::fromJson(r.body).object().value(QStringLiteral("error_msg")).toString() : r.error;
            *error = QStringLiteral("GET /apisix/admin/%1: %2%3").arg(resourcePlural(kind), r.status ? QString::number(r.status) + QLatin1Char(' ') : QString(), why);
            return std::nullopt;
        }
        // APISIX 3: {"list": [{"key": "/apisix/routes/1", "value": {…}}, …], "total": N}; an empty list may come as {}.
        const QJsonValue list = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("list"));
        for (const QJsonValue item : list.toArray()) {
            QJsonObject value = item.toObject().value(QStringLiteral("value")).toObject();
            QString id = Validator::idText(value.value(QStringLiteral("id")));
            if (id.isEmpty())
                id = item.toObject().value(QStringLiteral("key")).toString().section(QLatin1Char('/'), -1);
            DataEncryption::decryptObject(kind, id, value, m_keyring); // as the target keeps it, opened
            out.of(kind).insert(id, value);
            if (kind != ResourceKind::Consumer)
                continue;
            // A consumer's credentials are not in the list (apisix/consumer.lua filter_consumers_list): asked for each.
            const QString path = QStringLiteral("/apisix/admin/consumers/%1/credentials").arg(id);
            const Reply c = request("GET", path);
            if (c.status == 404)
                continue; // an APISIX before 3.7: no credentials
            if (c.status != 200) {
                *error = QStringLiteral("GET %1: %2").arg(path, c.status ? QString::number(c.status) : c.error);
                return std::nullopt;
            }
            for (const QJsonValue cr : QJsonDocument::fromJson(c.body).object().value(QStringLiteral("list")).toArray()) {
                const QString key = cr.toObject().value(QStringLiteral("key")).toString().section(QStringLiteral("/consumers/"), 1);
                if (!Validator::isCredentialKey(key))
                    continue;
                QJsonObject credential = cr.toObject().value(QStringLiteral("value")).toObject();
                DataEncryption::decryptObject(kind, key, credential, m_keyring);
                out.of(kind).insert(key, credential);
            }
        }
    }
    return out;
}

AdminClient::Answer AdminClient::apply(const Change &change) const
{
    const QString path = QStringLiteral("/apisix/admin/%1/%2").arg(resourcePlural(change.kind), QString::fromLatin1(QUrl::toPercentEncoding(change.id, change.kind == ResourceKind::Secret || Validator::isCredentialKey(change.id) ? "/" : "")));
    const Reply r = change.action == Change::Action::Delete
        ? request("DELETE", path)
        : request("PUT", path, QJsonDocument(change.value).toJson(QJsonDocument::Compact));
    Answer a;
    a.status = r.status;
    // APISIX's errors say error_msg; a key etcd does not have says {"message": "Key not found"}.
    const QJsonObject body = QJsonDocument::fromJson(r.body).object();
    a.message = r.status ? body.value(QStringLiteral("error_msg")).toString(body.value(QStringLiteral("message")).toString()) : r.error;
    return a;
}

QString AdminClient::Answer::text() const
{
    if (succeeded(*this))
        return QString::number(status);
    return QStringLiteral("%1 %2").arg(status ? QString::number(status) : QStringLiteral("failed"), message);
}

bool succeeded(const AdminClient::Answer &answer)
{
    return answer.status >= 200 && answer.status < 300;
}

qsizetype applyPlan(const AdminClient &client, const Plan &plan,
                    const std::function<void(const Change &, const AdminClient::Answer &)> &done)
{
    qsizetype applied = 0;
    for (const Change &change : plan.changes) {
        const AdminClient::Answer answer = client.apply(change);
        done(change, answer);
        if (!succeeded(answer))
            break;
        ++applied;
    }
    return applied;
}

} // namespace AdminSync
