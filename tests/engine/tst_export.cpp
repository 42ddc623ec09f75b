#include "configexport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <yaml-cpp/yaml.h>

namespace {
// Built in code: moc (Qt 6.4) stops reading a file at a raw string holding \" and then finds no class.
const QJsonObject kRoutes{
    {"1", QJsonObject{{"id", "1"}, {"uri", "/index.html"}, {"create_time", 1}, {"update_time", 2}, {"priority", 3},
                      {"plugins", QJsonObject{{"ext-plugin-post-resp", QJsonObject{{"conf", QJsonArray{QJsonObject{
                          {"name", "ext-plugin-A"}, {"value", "{\"enable\":\"feature\"}"}}}}}}}},
                      {"upstream", QJsonObject{{"type", "roundrobin"}, {"nodes", QJsonObject{{"127.0.0.1:1980", 1}}},
                                               {"timeout", QJsonObject{{"connect", 1.5}, {"send", 2}, {"read", 3}}}}}}},
    {"2", QJsonObject{{"id", "2"}, {"uris", QJsonArray{"/a", "/b/*"}}, {"upstream_id", "u1"}, {"status", 0},
                      {"labels", QJsonObject{{"v", "01"}}}}}};
const QJsonObject kUpstreams{
    {"u1", QJsonObject{{"id", "u1"}, {"nodes", QJsonArray{QJsonObject{{"host", "10.0.0.1"}, {"port", 80}, {"weight", 1}}}}, {"retries", 0}}}};

QJsonValue fromYaml(const YAML::Node &n)
{
    if (n.IsMap()) {
        QJsonObject o;
        for (const auto &kv : n)
            o.insert(QString::fromStdString(kv.first.as<std::string>()), fromYaml(kv.second));
        return o;
    }
    if (n.IsSequence()) {
        QJsonArray a;
        for (const auto &item : n)
            a.append(fromYaml(item));
        return a;
    }
    if (n.IsNull())
        return QJsonValue::Null;
    if (n.Tag() == "!") // double-quoted in the file: a string
        return QString::fromStdString(n.as<std::string>());
    const std::string s = n.as<std::string>();
    if (s == "true" || s == "false")
        return s == "true";
    bool ok = false;
    const double d = QString::fromStdString(s).toDouble(&ok);
    return ok ? QJsonValue(d) : QJsonValue(QString::fromStdString(s));
}
} // namespace

class TestExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void yamlReadsBackToTheSameObjects();
    void jsonForm();
    void adminCurlScript();
};

void TestExport::yamlReadsBackToTheSameObjects()
{
    const QByteArray yaml = ConfigExport::toApisixYaml(ResourceObjects{kRoutes, kUpstreams});
    QVERIFY(yaml.endsWith("#END\n")); // APISIX reads standalone files only up to this line
    const YAML::Node doc = YAML::Load(yaml.toStdString());
    const QJsonObject back = fromYaml(doc).toObject();
    const QJsonArray routes = back.value("routes").toArray();
    QCOMPARE(routes.size(), 2);
    QJsonObject first = kRoutes.value("1").toObject();
    first.remove("create_time");
    first.remove("update_time");
    QCOMPARE(routes[0].toObject(), first);
    QCOMPARE(routes[1].toObject().value("labels").toObject().value("v").toString(), QStringLiteral("01")); // stays a string
    QCOMPARE(back.value("upstreams").toArray()[0].toObject(), kUpstreams.value("u1").toObject());
}

void TestExport::jsonForm()
{
    const QJsonObject o = QJsonDocument::fromJson(ConfigExport::toApisixJson(ResourceObjects{kRoutes, kUpstreams})).object();
    QCOMPARE(o.value("routes").toArray().size(), 2);
    QVERIFY(!o.value("routes").toArray()[0].toObject().contains("create_time"));
    QCOMPARE(o.value("upstreams").toArray()[0].toObject().value("id").toString(), QStringLiteral("u1"));
}

void TestExport::adminCurlScript()
{
    const QString script = QString::fromUtf8(ConfigExport::toAdminCurl(ResourceObjects{kRoutes, kUpstreams}));
    QVERIFY(script.startsWith("#!/bin/sh"));
    const qsizetype upstream = script.indexOf("/apisix/admin/upstreams/u1");
    const qsizetype route = script.indexOf("/apisix/admin/routes/2");
    QVERIFY(upstream > 0 && route > upstream); // upstreams before the routes that use them
    QVERIFY(script.contains("-d '{\"plugins\":{\"ext-plugin-post-resp\":{\"conf\":[{\"name\":\"ext-plugin-A\",\"value\":\"{\\\"enable\\\":\\\"feature\\\"}\"}]}}"));
    QVERIFY(script.contains("X-API-KEY: $ADMIN_KEY"));
    QVERIFY(!script.contains("create_time"));
}

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
