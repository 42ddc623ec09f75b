#include "configexport.h"
#include "configimport.h"

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
// Every kind, with the fields RouteScope supports (and some it stores without running).
ResourceObjects corpus()
{
    ResourceObjects o{kRoutes, kUpstreams};
    const QJsonObject extConf{{"conf", QJsonArray{QJsonObject{{"name", "ext-plugin-A"}, {"value", "{\"a\":1}"}}}}, {"allow_degradation", true}};
    o.upstreams.insert("u2", QJsonObject{{"id", "u2"}, {"name", "hashed"}, {"type", "chash"}, {"hash_on", "header"}, {"key", "x-user"},
                                         {"nodes", QJsonObject{{"10.0.0.2:8080", 2}, {"[::1]:80", 1}}}, {"pass_host", "rewrite"},
                                         {"upstream_host", "internal.svc"}, {"scheme", "https"}, {"labels", QJsonObject{{"team", "a"}}},
                                         {"keepalive_pool", QJsonObject{{"size", 4}, {"idle_timeout", 30}, {"requests", 100}}}});
    o.services.insert("s1", QJsonObject{{"id", "s1"}, {"name", "svc"}, {"upstream_id", "u2"}, {"hosts", QJsonArray{"api.example.com"}},
                                        {"plugins", QJsonObject{{"ext-plugin-post-req", extConf}}}});
    o.pluginConfigs.insert("pc1", QJsonObject{{"id", "pc1"}, {"desc", "shared"}, {"plugins", QJsonObject{{"ext-plugin-pre-req", extConf}}}});
    o.globalRules.insert("g1", QJsonObject{{"id", "g1"}, {"plugins", QJsonObject{{"ext-plugin-post-resp", extConf}}}});
    o.routes.insert("3", QJsonObject{{"id", "3"}, {"uri", "/svc/*"}, {"service_id", "s1"}, {"plugin_config_id", "pc1"},
                                     {"methods", QJsonArray{"GET", "POST"}}, {"host", "a.example.com"},
                                     {"remote_addrs", QJsonArray{"127.0.0.0/8"}}, {"priority", -2}, {"status", 1},
                                     {"vars", QJsonArray{QJsonArray{"arg_name", "==", "json"}, QJsonArray{"http_x", "~~", "^a+$"}}},
                                     {"filter_func", "function(vars) return true end"}, {"desc", "it's the shop's"},
                                     {"plugins", QJsonObject{{"cors", QJsonObject{}}}}});
    return o;
}

ConfigImport::Report imported(const QByteArray &text, ConfigImport::Format format)
{
    return ConfigImport::read(format, text);
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void yamlReadsBackToTheSameObjects();
    void jsonForm();
    void adminCurlScript();
    void roundTripIsByteIdentical();
    void importReportsEveryEntry();
    void malformedFileImportsNothing_data();
    void malformedFileImportsNothing();
    void importOverTheWorkspace();
    void demoLeftOutOfProduction();
    void configYamlSnippet();
    void adcAsItsApisixBackendConverts();
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

void TestExport::roundTripIsByteIdentical()
{
    const ResourceObjects objects = corpus();
    for (ConfigImport::Format format : {ConfigImport::Format::ApisixYaml, ConfigImport::Format::ApisixJson, ConfigImport::Format::AdminCurl}) {
        const auto render = [format](const ResourceObjects &o) {
            return format == ConfigImport::Format::ApisixYaml ? ConfigExport::toApisixYaml(o)
                 : format == ConfigImport::Format::ApisixJson ? ConfigExport::toApisixJson(o)
                                                              : ConfigExport::toAdminCurl(o);
        };
        const QByteArray first = render(objects);
        const ConfigImport::Report report = imported(first, format);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QVERIFY2(report.refused.isEmpty(), qPrintable(report.refused.join('\n')));
        QCOMPARE(report.count(), 8);
        QVERIFY2(report.warnings.isEmpty(), qPrintable(report.warnings.join('\n')));
        // What is stored but not run is said: the cors plugin and filter_func of route 3.
        QCOMPARE(report.notRun.size(), 2);
        QVERIFY(report.notRun.join('\n').contains("cors"));
        QVERIFY(report.notRun.join('\n').contains("filter_func"));
        QCOMPARE(render(report.objects), first);
        QCOMPARE(ConfigImport::formatOf("out", first), format); // found by its content
    }
}

void TestExport::importReportsEveryEntry()
{
    const QByteArray yaml = "routes:\n"
                            "  - id: 1\n"                        // line 2
                            "    uri: /index.html\n"
                            "    upstream_id: 1\n"
                            "  - id: 2\n"                        // line 5: a reference to nothing
                            "    uri: /x\n"
                            "    upstream_id: 99\n"
                            "  - uri: /noid\n"                   // line 8
                            "  - id: 1\n"                        // line 9: twice
                            "    uri: /dup\n"
                            "upstreams:\n"
                            "  - id: 1\n"                        // line 12
                            "    nodes:\n"
                            "      \"127.0.0.1:1980\": 1\n"
                            "stream_routes:\n"
                            "  - id: 5\n"                       // line 16
                            "stream_proxies:\n"
                            "  - name: x\n";                    // line 18: not a kind, no #END
    const ConfigImport::Report r = imported(yaml, ConfigImport::Format::ApisixYaml);
    QVERIFY(r.error.isEmpty());
    QCOMPARE(r.objects.routes.keys(), QStringList{"1"});
    QCOMPARE(r.objects.upstreams.keys(), QStringList{"1"});
    QCOMPARE(r.objects.routes.value("1").toObject().value("id").toDouble(), 1.0); // a number stays a number
    QCOMPARE(r.imported, (QStringList{"route 1 (line 2, column 5)", "upstream 1 (line 12, column 5)", "stream route 5 (line 16, column 5)"}));
    QCOMPARE(r.refused.size(), 4);
    const QString refused = r.refused.join('\n');
    QVERIFY2(refused.contains("route 2 (line 5, column 5): upstream_id: failed to fetch upstream info by upstream id [99]"), qPrintable(refused));
    QVERIFY2(refused.contains("route (line 8, column 5): it needs an \"id\""), qPrintable(refused));
    QVERIFY2(refused.contains("route 1 (line 9, column 5): the id is used twice; the first, at line 2, column 5, is kept"), qPrintable(refused));
    QVERIFY2(refused.contains("stream_proxies (line 18, column 5): not an object kind of APISIX's standalone file"), qPrintable(refused));
    QCOMPARE(r.warnings.size(), 1);
    QVERIFY(r.warnings.first().contains("#END"));
    QVERIFY(ConfigImport::summary(r).startsWith("imported 3 object(s), refused 4"));
}

void TestExport::malformedFileImportsNothing_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("error");
    const int yaml = int(ConfigImport::Format::ApisixYaml), json = int(ConfigImport::Format::ApisixJson);
    QTest::newRow("yaml indentation") << QByteArray("routes:\n  - id: 1\n   uri: x\n") << yaml << QStringLiteral("line 3, column 4: end of sequence not found");
    QTest::newRow("yaml list at the top") << QByteArray("- id: 1\n") << yaml << QStringLiteral("line 1, column 1: expected a mapping");
    QTest::newRow("yaml routes not a list") << QByteArray("routes:\n  id: 1\n") << yaml << QStringLiteral("line 2, column 3: \"routes\" must be a list");
    QTest::newRow("yaml empty") << QByteArray("") << yaml << QStringLiteral("the file holds no configuration");
    QTest::newRow("json cut") << QByteArray("{\"routes\": [1,\n") << json << QStringLiteral("line 2, column 1: unterminated array");
    QTest::newRow("json routes an object") << QByteArray("{\n \"routes\": {\"1\": {}}}") << json << QStringLiteral("line 2, column 12: \"routes\" must be a list");
    QTest::newRow("adc services not a list") << QByteArray("services:\n  a: 1\n") << int(ConfigImport::Format::Adc)
                                              << QStringLiteral("line 2, column 3: \"services\" must be a list");
    QTest::newRow("adc list at the top") << QByteArray("- name: a\n") << int(ConfigImport::Format::Adc) << QStringLiteral("line 1, column 1: expected a mapping");
    QTest::newRow("curl line of another shape") << QByteArray("#!/bin/sh\ncurl -sS http://x/apisix/admin/routes\n") << int(ConfigImport::Format::AdminCurl)
                                                << QStringLiteral("line 2, column 1: not a PUT of the Admin API");
    QTest::newRow("json array at the top") << QByteArray("[]") << json << QStringLiteral("line 1, column 1: expected an object");
}

void TestExport::malformedFileImportsNothing()
{
    QFETCH(QByteArray, text);
    QFETCH(int, format);
    QFETCH(QString, error);
    const ConfigImport::Report r = imported(text, ConfigImport::Format(format));
    QVERIFY2(r.error.startsWith(error), qPrintable(r.error));
    QCOMPARE(r.count(), 0);
    QVERIFY(ConfigImport::summary(r).startsWith("nothing imported: "));
}

void TestExport::importOverTheWorkspace()
{
    // A route of the file may use an upstream the workspace has; an entry with a workspace id replaces it.
    ResourceObjects existing;
    existing.upstreams.insert("u1", kUpstreams.value("u1"));
    existing.routes.insert("7", QJsonObject{{"id", "7"}, {"uri", "/old"}, {"upstream_id", "u1"}});
    const QByteArray json = "{\"routes\": [{\"id\": \"7\", \"uri\": \"/new\", \"upstream_id\": \"u1\"}]}";
    const ConfigImport::Report r = ConfigImport::read(ConfigImport::Format::ApisixJson, json, existing);
    QVERIFY2(r.refused.isEmpty(), qPrintable(r.refused.join('\n')));
    QCOMPARE(r.objects.routes.value("7").toObject().value("uri").toString(), QStringLiteral("/new"));
    QVERIFY(r.objects.upstreams.isEmpty()); // only what the file holds is reported as imported
    QVERIFY(!ConfigImport::read(ConfigImport::Format::ApisixJson, json).refused.isEmpty()); // alone, u1 is missing
}

void TestExport::demoLeftOutOfProduction()
{
    ResourceObjects o{kRoutes, kUpstreams};
    o.routes.insert("demo", QJsonObject{{"id", "demo"}, {"uri", "/demo/*"}, {"upstream_id", "demo"}});
    o.upstreams.insert("demo", QJsonObject{{"id", "demo"}, {"nodes", QJsonObject{{"127.0.0.1:1980", 1}}}});
    QStringList leftOut;
    ResourceObjects production = ConfigExport::forProduction(o, &leftOut);
    QCOMPARE(production.routes.keys(), (QStringList{"1", "2"}));
    QCOMPARE(production.upstreams.keys(), QStringList{"u1"});
    QCOMPARE(leftOut.size(), 2);
    // Still used by a route of the user's: the demo upstream goes with it.
    o.routes.insert("mine", QJsonObject{{"id", "mine"}, {"uri", "/m"}, {"upstream_id", "demo"}});
    leftOut.clear();
    production = ConfigExport::forProduction(o, &leftOut);
    QVERIFY(production.upstreams.contains("demo"));
    QCOMPARE(leftOut.size(), 1);
}

void TestExport::configYamlSnippet()
{
    const QJsonObject runner{{"cmd", QJsonArray{"/opt/runner/bin/runner", "--mode", "prod"}}};
    QByteArray snippet = ConfigExport::configYamlSnippet(ResourceObjects{kRoutes, kUpstreams}, runner, {});
    QVERIFY2(snippet.contains("ext-plugin:\n"), snippet.constData());
    QVERIFY2(snippet.contains("cmd: [\"/opt/runner/bin/runner\", \"--mode\", \"prod\"]"), snippet.constData());
    QVERIFY(!snippet.contains("plugins:"));
    const YAML::Node parsed = YAML::Load(snippet.toStdString()); // what the user pastes is YAML
    QCOMPARE(parsed["ext-plugin"]["cmd"].size(), std::size_t(3));
    snippet = ConfigExport::configYamlSnippet(ResourceObjects{{}, kUpstreams}, runner, {"my-auth"});
    QVERIFY(!snippet.contains("ext-plugin:"));
    QVERIFY2(snippet.contains("plugins:") && snippet.contains("  - my-auth\n"), snippet.constData());
    QVERIFY(ConfigExport::configYamlSnippet({}, runner, {}).contains("needs nothing"));
}

void TestExport::adcAsItsApisixBackendConverts()
{
    QStringList notes;
    const QByteArray adc = ConfigExport::toAdcYaml(corpus(), &notes);
    const QJsonObject file = fromYaml(YAML::Load(adc.toStdString())).toObject();
    QCOMPARE(file.keys(), (QStringList{"global_rules", "services"})); // ADC's top level
    const QJsonArray services = file.value("services").toArray();
    // Route 1 wrapped in a service of its own (id sha1("1") = 356a…, first by id), then s1 with route 3;
    // route 2 is disabled: left out.
    QCOMPARE(services.size(), 2);
    const QJsonObject s1 = services[1].toObject();
    QCOMPARE(s1.value("name").toString(), QStringLiteral("svc"));
    QCOMPARE(s1.value("hosts").toArray(), QJsonArray{"api.example.com"});
    const QJsonObject upstream = s1.value("upstream").toObject(); // upstream_id resolved, inline, without its name
    QVERIFY(!upstream.contains("name") && !upstream.contains("id"));
    QCOMPARE(upstream.value("type").toString(), QStringLiteral("chash"));
    QCOMPARE(upstream.value("nodes").toArray(),
             (QJsonArray{QJsonObject{{"host", "10.0.0.2"}, {"port", 8080}, {"weight", 2}}, QJsonObject{{"host", "[::1]"}, {"port", 80}, {"weight", 1}}}));
    const QJsonObject route3 = s1.value("routes").toArray()[0].toObject();
    QCOMPARE(route3.value("name").toString(), QStringLiteral("3"));
    QCOMPARE(route3.value("uris").toArray(), QJsonArray{"/svc/*"});
    QCOMPARE(route3.value("hosts").toArray(), QJsonArray{"a.example.com"}); // host as ADC's hosts
    QVERIFY(route3.value("plugins").toObject().contains("ext-plugin-pre-req")); // its plugin config, merged
    QVERIFY(route3.value("plugins").toObject().contains("cors"));
    for (const char *absent : {"service_id", "plugin_config_id", "upstream_id", "upstream", "status", "host", "uri"})
        QVERIFY2(!route3.contains(absent), absent);
    const QJsonObject wrapped = services[0].toObject();
    QCOMPARE(wrapped.value("id").toString(), ConfigExport::adcId("1"));
    QCOMPARE(wrapped.value("name").toString(), QStringLiteral("1"));
    QCOMPARE(wrapped.value("routes").toArray()[0].toObject().value("uris").toArray(), QJsonArray{"/index.html"});
    QCOMPARE(wrapped.value("upstream").toObject().value("nodes").toArray()[0].toObject().value("port").toInt(), 1980);
    QCOMPARE(wrapped.value("upstream").toObject().value("timeout").toObject().value("read").toInt(), 3);
    QVERIFY(file.value("global_rules").toObject().contains("ext-plugin-post-resp"));
    const QString said = notes.join('\n');
    QVERIFY2(said.contains("route 2 left out: it is disabled"), qPrintable(said));
    QVERIFY2(said.contains("route 3: plugin config pc1 merged"), qPrintable(said));
    QCOMPARE(ConfigExport::formatFromName("adc"), std::optional(ConfigExport::Format::Adc));

    // Imported as ADC's APISIX backend takes it apart, and exported again: the same bytes.
    QCOMPARE(ConfigImport::formatOf("adc.yaml", adc), ConfigImport::Format::Adc);
    QCOMPARE(ConfigImport::formatOf("apisix.yaml", ConfigExport::toApisixYaml(corpus())), ConfigImport::Format::ApisixYaml);
    const ConfigImport::Report back = ConfigImport::read(ConfigImport::Format::Adc, adc);
    QVERIFY2(back.error.isEmpty(), qPrintable(back.error));
    QVERIFY2(back.refused.isEmpty(), qPrintable(back.refused.join('\n')));
    QCOMPARE(back.objects.services.value("s1").toObject().value("upstream_id").toString(), QStringLiteral("s1")); // FromADC: the service's id
    QCOMPARE(back.objects.upstreams.value("s1").toObject().value("name").toString(), QStringLiteral("svc"));
    QCOMPARE(back.objects.routes.value("3").toObject().value("service_id").toString(), QStringLiteral("s1"));
    const QString wrappedId = ConfigExport::adcId("1");
    QCOMPARE(back.objects.routes.value("1").toObject().value("service_id").toString(), wrappedId);
    QVERIFY(back.objects.globalRules.contains("ext-plugin-post-resp")); // one global rule per plugin, named after it
    QCOMPARE(ConfigExport::toAdcYaml(back.objects, nullptr), adc);
}

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
