#include "workspace.h"

#include "journal.h"
#include "jsonlocator.h"

#include "adminapi.h"
#include "atomicfile.h"
#include "clientsettings.h"
#include "configstore.h"
#include "dataencryption.h"
#include "plugincatalogue.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QStandardPaths>

#include <optional>

QByteArray generateAdminKey()
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    QByteArray key(32, '\0');
    for (char &c : key)
        c = alphabet[QRandomGenerator::system()->bounded(int(sizeof(alphabet) - 1))];
    return key;
}

QString Workspace::defaultPath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.local/share/routescope");
    return dir + QStringLiteral("/default.routescope.json");
}

Workspace Workspace::createDefault(const QString &path)
{
    Workspace w;
    w.path = path;
    w.adminKey = QString::fromLatin1(generateAdminKey());
    w.http = ClientSettings().toJson(); // written out, so the defaults can be seen and changed
    w.objects.upstreams.insert(QStringLiteral("demo"),
                       QJsonObject{{QStringLiteral("id"), QStringLiteral("demo")},
                                   {QStringLiteral("name"), QStringLiteral("Built-in demo upstream")},
                                   {QStringLiteral("type"), QStringLiteral("roundrobin")},
                                   {QStringLiteral("nodes"), QJsonObject{{QStringLiteral("127.0.0.1:1980"), 1}}}});
    w.objects.routes.insert(QStringLiteral("demo"),
                    QJsonObject{{QStringLiteral("id"), QStringLiteral("demo")},
                                {QStringLiteral("name"), QStringLiteral("Demo: /demo/* to the demo upstream, through ext-plugin-A of the demo runner")},
                                {QStringLiteral("uri"), QStringLiteral("/demo/*")},
                                {QStringLiteral("plugins"), QJsonObject{{QStringLiteral("ext-plugin-post-resp"), QJsonObject{
                                    {QStringLiteral("conf"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("ext-plugin-A")},
                                                                                   {QStringLiteral("value"), QStringLiteral("{\"enable\":\"feature\"}")}}}}}}}},
                                {QStringLiteral("upstream_id"), QStringLiteral("demo")}});
    w.pluginCatalogue = PluginCatalogue::demoRunner().toJson();
    // The demo runner that ships with RouteScope, so ext-plugin-* work out of the box.
    w.runner = QJsonObject{{QStringLiteral("cmd"), QJsonArray{QStringLiteral("routescope-demo-runner")}},
                           {QStringLiteral("conf_expire_time"), 3600}, {QStringLiteral("timeout"), 60}};
    return w;
}

QStringList Workspace::customPlugins() const
{
    QStringList names;
    for (const QJsonValue v : extra.value(QStringLiteral("apisix")).toObject().value(QStringLiteral("plugins")).toArray())
        names << v.toString();
    return names;
}

QStringList Workspace::dataKeyring() const
{
    const QJsonArray ring = extra.value(QStringLiteral("apisix")).toObject().value(QStringLiteral("data_encryption")).toObject()
                                .value(QStringLiteral("keyring")).toArray();
    QStringList keys;
    for (const QJsonValue v : ring)
        keys << v.toString();
    return keys.isEmpty() ? DataEncryption::defaultKeyring() : keys;
}

QString Workspace::dataEncryptionKey() const
{
    const QJsonValue enabled = extra.value(QStringLiteral("apisix")).toObject().value(QStringLiteral("data_encryption")).toObject()
                                   .value(QStringLiteral("enable_encrypt_fields"));
    return enabled == QJsonValue(false) ? QString() : dataKeyring().value(0);
}

Workspace::LoadResult Workspace::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        LoadResult out;
        out.error = QStringLiteral("cannot open workspace %1: %2").arg(path, file.errorString());
        return out;
    }
    return parse(path, file.readAll());
}

namespace {
const char *typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return "null";
    case QJsonValue::Bool: return "a boolean";
    case QJsonValue::Double: return "a number";
    case QJsonValue::String: return "a string";
    case QJsonValue::Array: return "an array";
    case QJsonValue::Object: return "an object";
    case QJsonValue::Undefined: break;
    }
    return "nothing";
}

// "line L, column C" of the value at `pointer`.
QString placeOf(const JsonLocator &locator, const QByteArray &data, const QString &pointer)
{
    return describeOffset(data, qMax<qsizetype>(0, locator.valueRange(pointer).start));
}

// A known key with a value of the wrong type would be read as its default and, at the next save, the
// user's value would be gone: it is an error naming the key, its line and column, and the file is left alone.
QString wrongType(const QJsonObject &o, const QByteArray &data)
{
    struct Expected
    {
        const char *key;
        QJsonValue::Type type;
        const char *what;
    };
    static const Expected expected[] = {
        {"proxy", QJsonValue::String, "a string (host:port)"},
        {"admin", QJsonValue::String, "a string (host:port)"},
        {"demo_upstream", QJsonValue::String, "a string (host:port, or empty for none)"},
        {"admin_key", QJsonValue::String, "a string"},
        {"admin_key_in_query", QJsonValue::Bool, "true or false"},
        {"workers", QJsonValue::Double, "a number"},
        {"capture_budget_mib", QJsonValue::Double, "a number"},
        {"capture_body_cap_kib", QJsonValue::Double, "a number"},
        {"http", QJsonValue::Object, "an object"},
        {"runner", QJsonValue::Object, "an object"},
        {"ui", QJsonValue::Object, "an object"},
        {"apisix", QJsonValue::Object, "an object"},
        {"plugin_catalogue", QJsonValue::Array, "an array"},
    };
    auto describe = [&](const QString &key, const QJsonValue &value, const QString &what) {
        return QStringLiteral("%1: \"%2\" must be %3, not %4").arg(placeOf(JsonLocator(data), data, QLatin1Char('/') + key), key, what,
                                                                   QLatin1String(typeName(value)));
    };
    for (const Expected &e : expected) {
        const QJsonValue value = o.value(QLatin1String(e.key));
        if (!value.isUndefined() && value.type() != e.type)
            return describe(QLatin1String(e.key), value, QLatin1String(e.what));
    }
    for (ResourceKind kind : kResourceKinds) {
        const QString key = resourcePlural(kind);
        const QJsonValue value = o.value(key);
        if (!value.isUndefined() && !value.isObject())
            return describe(key, value, QStringLiteral("an object of id: %1").arg(resourceNoun(kind)));
    }
    return {};
}
} // namespace

Workspace::LoadResult Workspace::parse(const QString &path, const QByteArray &data)
{
    LoadResult out;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &pe);
    if (pe.error != QJsonParseError::NoError) {
        out.error = QStringLiteral("%1: %2: %3").arg(path, describeOffset(data, pe.offset), pe.errorString());
        return out;
    }
    if (!doc.isObject()) {
        out.error = QStringLiteral("%1: line 1, column 1: a workspace is a JSON object").arg(path);
        return out;
    }
    QJsonObject o = doc.object();
    if (const QString error = wrongType(o, data); !error.isEmpty()) {
        out.error = path + QStringLiteral(": ") + error;
        return out;
    }
    Workspace &w = out.workspace;
    w.path = path;
    auto take = [&o](const char *key) { return o.take(QLatin1String(key)); };
    w.proxy = take("proxy").toString(w.proxy);
    w.admin = take("admin").toString(w.admin);
    const QJsonValue demo = take("demo_upstream");
    w.demoUpstream = demo.isUndefined() ? w.demoUpstream : demo.toString();
    w.workers = qMax(1, take("workers").toInt(w.workers));
    w.captureBudgetMiB = qMax(1, take("capture_budget_mib").toInt(w.captureBudgetMiB));
    w.captureBodyCapKiB = qMax(1, take("capture_body_cap_kib").toInt(w.captureBodyCapKiB));
    w.adminKey = take("admin_key").toString();
    w.adminKeyInQuery = take("admin_key_in_query").toBool();
    w.http = take("http").toObject();
    w.runner = take("runner").toObject();
    w.ui = take("ui").toObject();
    const QJsonValue catalogue = take("plugin_catalogue");
    w.pluginCatalogue = catalogue.isArray() ? catalogue.toArray() : PluginCatalogue::demoRunner().toJson();
    std::optional<JsonLocator> locator; // read once, and only when an entry needs its place
    for (qsizetype i = 0; i < w.pluginCatalogue.size(); ++i) {
        if (!w.pluginCatalogue.at(i).toObject().value(QStringLiteral("name")).toString().isEmpty())
            continue;
        if (!locator)
            locator.emplace(data);
        out.warnings << QStringLiteral("%1: %2: plugin_catalogue entry %3 has no \"name\": the editor does not offer it")
                            .arg(path, placeOf(*locator, data, QStringLiteral("/plugin_catalogue/%1").arg(i))).arg(i);
    }
    for (ResourceKind kind : kResourceKinds)
        w.objects.of(kind) = o.take(resourcePlural(kind)).toObject();
    const WorkspaceJournal::Replay replayed = WorkspaceJournal::replay(path, &w.objects);
    out.journalApplied = replayed.applied;
    out.journalProblem = replayed.problem;
    take("routescope_workspace");
    w.extra = o;
    return out;
}

QJsonObject Workspace::toJson() const
{
    QJsonObject o = extra;
    o.insert(QStringLiteral("routescope_workspace"), 1);
    o.insert(QStringLiteral("proxy"), proxy);
    o.insert(QStringLiteral("admin"), admin);
    o.insert(QStringLiteral("demo_upstream"), demoUpstream);
    o.insert(QStringLiteral("workers"), workers);
    o.insert(QStringLiteral("capture_budget_mib"), captureBudgetMiB);
    o.insert(QStringLiteral("capture_body_cap_kib"), captureBodyCapKiB);
    if (!adminKey.isEmpty())
        o.insert(QStringLiteral("admin_key"), adminKey);
    if (adminKeyInQuery)
        o.insert(QStringLiteral("admin_key_in_query"), true);
    if (!http.isEmpty())
        o.insert(QStringLiteral("http"), http);
    o.insert(QStringLiteral("runner"), runner);
    o.insert(QStringLiteral("ui"), ui);
    o.insert(QStringLiteral("plugin_catalogue"), pluginCatalogue);
    for (ResourceKind kind : kResourceKinds) // routes and upstreams always; the other kinds once they have objects
        if (kind == ResourceKind::Route || kind == ResourceKind::Upstream || !objects.of(kind).isEmpty())
            o.insert(resourcePlural(kind), objects.of(kind));
    return o;
}

QString Workspace::save() const
{
    return writeFileAtomically(path, QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
}

namespace {
// What the store holds, and each refused entry whose id it does not hold (a stored one replaces it for good).
QJsonObject withRefused(QJsonObject stored, QJsonObject &refused)
{
    for (auto it = refused.begin(); it != refused.end();) {
        if (stored.contains(it.key())) {
            it = refused.erase(it);
            continue;
        }
        stored.insert(it.key(), it.value());
        ++it;
    }
    return stored;
}

QJsonObject notIn(const QJsonObject &file, const QJsonObject &stored)
{
    QJsonObject out;
    for (auto it = file.begin(); it != file.end(); ++it)
        if (!stored.contains(it.key()))
            out.insert(it.key(), it.value());
    return out;
}
} // namespace

void Workspace::keepRefused(const ConfigStore &store)
{
    for (ResourceKind kind : kResourceKinds)
        refused.of(kind) = notIn(objects.of(kind), store.toJson(kind));
}

void Workspace::forgetRefused(ResourceKind kind, const QString &id)
{
    refused.of(kind).remove(id);
}

void Workspace::takeConfigFrom(const ConfigStore &store)
{
    for (ResourceKind kind : kResourceKinds)
        objects.of(kind) = withRefused(store.toJson(kind), refused.of(kind));
}
