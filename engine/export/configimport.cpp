#include "configimport.h"

#include "configexport.h"
#include "configstore.h"
#include "jsonlocator.h"
#include "jsonnumber.h"
#include "validator.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

#include <yaml-cpp/yaml.h>

namespace ConfigImport {
namespace {

struct Entry
{
    QJsonValue value;
    QString where; // "line 3, column 5"
};
// The file's lists by top-level key, in the file's order.
using Lists = QList<std::pair<QString, QList<Entry>>>;

struct Parsed
{
    QString error;
    Lists lists;
    QStringList warnings;
};

QString at(int line, int column) { return QStringLiteral("line %1, column %2").arg(line).arg(column); }
QString at(const YAML::Mark &mark) { return at(mark.line + 1, mark.column + 1); } // yaml-cpp counts from 0

// A plain YAML scalar as YAML 1.2's core schema reads it (what APISIX's YAML loader gives Lua): true/false,
// null, integers and floats; a quoted one is always text.
QJsonValue yamlScalar(const YAML::Node &node)
{
    const QString text = QString::fromStdString(node.Scalar());
    if (node.Tag() == "!")
        return text;
    static const QRegularExpression integer(QStringLiteral("^[-+]?[0-9]+$"));
    static const QRegularExpression real(QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));
    if (text == QLatin1String("true") || text == QLatin1String("True") || text == QLatin1String("TRUE"))
        return true;
    if (text == QLatin1String("false") || text == QLatin1String("False") || text == QLatin1String("FALSE"))
        return false;
    if (text.isEmpty() || text == QLatin1String("~") || text == QLatin1String("null") || text == QLatin1String("Null")
        || text == QLatin1String("NULL"))
        return QJsonValue::Null;
    if (integer.match(text).hasMatch() || real.match(text).hasMatch())
        return text.toDouble();
    return text;
}

QJsonValue yamlToJson(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Scalar:
        return yamlScalar(node);
    case YAML::NodeType::Sequence: {
        QJsonArray out;
        for (const YAML::Node &item : node)
            out.append(yamlToJson(item));
        return out;
    }
    case YAML::NodeType::Map: {
        QJsonObject out;
        for (const auto &member : node)
            out.insert(QString::fromStdString(member.first.as<std::string>()), yamlToJson(member.second));
        return out;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        break;
    }
    return QJsonValue::Null;
}

// An id an entry can be stored under: Validator::idText's, of whole numbers only.
QString idText(const QJsonValue &id)
{
    return id.isDouble() && id.toDouble() != double(clampedInt<qint64>(id.toDouble())) ? QString() : Validator::idText(id);
}

// The document's top mapping; empty `error` when there is one.
YAML::Node yamlRoot(const QByteArray &text, QString *error)
{
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::ParserException &e) {
        *error = QStringLiteral("%1: %2").arg(at(e.mark), QString::fromStdString(e.msg));
        return {};
    }
    if (root.IsNull())
        *error = QStringLiteral("the file holds no configuration");
    else if (!root.IsMap())
        *error = QStringLiteral("%1: expected a mapping of routes, upstreams, … at the top").arg(at(root.Mark()));
    return root;
}

Parsed parseYaml(const QByteArray &text)
{
    Parsed out;
    const YAML::Node root = yamlRoot(text, &out.error);
    if (!out.error.isEmpty())
        return out;
    try {
        for (const auto &member : root) {
            const QString key = QString::fromStdString(member.first.as<std::string>());
            const YAML::Node &list = member.second;
            QList<Entry> entries;
            if (list.IsSequence()) {
                for (const YAML::Node &item : list)
                    entries.append({yamlToJson(item), at(item.Mark())});
            } else if (!list.IsNull()) {
                out.error = QStringLiteral("%1: \"%2\" must be a list").arg(at(list.Mark()), key);
                return out;
            }
            out.lists.append({key, entries});
        }
    } catch (const YAML::Exception &e) {
        out.error = QStringLiteral("%1: %2").arg(at(e.mark), QString::fromStdString(e.msg));
        return out;
    }
    if (!text.trimmed().endsWith("#END"))
        out.warnings << QStringLiteral("the file does not end with #END: APISIX's standalone mode waits for it before loading a file");
    return out;
}

// ADC's fields back to APISIX's: "description" is "desc", labels are text (a list becomes its JSON).
QJsonObject fromAdc(const QJsonObject &adc, std::initializer_list<const char *> keys)
{
    QJsonObject out;
    for (const char *key : keys) {
        const QString name = QLatin1String(key);
        if (!adc.contains(name))
            continue;
        QJsonValue v = adc.value(name);
        if (name == QLatin1String("labels")) {
            QJsonObject labels = v.toObject();
            for (auto it = labels.begin(); it != labels.end(); ++it)
                if (!it.value().isString())
                    it.value() = QString::fromUtf8(QJsonDocument(it.value().toArray()).toJson(QJsonDocument::Compact));
            v = labels;
        }
        out.insert(name == QLatin1String("description") ? QStringLiteral("desc") : name, v);
    }
    return out;
}

// ADC's consumers, ssls and plugin_metadata as APISIX objects (ConfigExport::toAdcYaml writes them so).
QList<Entry> adcStored(const QString &key, const YAML::Node &value)
{
    QList<Entry> entries;
    if (key == QLatin1String("plugin_metadata")) { // {plugin: its metadata}
        for (const auto &item : value) {
            QJsonObject m = yamlToJson(item.second).toObject();
            m.insert(QStringLiteral("id"), QString::fromStdString(item.first.as<std::string>()));
            entries.append({m, at(item.first.Mark())});
        }
        return entries;
    }
    for (const YAML::Node &node : value) {
        const QJsonObject adc = yamlToJson(node).toObject();
        if (key == QLatin1String("consumers")) { // each ADC credential as the consumer's credential <username>/credentials/<name>
            const QString username = adc.value(QStringLiteral("username")).toString();
            entries.append({fromAdc(adc, {"username", "description", "labels", "plugins"}), at(node.Mark())});
            const YAML::Node list = node["credentials"];
            for (qsizetype i = 0; list && list.IsSequence() && i < qsizetype(list.size()); ++i) {
                const QJsonObject cr = yamlToJson(list[std::size_t(i)]).toObject();
                QJsonObject credential = fromAdc(cr, {"description", "labels"});
                credential.insert(QStringLiteral("id"), QStringLiteral("%1/credentials/%2").arg(username, cr.value(QStringLiteral("name")).toString()));
                credential.insert(QStringLiteral("plugins"), QJsonObject{{cr.value(QStringLiteral("type")).toString(), cr.value(QStringLiteral("config"))}});
                entries.append({credential, at(list[std::size_t(i)].Mark())});
            }
            continue;
        }
        QJsonObject ssl = fromAdc(adc, {"type", "labels", "client", "ssl_protocols", "snis"});
        const QJsonArray certificates = adc.value(QStringLiteral("certificates")).toArray();
        if (!certificates.isEmpty()) {
            ssl.insert(QStringLiteral("cert"), certificates.first().toObject().value(QStringLiteral("certificate")));
            ssl.insert(QStringLiteral("key"), certificates.first().toObject().value(QStringLiteral("key")));
        }
        QJsonArray certs, keys;
        for (qsizetype i = 1; i < certificates.size(); ++i) {
            certs.append(certificates[i].toObject().value(QStringLiteral("certificate")));
            keys.append(certificates[i].toObject().value(QStringLiteral("key")));
        }
        if (!certs.isEmpty()) {
            ssl.insert(QStringLiteral("certs"), certs);
            ssl.insert(QStringLiteral("keys"), keys);
        }
        ssl.insert(QStringLiteral("id"), adc.contains(QStringLiteral("id")) ? idText(adc.value(QStringLiteral("id")))
                                                                            : ConfigExport::adcId(adc.value(QStringLiteral("snis")).toArray().first().toString()));
        entries.append({ssl, at(node.Mark())});
    }
    return entries;
}

Parsed parseAdc(const QByteArray &text)
{
    Parsed out;
    const YAML::Node root = yamlRoot(text, &out.error);
    if (!out.error.isEmpty())
        return out;
    QList<Entry> upstreams, services, routes, globals;
    try {
        for (const auto &member : root) {
            const QString key = QString::fromStdString(member.first.as<std::string>());
            const YAML::Node &value = member.second;
            if (key == QLatin1String("services")) {
                if (!value.IsSequence()) {
                    out.error = QStringLiteral("%1: \"services\" must be a list").arg(at(value.Mark()));
                    return out;
                }
                for (const YAML::Node &node : value) {
                    const QJsonObject s = yamlToJson(node).toObject();
                    const QString name = s.value(QStringLiteral("name")).toString();
                    const QString id = s.contains(QStringLiteral("id")) ? idText(s.value(QStringLiteral("id"))) : ConfigExport::adcId(name);
                    QJsonObject service = fromAdc(s, {"name", "description", "labels", "hosts", "plugins"});
                    service.insert(QStringLiteral("id"), id);
                    if (s.contains(QStringLiteral("upstream"))) {
                        QJsonObject upstream = fromAdc(s.value(QStringLiteral("upstream")).toObject(),
                                                       {"description", "labels", "type", "hash_on", "key", "checks", "nodes", "scheme", "retries",
                                                        "retry_timeout", "timeout", "tls", "keepalive_pool", "pass_host", "upstream_host",
                                                        "service_name", "discovery_type", "discovery_args"});
                        upstream.insert(QStringLiteral("id"), id);
                        if (!name.isEmpty())
                            upstream.insert(QStringLiteral("name"), name);
                        upstreams.append({upstream, at(node[std::string("upstream")].Mark())});
                        service.insert(QStringLiteral("upstream_id"), id);
                    }
                    services.append({service, at(node.Mark())});
                    const YAML::Node list = node["routes"];
                    if (!list || !list.IsSequence())
                        continue;
                    for (const YAML::Node &routeNode : list) {
                        const QJsonObject r = yamlToJson(routeNode).toObject();
                        QJsonObject route = fromAdc(r, {"name", "description", "labels", "uris", "hosts", "methods", "remote_addrs", "vars",
                                                        "filter_func", "enable_websocket", "plugins", "priority", "timeout"});
                        route.insert(QStringLiteral("id"), r.contains(QStringLiteral("id")) ? idText(r.value(QStringLiteral("id")))
                                                                                           : ConfigExport::adcId(name + QLatin1Char('.') + r.value(QStringLiteral("name")).toString()));
                        route.insert(QStringLiteral("service_id"), id);
                        route.insert(QStringLiteral("status"), 1);
                        routes.append({route, at(routeNode.Mark())});
                    }
                }
            } else if (key == QLatin1String("global_rules")) {
                for (const auto &rule : value)
                    globals.append({QJsonObject{{QStringLiteral("id"), QString::fromStdString(rule.first.as<std::string>())},
                                                {QStringLiteral("plugins"), QJsonObject{{QString::fromStdString(rule.first.as<std::string>()), yamlToJson(rule.second)}}}},
                                    at(rule.first.Mark())});
            } else if (key == QLatin1String("consumers") || key == QLatin1String("ssls") || key == QLatin1String("plugin_metadata")) {
                out.lists.append({key, adcStored(key, value)});
            } else {
                QList<Entry> entries; // what ADC has and RouteScope not: named in the report, not taken
                if (value.IsSequence())
                    for (const YAML::Node &node : value)
                        entries.append({yamlToJson(node), at(node.Mark())});
                else if (value.IsMap())
                    for (const auto &item : value)
                        entries.append({QJsonObject{{QStringLiteral("id"), QString::fromStdString(item.first.as<std::string>())}}, at(item.first.Mark())});
                out.lists.append({key, entries});
            }
        }
    } catch (const YAML::Exception &e) {
        out.error = QStringLiteral("%1: %2").arg(at(e.mark), QString::fromStdString(e.msg));
        return out;
    }
    out.lists.prepend({QStringLiteral("global_rules"), globals});
    out.lists.prepend({QStringLiteral("routes"), routes});
    out.lists.prepend({QStringLiteral("services"), services});
    out.lists.prepend({QStringLiteral("upstreams"), upstreams});
    return out;
}

// The lines of an Admin API script: `curl … "$APISIX_ADMIN/apisix/admin/<kind>/<id>" … -X PUT -d '<json>'`,
// the JSON in single quotes with each ' written as '\''. Comments, blank lines and the shell's own lines
// pass; any other curl line is an error, so nothing is dropped silently.
Parsed parseCurl(const QByteArray &text)
{
    static const QRegularExpression put(QStringLiteral("^curl .*\"\\$APISIX_ADMIN/apisix/admin/([a-z_]+)/([^\"]+)\".* -X PUT -d '(.*)'$"));
    Parsed out;
    QHash<QString, QList<Entry>> byKind;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype n = 0; n < lines.size(); ++n) {
        const QString line = QString::fromUtf8(lines[n]).trimmed();
        if (!line.startsWith(QLatin1String("curl ")))
            continue;
        const QRegularExpressionMatch m = put.match(line);
        if (!m.hasMatch()) {
            out.error = QStringLiteral("%1: not a PUT of the Admin API as RouteScope writes it").arg(at(int(n) + 1, 1));
            return out;
        }
        const QByteArray json = m.captured(3).replace(QStringLiteral("'\\''"), QStringLiteral("'")).toUtf8();
        QJsonParseError pe;
        QJsonObject value = QJsonDocument::fromJson(json, &pe).object();
        if (pe.error != QJsonParseError::NoError) {
            out.error = QStringLiteral("%1: %2").arg(at(int(n) + 1, int(m.capturedStart(3)) + 1 + int(pe.offset)), pe.errorString());
            return out;
        }
        const QString id = QUrl::fromPercentEncoding(m.captured(2).toUtf8());
        if (m.captured(1) == QLatin1String("consumers") && !Validator::isCredentialKey(id)) { // keyed by its username; an id would make it a credential
            if (!value.contains(QStringLiteral("username")))
                value.insert(QStringLiteral("username"), id);
        } else {
            value.insert(QStringLiteral("id"), id);
        }
        byKind[m.captured(1)].append({value, at(int(n) + 1, 1)});
    }
    for (auto it = byKind.begin(); it != byKind.end(); ++it)
        out.lists.append({it.key(), it.value()});
    return out;
}

Parsed parseJson(const QByteArray &text)
{
    Parsed out;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &pe);
    if (pe.error != QJsonParseError::NoError) {
        const auto [line, column] = lineColumn(text, pe.offset);
        out.error = QStringLiteral("%1: %2").arg(at(line, column), pe.errorString());
        return out;
    }
    if (!doc.isObject()) {
        out.error = QStringLiteral("%1: expected an object of routes, upstreams, … at the top").arg(at(1, 1));
        return out;
    }
    const JsonLocator locator(text);
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QString pointer = QLatin1Char('/') + pointerToken(it.key());
        const auto where = [&](const QString &p) {
            const auto [line, column] = lineColumn(text, locator.valueRange(p).start);
            return at(line, column);
        };
        QList<Entry> entries;
        if (it.value().isArray()) {
            const QJsonArray list = it.value().toArray();
            for (qsizetype i = 0; i < list.size(); ++i)
                entries.append({list.at(i), where(pointer + QLatin1Char('/') + QString::number(i))});
        } else if (!it.value().isNull()) {
            out.error = QStringLiteral("%1: \"%2\" must be a list").arg(where(pointer), it.key());
            return out;
        }
        out.lists.append({it.key(), entries});
    }
    return out;
}

// An entry of a kind RouteScope does not have, as the report names it: its id or username, and a space.
QString entryName(const QJsonValue &entry)
{
    const QJsonObject o = entry.toObject();
    QString name = idText(o.value(QStringLiteral("id")));
    if (name.isEmpty())
        name = o.value(QStringLiteral("username")).toString();
    return name.isEmpty() ? QString() : name + QLatin1Char(' ');
}

} // namespace

int Report::count() const
{
    int n = 0;
    for (ResourceKind kind : kResourceKinds)
        n += int(objects.of(kind).size());
    return n;
}

Format formatOf(const QString &fileName, const QByteArray &text)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    if (suffix == QLatin1String("json") || text.trimmed().startsWith('{'))
        return Format::ApisixJson;
    if (text.startsWith("#!") && text.contains("/apisix/admin/"))
        return Format::AdminCurl;
    // ADC nests routes in services and has no top-level routes or upstreams.
    static const QRegularExpression apisixKeys(QStringLiteral("^(routes|upstreams|plugin_configs):"), QRegularExpression::MultilineOption);
    static const QRegularExpression nestedRoutes(QStringLiteral("^\\s+routes:"), QRegularExpression::MultilineOption);
    const QString head = QString::fromUtf8(text.left(1 << 20));
    return !apisixKeys.match(head).hasMatch() && nestedRoutes.match(head).hasMatch() ? Format::Adc : Format::ApisixYaml;
}

namespace {
Report validated(const Parsed &parsed, const ResourceObjects &existing, const QStringList &customPlugins)
{
    Report report;
    report.warnings = parsed.warnings;
    // Each entry by kind and id, where it is, before validation.
    ResourceObjects merged = existing;
    QHash<QString, QString> whereOf; // "route\n1" -> position
    QList<std::pair<ResourceKind, QString>> order;
    const auto entryKey = [](ResourceKind kind, const QString &id) -> QString { return resourceNoun(kind) + QLatin1Char('\n') + id; };
    for (const auto &[key, entries] : parsed.lists) {
        const std::optional<ResourceKind> kind = resourceKindNamed(key);
        if (!kind) { // named in the report, never dropped silently
            for (const Entry &e : entries)
                report.refused << QStringLiteral("%1 %2(%3): not an object kind of APISIX's standalone file").arg(key, entryName(e.value), e.where);
            if (entries.isEmpty())
                report.warnings << QStringLiteral("\"%1\" is not an object kind of APISIX's standalone file").arg(key);
            continue;
        }
        for (const Entry &e : entries) {
            const QString noun = resourceNoun(*kind);
            if (!e.value.isObject()) {
                report.refused << QStringLiteral("%1 (%2): expected an object").arg(noun, e.where);
                continue;
            }
            // A consumer's key is its username; one with an id is a credential (apisix/admin/config_validate.lua).
            const bool consumer = *kind == ResourceKind::Consumer && !e.value.toObject().contains(QStringLiteral("id"));
            const QString id = consumer ? e.value.toObject().value(QStringLiteral("username")).toString()
                                        : idText(e.value.toObject().value(QStringLiteral("id")));
            if (*kind == ResourceKind::Consumer && !consumer && !Validator::isCredentialKey(id)) {
                report.refused << QStringLiteral("consumer %1(%2): an id in a consumer must be <consumer>/credentials/<id> (a credential)").arg(entryName(e.value), e.where);
                continue;
            }
            if (consumer && id.isEmpty()) {
                report.refused << QStringLiteral("consumer (%1): it needs a \"username\"").arg(e.where);
                continue;
            }
            if (id.isEmpty()) {
                report.refused << QStringLiteral("%1 (%2): it needs an \"id\" (a text or an integer), as APISIX's standalone file does").arg(noun, e.where);
                continue;
            }
            if (whereOf.contains(entryKey(*kind, id))) {
                report.refused << QStringLiteral("%1 %2 (%3): the id is used twice; the first, at %4, is kept").arg(noun, id, e.where, whereOf.value(entryKey(*kind, id)));
                continue;
            }
            whereOf.insert(entryKey(*kind, id), e.where);
            order.append({*kind, id});
            merged.of(*kind).insert(id, e.value);
        }
    }
    // Validated together with what is already there, as the store will hold them.
    ConfigStore store;
    store.setCustomPlugins(customPlugins);
    QHash<QString, QStringList> reasons, warnings; // by entryKey; the validator's warnings say what is not run here
    for (const Problem &p : store.load(merged)) {
        const QStringList parts = p.pointer.split(QLatin1Char('/')); // "", plural, id, ...
        const std::optional<ResourceKind> kind = parts.size() > 2 ? resourceKindNamed(parts[1]) : std::nullopt;
        if (!kind)
            continue;
        QString id = parts[2];
        id.replace(QStringLiteral("~1"), QStringLiteral("/")).replace(QStringLiteral("~0"), QStringLiteral("~"));
        const QString field = parts.mid(3).join(QLatin1Char('/'));
        (p.isError() ? reasons : warnings)[entryKey(*kind, id)] << (field.isEmpty() ? p.shown() : QStringLiteral("%1: %2").arg(field, p.shown()));
    }
    for (const auto &[kind, id] : order) {
        const QString key = entryKey(kind, id);
        const QString noun = resourceNoun(kind);
        if (reasons.contains(key)) {
            report.refused << QStringLiteral("%1 %2 (%3): %4").arg(noun, id, whereOf.value(key), reasons.value(key).join(QStringLiteral("; ")));
            continue;
        }
        const QJsonObject value = merged.of(kind).value(id).toObject();
        report.objects.of(kind).insert(id, value);
        report.imported << QStringLiteral("%1 %2 (%3)").arg(noun, id, whereOf.value(key));
        for (const QString &w : warnings.value(key))
            report.notRun << QStringLiteral("%1 %2: %3").arg(noun, id, w);
    }
    return report;
}

} // namespace

Report read(Format format, const QByteArray &text, const ResourceObjects &existing, const QStringList &customPlugins)
{
    Parsed parsed;
    switch (format) {
    case Format::ApisixYaml: parsed = parseYaml(text); break;
    case Format::ApisixJson: parsed = parseJson(text); break;
    case Format::Adc: parsed = parseAdc(text); break;
    case Format::AdminCurl: parsed = parseCurl(text); break;
    }
    if (!parsed.error.isEmpty()) {
        Report report;
        report.error = parsed.error;
        return report;
    }
    return validated(parsed, existing, customPlugins);
}

Report readObjects(const ResourceObjects &incoming, const QString &origin, const ResourceObjects &existing, const QStringList &customPlugins)
{
    Parsed parsed;
    for (ResourceKind kind : kResourceKinds) {
        QList<Entry> entries;
        for (auto it = incoming.of(kind).begin(); it != incoming.of(kind).end(); ++it) {
            QJsonObject o = it.value().toObject();
            if (!o.contains(QStringLiteral("id")) && kind != ResourceKind::Consumer)
                o.insert(QStringLiteral("id"), it.key());
            entries.append({o, origin});
        }
        parsed.lists.append({resourcePlural(kind), entries});
    }
    return validated(parsed, existing, customPlugins);
}

QString summary(const Report &report)
{
    if (!report.error.isEmpty())
        return QStringLiteral("nothing imported: %1").arg(report.error);
    QStringList lines;
    lines << QStringLiteral("imported %1 object(s), refused %2").arg(report.count()).arg(report.refused.size());
    for (const QString &w : report.warnings)
        lines << QStringLiteral("warning: ") + w;
    for (const QString &r : report.refused)
        lines << QStringLiteral("refused ") + r;
    for (const QString &n : report.notRun)
        lines << QStringLiteral("note: ") + n;
    for (const QString &i : report.imported)
        lines << QStringLiteral("imported ") + i;
    return lines.join(QLatin1Char('\n'));
}

} // namespace ConfigImport
