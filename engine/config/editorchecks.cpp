#include "editorchecks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

namespace EditorChecks {

Problems checkValueAgainstSchema(const QByteArray &value, const QJsonObject &schema, const QString &pointer, const QString &pluginName)
{
    Problems out;
    rapidjson::Document schemaDoc;
    const QByteArray schemaText = QJsonDocument(schema).toJson(QJsonDocument::Compact);
    if (schemaDoc.Parse(schemaText.constData()).HasParseError())
        return out;
    rapidjson::SchemaDocument compiled(schemaDoc);
    rapidjson::Document doc;
    const QByteArray text = value; // NUL-terminated copy
    if (doc.Parse(text.constData()).HasParseError())
        return out; // reported as "not JSON" already
    rapidjson::SchemaValidator validator(compiled);
    if (doc.Accept(validator))
        return out;
    rapidjson::StringBuffer where;
    validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
    QString inner = QString::fromUtf8(where.GetString());
    if (inner.startsWith(QLatin1Char('#')))
        inner = inner.mid(1);
    const QString keyword = QString::fromUtf8(validator.GetInvalidSchemaKeyword());
    out.append({Problem::Severity::Error, pointer,
                QStringLiteral("value of \"%1\" at %2: does not satisfy \"%3\" of the plugin's schema in the catalogue")
                    .arg(pluginName, inner.isEmpty() ? QStringLiteral("/") : inner, keyword),
                inner});
    return out;
}

Problems checkExtPluginConfs(const QJsonObject &route, const PluginCatalogue &catalogue)
{
    Problems out;
    const QJsonObject plugins = route.value(QStringLiteral("plugins")).toObject();
    for (auto it = plugins.begin(); it != plugins.end(); ++it) {
        if (!Validator::isExtPlugin(it.key()) || !it.value().isObject())
            continue;
        const QString base = QStringLiteral("/plugins/") + it.key();
        const QJsonValue conf = it.value().toObject().value(QStringLiteral("conf"));
        if (conf.isUndefined()) {
            out.append({Problem::Severity::Warning, base,
                        QStringLiteral("no conf: PrepareConf is sent with an empty conf, so the runner has no plugin to run")});
            continue;
        }
        QSet<QString> seen;
        const QJsonArray items = conf.toArray();
        for (int i = 0; i < items.size(); ++i) {
            const QJsonObject entry = items[i].toObject();
            const QString at = base + QStringLiteral("/conf/%1").arg(i);
            const QString name = entry.value(QStringLiteral("name")).toString();
            if (!name.isEmpty()) {
                if (seen.contains(name))
                    out.append({Problem::Severity::Warning, at + QStringLiteral("/name"),
                                QStringLiteral("\"%1\" appears more than once in this conf: the runner gets both, in this order").arg(name)});
                seen.insert(name);
                if (!catalogue.isEmpty() && !catalogue.find(name))
                    out.append({Problem::Severity::Warning, at + QStringLiteral("/name"),
                                QStringLiteral("the runner is not known to serve \"%1\" (it is not in the workspace's plugin catalogue)").arg(name)});
            }
            const QJsonValue value = entry.value(QStringLiteral("value"));
            if (!value.isString())
                continue;
            const QByteArray text = value.toString().toUtf8();
            QJsonParseError pe;
            QJsonDocument::fromJson(text, &pe);
            const bool isJson = pe.error == QJsonParseError::NoError && !text.trimmed().isEmpty();
            if (!isJson && !text.trimmed().isEmpty()) {
                out.append({Problem::Severity::Warning, at + QStringLiteral("/value"),
                            QStringLiteral("the value is not valid JSON (%1 at character %2); the runner gets the text as it is")
                                .arg(pe.errorString()).arg(pe.offset + 1)});
                continue;
            }
            if (const CataloguePlugin *p = catalogue.find(name); p && !p->schema.isEmpty() && isJson)
                out.append(checkValueAgainstSchema(text, p->schema, at + QStringLiteral("/value"), name));
        }
    }
    return out;
}

Problems checkRoute(const QJsonObject &route, const Validator::Exists &exists, const PluginCatalogue &catalogue,
                    const QStringList &customPlugins)
{
    Problems out = Validator::validateRoute(route, exists, customPlugins);
    out.append(checkExtPluginConfs(route, catalogue));
    return out;
}

} // namespace EditorChecks
